// 0001: keys of every node kind, and lookup indexes for provenance.
// One statement per `;`. Applied once, recorded on (:SchemaVersion {id: 'evalgraph'}).
CREATE CONSTRAINT document_source IF NOT EXISTS FOR (d:Document) REQUIRE d.source IS UNIQUE;
CREATE CONSTRAINT cluster_name IF NOT EXISTS FOR (c:Cluster) REQUIRE c.name IS UNIQUE;
CREATE CONSTRAINT organisation_name IF NOT EXISTS FOR (o:Organisation) REQUIRE o.name IS UNIQUE;
CREATE CONSTRAINT evaluation_uid IF NOT EXISTS FOR (n:Evaluation) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT question_uid IF NOT EXISTS FOR (n:Question) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT criterion_uid IF NOT EXISTS FOR (n:Criterion) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT judgment_uid IF NOT EXISTS FOR (n:Judgment) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT constat_uid IF NOT EXISTS FOR (n:Constat) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT phase_uid IF NOT EXISTS FOR (n:Phase) REQUIRE n.uid IS UNIQUE;
CREATE INDEX evaluation_source IF NOT EXISTS FOR (n:Evaluation) ON (n.source);
CREATE INDEX question_source IF NOT EXISTS FOR (n:Question) ON (n.source);
CREATE INDEX criterion_source IF NOT EXISTS FOR (n:Criterion) ON (n.source);
CREATE INDEX judgment_source IF NOT EXISTS FOR (n:Judgment) ON (n.source);
CREATE INDEX constat_source IF NOT EXISTS FOR (n:Constat) ON (n.source);
CREATE INDEX phase_source IF NOT EXISTS FOR (n:Phase) ON (n.source);
CREATE INDEX evaluation_year IF NOT EXISTS FOR (n:Evaluation) ON (n.year);
CREATE INDEX judgment_level IF NOT EXISTS FOR (n:Judgment) ON (n.level);
