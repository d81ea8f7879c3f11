// title: Constats that name an organisation (under its canonical name or any spelling the documents print)
// param: organisation = Digital Wallonia
MATCH (o:Organisation {name: $organisation})
OPTIONAL MATCH (:Document)-[m:MENTIONS]->(o)
WITH toLower(o.name) AS name, collect(DISTINCT toLower(m.printed)) AS printed
MATCH (k:Constat)
WHERE toLower(k.text) CONTAINS name OR any(spelling IN printed WHERE toLower(k.text) CONTAINS spelling)
RETURN k.source AS document, k.number AS constat, k.page AS page, k.text AS text
ORDER BY document, constat
