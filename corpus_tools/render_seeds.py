"""Render the four seed documents (text renderings of real reports) into corpus/*.pdf.

Run: python -m corpus_tools.render_seeds --seeds FOLDER [--out corpus]

Each converter reads the layout cues the text rendering kept: in the 2025 grid
report a blank line between table rows is a page break (a repeated row means the
row was cut); in the others a paragraph cut mid-sentence, or a line starting with a
single space, is a page start. Only this renderer knows those cues; the pipeline
reads the PDFs like any other.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config

from corpus_tools.flow_pdf import Block, FlowDocument, build_flow_pdf
from corpus_tools.grid_pdf import GridQuestion, GridReport, GridRow, TableBreak, build_grid_pdf, expected_records

CONSTAT = re.compile(r"Constat\s+(\d+)\s*:\s*(.*?)\s*(?=Constat\s+\d+\s*:|$)", re.S)
SENTENCE_END = (".", ":", ";", "!", "?", "»", ")")


def _constats(cell: str) -> list[tuple[int, str]]:
    text = re.sub(r"</?p>", " ", cell)
    return [(int(n), " ".join(t.split())) for n, t in CONSTAT.findall(text)]


def _paragraphs(lines: list[str]) -> list[str]:
    paras, cur = [], []
    for line in [*lines, ""]:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    return paras


# ------------------------------------------------------------------ 2025 grid report

def twist_2025(seed: str) -> GridReport:
    lines = seed.splitlines()
    heading = re.compile(r"^(\d+) (Question d'évaluation (\d+) : (.+)|Approche méthodologique)$")
    sections: list[tuple[re.Match, list[str]]] = []
    preamble: list[str] = []
    for line in lines:
        m = heading.match(line.strip())
        if m:
            sections.append((m, []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    pre = [p for p in _paragraphs(preamble)]
    client, title, date_text = pre[0], pre[1].strip("*"), pre[2]
    subtitle, date_text = date_text.rsplit(" ", 1)
    method = _paragraphs(sections[0][1])
    phases = [tuple(p.split(" : ", 1)) for p in method if p.startswith("Phase ")]
    intro = [p for p in method[: method.index(next(p for p in method if p.startswith("Phase ")))]]
    outro = [p for p in method if not p.startswith("Phase ") and p not in intro]
    questions = [_grid_question(m, body) for m, body in sections[1:]]
    return GridReport(
        cluster="TWIST", evaluator="KPMG", date_text=date_text, client=client,
        title_lines=[title.split("\n")[0], subtitle], method_intro=intro,
        phases=phases, method_outro=outro, questions=questions,
        running_header="Évaluation triennale du cluster TWIST – Synthèse du rapport final d'évaluation",
        rules=True, repeat_header=False, footer="page",
    )


def _grid_question(m: re.Match, body: list[str]) -> GridQuestion:
    number, text = int(m.group(3)), m.group(4).strip()
    table_at = next(i for i, ln in enumerate(body) if "\t" in ln)
    intro = _paragraphs(body[:table_at])
    rows: list[GridRow] = []
    breaks: list[TableBreak] = []
    pending_break = False
    end = table_at
    for i in range(table_at, len(body)):
        line = body[i]
        if not line.strip():
            pending_break = True
            continue
        if "\t" not in line and not line.startswith("---"):
            break
        end = i + 1
        cells = line.split("\t")
        if cells[0].startswith("Question d'évaluation") or cells[0] == "Thème" or line.startswith("---"):
            pending_break = False
            continue
        theme, crit, judg, just = ([*cells, "", "", "", ""])[:4]
        constats = _constats(just)
        if pending_break and rows and rows[-1].theme == theme and rows[-1].criterion == crit:
            breaks.append(TableBreak(row=len(rows) - 1, mode="repeat_row",
                                     constats_before=len(rows[-1].constats or [])))
            rows[-1].constats = (rows[-1].constats or []) + constats
        else:
            if pending_break and rows:
                breaks.append(TableBreak(row=len(rows) - 1, mode="between"))
            rows.append(GridRow(theme=theme.strip(), criterion=crit.strip() or None,
                                judgment=judg.strip() or None, constats=constats or None))
        pending_break = False
    synthesis = _paragraphs(body[end:])
    cut = None
    for k in range(len(synthesis) - 1):  # a sentence cut by a page break
        if not synthesis[k].endswith(SENTENCE_END) and synthesis[k + 1][:1].islower():
            cut = (k, len(synthesis[k].split()))
            synthesis[k : k + 2] = [synthesis[k] + " " + synthesis[k + 1]]
            break
    return GridQuestion(number=number, text=text, intro=intro, rows=rows, synthesis=synthesis,
                        breaks=breaks, synthesis_cut=cut)


# ------------------------------------------------------------------ narrative (markdown-like) 2010

def _inline(md: str) -> str:
    md = escape(md, {'"': "&quot;"})
    md = re.sub(r"&lt;sup&gt;(.*?)&lt;/sup&gt;", r"<super>\1</super>", md)
    md = re.sub(r"&lt;(http[^&]+)&gt;", r"\1", md)
    md = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", md)
    md = re.sub(r"\*(.+?)\*", r"<i>\1</i>", md)
    return md.replace("**", "")


def _cut_paragraphs(blocks: list[Block]) -> list[Block]:
    """A paragraph that stops mid-sentence and resumes in lower case spans a page break."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (b[0] in ("p", "bullet") and prev and prev[0] == "p"
                and not re.sub(r"<[^>]+>", "", prev[1]).rstrip().endswith(SENTENCE_END)
                and re.sub(r"<[^>]+>", "", b[1])[:1].islower()):
            out += [("break",), ("cont", b[1]) if b[0] == "p" else b]
        else:
            out.append(b)
    return out


