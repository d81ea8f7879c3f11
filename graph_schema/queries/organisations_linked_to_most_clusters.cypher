// title: Organisations linked to the most clusters (any stated relation, either direction)
// param: limit = 10
MATCH (c:Cluster)-[r:PARTNERS_WITH|TAKES_PART_IN|SYNERGY_WITH|PRESENT_AT|HAS_MEMBER]-(o:Organisation)
WHERE c <> o
WITH o, collect(DISTINCT c.name) AS clusters
RETURN o.name AS organisation, [l IN labels(o) WHERE l <> 'Organisation'] AS kinds,
       size(clusters) AS cluster_count, clusters
ORDER BY cluster_count DESC, organisation
LIMIT $limit
