// title: European programmes and projects each cluster takes part in
MATCH (c:Cluster)-[r:TAKES_PART_IN]->(p:Organisation)
WHERE p.region = 'Europe' OR (NOT p.known AND toLower(r.sentence) CONTAINS 'europ')
RETURN c.name AS cluster, p.name AS project, [l IN labels(p) WHERE l <> 'Organisation'] AS kinds,
       collect(DISTINCT r.source) AS documents, min(r.page) AS page
ORDER BY cluster, project
