// Document identity is the path below the ingested root (pipeline/archive.py); the sha256 of its
// bytes recognises a moved file and a copy, so it is looked up on every ingest. Graphs loaded
// before keep their bare file names: the next ingest of their folders renames them by moves.
CREATE INDEX document_sha256 IF NOT EXISTS FOR (d:Document) ON (d.sha256);
