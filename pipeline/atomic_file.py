"""Files replaced whole or not at all: written to a temporary file beside the target, then renamed
over it. A reader never sees half a file, an interrupted write leaves the old one, and two
processes writing the same file at once (extraction workers storing the same cache) each rename a
complete file of their own."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Creates the parent folder; raises OSError (and leaves nothing behind) when it cannot write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
