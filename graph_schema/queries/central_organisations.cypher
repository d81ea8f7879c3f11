// title: The most central organisations of the partnership network (computed by `evalgraph analyse`)
// param: limit = 10
MATCH (o:Organisation) WHERE o.pagerank IS NOT NULL
RETURN o.name AS organisation, [l IN labels(o) WHERE l <> 'Organisation'] AS kinds, o.degree AS degree,
       o.betweenness AS betweenness, o.pagerank AS pagerank, o.community AS community
ORDER BY pagerank DESC, organisation
LIMIT $limit
