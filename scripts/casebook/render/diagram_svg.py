"""The pictures of ``content/diagrams.yml`` as static SVG: a pure function of the book, one diagram and
where its links go.

Each picture is one self-contained ``<svg>``: no script, no ``foreignObject``, no font or image to fetch.
Every text is escaped (``html.escape``) and every link is a relative address the caller builds
(``href(page, anchor)``). Lines and text use ``currentColor``, so an inlined picture takes the page's
text colour, light or dark, and prints black; the few filled shapes take the page's background
(``--md-default-bg-color``). The status of a fact is drawn by the line (dashed: alleged; solid:
reported; thick: on the record; dotted: disputed) and written in words beside it, so nothing rests on
colour alone.

All three are drawn 400 units wide with text of at least 14 units: across a 390 px phone's column
(about 358 px) that is 12.5 px or more, and on a wide screen the picture is capped at a readable size
by the theme's style sheet. The SVG is a ``group`` named by its ``<title>`` and ``<desc>``: its links
are real links, which an ``img`` role would hide from assistive technology, and the same content, with
the same links, is in the text version under it (``render.diagram_text``).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from casebook.core.book import Casebook
from casebook.core.diagrams import REACH_LABELS, REACH_WORDS, Diagram, Flow, Locks, Matrix
from casebook.core.model import Fact, Law
from casebook.core.text import plain
from casebook.core.urls import page_of
from casebook.render.labels import STATUS_LABELS

Href = Callable[[str, str | None], str]
"""(page path under docs/, anchor or None) -> the address to write, relative to the page drawn on."""

WIDTH = 400
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = 14  # the smallest text: 12.5 px across a phone's 358 px column
MATRIX_TEXT = 15  # the matrix sits in an analysis block, about 326 px wide on a phone: 12.2 px
LINE = 18
# the width of an average character, as a share of the font size, for wrapping: measured on DejaVu Sans
# (what a Linux browser falls back to), which is wider than most system fonts, so text wraps early
CHAR = 0.55
BOLD_CHAR = 0.6

# how each status draws its line: (stroke width, dash pattern or "")
LINK_BOLD = ' class="cb-dg-link" font-weight="700"'
STATUS_LINES = {
    "alleged": (2.0, "7 5"),
    "reported": (2.0, ""),
    "established": (4.0, ""),
    "disputed": (2.0, "2 4"),
}
STYLE = (
    ".cb-dg-fill { fill: var(--md-default-bg-color, #fff); }"
    " .cb-dg-halo { paint-order: stroke; stroke: var(--md-default-bg-color, #fff); stroke-width: 5px; }"
    " .cb-dg a:hover .cb-dg-link, .cb-dg a:focus .cb-dg-link { text-decoration: underline; }"
    " @media print { .cb-dg-fill { fill: #fff; } .cb-dg-halo { stroke: #fff; } }"
)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _wrap(text: str, width: float, size: float = TEXT, *, bold: bool = False) -> list[str]:
    chars = max(4, int(width / ((BOLD_CHAR if bold else CHAR) * size)))
    return textwrap.wrap(text, chars, break_long_words=False) or [text]


def _text_width(text: str, size: float = TEXT, *, bold: bool = False) -> float:
    return len(text) * (BOLD_CHAR if bold else CHAR) * size


def _lines(x: float, y: float, lines: list[str], *, size: float = TEXT, anchor: str = "start", extra: str = "") -> str:
    step = LINE if size <= TEXT else round(LINE * size / TEXT)
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else step}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="currentColor"{extra}>'
        f"{spans}</text>"
    )


def _link(href: str, inner: str, title: str) -> str:
    # xlink:href, not href: Material's instant navigation rewrites every relative href on load, and an SVG
    # <a>'s href property is read-only (see timeline_svg)
    return f'<a xlink:href="{_attr(href)}"><title>{escape(title)}</title>{inner}</a>'


def _svg(diagram: Diagram, kind: str, height: float, description: str, body: list[str]) -> str:
    ident = f"cb-dg-{diagram.id}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        # out of the search index: the text version under it holds the same words, in sentences
        f' class="cb-dg cb-dg--{kind}" role="group" data-search-exclude="1" width="{WIDTH}" height="{height:.0f}"'
        f' viewBox="0 0 {WIDTH} {height:.0f}" aria-labelledby="{ident}-title {ident}-desc"'
        f' font-family="{_attr(FONT)}" style="max-width: 100%; height: auto">'
    )
    parts = [
        head,
        f'<title id="{ident}-title">{escape(diagram.title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f"<style>{STYLE}</style>",
        *body,
        "</svg>",
    ]
    return "\n".join(p for p in parts if p) + "\n"  # no blank line: it would end an HTML block in Markdown


def _record_href(book: Casebook, record_id: str, href: Href) -> str:
    page, anchor = page_of(book.get(book.current_id(record_id)))
    return href(page, anchor)


def provision_anchor(ref: str) -> str:
    """The anchor of a provision on its law's page, as the law template writes it (``PageWriter.slug``)."""
    return "_".join(re.findall(r"[a-z0-9]+", ref.lower())) or "item"


