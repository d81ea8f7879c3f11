// title: Why two organisations are related: every stated relation with its document, page and sentence
// param: cluster = TWIST
// param: organisation = IBC
MATCH (c:Organisation {name: $cluster})-[r]-(o:Organisation {name: $organisation})
WHERE type(r) IN ['PARTNERS_WITH', 'TAKES_PART_IN', 'SYNERGY_WITH', 'PRESENT_AT', 'HAS_MEMBER']
RETURN type(r) AS relation, r.source AS document, r.page AS page, r.sentence AS sentence
ORDER BY document, page