def twist_2010(seed: str) -> FlowDocument:
    lines = seed.splitlines()
    first_section = next(i for i, ln in enumerate(lines) if re.match(r"^#+\s*\**\d+\.", ln))
    cover: list[Block] = [("space", 40)]
    for para in _paragraphs_keep_breaks(lines[:first_section]):
        if para.strip("-") == "":
            cover.append(("space", 14))
        elif para.startswith("**"):
            cover.append(("title", _inline(para).replace("\n", "<br/>")))
        else:
            cover.append(("subtitle", _inline(para).replace("\n", "<br/>")))
    cover.append(("break",))
    blocks: list[Block] = []
    buf: list[str] = []
    footnote_next = False

    def flush() -> None:
        if buf:
            blocks.append(("p", _inline(" ".join(buf))))
            buf.clear()

    for line in lines[first_section:]:
        s = line.strip()
        if re.match(r"^#+\s", s):
            flush()
            blocks.append(("h", _inline(s.lstrip("#").strip())))
        elif s == "---":
            flush()
            footnote_next = bool(blocks) and blocks[-1][0] != "h"
        elif s.startswith("- "):
            flush()
            blocks.append(("bullet", _inline(s[2:]), 1))
        elif not s:
            flush()
        elif footnote_next and s.startswith("<sup>"):
            blocks += [("footnote", _inline(s)), ("break",)]
            footnote_next = False
        else:
            buf.append(s)
    flush()
    return FlowDocument(title="Synthèse de l'évaluation du cluster TWIST", author="COMASE",
                        blocks=cover + _cut_paragraphs(blocks),
                        running_header="SPW – DGO6 – Synthèse de l'évaluation du cluster TWIST – COMASE",
                        footer="{n}")


def _paragraphs_keep_breaks(lines: list[str]) -> list[str]:
    paras, cur = [], []
    for line in [*lines, ""]:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append("\n".join(cur))
            cur = []
    return paras


# ------------------------------------------------------------------ pdftotext-like 2011 and 2014

