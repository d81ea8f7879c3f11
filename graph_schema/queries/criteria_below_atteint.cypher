// title: Criteria judged below Atteint, across every evaluation (level 0 Non atteint .. 3 Atteint)
MATCH (c:Organisation)<-[:EVALUATES]-(e:Evaluation)-[:HAS_QUESTION]->(q:Question)
      -[:HAS_CRITERION]->(k:Criterion)-[:HAS_JUDGMENT]->(j:Judgment)
WHERE j.level < 3
RETURN c.name AS cluster, e.year AS year, k.id AS criterion, k.theme AS theme, j.label AS judgment,
       j.level AS level, k.source AS document, k.page AS page
ORDER BY cluster, year, level, criterion
