// title: Partners shared by two clusters (or pôles), with the relations each one states
// param: a = CAP 2020
// param: b = (Val)+
// given: stated_relations (evalgraph passes every relation type a report can state)
MATCH (a:Organisation {name: $a})-[ra]-(p:Organisation)-[rb]-(b:Organisation {name: $b})
WHERE type(ra) IN $stated_relations
  AND type(rb) IN $stated_relations
  AND p <> a AND p <> b
WITH p, collect(DISTINCT type(ra)) AS relations_of_a, collect(DISTINCT type(rb)) AS relations_of_b,
     collect(DISTINCT ra.source) + collect(DISTINCT rb.source) AS cited
RETURN p.name AS partner, [l IN labels(p) WHERE l <> 'Organisation'] AS kinds, relations_of_a, relations_of_b,
       reduce(acc = [], s IN cited | CASE WHEN s IN acc THEN acc ELSE acc + s END) AS documents
ORDER BY partner