def provision_href(book: Casebook, law_id: str, ref: str, href: Href) -> str:
    page, _ = page_of(book.get(book.current_id(law_id)))
    return href(page, provision_anchor(ref))


def law_name(law: Law) -> str:
    return law.short_title or law.title


def provision_name(law: Law, ref: str) -> str:
    """A provision as a reader cites it: "Extradition Law, Art. 8(1)", and "18 U.S.C. § 3181(a)" rather
    than "18 U.S.C. § 3181, § 3181(a)" when the law's name already ends with the section."""
    name = law_name(law)
    words = ref.split()
    for cut in range(len(words), 0, -1):
        head = " ".join(words[:cut])
        if name.endswith(" " + head) and ref.startswith(head):
            return name[: -len(head)] + ref
        head = head.split("(")[0]
        if head and name.endswith(" " + head):
            return name[: -len(head)] + ref
    return f"{name}, {ref}"


# ---------------------------------------------------------------- who asked whom


@dataclass
class _Box:
    record: str
    label: list[str]
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


def node_label(book: Casebook, record_id: str, label: str | None) -> str:
    if label:
        return label
    record = book.get(book.current_id(record_id))
    return plain(record.statement, book.label_of, 60) if isinstance(record, Fact) else record.label


def flow_summary(book: Casebook, flow: Flow) -> str:
    counts: dict[str, int] = {}
    for arrow in flow.arrows:
        status = book.get_as(book.current_id(arrow.fact), Fact).status
        counts[status] = counts.get(status, 0) + 1
    said = ", ".join(f"{n} {STATUS_LABELS[s][0].lower()}" for s, n in counts.items())
    tiers = "; ".join(t.label for t in flow.tiers)
    return (
        f"{len(flow.arrows)} arrows ({said}) between {sum(len(t.nodes) for t in flow.tiers)} boxes in "
        f"{len(flow.tiers)} rows, top to bottom: {tiers}. Each arrow rests on one fact and is labelled with "
        "its status; the list under the picture gives each arrow with its fact."
    )


def _legend(statuses: list[str], y: float) -> tuple[list[str], float]:
    out = [f'<text x="4" y="{y:.0f}" font-size="{TEXT}" font-weight="700" fill="currentColor">Lines:</text>']
    x = 60.0
    for status in statuses:
        width, dash = STATUS_LINES[status]
        label = STATUS_LABELS[status][0]
        need = 34 + _text_width(label) + 14
        if x + need > WIDTH:
            x, y = 60.0, y + LINE + 6
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x:.0f}" y1="{y - 5:.0f}" x2="{x + 28:.0f}" y2="{y - 5:.0f}" stroke="currentColor"'
            f' stroke-width="{width}"{dashed}/>'
        )
        out.append(f'<text x="{x + 34:.0f}" y="{y:.0f}" font-size="{TEXT}" fill="currentColor">{escape(label)}</text>')
        x += need
    return out, y


def _arrowhead(x1: float, y1: float, x2: float, y2: float) -> str:
    angle = math.atan2(y2 - y1, x2 - x1)
    size, spread = 11.0, 0.45
    left = (x2 - size * math.cos(angle - spread), y2 - size * math.sin(angle - spread))
    right = (x2 - size * math.cos(angle + spread), y2 - size * math.sin(angle + spread))
    return (
        f'<polygon points="{x2:.1f},{y2:.1f} {left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}"'
        ' fill="currentColor"/>'
    )


