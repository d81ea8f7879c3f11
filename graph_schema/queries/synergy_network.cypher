// title: The synergy network between clusters and pôles: synergies the documents state, and pairs that share partners (computed)
MATCH (a:Organisation)-[r:SYNERGY_WITH]->(b:Organisation)
WHERE (a:Cluster OR a:Pole) AND (b:Cluster OR b:Pole OR b:ForeignCluster)
RETURN a.name AS from, b.name AS to, 'stated' AS kind, count(DISTINCT r.source) AS weight,
       collect(DISTINCT r.source) AS detail
UNION ALL
MATCH (a:Organisation)-[s:SHARES_PARTNERS]->(b:Organisation)
RETURN a.name AS from, b.name AS to, 'shared partners' AS kind, s.weight AS weight, s.partners AS detail
