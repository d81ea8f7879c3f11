"""Find the PDFs an ingest reads, and give each its identity.

A document's identity (`source`) is its path relative to the root it was found under, with '/'
between folders: `2019/rapport.pdf` and `2022/rapport.pdf` of one archive are two documents.
- a folder: the path below the folder; a file given alone: its name; a glob: the path below
  the glob's fixed part (`archives/*/synthese.pdf` -> `2019/synthese.pdf`);
- a zip given as a root: the member's path in the zip; a zip found in a folder, or inside
  another zip: the zip's own identity, then its member's path (`2019/lot.zip/rapport.pdf`).

The rules for what is read and what is refused, every refusal reported as a `Skipped` entry:
- zips are unpacked into a private workspace folder (mode 0700, removed after the run), never
  beside themselves; members with an absolute name, a drive letter or `..`, links, encrypted
  members, members larger than the limits or compressed suspiciously well are refused
  (pipeline.limits); nested zips are walked up to `zip_depth`;
- in folders, symbolic links are never followed: a link to something inside the folder is read
  at its own path already, a link that leaves the folder or dangles is reported;
- only `.pdf` and `.zip` files are read; other files are ignored, hidden ones (`.name`) too;
- a name that is not valid UTF-8 (a latin-1 file name from an old archive) is rendered readably
  (decoded as Windows-1252) in the identity, and read through a UTF-8-named link in the workspace.
"""

from __future__ import annotations

import glob
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.limits import MB, Limits, limits

ZIP_NOISE = ("__MACOSX/",)  # resource forks macOS adds to every zip it makes


@dataclass(frozen=True)
class FoundFile:
    """One PDF to ingest: `source` is its identity, `path` the local file to read (for a zip
    member, its copy in the workspace), `origin` where it really is (for messages and for
    recognising a moved document): an absolute path, or `archive.zip!member`."""

    source: str
    path: str
    origin: str
    sha256: str | None = None  # set once the bytes are hashed (pipeline.identity), so no one hashes them again

    @classmethod
    def alone(cls, path: Path) -> FoundFile:
        """A file given by itself: its identity is its name."""
        return cls(readable(path.name), str(path), readable(str(path.resolve())))


@dataclass(frozen=True)
class Skipped:
    entry: str  # readable: the path or `archive.zip!member`
    reason: str

    def __str__(self) -> str:
        return f"{self.entry}: {self.reason}"


