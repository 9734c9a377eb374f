"""A static picture of the timeline: one self-contained SVG, a pure function of the Casebook.

The layout is vertical, one row per event in date order, grouped by year. Runs of years without
events (1990–2018 in this case) are a broken stretch of the axis, labelled, so the gap is
shown without leaving three decades of empty space.

Text and lines use ``currentColor``: inlined in a page they take the page's text colour, light
or dark. Opened on its own, the picture is dark on light, or light on dark when the viewer
prefers a dark scheme, on a background of its own (``svg:root`` rules apply only then, never
when inlined). The one accent colour, for the markers, has a contrast of at least 3:1 (WCAG
1.4.11) on white and on Material's slate background (#1e2129). No scripts, no fonts to fetch, no external links.

There are two layouts. The wide one (800 units) is the published file and the picture on a wide
screen. The narrow one (320 units, ``narrow=True``) puts each date above its title and each year on
a row of its own, for a phone: drawn across a 390 px screen's column (about 358 px) its smallest
label is about 14 px, where the wide one's were 6 px. The timeline page inlines both
(``timeline_figure``) and the theme's style sheet shows the one that fits the column.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from xml.sax.saxutils import escape

from casebook.core.book import Casebook
from casebook.core.model import Event
from casebook.core.text import human_date

WIDTH = 800
ACCENT = "#367ee2"  # contrast 4.0:1 on #ffffff and 4.0:1 on #1e2129
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

YEAR_X = 20  # year labels
AXIS_X = 92
DATE_X = 110
TITLE_X = 256
TITLE_CHARS = 60  # wrap titles longer than this (14px text in the ~530px right of the date column)

TOP = 92  # first row's baseline
ROW = 30  # one-line row
LINE = 18  # each further line of a wrapped title
YEAR_GAP = 12  # extra space before a new year
BREAK = 44  # height of a broken stretch of axis
MARKER = 6  # marker radius

HEADING_SIZE = 18
YEAR_SIZE = 16
TITLE_SIZE = 14
DATE_SIZE = 13
NOTE_SIZE = 12  # the smallest text: legend and gap labels (at least 11px, for print)

# The narrow layout: drawn at about 1.1 px per unit on a phone, so 13 units is about 14 px
NARROW_WIDTH = 320
N_AXIS_X = 14
N_TEXT_X = 30  # dates, titles, years and notes, right of the axis
N_TITLE_CHARS = 32  # 14-unit semibold text in the ~280 units right of the axis
N_TOP = 118  # first row's baseline
N_LINE = 18  # each line of a row: the date, then each line of the title
N_GAP = 14  # between two events
N_YEAR_ROW = 30  # a year's own row, before its first event
N_HEADING_SIZE = 16
N_YEAR_SIZE = 16
N_TITLE_SIZE = 14
N_SMALL_SIZE = 13  # dates, legend and gap labels: the smallest text of the narrow layout

# `svg:root` matches only when the SVG is a document of its own (opened directly, or an <img>): then
# it brings its own background, so text and background always match. Inlined, it stays transparent.
STYLE = """
svg:root { color: #1b1b1f; }
svg:root > .cb-tl-bg { fill: #ffffff; }
@media (prefers-color-scheme: dark) {
  svg:root { color: #e2e4e9; }
  svg:root > .cb-tl-bg { fill: #1e2129; }
}
.cb-tl-event a:hover .cb-tl-title, .cb-tl-event a:focus .cb-tl-title { text-decoration: underline; }
"""


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _events(book: Casebook) -> list[Event]:
    return sorted(book.of_kind(Event), key=lambda e: e.date)  # stable: content order within a date


def summary(events: list[Event]) -> str:
    """The text alternative: the span, the number of events and how they fall across the years."""
    if not events:
        return "The timeline has no events yet."
    first, last = events[0], events[-1]
    per_year = Counter(e.date[:4] for e in events)
    years = ", ".join(f"{n} in {year}" for year, n in sorted(per_year.items()))
    noun = "event" if len(events) == 1 else "events"
    return (
        f"{len(events)} dated {noun} from {human_date(first.date)} ({first.title}) to {human_date(last.date)} "
        f"({last.title}): {years}. Each event is shown with its date and title; years without events are "
        "drawn as a broken axis. The Timeline page lists the same events with their facts and sources."
    )


def _text(x: float, y: float, size: int, content: str, *, extra: str = "") -> str:
    return f'<text x="{x}" y="{y}" font-size="{size}" fill="currentColor"{extra}>{escape(content)}</text>'


def _marker(y: float, exact: bool, x: float = AXIS_X) -> str:
    if exact:
        return f'<circle cx="{x}" cy="{y}" r="{MARKER}" fill="{ACCENT}"/>'
    return f'<circle cx="{x}" cy="{y}" r="{MARKER - 1}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>'


def _axis(y1: float, y2: float, *, dashed: bool = False, x: float = AXIS_X) -> str:
    if y2 - y1 <= 0:
        return ""
    dash = ' stroke-dasharray="3 5"' if dashed else ""
    return (
        f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="currentColor" stroke-opacity="0.55"'
        f' stroke-width="2"{dash}/>'
    )


def _break_mark(y: float, x: float = AXIS_X) -> str:
    """Two short slanted strokes across the axis: the usual sign of a broken scale."""
    return "".join(
        f'<line x1="{x - 8}" y1="{y + dy + 3}" x2="{x + 8}" y2="{y + dy - 3}" stroke="currentColor" stroke-width="2"/>'
        for dy in (-3, 3)
    )


def _gap_label(first: int, last: int) -> str:
    return f"no events {first}" if first == last else f"no events {first}–{last}"


def _heading(events: list[Event]) -> str:
    years = sorted({int(e.date[:4]) for e in events})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    return f"Timeline of the case, {span}" if span else "Timeline of the case"


def timeline_figure(book: Casebook, *, link_base: str = "") -> str:
    """Both layouts, for inlining in the timeline page: the theme's style sheet shows the wide one in a
    wide column and the narrow one in a narrow column (print always takes the wide one)."""
    return (
        f'<div class="cb-timeline--wide">{timeline_svg(book, link_base=link_base).strip()}</div>\n'
        f'<div class="cb-timeline--narrow">{timeline_svg(book, link_base=link_base, narrow=True).strip()}</div>\n'
    )


def timeline_svg(
    book: Casebook, *, page_links: bool = True, link_base: str = "case/timeline/", narrow: bool = False
) -> str:
    """The timeline as SVG text.

    With ``page_links`` each event links to ``{link_base}#{event id}``: relative to the site root by
    default (for a file published at the root); pass ``link_base=""`` when inlining the SVG in the
    timeline page itself. ``narrow`` draws the layout for phones (see the module's docstring).
    """
    if narrow:
        return _narrow_svg(book, page_links=page_links, link_base=link_base)
    events = _events(book)
    heading = _heading(events)

    body: list[str] = []
    y = TOP
    previous_marker: float | None = None
    previous_year: int | None = None
    for index, event in enumerate(events):
        year = int(event.date[:4])
        if previous_year is not None and year != previous_year:
            if year - previous_year > 1:
                assert previous_marker is not None
                top = previous_marker + MARKER + 3
                bottom = y + BREAK - 14
                body.append(_axis(top, top + 8))
                body.append(_axis(top + 8, bottom - 8, dashed=True))
                body.append(_break_mark((top + bottom) / 2))
                body.append(_axis(bottom - 8, bottom))
                body.append(
                    _text(
                        DATE_X,
                        (top + bottom) / 2 + 4,
                        NOTE_SIZE,
                        _gap_label(previous_year + 1, year - 1),
                        extra=' font-style="italic" fill-opacity="0.8"',
                    )
                )
                previous_marker = bottom - MARKER - 3
                y += BREAK
            y += YEAR_GAP
        marker_y = y - 5  # level with the middle of the first line of text
        if previous_marker is not None:
            body.append(_axis(previous_marker + MARKER + 3, marker_y - MARKER - 3))
        lines = textwrap.wrap(event.title, TITLE_CHARS) or [event.title]
        date_label = human_date(event.date)
        parts = [f"<title>{escape(f'{date_label}: {event.title}')}</title>"]
        inner = [_marker(marker_y, len(event.date) == 10)]
        inner.append(_text(DATE_X, y, DATE_SIZE, date_label, extra=' class="cb-tl-date"'))
        spans = "".join(
            f'<tspan x="{TITLE_X}" dy="{0 if n == 0 else LINE}">{escape(line)}</tspan>' for n, line in enumerate(lines)
        )
        inner.append(
            f'<text class="cb-tl-title" x="{TITLE_X}" y="{y}" font-size="{TITLE_SIZE}" font-weight="600"'
            f' fill="currentColor">{spans}</text>'
        )
        if page_links:
            href = _attr(f"{link_base}#{event.id}")
            # xlink:href, not href: Material's instant navigation rewrites every relative href on load, and
            # assigning an SVG <a>'s href throws in the browser (its href property is read-only there).
            parts.append(f'<a xlink:href="{href}">{"".join(inner)}</a>')
        else:
            parts.extend(inner)
        if year != previous_year:
            parts.append(
                _text(YEAR_X, y + 1, YEAR_SIZE, str(year), extra=' font-weight="700" class="cb-tl-year"'),
            )
        body.append(
            f'<g class="cb-tl-event" data-id="{_attr(event.id)}" data-date="{_attr(event.date)}"'
            f' data-index="{index}">{"".join(parts)}</g>'
        )
        previous_marker, previous_year = marker_y, year
        y += ROW + LINE * (len(lines) - 1)

    height = y + 6
    desc = summary(events)
    legend_y = 56
    legend = [
        _text(YEAR_X, legend_y, NOTE_SIZE, f"{len(events)} events · "),
        f'<circle cx="{YEAR_X + 92}" cy="{legend_y - 4}" r="{MARKER - 1}" fill="{ACCENT}"/>',
        _text(YEAR_X + 104, legend_y, NOTE_SIZE, "exact day"),
        f'<circle cx="{YEAR_X + 184}" cy="{legend_y - 4}" r="{MARKER - 2}" fill="none" stroke="{ACCENT}"'
        ' stroke-width="2.5"/>',
        _text(YEAR_X + 196, legend_y, NOTE_SIZE, "month or year only"),
    ]
    # no blank line anywhere: inlined in Markdown, a blank line would end the HTML block
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="cb-timeline-svg"'
        f' role="group" width="{WIDTH}"'
        f' height="{height}" viewBox="0 0 {WIDTH} {height}" aria-labelledby="cb-tl-title cb-tl-desc"'
        f' font-family="{_attr(FONT)}" style="max-width: 100%; height: auto">',
        f'<title id="cb-tl-title">{escape(heading)}</title>',
        f'<desc id="cb-tl-desc">{escape(desc)}</desc>',
        f"<style>{STYLE}</style>",
        f'<rect class="cb-tl-bg" width="{WIDTH}" height="{height}" fill="none"/>',
        _text(YEAR_X, 30, HEADING_SIZE, heading, extra=' font-weight="700"'),
        *legend,
        *body,
        "</svg>",
    ]
    return "\n".join(line for line in out if line) + "\n"


def _event_link(inner: list[str], event: Event, page_links: bool, link_base: str) -> list[str]:
    if not page_links:
        return inner
    # xlink:href, not href: see timeline_svg
    return [f'<a xlink:href="{_attr(f"{link_base}#{event.id}")}">{"".join(inner)}</a>']


def _narrow_svg(book: Casebook, *, page_links: bool, link_base: str) -> str:
    """The narrow layout: one column right of the axis, each year on its own row, then each event's date
    above its wrapped title. The same groups, classes and links as the wide layout; its own ids."""
    events = _events(book)
    heading = _heading(events)
    x, axis = N_TEXT_X, N_AXIS_X
    body: list[str] = []
    y = N_TOP
    previous_marker: float | None = None
    previous_year: int | None = None
    for index, event in enumerate(events):
        year = int(event.date[:4])
        parts: list[str] = []
        if year != previous_year:
            if previous_year is not None and year - previous_year > 1:
                assert previous_marker is not None
                top = y - 8  # below the last line of the year before
                bottom = top + BREAK
                body.append(_axis(previous_marker + MARKER + 3, top, x=axis))
                body.append(_axis(top, bottom, dashed=True, x=axis))
                body.append(_break_mark((top + bottom) / 2, x=axis))
                body.append(
                    _text(
                        x,
                        (top + bottom) / 2 + 5,
                        N_SMALL_SIZE,
                        _gap_label(previous_year + 1, year - 1),
                        extra=' font-style="italic" fill-opacity="0.8"',
                    )
                )
                previous_marker = bottom - MARKER - 3
                y = bottom + 24
            parts.append(_text(x, y, N_YEAR_SIZE, str(year), extra=' font-weight="700" class="cb-tl-year"'))
            y += N_YEAR_ROW
        marker_y = y - 5
        if previous_marker is not None:
            body.append(_axis(previous_marker + MARKER + 3, marker_y - MARKER - 3, x=axis))
        lines = textwrap.wrap(event.title, N_TITLE_CHARS) or [event.title]
        date_label = human_date(event.date)
        parts.insert(0, f"<title>{escape(f'{date_label}: {event.title}')}</title>")
        inner = [_marker(marker_y, len(event.date) == 10, x=axis)]
        inner.append(_text(x, y, N_SMALL_SIZE, date_label, extra=' class="cb-tl-date"'))
        spans = "".join(f'<tspan x="{x}" dy="{N_LINE}">{escape(line)}</tspan>' for line in lines)
        inner.append(
            f'<text class="cb-tl-title" x="{x}" y="{y}" font-size="{N_TITLE_SIZE}" font-weight="600"'
            f' fill="currentColor">{spans}</text>'
        )
        parts[1:1] = _event_link(inner, event, page_links, link_base)
        body.append(
            f'<g class="cb-tl-event" data-id="{_attr(event.id)}" data-date="{_attr(event.date)}"'
            f' data-index="{index}">{"".join(parts)}</g>'
        )
        previous_marker, previous_year = marker_y, year
        y += N_LINE * len(lines) + N_LINE + N_GAP

    height = y - N_GAP
    legend_y, key_y = 54, 80
    legend = [
        _text(axis - MARKER, legend_y, N_SMALL_SIZE, f"{len(events)} events"),
        f'<circle cx="{axis}" cy="{key_y - 4}" r="{MARKER - 1}" fill="{ACCENT}"/>',
        _text(axis + 12, key_y, N_SMALL_SIZE, "exact day"),
        f'<circle cx="{axis + 110}" cy="{key_y - 4}" r="{MARKER - 2}" fill="none" stroke="{ACCENT}"'
        ' stroke-width="2.5"/>',
        _text(axis + 122, key_y, N_SMALL_SIZE, "month or year only"),
    ]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' class="cb-timeline-svg cb-timeline-svg--narrow" role="group" width="{NARROW_WIDTH}" height="{height}"'
        f' viewBox="0 0 {NARROW_WIDTH} {height}" aria-labelledby="cb-tl-n-title cb-tl-n-desc"'
        f' font-family="{_attr(FONT)}" style="max-width: 100%; height: auto">',
        f'<title id="cb-tl-n-title">{escape(heading)}</title>',
        f'<desc id="cb-tl-n-desc">{escape(summary(events))}</desc>',
        f"<style>{STYLE}</style>",
        f'<rect class="cb-tl-bg" width="{NARROW_WIDTH}" height="{height}" fill="none"/>',
        _text(axis - MARKER, 28, N_HEADING_SIZE, heading, extra=' font-weight="700"'),
        *legend,
        *body,
        "</svg>",
    ]
    return "\n".join(line for line in out if line) + "\n"
