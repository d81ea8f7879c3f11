// title: How each theme was judged across evaluations
MATCH (k:Criterion)-[:HAS_JUDGMENT]->(j:Judgment)
WITH coalesce(k.theme, '(none)') AS theme, j
RETURN theme, count(j) AS judged,
       size([x IN collect(j.level) WHERE x = 3]) AS atteint,
       size([x IN collect(j.level) WHERE x = 2]) AS satisfaisant,
       size([x IN collect(j.level) WHERE x = 1]) AS partiel,
       size([x IN collect(j.level) WHERE x = 0]) AS non_atteint
ORDER BY judged DESC, theme