def flow_svg(book: Casebook, flow: Flow, href: Href) -> str:
    """Who asked whom: the tiers top to bottom, arrows between neighbouring tiers, each linked to its fact."""
    statuses = [
        s for s in STATUS_LINES if s in {book.get_as(book.current_id(a.fact), Fact).status for a in flow.arrows}
    ]
    legend, y = _legend(["alleged", "reported", "established", *(["disputed"] if "disputed" in statuses else [])], 20)
    body = list(legend)
    y += 24.0
    boxes: dict[str, _Box] = {}
    tier_of: dict[str, int] = {}
    gap = 100  # between the bottom of a tier's boxes and the next tier's label: room for labelled arrows
    for t, tier in enumerate(flow.tiers):
        body.append(  # knocked out of any arrow that crosses it (``cb-dg-halo``)
            f'<text class="cb-dg-halo" x="4" y="{y + 12:.0f}" font-size="{TEXT}" font-weight="700"'
            f' fill="currentColor">{escape(tier.label)}</text>'
        )
        y += 20
        count = len(tier.nodes)
        spacing = 12
        w = min(260.0, (WIDTH - 8 - spacing * (count - 1)) / count)
        total = w * count + spacing * (count - 1)
        labels = [_wrap(node_label(book, n.record, n.label), w - 14, bold=True) for n in tier.nodes]
        h = max(len(lines) for lines in labels) * LINE + 16
        for n, node in enumerate(tier.nodes):
            x = (WIDTH - total) / 2 + n * (w + spacing)
            boxes[node.record] = _Box(node.record, labels[n], x, y, w, h)
            tier_of[node.record] = t
        y += h + gap
    height = y - gap + 8

    # where arrows meet a box: spread along its top or bottom edge, in the order of their other ends
    ends: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for index, arrow in enumerate(flow.arrows):
        down = tier_of[arrow.target] > tier_of[arrow.source]
        ends.setdefault((arrow.source, "bottom" if down else "top"), []).append((boxes[arrow.target].cx, index))
        ends.setdefault((arrow.target, "top" if down else "bottom"), []).append((boxes[arrow.source].cx, index))
    at: dict[tuple[int, str], float] = {}
    for (record, _side), items in ends.items():
        box = boxes[record]
        for k, (_, index) in enumerate(sorted(items)):
            at[(index, record)] = box.x + box.w * (k + 1) / (len(items) + 1)

    for record, box in boxes.items():
        inner = (
            f'<rect class="cb-dg-fill" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="6"'
            ' stroke="currentColor" stroke-width="1.5"/>'
            + _lines(box.cx, box.y + 22, box.label, anchor="middle", extra=' class="cb-dg-link" font-weight="600"')
        )
        body.append(
            f'<g class="cb-dg-node" data-record="{_attr(record)}">'
            + _link(_record_href(book, record, href), inner, " ".join(box.label))
            + "</g>"
        )

    for index, arrow in enumerate(flow.arrows):
        fact = book.get_as(book.current_id(arrow.fact), Fact)
        source, target = boxes[arrow.source], boxes[arrow.target]
        down = tier_of[arrow.target] > tier_of[arrow.source]
        x1, x2 = at[(index, arrow.source)], at[(index, arrow.target)]
        y1 = source.y + source.h if down else source.y
        y2 = target.y - 2 if down else target.y + target.h + 2
        width, dash = STATUS_LINES[fact.status]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        # the label sits nearer the end in the wider tier, where the arrows are furthest apart
        wide_source = len(flow.tiers[tier_of[arrow.source]].nodes) >= len(flow.tiers[tier_of[arrow.target]].nodes)
        share = 0.34 if wide_source else 0.66
        lx, ly = x1 + (x2 - x1) * share, y1 + (y2 - y1) * share
        label = STATUS_LABELS[fact.status][0]
        pill_w, pill_h = _text_width(label) + 18, 28
        inner = (
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="currentColor"'
            f' stroke-width="{width}"{dashed}/>'
            + _arrowhead(x1, y1, x2, y2)
            + f'<rect class="cb-dg-fill" x="{lx - pill_w / 2:.1f}" y="{ly - pill_h / 2:.1f}" width="{pill_w:.1f}"'
            f' height="{pill_h}" rx="14" stroke="currentColor" stroke-width="1"{dashed}/>'
            + _lines(lx, ly + 5, [label], anchor="middle", extra=' class="cb-dg-link"')
        )
        title = f"{label}: {plain(fact.statement, book.label_of, 220)}"
        body.append(
            f'<g class="cb-dg-arrow cb-dg-arrow--{fact.status}" data-fact="{_attr(fact.id)}"'
            f' data-from="{_attr(arrow.source)}" data-to="{_attr(arrow.target)}">'
            + _link(_record_href(book, fact.id, href), inner, title)
            + "</g>"
        )
    return _svg(flow, "flow", height, flow_summary(book, flow), body)


