// title: Clusters related to a pôle de compétitivité: stated relations and shared partners
// param: pole = Wagralim
// given: stated_relations (evalgraph passes every relation type a report can state)
MATCH (p:Pole {name: $pole})-[r]-(c:Cluster)
WHERE type(r) IN $stated_relations AND c <> p
RETURN c.name AS cluster, 'stated' AS link, collect(DISTINCT type(r)) AS detail, collect(DISTINCT r.source) AS documents
UNION
MATCH (p:Pole {name: $pole})-[s:SHARES_PARTNERS]-(c:Cluster)
WHERE c <> p
RETURN c.name AS cluster, 'shared partners' AS link, s.partners AS detail, [] AS documents
