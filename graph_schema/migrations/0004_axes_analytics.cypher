// 0004: strategic axes (owned by their document) and the network analytics written back by
// `evalgraph analyse`: one NetworkAnalysis node, communities looked up by number.
CREATE CONSTRAINT strategic_axis_uid IF NOT EXISTS FOR (n:StrategicAxis) REQUIRE n.uid IS UNIQUE;
CREATE INDEX strategic_axis_source IF NOT EXISTS FOR (n:StrategicAxis) ON (n.source);
CREATE CONSTRAINT network_analysis_id IF NOT EXISTS FOR (n:NetworkAnalysis) REQUIRE n.id IS UNIQUE;
CREATE INDEX organisation_community IF NOT EXISTS FOR (o:Organisation) ON (o.community);