# ---------------------------------------------------------------- the chain of locks


def locks_summary(book: Casebook, locks: Locks) -> str:
    laws = list(dict.fromkeys(law_name(book.get_as(book.current_id(lock.law), Law)) for lock in locks.locks))
    return (
        f"A chain of {len(locks.locks)} locks, each one provision of a law: {', '.join(laws)}. "
        "The list under the picture gives each lock with the provision's words and a link to it."
    )


def _padlock(cx: float, top: float, number: int) -> str:
    return (
        f'<path d="M {cx - 9:.1f} {top + 14:.1f} v -5 a 9 9 0 0 1 18 0 v 5" fill="none" stroke="currentColor"'
        ' stroke-width="3"/>'
        f'<rect x="{cx - 14:.1f}" y="{top + 13:.1f}" width="28" height="24" rx="4" fill="currentColor"/>'
        f'<text class="cb-dg-fill" x="{cx:.1f}" y="{top + 30:.1f}" font-size="{TEXT}" font-weight="700"'
        f' text-anchor="middle">{number}</text>'
    )


def locks_svg(book: Casebook, locks: Locks, href: Href) -> str:
    """The chain of locks, top to bottom: a padlock per provision, joined by chain links, each lock linked
    to its provision on the law's page."""
    body: list[str] = []
    y = 6.0
    cx, text_x = 22.0, 50.0
    previous_bottom: float | None = None
    for number, lock in enumerate(locks.locks, 1):
        law = book.get_as(book.current_id(lock.law), Law)
        label = _wrap(lock.label, WIDTH - text_x - 8, bold=True)
        cite = _wrap(provision_name(law, lock.provision), WIDTH - text_x - 8)
        height = (len(label) + len(cite)) * LINE + 18
        if previous_bottom is not None:  # a chain link between this lock and the one above
            mid = (previous_bottom + y + 9) / 2
            body.append(
                f'<rect x="{cx - 5:.1f}" y="{previous_bottom - 2:.1f}" width="10"'
                f' height="{y + 11 - previous_bottom:.1f}" rx="5" fill="none" stroke="currentColor"'
                ' stroke-width="2.5"/>'
                f'<line x1="{cx:.1f}" y1="{mid - 4:.1f}" x2="{cx:.1f}" y2="{mid + 4:.1f}" stroke="currentColor"'
                ' stroke-width="2.5"/>'
            )
        inner = (
            f'<rect class="cb-dg-fill" x="{text_x - 6:.1f}" y="{y:.1f}" width="{WIDTH - text_x + 4:.1f}"'
            f' height="{height - 6:.1f}" rx="6" stroke="currentColor" stroke-width="1" stroke-opacity="0.5"/>'
            + _padlock(cx, y + (height - 6) / 2 - 22, number)
            + _lines(text_x + 2, y + 20, label, extra=' class="cb-dg-link" font-weight="600"')
            + _lines(text_x + 2, y + 20 + len(label) * LINE, cite, extra=' fill-opacity="0.85"')
        )
        title = f"Lock {number}: {lock.label} ({provision_name(law, lock.provision)})"
        body.append(
            f'<g class="cb-dg-lock" data-law="{_attr(law.id)}" data-provision="{_attr(lock.provision)}">'
            + _link(provision_href(book, law.id, lock.provision, href), inner, title)
            + "</g>"
        )
        previous_bottom = y + (height - 6) / 2 + 15
        y += height + 8
    return _svg(locks, "locks", y, locks_summary(book, locks), body)


# ---------------------------------------------------------------- which law reaches which data


