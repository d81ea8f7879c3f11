// title: Documents whose extraction raised validation warnings, to check by hand
MATCH (d:Document) WHERE d.warning_count > 0
RETURN d.source AS document, d.doc_type AS type, d.warning_count AS warnings, d.warnings AS details
ORDER BY warnings DESC, document
