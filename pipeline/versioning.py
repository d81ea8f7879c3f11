"""What a stored extraction was made with: the code's version and the knowledge it read.

The report wording (report_wording.yaml) and the partner cues (partner_cues.yaml) change what
extraction gives as much as the code does, so their content is part of the version that the
extraction cache key and the re-ingest check compare: an analyst who edits one sees every
document re-extracted. The gazetteer is versioned per document instead (its scope,
pipeline.gazetteer_scope): an edit re-extracts the documents it concerns.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline import PIPELINE_VERSION


def knowledge_digest() -> str:
    """sha256 over the knowledge files extraction reads, as they are now."""
    from pipeline.partner_cues import CUES_PATH
    from pipeline.vocabulary import wording_path

    files = [(path, path.stat()) for path in (wording_path(), CUES_PATH)]
    return _digest(tuple((str(path), stat.st_mtime_ns, stat.st_size) for path, stat in files))


@lru_cache(maxsize=8)
def _digest(files: tuple[tuple[str, int, int], ...]) -> str:
    """Read and hashed once per version of the files (path, mtime, size), not once per document."""
    digest = hashlib.sha256()
    for name, _, _ in files:
        path = Path(name)
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def extraction_version() -> str:
    """'0.8.2+3f2a…': the pipeline version, then the first 12 hex digits of the knowledge digest."""
    return f"{PIPELINE_VERSION}+{knowledge_digest()[:12]}"
