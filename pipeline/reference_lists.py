"""Reference facts printed as two-column lists: "ARESA  Recherche clinique" on a slide of the
clusters, "Les sciences du vivant  Biowin" on a slide of the pôles. Read from word positions:
a line splits into two columns at a wide gap, and one column resolves to a cluster or pôle."""

from __future__ import annotations

from models import ListedOrganisation
from models.kinds import OrganisationType
from pipeline.gazetteer import Entry
from pipeline.pages import Line, Page
from pipeline.resolve import resolve
from pipeline.text import fold

COLUMN_GAP = 14.0  # points: wider than a word space, narrower than a column gutter
MIN_ROWS = 3
ARROWS = "\ufffd→►▶➔⇒-–"


def _columns(line: Line) -> list[tuple[float, str]]:
    groups: list[list] = [[line.words[0]]]
    for prev, word in zip(line.words, line.words[1:], strict=False):
        if word.x0 - prev.x1 > COLUMN_GAP:
            groups.append([])
        groups[-1].append(word)
    return [(g[0].x0, " ".join(w.text for w in g).strip(ARROWS + " ")) for g in groups]


def _list_kind(page: Page) -> OrganisationType | None:
    title = fold(" ".join(ln.text for ln in page.lines[:2]))
    if "pole" in title:
        return "pole"
    if "cluster" in title:
        return "cluster"
    return None


def _entry(name: str, kind: str) -> Entry | None:
    found = resolve(name)
    return found.entry if found is not None and kind in found.entry.types else None


def listed_organisations(pages: list[Page]) -> list[ListedOrganisation]:
    out: list[ListedOrganisation] = []
    for page in pages:
        kind = _list_kind(page)
        if kind is None:
            continue
        rows: list[list] = []  # [name, entry, domain, domain_x]
        for line in page.lines:
            cols = [c for c in _columns(line) if c[1]]
            if len(cols) == 2:
                (x_a, a), (x_b, b) = cols
                entry_a, entry_b = _entry(a, kind), _entry(b, kind)
                if entry_a is not None:
                    rows.append([a, entry_a, b, x_b])
                    continue
                if entry_b is not None:
                    rows.append([b, entry_b, a, x_a])
                    continue
            if len(cols) == 1 and rows and abs(cols[0][0] - rows[-1][3]) < 3:
                rows[-1][2] = f"{rows[-1][2]} {cols[0][1]}"  # a domain wrapped on the next line
        if len(rows) >= MIN_ROWS:
            out += [ListedOrganisation(name=name, canonical=entry.canonical, type=kind, domain=" ".join(domain.split()),
                                       page=page.number) for name, entry, domain, _ in rows]
    return out
