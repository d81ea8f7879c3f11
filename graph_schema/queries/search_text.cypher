// title: Which passages of the reports speak of a subject (full-text, French analyzer), with document and page?
// param: text = AWEX
// param: limit = 20
CALL db.index.fulltext.queryNodes('report_text', $text) YIELD node, score
RETURN labels(node)[0] AS kind, node.source AS document, coalesce(node.pages, [node.page]) AS pages,
       coalesce(node.id, toString(node.number), node.title) AS ref, round(score, 2) AS score,
       left(coalesce(node.text, node.title), 200) AS passage
ORDER BY score DESC, document, ref
LIMIT $limit
