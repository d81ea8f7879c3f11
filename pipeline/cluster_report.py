"""A report per cluster, from the graph: one self-contained HTML page (and a PDF of it) an analyst
can send or print. Its evaluations over time, its judgments per theme and year (a chart), its
figures over time (members, survey rates...), its constats with their document and page, and its
partnership network as an interactive picture.

The charts are plotly's (plotly.js is written into the page); the network is neo4j-viz's, the
Neo4j graph visualisation library, in a frame of the page. Nothing is fetched when the page is
opened: it works offline and from a mail attachment. The PDF is Chromium's print of the page.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from neo4j import Driver

from models.kinds import RELATION_TYPES, TYPE_LABELS

LEVEL_NAMES = {0: "Non atteint", 1: "Partiel", 2: "Satisfaisant", 3: "Atteint"}
MAX_NETWORK_NODES = 150
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
COLOURS = {"Cluster": "#d9534f", "Pole": "#f0ad4e", "Agency": "#5bc0de", "Administration": "#5bc0de",
           "Programme": "#5cb85c", "Project": "#5cb85c", "Institution": "#9b59b6", "Company": "#7f8c8d",
           "Event": "#e67e22", "ForeignCluster": "#c0392b", "Federation": "#16a085", "Evaluator": "#34495e"}

_CLUSTER = "MATCH (c:Cluster) WHERE toLower(c.name) = toLower($name) RETURN c.name AS name"
_EVALUATIONS = """
MATCH (c:Organisation {name: $cluster})<-[:EVALUATES]-(e:Evaluation)
OPTIONAL MATCH (e)-[:CONDUCTED_BY]->(o)
RETURN e.year AS year, e.date AS date, o.name AS evaluator, e.period_kind AS period_kind,
       e.period_number AS period_number, e.source AS document, e.page AS page
ORDER BY e.date, e.source
"""
_JUDGMENTS = """
MATCH (c:Organisation {name: $cluster})<-[:EVALUATES]-(e:Evaluation)-[:HAS_QUESTION]->(q)
      -[:HAS_CRITERION]->(k)-[:HAS_JUDGMENT]->(j)
RETURN e.year AS year, coalesce(k.theme, 'Question ' + toString(q.number)) AS theme, j.level AS level,
       j.label AS label, k.id AS criterion, e.source AS document, j.page AS page
"""
_FIGURES = """
MATCH (c:Organisation {name: $cluster})<-[:EVALUATES]-(e:Evaluation)-[:HAS_FIGURE]->(f)
WHERE f.value IS NOT NULL
RETURN f.name AS name, f.value AS value, f.unit AS unit, coalesce(f.date, toString(e.year)) AS date,
       f.source AS document, f.page AS page
