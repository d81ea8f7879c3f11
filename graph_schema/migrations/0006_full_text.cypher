// Full-text search over what the reports say (`evalgraph search`, the cookbook's search_text):
// constats, criteria (and their themes), questions, and the sections and their titles of
// narrative reports. Lucene's French analyzer: accents folded, French stop words and stems, so
// "partenariats" finds "partenariat" and "Région" finds "region".
CREATE FULLTEXT INDEX report_text IF NOT EXISTS
FOR (n:Constat|Criterion|Question|Section) ON EACH [n.text, n.theme, n.title]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'french'}};