BULLET = re.compile(r"^\s*(?:\uf0b7|\ufffd+|•)\s*")
SUB_BULLET = re.compile(r"^\s*o\s+")
NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*\.?)\s+[A-ZÉÈÀÂ]")


def _page_chunks(seed: str, slides: bool) -> list[list[str]]:
    """Split into pages: a page starts on a line with one leading space (or, in slides,
    after two blank lines)."""
    pages: list[list[str]] = [[]]
    blanks = 0
    for line in seed.splitlines():
        starts = re.match(r"^ \S", line) is not None or (slides and blanks >= 2 and line.strip() != "")
        if starts and any(x.strip() for x in pages[-1]):
            pages.append([])
        pages[-1].append(line)
        blanks = blanks + 1 if not line.strip() else 0
    return pages


def policy_2011(seed: str) -> FlowDocument:
    header = "Synthèse de l’évaluation à 3 ans de la politique de clustering – DG06-Direction des réseaux d’entreprise"
    blocks: list[Block] = []
    for k, page in enumerate(_page_chunks(seed, slides=False)):
        if k:
            blocks.append(("break",))
        lines = [ln for ln in page if ln.strip() not in (header.strip(), "") or not ln.strip()]
        lines = [ln for ln in lines if not re.fullmatch(r"\s*\d+/10\s*", ln)]
        blocks += _pdftext_blocks(lines, first_page=k == 0)
    return FlowDocument(title="Synthèse de l’évaluation à 3 ans de la politique de clustering",
                        author="DGO6", blocks=blocks, running_header=header, footer="{n}/10",
                        font_size=9.5)


def _pdftext_blocks(lines: list[str], first_page: bool) -> list[Block]:
    blocks: list[Block] = []
    cur: list[str] = []
    kind = "p"
    note_zone = False

    def flush() -> None:
        nonlocal kind
        if cur:
            text = _join_wrapped(cur)
            if kind == "footnote":
                blocks.append(("footnote", escape(text)))
            elif kind.startswith("bullet"):
                blocks.append(("bullet", escape(text), int(kind[-1])))
            else:
                blocks.append((kind, escape(text)))
            cur.clear()
        kind = "p"

    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            if len(raw) > 20:  # the long blank line pdftotext leaves above footnotes
                flush()
                note_zone = True
            else:
                flush()
            continue
        if note_zone and re.match(r"^\d+\s", s):
            flush()
            kind = "footnote"
            cur.append(s)
            continue
        if first_page and i < 3 and not blocks and kind == "p" and not cur:
            kind = "title"
        if BULLET.match(raw):
            flush()
            kind, s = "bullet1", BULLET.sub("", raw).strip()
        elif SUB_BULLET.match(raw) and (cur or blocks):
            flush()
            kind, s = "bullet2", SUB_BULLET.sub("", raw).strip()
        elif NUMBERED_HEADING.match(s) and not cur and len(s) < 120:
            flush()
            kind = "h"
        elif s == "Les clusters en quelques chiffres":
            flush()
            blocks.append(("h", s))
            continue
        cur.append(s)
    flush()
    return blocks


def _join_wrapped(parts: list[str]) -> str:
    text = ""
    for p in parts:
        if not text:
            text = p
        elif text.endswith("-") and not text.endswith(" -"):
            text += p
        else:
            text += " " + p
    return text


CLUSTER_LIST = ["ARESA", "CAP 2020", "(Val)+", "Eco-construction", "Infopôle", "Logistics in Wallonia",
                "Photonique", "Plastiwin", "TWEED", "TWIST"]