ORDER BY name, date
"""
_CONSTATS = """
MATCH (c:Organisation {name: $cluster})<-[:EVALUATES]-(e:Evaluation)
MATCH (k:Constat {source: e.source})
RETURN e.year AS year, k.source AS document, k.pages AS pages, k.number AS number, k.text AS text
ORDER BY e.date, k.source, k.number
"""
_NETWORK = """
MATCH (c:Organisation {name: $cluster})-[r]-(p:Organisation)
WHERE type(r) IN $relations AND p <> c
WITH c, p, collect(DISTINCT type(r)) AS kinds, collect(DISTINCT r.source + ' p. ' + toString(r.page)) AS cited
ORDER BY size(cited) DESC, p.name LIMIT $limit
OPTIONAL MATCH (p)-[r2]-(other:Cluster)
WHERE type(r2) IN $relations AND other <> c
RETURN p.name AS partner, labels(p) AS labels, kinds, cited, collect(DISTINCT other.name) AS other_clusters
"""


@dataclass
class ClusterFacts:
    cluster: str
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    judgments: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    constats: list[dict[str, Any]] = field(default_factory=list)
    partners: list[dict[str, Any]] = field(default_factory=list)


class UnknownCluster(LookupError):
    pass


def read_cluster(driver: Driver, name: str, database: str | None = None) -> ClusterFacts:
    """What the graph holds of one cluster (its name in any case)."""
    def rows(query: str, **params: Any) -> list[dict[str, Any]]:
        return [r.data() for r in driver.execute_query(query, params, database_=database).records]

    found = rows(_CLUSTER, name=name)
    if not found:
        known = [r["name"] for r in rows("MATCH (c:Cluster) RETURN c.name AS name ORDER BY name")]
        raise UnknownCluster(f"no cluster named {name!r} in the graph; it holds: {', '.join(known) or 'none'}")
    cluster = found[0]["name"]
    return ClusterFacts(cluster, rows(_EVALUATIONS, cluster=cluster), rows(_JUDGMENTS, cluster=cluster),
                        rows(_FIGURES, cluster=cluster), rows(_CONSTATS, cluster=cluster),
                        rows(_NETWORK, cluster=cluster, relations=list(RELATION_TYPES), limit=MAX_NETWORK_NODES))


def _judgment_chart(facts: ClusterFacts) -> str:
    import plotly.graph_objects as go

    cells: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for j in facts.judgments:
        if j["level"] is not None and j["year"] is not None:
            cells.setdefault((j["theme"], j["year"]), []).append(j)
    if not cells:
        return "<p>No judgment on the usual scale in these evaluations.</p>"
    themes = sorted({t for t, _ in cells})
    years = sorted({y for _, y in cells})
    z = [[_mean([j["level"] for j in cells.get((t, y), [])]) for y in years] for t in themes]
    text = [["<br>".join(sorted({j["label"] for j in cells.get((t, y), [])})) for y in years] for t in themes]
    figure = go.Figure(go.Heatmap(
        z=z, x=[str(y) for y in years], y=themes, text=text, texttemplate="%{text}", zmin=0, zmax=3,
        colorscale=[[0, "#d9534f"], [1 / 3, "#f0ad4e"], [2 / 3, "#9ccc65"], [1, "#2e7d32"]],
        colorbar={"tickvals": list(LEVEL_NAMES), "ticktext": list(LEVEL_NAMES.values()), "title": "level"},
        hovertemplate="%{y}, %{x}: %{text} (mean level %{z:.1f})<extra></extra>"))
    figure.update_layout(title="Judgments per theme and year", height=120 + 36 * len(themes),
                         margin={"l": 260, "r": 20, "t": 50, "b": 40}, xaxis={"type": "category"})
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id="judgments-chart")


def _figures_chart(facts: ClusterFacts) -> str:
    import plotly.graph_objects as go

    series: dict[str, list[dict[str, Any]]] = {}
    for f in facts.figures:
        series.setdefault(f"{f['name']} ({f['unit']})" if f["unit"] else f["name"], []).append(f)
    if not series:
        return "<p>No figure (members, survey rate...) was read from these evaluations.</p>"
    figure = go.Figure()
    for label, points in sorted(series.items()):
        figure.add_trace(go.Scatter(x=[p["date"] for p in points], y=[p["value"] for p in points], name=label,
                                    mode="lines+markers", text=[f"{p['document']}, p. {p['page']}" for p in points],
                                    hovertemplate="%{y} on %{x}<br>%{text}<extra>" + html.escape(label) + "</extra>"))
    figure.update_layout(title="Figures over time", height=420, margin={"l": 60, "r": 20, "t": 50, "b": 40})
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id="figures-chart")


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _kind(labels: list[str]) -> str:
    return next((label for label in TYPE_LABELS.values() if label in labels), "Organisation")


def _network(facts: ClusterFacts) -> str:
    """The cluster, its partners (coloured by kind, sized by how often the reports cite them) and
    the other clusters they also work with: neo4j-viz's interactive picture, in a frame."""
    from neo4j_viz import Node, Relationship, VisualizationGraph

    if not facts.partners:
        return "<p>No partner is named with a stated relation in these evaluations.</p>"
    ids: dict[str, int] = {facts.cluster: 0}
    nodes = [Node(id=0, caption=facts.cluster, size=40, color=COLOURS["Cluster"],
                  properties={"kind": "Cluster (this report)"})]
    relationships = []

    def node(name: str, kind: str, size: float) -> int:
        if name not in ids:
            ids[name] = len(ids)
            nodes.append(Node(id=ids[name], caption=name, size=size, color=COLOURS.get(kind, "#95a5a6"),
                              properties={"kind": kind}))
        return ids[name]

    for p in facts.partners:
        at = node(p["partner"], _kind(p["labels"]), 12 + 4 * min(len(p["cited"]), 8))
        relationships.append(Relationship(source=0, target=at, caption=", ".join(p["kinds"]),
                                          properties={"evidence": "; ".join(p["cited"][:5])}))
        for other in p["other_clusters"]:
            relationships.append(Relationship(source=node(other, "Cluster", 18), target=at))
    page = VisualizationGraph(nodes=nodes, relationships=relationships).render(height="560px").data
    return (f'<iframe id="network-frame" title="Partnership network of {html.escape(facts.cluster)}" '
            f'srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:600px;border:1px solid #ddd">'
            "</iframe>")


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{margin-bottom:.2rem} .meta{color:#666;margin-top:0} section{margin:2rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem} th,td{border:1px solid #ddd;padding:.35rem .5rem;
vertical-align:top;text-align:left} th{background:#f5f5f5} td.num{white-space:nowrap}
@media print{iframe{height:520px} section{break-inside:avoid-page}}
"""


def render_html(facts: ClusterFacts) -> str:
    from plotly.offline import get_plotlyjs

    evaluations = _table(["Year", "Date", "Evaluator", "Period", "Document (page)"], [
        [e["year"], e["date"], e["evaluator"],
         f"{e['period_kind'] or ''} {e['period_number'] or ''}".strip() or None, f"{e['document']} (p. {e['page']})"]
        for e in facts.evaluations])
    constats = _table(["Year", "N°", "Constat", "Document, pages"], [
        [c["year"], c["number"], c["text"], f"{c['document']}, p. {', '.join(map(str, c['pages'] or []))}"]
        for c in facts.constats])
    title = f"Cluster {facts.cluster}: evaluations, judgments and partners"
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{STYLE}</style><script>{get_plotlyjs()}</script></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="meta">evalgraph, {date.today().isoformat()}: {len(facts.evaluations)} evaluation(s),
{len(facts.judgments)} judged criteria, {len(facts.constats)} constats, {len(facts.partners)} partners.</p>
<section id="evaluations"><h2>Evaluations over time</h2>{evaluations}</section>
<section id="judgments"><h2>Judgments per theme and year</h2>{_judgment_chart(facts)}</section>
<section id="figures"><h2>Figures over time</h2>{_figures_chart(facts)}</section>
<section id="network"><h2>Partnership network</h2>
<p>The cluster, the organisations its evaluations relate it to (colour: kind; size: how often the reports
cite the relation), and the other clusters those partners also work with. Drag, zoom, click a node.</p>
{_network(facts)}</section>
<section id="constats"><h2>Constats</h2>{constats}</section>
</body></html>
"""


def chromium() -> str | None:
    return next((path for name in CHROMIUM if (path := shutil.which(name))), None)


def print_pdf(page: Path, pdf: Path, timeout: float = 120) -> None:
    """Chromium's print of the page (headless), after its scripts have drawn the charts."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("Chromium is needed for the PDF (Debian: apt install chromium); the HTML page is written")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                               "--no-pdf-header-footer", "--virtual-time-budget=15000",
                               f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"Chromium could not print {page}: {done.stderr.strip()[-500:]}")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower().encode("ascii", "ignore").decode()).strip("_") or "cluster"


@dataclass
class ReportFiles:
    html: Path
    pdf: Path | None


def write_report(driver: Driver, name: str, out: Path, pdf: bool = True, database: str | None = None) -> ReportFiles:
    facts = read_cluster(driver, name, database)
    out.mkdir(parents=True, exist_ok=True)
    page = out / f"{slug(facts.cluster)}.html"
    page.write_text(render_html(facts), encoding="utf-8")
    if not pdf:
        return ReportFiles(page, None)
    printed = page.with_suffix(".pdf")
    print_pdf(page, printed)
    return ReportFiles(page, printed)
