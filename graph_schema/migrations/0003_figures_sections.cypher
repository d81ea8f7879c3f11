// 0003: figures and sections of narrative and policy reports, owned by their document.
CREATE CONSTRAINT figure_uid IF NOT EXISTS FOR (n:Figure) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT section_uid IF NOT EXISTS FOR (n:Section) REQUIRE n.uid IS UNIQUE;
CREATE INDEX figure_source IF NOT EXISTS FOR (n:Figure) ON (n.source);
CREATE INDEX section_source IF NOT EXISTS FOR (n:Section) ON (n.source);
CREATE INDEX figure_name IF NOT EXISTS FOR (n:Figure) ON (n.name);