def matrix_summary(book: Casebook, matrix: Matrix) -> str:
    marks = sum(len(m) for row in matrix.rows for m in row.cells.values())
    columns = "; ".join(c.label for c in matrix.columns)
    return (
        f"This site's analysis: {len(matrix.rows)} laws (rows) against {len(matrix.columns)} kinds of data "
        f"(columns: {columns}), with {marks} marks, each citing a provision. The list under the picture "
        "gives the same marks with links to the provisions."
    )


def matrix_svg(book: Casebook, matrix: Matrix, href: Href) -> str:
    """Laws by kinds of data. Each law is a band: its name across the top, then a cell per column, in
    which each mark says how the law bears on that data and links to the provision it rests on; an
    empty cell is a dash (no provision in this site's records). The names run across the picture, not
    down a column of their own, so the columns stay wide enough on a phone."""
    size, step = MATRIX_TEXT, round(LINE * MATRIX_TEXT / TEXT)
    column_w = WIDTH / len(matrix.columns)
    body: list[str] = []
    heads = [_wrap(c.label, column_w - 10, size, bold=True) for c in matrix.columns]
    for n, lines in enumerate(heads):
        x = n * column_w + column_w / 2
        body.append(_lines(x, 18, lines, size=size, anchor="middle", extra=' font-weight="700"'))
    y = max(len(h) for h in heads) * step + 10
    separators: list[tuple[float, float]] = []
    for r, row in enumerate(matrix.rows):
        law = book.get_as(book.current_id(row.law), Law)
        name = _wrap(law_name(law), WIDTH - 12, size, bold=True)
        cells = [row.cells.get(c.id, []) for c in matrix.columns]
        marks_h = max(1, *(2 * len(marks) for marks in cells)) * step
        h = len(name) * step + 14 + marks_h + 6
        if r % 2 == 0:  # bands on every other law, drawn with the text colour, faintly
            body.append(
                f'<rect x="0" y="{y:.1f}" width="{WIDTH}" height="{h:.1f}" fill="currentColor" fill-opacity="0.07"/>'
            )
        page, _ = page_of(law)
        body.append(
            f'<g class="cb-dg-law" data-law="{_attr(law.id)}">'
            + _link(
                href(page, None),
                _lines(6, y + 20, name, size=size, extra=' class="cb-dg-link" font-weight="700"'),
                law.title,
            )
            + "</g>"
        )
        top = y + 20 + len(name) * step + 4
        separators.append((top - step + 2, y + h - 4))
        for n, (column, marks) in enumerate(zip(matrix.columns, cells, strict=True)):
            x = n * column_w + column_w / 2
            if not marks:
                body.append(
                    f'<g class="cb-dg-cell cb-dg-cell--empty" data-column="{_attr(column.id)}">'
                    f"<title>{escape(law_name(law))}, {escape(column.label)}: no mark</title>"
                    + _lines(x, top, ["—"], size=size, anchor="middle", extra=' fill-opacity="0.7"')
                    + "</g>"
                )
                continue
            for m, mark in enumerate(marks):
                at = top + m * 2 * step
                reach = REACH_LABELS[mark.reach]
                inner = _lines(
                    x, at, [reach], size=size, anchor="middle", extra=' class="cb-dg-link" font-weight="700"'
                ) + _lines(x, at + step, [mark.provision], size=size, anchor="middle")
                title = f"{law_name(law)}, {column.label}: {REACH_WORDS[mark.reach]} ({mark.provision})"
                body.append(
                    f'<g class="cb-dg-cell" data-column="{_attr(column.id)}" data-provision="{_attr(mark.provision)}">'
                    + _link(provision_href(book, law.id, mark.provision, href), inner, title)
                    + "</g>"
                )
        y += h
    for n in range(1, len(matrix.columns)):
        x = n * column_w
        body.extend(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="currentColor"'
            ' stroke-opacity="0.35"/>'
            for top, bottom in separators
        )
    return _svg(matrix, "matrix", y + 4, matrix_summary(book, matrix), body)


def diagram_svg(book: Casebook, diagram: Diagram, href: Href) -> str:
    if isinstance(diagram, Flow):
        return flow_svg(book, diagram, href)
    if isinstance(diagram, Locks):
        return locks_svg(book, diagram, href)
    return matrix_svg(book, diagram, href)
