// title: Every evaluation: who evaluated what, when, and how much was extracted
MATCH (d:Document)-[:REPORTS]->(e:Evaluation)
OPTIONAL MATCH (e)-[:HAS_QUESTION]->(q:Question)
OPTIONAL MATCH (q)-[:HAS_CRITERION]->(k:Criterion)
WITH d, e, count(DISTINCT q) AS questions, count(DISTINCT k) AS criteria
OPTIONAL MATCH (n:Constat {source: d.source})
RETURN coalesce(e.cluster, '(policy)') AS cluster, e.year AS year, e.evaluator AS evaluator,
       e.evaluation_type AS kind, e.period_kind AS period, questions, criteria, count(n) AS constats,
       d.source AS document
ORDER BY cluster, year
