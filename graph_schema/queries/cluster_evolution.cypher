// title: How a cluster's figures and judgments changed from one evaluation to the next
// param: cluster = TWIST
MATCH (c:Organisation {name: $cluster})<-[:EVALUATES]-(e:Evaluation)
WITH c, e, coalesce(e.date, toString(e.year)) AS when
OPTIONAL MATCH (e)-[:HAS_FIGURE]->(f:Figure {name: 'members'})
WITH c, e, when, f ORDER BY f.page
WITH c, e, when, collect(f.value)[0] AS members
OPTIONAL MATCH (e)-[:HAS_QUESTION]->(:Question)-[:HAS_CRITERION]->(:Criterion)-[:HAS_JUDGMENT]->(j:Judgment)
WITH c, e, when, members, collect(j.level) AS levels
// members are compared with the latest earlier evaluation that counted them
OPTIONAL MATCH (c)<-[:EVALUATES]-(earlier:Evaluation)-[:HAS_FIGURE]->(pf:Figure {name: 'members'})
WHERE coalesce(earlier.date, toString(earlier.year)) < when
WITH e, when, members, levels, earlier, pf ORDER BY coalesce(earlier.date, toString(earlier.year)) DESC, pf.page
WITH e, when, members, levels, collect(pf.value)[0] AS earlier_members, collect(earlier.year)[0] AS earlier_year
OPTIONAL MATCH (previous:Evaluation)-[:NEXT_EVALUATION]->(e)
RETURN e.year AS year, e.date AS date, e.evaluator AS evaluator, e.source AS document, members,
       CASE WHEN members IS NULL OR earlier_members IS NULL THEN null ELSE members - earlier_members END
         AS members_change,
       CASE WHEN members IS NULL OR earlier_members IS NULL THEN null ELSE earlier_year END AS members_compared_with,
       size(levels) AS judged,
       size([l IN levels WHERE l = 3]) AS atteint,
       size([l IN levels WHERE l = 2]) AS satisfaisant,
       size([l IN levels WHERE l = 1]) AS partiel,
       size([l IN levels WHERE l = 0]) AS non_atteint,
       CASE WHEN size(levels) = 0 THEN null ELSE round(reduce(s = 0.0, l IN levels | s + l) / size(levels), 2) END
         AS mean_level,
       previous.year AS previous_evaluation
ORDER BY when
