// 0002: every named organisation (clusters included) is an :Organisation keyed by its canonical
// name, with labels for its types; mentions and relations carry their evidence and `source`.
MATCH (c:Cluster) WHERE NOT c:Organisation SET c:Organisation;
CREATE INDEX organisation_known IF NOT EXISTS FOR (o:Organisation) ON (o.known);
CREATE INDEX mentions_source IF NOT EXISTS FOR ()-[r:MENTIONS]-() ON (r.source);
