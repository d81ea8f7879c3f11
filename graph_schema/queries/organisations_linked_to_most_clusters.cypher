// title: Organisations linked to the most clusters (any stated relation, either direction)
// param: limit = 10
// given: stated_relations (evalgraph passes every relation type a report can state)
MATCH (c:Cluster)-[r]-(o:Organisation)
WHERE type(r) IN $stated_relations AND c <> o
WITH o, collect(DISTINCT c.name) AS clusters
RETURN o.name AS organisation, [l IN labels(o) WHERE l <> 'Organisation'] AS kinds,
       size(clusters) AS cluster_count, clusters
ORDER BY cluster_count DESC, organisation
LIMIT $limit
