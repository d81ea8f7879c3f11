// title: Organisations the gazetteer does not know (found by the NER), with where they are named
MATCH (d:Document)-[m:MENTIONS]->(o:Organisation {review: true})
WITH o, m ORDER BY m.source, m.page
RETURN o.name AS organisation, o.types AS guessed_types, collect(DISTINCT m.source) AS documents,
       collect(m.page)[0] AS first_page, collect(m.sentence)[0] AS evidence
ORDER BY organisation
