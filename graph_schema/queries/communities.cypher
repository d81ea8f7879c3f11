// title: Communities of the partnership network (Louvain) with more than one organisation
MATCH (o:Organisation) WHERE o.community IS NOT NULL
WITH o.community AS community, o ORDER BY o.pagerank DESC, o.name
WITH community, collect(o.name) AS members
WHERE size(members) > 1
RETURN community, size(members) AS size, members
ORDER BY community
