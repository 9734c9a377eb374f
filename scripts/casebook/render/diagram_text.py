"""A diagram as a page shows it: the figure (a placeholder the site replaces with the SVG after the HTML
allowlist, ``casebook.site``) and, under it, the same content as a list with the same links.

The list is Markdown, written with the page's ``PageWriter``: its links are relative Markdown links,
which MkDocs rewrites for the offline edition and checks in a strict build (anchors included), and
every value from a record is encoded where it lands. A matrix says whether a law reaches some data,
which is this site's reasoning: the whole of it, picture and list, sits in an analysis block.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from casebook.core import markup, prose
from casebook.core.diagrams import REACH_LABELS, REACH_WORDS, Diagram, Flow, Locks, Matrix
from casebook.core.model import Fact, Law
from casebook.render.diagram_svg import law_name, node_label, provision_anchor
from casebook.render.labels import STATUS_LABELS
from casebook.render.writer import PageWriter


def slot(diagram_id: str) -> str:
    """The placeholder of a diagram's SVG. Private-use characters are refused in all content, so no
    record or hand-written page can write it."""
    return f"\ue000casebook-diagram-{diagram_id}\ue001"


def _provision_link(page: PageWriter, law_id: str, ref: str) -> str:
    return f"[{markup.literal(ref)}]({page.href(law_id)}#{provision_anchor(ref)})"


def _flow(page: PageWriter, flow: Flow) -> list[str]:
    book = page.book
    labels = {n.record: node_label(book, n.record, n.label) for t in flow.tiers for n in t.nodes}
    lines = ["Each arrow of the picture, with the fact it rests on:", ""]
    for number, arrow in enumerate(flow.arrows, 1):
        fact = book.get_as(book.current_id(arrow.fact), Fact)
        status = STATUS_LABELS[fact.status][0]
        lines.append(
            f"{number}. **{markup.literal(labels[arrow.source])} → {markup.literal(labels[arrow.target])}**"
            f" ({markup.literal(status)}): {page.inline(fact.statement)}"
            f" {page.link(fact.id, 'Read the fact with its sources')}"
        )
    return lines


def _locks(page: PageWriter, locks: Locks) -> list[str]:
    book = page.book
    lines = ["Each lock of the picture, with the provision it rests on:", ""]
    for number, lock in enumerate(locks.locks, 1):
        law = book.get_as(book.current_id(lock.law), Law)
        provision = next(p for p in law.provisions if p.ref == lock.provision)
        worded = "in its words" if provision.form == "quote" else "in summary"
        text = (
            f"“{markup.literal(provision.text.strip())}”" if provision.form == "quote" else page.inline(provision.text)
        )
        line = (
            f"{number}. **{markup.literal(lock.label)}.** {page.link(law.id, law_name(law))},"
            f" {_provision_link(page, law.id, lock.provision)}, {worded}: {text}"
        )
        if lock.fact:
            line += f" See also: {page.link(book.current_id(lock.fact))}"
        lines.append(line)
    return lines


def _matrix(page: PageWriter, matrix: Matrix) -> list[str]:
    book = page.book
    used = list(dict.fromkeys(m.reach for row in matrix.rows for marks in row.cells.values() for m in marks))
    key = "; ".join(f"**{markup.literal(REACH_LABELS[r])}**: {markup.literal(REACH_WORDS[r])}" for r in used)
    lines = [f"What the marks mean: {key}.", "", "Each law of the picture, with the provisions its marks cite:", ""]
    for row in matrix.rows:
        law = book.get_as(book.current_id(row.law), Law)
        said, unmarked = [], []
        for column in matrix.columns:
            marks = row.cells.get(column.id, [])
            if not marks:
                unmarked.append(column.label[0].lower() + column.label[1:])
                continue
            found = "; ".join(
                f"{markup.literal(REACH_LABELS[m.reach].lower())} ({_provision_link(page, law.id, m.provision)})"
                for m in marks
            )
            said.append(f"{markup.literal(column.label)}: {found}.")
        if unmarked:
            said.append(f"No mark for {markup.literal(', '.join(unmarked))}.")
        lines.append(f"- **{page.link(law.id, law_name(law))}**. " + " ".join(said))
    return lines


def diagram_markdown(page: PageWriter, diagram: Diagram) -> Markup:
    """The figure and its text version, as Markdown for the page that shows the diagram."""
    kind = "flow" if isinstance(diagram, Flow) else "locks" if isinstance(diagram, Locks) else "matrix"
    figure = [
        f'<figure class="cb-diagram cb-diagram--{kind}" id="diagram-{diagram.id}">',
        slot(diagram.id),
        f"<figcaption>{escape(diagram.title)}</figcaption>",
        "</figure>",
        "",
    ]
    if isinstance(diagram, Flow):
        text = _flow(page, diagram)
    elif isinstance(diagram, Locks):
        text = _locks(page, diagram)
    else:
        text = _matrix(page, diagram)
    block = [*figure, *text]
    if isinstance(diagram, Matrix):
        body = "\n".join(f"    {line}" if line else "" for line in block)
        return Markup(f'!!! {prose.ANALYSIS_TYPE} "{prose.ANALYSIS_TITLE}"\n\n{body}\n')
    return Markup("\n".join(block) + "\n")
