// title: Why two organisations are related: every stated relation with its document, page and sentence
// param: cluster = TWIST
// param: organisation = IBC
// given: stated_relations (evalgraph passes every relation type a report can state)
MATCH (c:Organisation {name: $cluster})-[r]-(o:Organisation {name: $organisation})
WHERE type(r) IN $stated_relations
RETURN type(r) AS relation, r.source AS document, r.page AS page, r.sentence AS sentence
ORDER BY document, page
