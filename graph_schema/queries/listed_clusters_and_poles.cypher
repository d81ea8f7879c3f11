// title: Clusters and pôles as reference lists present them, with their domain
MATCH (d:Document)-[l:LISTS]->(o:Organisation)
RETURN l.type AS type, o.name AS organisation, l.domain AS domain, d.source AS document, l.page AS page
ORDER BY type, organisation
