"""Text helpers every layer shares: Markdown to plain text, dates for readers, and quote cuts.

There is one of each on purpose. Two plain-text functions that disagreed once let record ids leak
into published descriptions; two definitions of a quote cut let the offline check and the online
check disagree on what "verbatim" means.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from casebook.core import shortcodes

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Shortcodes the site shows as footnotes (citations) rather than as links.
CITATIONS = ("fact", "quote", "source")

# Every pattern here runs on contributors' text (up to 1 MB a file), so none may rescan a long run
# from each of its positions: tests/test_regex_budget.py times each on its worst case.

# A cut in a quotation: "[...]" or "[…]" (with optional spaces inside the brackets), and the spaces
# around it. The leading spaces are taken only from the start of a run of spaces (``(?<!\s)``): a
# plain ``\s*`` would scan a long run of spaces again from each of its positions.
QUOTE_CUT = re.compile(r"(?:(?<!\s)\s+)?(?:\[(?:\.\.\.|\u2026)\]|\[\s*\u2026\s*\])\s*")

# A Markdown link [text](url). Neither part may contain '[', so a failed attempt stops at the next
# '[' instead of scanning to the end of the text ("[[[[…" or "[](" repeated).
_LINK = re.compile(r"\[([^\[\]]*)\]\([^)\[]*\)")
# *emphasis*, **strong**, _emphasis_, __strong__. The inner text may not contain its own marker, so
# an unclosed "*a *a *a…" stops at the next marker instead of scanning to the end of the line.
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_CODE = re.compile(r"`([^`]*)`")
_DROPPED = "\x00"

LabelOf = Callable[[str], str | None]


def human_date(value: str | None) -> str:
    """'2020-06-04' -> '4 June 2020'; '2020-06' -> 'June 2020'; '2020' stays."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def plain(text: str, label_of: LabelOf, limit: int | None = None) -> str:
    """A Markdown text field as one line of plain text, for descriptions, tooltips, labels and exports.

    Citations (``[[fact:id]]``, ``[[quote:id]]``, ``[[source:id]]``: footnotes on the site) are
    dropped, never replaced by their ids; links to other records become their own text or the
    record's label (``label_of(id)``). Emphasis and code marks go; quote cuts such as ``[…]`` stay.
    ``limit`` shortens the result at a word boundary and ends it with an ellipsis.
    """

    def render(code: shortcodes.Shortcode) -> str:
        if code.text:
            return code.text
        if code.kind in CITATIONS:
            return _DROPPED
        return label_of(code.id) or _DROPPED

    out = shortcodes.replace(text, render)
    if _DROPPED in out:  # drop each citation with the spaces before it (a split: `\s*\x00` is quadratic)
        parts = out.split(_DROPPED)
        out = "".join([part.rstrip() for part in parts[:-1]] + [parts[-1]])
    # each pattern needs its opening character: testing for it first skips most texts' scans
    if "](" in out:
        out = _LINK.sub(r"\1", out)
    if "`" in out:
        out = _CODE.sub(r"\1", out)
    for _ in range(2):  # nested emphasis (**bold _italic_**)
        if "*" in out or "_" in out:
            out = _EMPHASIS.sub(r"\2", out)
    out = " ".join(out.split())
    if limit and len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


def quote_segments(text: str) -> list[str]:
    """The parts of a quotation between its cut marks (``[…]``), unnormalised and without empty parts."""
    if "[" not in text:  # every cut has a '['; the pattern's optional leading space is tried at every character
        return [text] if text.strip() else []
    return [part for part in QUOTE_CUT.split(text) if part.strip()]