def slides_2014(seed: str) -> FlowDocument:
    footer_re = re.compile(r"^IFAG/CCI Bulgare Sofia, 15 avril 2014\s*\d*$")
    blocks: list[Block] = []
    for k, page in enumerate(_page_chunks(seed, slides=True)):
        lines = [ln for ln in page if not footer_re.match(ln.strip()) and not re.fullmatch(r"\s*\d+\s*", ln)]
        content = [ln for ln in lines if ln.strip()]
        if k:
            blocks.append(("break",))
        if not content:
            continue
        blocks.append(("h", escape(content[0].strip())))
        body = content[1:]
        if content[0].strip().startswith("Les 10 clusters wallons") or (
                body and body[0].strip().startswith("Les 10 clusters wallons")):
            blocks += _cluster_table(body)
        elif "����" in " ".join(body):
            rows = [["Domaine", "Pôle de compétitivité"]]
            rows += [[escape(x.strip()) for x in ln.split("����")] for ln in body if "����" in ln]
            blocks.append(("table", rows, True))
        else:
            blocks += _slide_bullets(body)
    return FlowDocument(title="Le clustering en Wallonie", author="UWE", blocks=blocks, slides=True,
                        running_header="", footer="IFAG/CCI Bulgare Sofia, 15 avril 2014 – {n}",
                        font_size=11)


def _cluster_table(body: list[str]) -> list[Block]:
    out: list[Block] = []
    text = [ln.strip() for ln in body]
    if text and text[0].startswith("Les 10 clusters"):
        out.append(("p", "<b>" + escape(text.pop(0)) + "</b>"))
    rows = [["Cluster", "Domaine"]]
    joined = " ".join(text)
    for i, name in enumerate(CLUSTER_LIST):
        start = joined.index(name) + len(name)
        end = joined.index(CLUSTER_LIST[i + 1], start) if i + 1 < len(CLUSTER_LIST) else len(joined)
        rows.append([escape(name), escape(joined[start:end].strip())])
    out.append(("table", rows, True))
    return out


def _slide_bullets(body: list[str]) -> list[Block]:
    blocks: list[Block] = []
    cur: list[str] = []
    level = 0

    def flush() -> None:
        if cur:
            text = escape(_join_wrapped(cur))
            blocks.append(("bullet", text, level) if level else ("p", text))
            cur.clear()

    for raw in body:
        if BULLET.match(raw):
            flush()
            level = 2 if raw.startswith((" \ufffd", "\ufffd ")) and len(raw) - len(raw.lstrip()) > 0 else 1
            cur.append(BULLET.sub("", raw).strip())
        elif re.match(r"^\d+\.\s", raw.strip()):
            flush()
            level = 0
            cur.append(raw.strip())
        else:
            if not cur:
                level = 0
            cur.append(raw.strip())
    flush()
    return blocks


# ------------------------------------------------------------------ entry point

SEEDS = {
    "twist_2025_kpmg_synthese": ("twist_2025_kpmg_synthese.txt", "grid", twist_2025),
    "twist_2010_comase_synthese": ("twist_2010_comase_synthese.txt", "flow", twist_2010),
    "politique_clustering_2011_synthese": ("politique_clustering_2011_synthese.txt", "flow", policy_2011),
    "uwe_clustering_wallonie_2014_slides": ("uwe_clustering_wallonie_2014_slides.txt", "flow", slides_2014),
}


def render_all(seeds: Path, out: Path) -> list[Path]:
    rl_config.invariant = True  # no timestamp or random id: the same seed gives the same bytes
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (file_name, kind, convert) in SEEDS.items():
        spec = convert((seeds / file_name).read_text(encoding="utf-8"))
        target = out / f"{stem}.pdf"
        if kind == "grid":
            build_grid_pdf(spec, target)
            truth = out / f"{stem}.expected.json"
            truth.write_text(json.dumps(expected_records(spec), ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
            written.append(truth)
        else:
            build_flow_pdf(spec, target)
        written.append(target)
    return written


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, required=True, help="the folder of the seeds' text renderings")
    parser.add_argument("--out", type=Path, default=root / "corpus")
    args = parser.parse_args()
    for path in render_all(args.seeds, args.out):
        print(path)


if __name__ == "__main__":
    main()
