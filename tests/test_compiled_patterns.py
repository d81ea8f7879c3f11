"""The compiled-pattern cache that spares every process spaCy's 2.5-second French tokenizer
compile: a rebuilt pattern behaves as the compiled one, a bad file is ignored, and a second
process loading spaCy gets the stored pattern instead of compiling it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from pipeline import compiled_patterns

WORDS = ["peut-être", "Peut-Être", "New-York", "new-yorkais", "anti-inflammatoire", "abc", "", "porte-clés",
         "X-" * 40, "aujourd'hui", "été", "-être"]


def _big_pattern() -> str:
    """Long enough to be cached, with named groups, an inline flag and Unicode classes."""
    alternatives = [rf"^(?P<w{i}>{w})[-‐](?:être|york|clés|[a-zà-ÿ]+){{1,3}}$" for i, w in
                    enumerate(["peut", "new", "porte", "anti", *(f"mot{n}" for n in range(2000))])]
    pattern = "(?iu)" + "|".join(alternatives)
    assert len(pattern) >= compiled_patterns.WORTH_CACHING_CHARS
    return pattern


def test_a_stored_pattern_is_rebuilt_identical_and_placed_in_re_cache(tmp_path) -> None:
    pattern = _big_pattern()
    reference = re.compile(pattern)
    path = compiled_patterns.store([pattern, "short"], tmp_path / "p.marshal")
    assert path is not None
    re.purge()
    [rebuilt] = compiled_patterns.preload(path)  # the short pattern is not worth a place
    assert re.compile(pattern) is rebuilt  # what spaCy's re.compile gets: no compile
    assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == \
           (reference.pattern, reference.flags, reference.groups, reference.groupindex)
    for word in WORDS:
        a, b = rebuilt.match(word), reference.match(word)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), word


def test_a_damaged_or_foreign_file_is_ignored(tmp_path) -> None:
    path = tmp_path / "p.marshal"
    assert compiled_patterns.preload(path) == []  # absent
    path.write_bytes(b"\x00not marshal")
    assert compiled_patterns.preload(path) == []
    compiled_patterns.store([_big_pattern()], path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated
    assert compiled_patterns.preload(path) == []
    import marshal

    key, forms = marshal.loads(data)
    path.write_bytes(marshal.dumps(((*key[:2], "2.7.18", *key[3:]), forms)))  # another Python's
    assert compiled_patterns.preload(path) == []


@pytest.mark.slow  # spaCy in subprocesses
def test_a_second_process_loads_spacy_without_compiling_the_tokenizer_pattern(tmp_path) -> None:
    """The first load compiles the French tokenizer's pattern and stores it; the next one compiles
    no long pattern at all (re's compiler is watched), and tokenizes the same."""
    script = ("import json, re\nfrom re import _compiler\nfrom pipeline import compiled_patterns\n"
              "long = []\ncompile = _compiler.compile\n"
              "def watched(p, flags=0):\n"
              "    if isinstance(p, str) and len(p) >= compiled_patterns.WORTH_CACHING_CHARS: long.append(len(p))\n"
              "    return compile(p, flags)\n"
              "_compiler.compile = watched\n"
              "from pipeline.partners import nlp\n"
              "tokens = [t.text for t in nlp()(\"Peut-être qu'aujourd'hui New-York.\")]\n"
              "print(json.dumps({'compiled': len(long), 'tokens': tokens}))")
    env = {**os.environ, "EVALGRAPH_CACHE_DIR": str(tmp_path)}
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                                      check=True).stdout) for _ in range(2)]
    assert runs[0]["compiled"] >= 1 and compiled_patterns.cache_file().name in os.listdir(tmp_path)
    assert runs[1]["compiled"] == 0
    assert runs[0]["tokens"] == runs[1]["tokens"]
    assert {"aujourd'hui", "New-York"} <= set(runs[1]["tokens"])  # kept whole by the token_match