@dataclass
class Discovery:
    files: list[FoundFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def readable(name: str) -> str:
    """A file name as a person reads it. Names that are not UTF-8 reach Python with surrogate
    escapes; their bytes are decoded as Windows-1252 (latin-1 in practice) instead."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("cp1252", errors="replace")


@contextmanager
def workspace(parent: Path | None = None) -> Iterator[Path]:
    """A private folder (only the user can read it) for unpacked members and name aliases,
    removed when the run ends, whatever way it ends."""
    folder = Path(tempfile.mkdtemp(prefix="evalgraph-", dir=parent))  # mkdtemp makes it 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Finder:
    """One discovery: the workspace it writes to and the budget of bytes its zips may expand to."""

    def __init__(self, work: Path, bounds: Limits) -> None:
        self.work, self.bounds = work, bounds
        self.unpacked = 0
        self.found = Discovery()
        self._counter = 0

    def _new_path(self, suffix: str) -> Path:
        self._counter += 1
        return self.work / f"{self._counter:06d}{suffix}"

    def add_file(self, path: Path, source: str) -> None:
        local = str(path)
        if readable(local) != local:  # not UTF-8: Prefect and JSON cannot carry the name
            alias = self._new_path(".pdf")
            alias.symlink_to(path.resolve())
            local = str(alias)
        self.found.files.append(FoundFile(source, local, readable(str(path.resolve()))))

    def skip(self, entry: str, reason: str) -> None:
        self.found.skipped.append(Skipped(readable(entry), reason))

    def root(self, raw: str) -> None:
        path = Path(raw)
        if path.is_symlink() and not path.exists():
            self.skip(raw, "a link to nothing (dangling)")
        elif path.is_dir():
            self.folder(path)
        elif path.is_file() and path.suffix.lower() == ".zip":
            self.zip_file(path, "", raw, depth=1)
        elif path.is_file():
            self.add_file(path, readable(path.name))
        elif glob.has_magic(raw):
            self.pattern(raw)
        else:
            self.skip(raw, "no such file or folder")

    def pattern(self, raw: str) -> None:
        parts = Path(raw).parts
        fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
        base = Path(*parts[:fixed]) if fixed else Path(".")
        matches = sorted(Path(p) for p in glob.glob(raw, recursive=True))
        if not matches:
            self.skip(raw, "the pattern matches nothing")
        for match in matches:
            if match.is_file() and match.suffix.lower() in (".pdf", ".zip") and not match.is_symlink():
                source = readable(match.relative_to(base).as_posix())
                if match.suffix.lower() == ".zip":
                    self.zip_file(match, source + "/", str(match), depth=1)
                else:
                    self.add_file(match, source)

    def folder(self, root: Path) -> None:
        for current, dirs, files in os.walk(root, onerror=lambda e: self.skip(str(e.filename), e.strerror or str(e))):
            here = Path(current)
            for name in sorted(dirs):
                if name.startswith("."):
                    dirs.remove(name)
                elif (here / name).is_symlink():
                    self._link(root, here / name)  # os.walk does not descend into it
            dirs.sort()
            for name in sorted(files):
                path = here / name
                if name.startswith(".") or path.suffix.lower() not in (".pdf", ".zip"):
                    continue
                if path.is_symlink():
                    self._link(root, path)
                    continue
                source = readable(path.relative_to(root).as_posix())
                if path.suffix.lower() == ".zip":
                    self.zip_file(path, source + "/", str(path), depth=1)
                else:
                    self.add_file(path, source)

    def _link(self, root: Path, link: Path) -> None:
        target = link.resolve()
        if not target.exists():
            self.skip(str(link), f"a link to {readable(os.readlink(link))}, which does not exist (dangling)")
        elif target.is_relative_to(root.resolve()):
            self.skip(str(link), f"a link to {readable(str(target.relative_to(root.resolve())))}, "
                                 "read at its own path in the folder")
        else:
            self.skip(str(link), f"a link to {readable(str(target))}, outside the ingested folder: links are "
                                 "not followed out of a folder (give that path itself to ingest it)")

    def zip_file(self, path: Path, prefix: str, shown: str, depth: int) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                self._members(archive, prefix, shown, str(path.resolve()), depth)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            self.skip(shown, f"not a readable zip archive ({exc})")

    def _members(self, archive: zipfile.ZipFile, prefix: str, shown: str, origin: str, depth: int) -> None:
        bounds = self.bounds
        infos = archive.infolist()
        if len(infos) > bounds.zip_members:
            self.skip(shown, f"{len(infos)} entries; only the first {bounds.zip_members} are read "
                             f"({Limits.variable('zip_members')})")
        for info in infos[:bounds.zip_members]:
            name = info.filename
            entry = f"{shown}!{name}"
            lower = name.lower()
            if info.is_dir() or name.startswith(ZIP_NOISE) or PurePosixPath(name).name.startswith("."):
                continue
            if not lower.endswith((".pdf", ".zip")):
                continue
            reason = self._refusal(info)
            if reason:
                self.skip(entry, reason)
                continue
            source = prefix + name
            if lower.endswith(".zip"):
                if depth >= bounds.zip_depth:
                    self.skip(entry, f"a zip nested deeper than {bounds.zip_depth} levels "
                                     f"({Limits.variable('zip_depth')})")
                    continue
                local = self._unpack(archive, info, entry)
                if local is not None:
                    self.zip_file(local, source + "/", entry, depth + 1)
                    continue
            else:
                local = self._unpack(archive, info, entry)
                if local is not None:
                    self.found.files.append(FoundFile(source, str(local), f"{origin}!{name}"))

    def _refusal(self, info: zipfile.ZipInfo) -> str | None:
        """Why a member is not unpacked, if it is not."""
        bounds = self.bounds
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            return "an absolute name: refused (members are read from the archive, never from the disk)"
        if ".." in parts:
            return "a name that climbs out of the archive ('..'): refused"
        if stat.S_ISLNK(info.external_attr >> 16):
            return "a symbolic link: refused"
        if info.flag_bits & 0x1:
            return "encrypted: cannot be read without its password"
        if info.file_size > bounds.zip_member_mb * MB:
            return (f"{info.file_size / MB:.0f} MB uncompressed, over the {bounds.zip_member_mb} MB limit "
                    f"({Limits.variable('zip_member_mb')})")
        if info.compress_size and info.file_size > MB and info.file_size / info.compress_size > bounds.zip_ratio:
            return (f"compressed {info.file_size / info.compress_size:.0f} times, over the ratio of "
                    f"{bounds.zip_ratio} ({Limits.variable('zip_ratio')}): a zip bomb, not a report")
        if self.unpacked + info.file_size > bounds.zip_total_mb * MB:
            return (f"the zips of this ingest expand to more than {bounds.zip_total_mb} MB "
                    f"({Limits.variable('zip_total_mb')})")
        return None

    def _unpack(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: str) -> Path | None:
        """Copy one member into the workspace, under a name of ours, reading no more than its
        declared size (a header can lie about it)."""
        target = self._new_path(PurePosixPath(info.filename).suffix.lower())
        written = 0
        try:
            with archive.open(info) as member, target.open("wb") as out:
                while chunk := member.read(1 << 20):
                    written += len(chunk)
                    if written > info.file_size:
                        raise ValueError("the member is larger than its header says")
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            target.unlink(missing_ok=True)
            self.skip(entry, f"cannot be unpacked ({exc})")
            return None
        self.unpacked += written
        return target


def count_pdfs(paths: list[str]) -> int:
    """About how many PDFs `paths` hold, cheaply (nothing unpacked, nothing hashed): enough to
    size the pool of extraction workers before discovery proper."""
    count = 0
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            count += sum(1 for p in path.rglob("*") if p.suffix.lower() in (".pdf", ".zip"))
        elif path.suffix.lower() == ".zip":
            with suppress(OSError, zipfile.BadZipFile), zipfile.ZipFile(path) as zf:
                count += sum(1 for n in zf.namelist() if n.lower().endswith(".pdf"))
        elif path.exists():
            count += 1
        else:
            count += len(glob.glob(raw, recursive=True))
    return count


def discover(paths: list[str], work: Path, bounds: Limits | None = None) -> Discovery:
    """The PDFs under `paths` (folders, files, globs, zips), each with its identity, in order of
    identity; the same identity found twice (two roots with a file at the same relative path) is
    kept once, and the second reported."""
    finder = _Finder(work, bounds or limits())
    for raw in paths:
        finder.root(str(raw))
    unique: dict[str, FoundFile] = {}
    for f in finder.found.files:
        if f.source in unique:
            finder.skip(f.origin, f"the same path ({f.source}) as {unique[f.source].origin}: ingest them from a "
                                  "common parent folder so their paths differ")
        else:
            unique[f.source] = f
    finder.found.files = sorted(unique.values(), key=lambda f: f.source)
    return finder.found
