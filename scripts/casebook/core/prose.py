"""Prose that states something is either cited or labelled as this site's analysis.

A hand-written page mixes what sources say (cited: ``[[fact:…]]``, ``[[law:…]]``, ``[[source:…]]``
or a footnote) with the site's own reasoning about it. A reader can tell them apart only if the
reasoning is marked: it sits in an admonition of type ``analysis``, which the site shows as "This
site's analysis" (``ANALYSIS_TITLE``) and screen readers announce as a labelled note. Every other
paragraph, list item or table row that makes a statement must cite at least one record or source.

Not statements, so not counted: a block after the comment ``SITE_MARK`` (it describes the site
itself: what a section teaches, where to start), headings, code, HTML comments, front matter,
questions (a block ending in "?"), and blocks of fewer than ``MIN_WORDS`` words once links and
markup are removed ("See also the timeline."), a table's header row, and list items that open with a
link to another page (signposts: "- [Insider risk](topics/insider-risk.md): what happens when…").
Pages about the site itself (``docs/about/``) describe the project, not the case, and are not
checked (``checks_prose``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from casebook.core import shortcodes

ANALYSIS_TYPE = "analysis"
ANALYSIS_TITLE = "This site's analysis"
MIN_WORDS = 8
SITE_MARK = "<!-- about this site -->"
"""A comment on the line before a paragraph or list that describes the site itself (what it teaches,
where to go), not the case or the law: that block is neither a claim to cite nor analysis."""

_ADMONITION = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?) *(?P<type>[\w-]+)(?: +\"[^\"]*\")? *$")
_FENCE = re.compile(r"^ *(```|~~~)")
# the kinds whose [[kind:id]] cites what a statement rests on (a term or a lesson explains, not cites)
_CITING_KINDS = frozenset(
    ("fact", "source", "law", "quote", "event", "person", "organisation", "case", "disagreement", "misconception")
)
_ITEM = re.compile(r"^ *(?:[-*+]|\d+[.)]) +")
_TABLE_RULE = re.compile(r"^ *(?:\| *)?:?-{3,}")
# a list item that opens with a link to another page of the site describes where to go, not the case
_SIGNPOST = re.compile(r"^(?:[-*+]|\d+[.)]) +\**\[[^\]]+\]\([^()\s]+\.md(?:#[^()\s]*)?\)")
_MARKUP = re.compile(r"\[\[[^\[\]]*\]\]|\]\([^()]*\)|<[^<>]*>|[*_`|#>\[\]]")


@dataclass(frozen=True)
class Uncited:
    line: int  # 1-based, in the page
    start: str  # the block's first words, to find it by

    def problem(self, *, analysis_allowed: bool = True) -> str:
        marked = " and is not marked as analysis" if analysis_allowed else ""
        return f"this paragraph cites nothing{marked} ('{self.start}')"


FIX = (
    "cite the record or source it rests on ([[fact:id]], [[law:id]], [[source:id]]), or, if it is the site's own "
    f'reasoning, put it in an analysis block: !!! {ANALYSIS_TYPE} "{ANALYSIS_TITLE}" with the text indented below '
    f"(a block that only describes the site itself follows a line {SITE_MARK})"
)


def checks_prose(rel: str) -> bool:
    """Whether the page at ``rel`` (relative to docs/) is held to the rule: pages about the site are not."""
    return not rel.startswith("about/")


def uncited(text: str) -> Iterator[Uncited]:
    """Each statement block of a Markdown page that cites nothing outside an analysis block."""
    lines = text.split("\n")
    index = 0
    if lines and lines[0].strip() == "---":  # front matter
        index = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
    block: list[tuple[int, str]] = []
    fence: str | None = None
    in_comment = False
    analysis_indent: int | None = None  # the indent of an open analysis block's body
    about_site = False  # inside the block after SITE_MARK

    def finish() -> Iterator[Uncited]:
        if block:
            found = _check(block)
            block.clear()
            if found is not None:
                yield found

    for number in range(index, len(lines)):
        line = lines[number]
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if stripped == SITE_MARK:
            yield from finish()
            about_site = True
            continue
        if stripped.startswith("<!--"):
            yield from finish()
            in_comment = "-->" not in stripped
            continue
        fenced = _FENCE.match(line)
        if fenced:
            yield from finish()
            fence = fenced.group(1)
            continue
        indent = len(line) - len(line.lstrip(" "))
        if analysis_indent is not None and stripped and indent < analysis_indent:
            analysis_indent = None  # the analysis block ended with this less-indented line
        admonition = _ADMONITION.match(line)
        if admonition:
            yield from finish()
            if admonition.group("type") == ANALYSIS_TYPE and analysis_indent is None:
                analysis_indent = len(admonition.group("indent")) + 4
            continue
        if analysis_indent is not None:
            continue
        if not stripped:
            yield from finish()
            about_site = False
            continue
        if about_site:
            continue
        if _TABLE_RULE.match(line):  # the row above was the table's header: column names, not a statement
            block.clear()
            continue
        if stripped.startswith("#"):
            yield from finish()
            continue
        # each table row and list item is a block; a line that only looks like an item ("2000. Under…")
        # inside a paragraph continues it, as in Python-Markdown, where a list needs a blank line before it
        item = _ITEM.match(line) and (not block or _ITEM.match(block[0][1]))
        if stripped.startswith("|") or item:
            yield from finish()
        block.append((number + 1, stripped))
    yield from finish()


def _cites(text: str) -> bool:
    """A footnote, or a whole citation as ``shortcodes`` reads one: an unclosed "[[fact:…" cites
    nothing (and is an error of its own, ``shortcodes.broken``)."""
    return "[^" in text or any(code.kind in _CITING_KINDS for code in shortcodes.find(text))


def _check(block: list[tuple[int, str]]) -> Uncited | None:
    text = " ".join(part for _, part in block)
    if _cites(text) or _SIGNPOST.match(text):
        return None
    words = _MARKUP.sub(" ", _ITEM.sub("", text, count=1)).split()
    if len([w for w in words if any(ch.isalpha() for ch in w)]) < MIN_WORDS:
        return None
    if text.rstrip(" *_").endswith("?"):
        return None
    start = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    return Uncited(block[0][0], start)


RECORD_FIX = "cite the record or source each paragraph rests on with [[fact:id]], [[law:id]] or [[source:id]]"


def uncited_paragraphs(text: str) -> Iterator[Uncited]:
    """Each paragraph of a record's text (blank-line separated) that makes a statement and cites nothing;
    the line is 1-based within the text."""
    line = 1
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        if paragraph.strip() and not paragraph.startswith("\n"):
            found = _check([(line, " ".join(paragraph.split()))])
            if found is not None:
                yield found
        line += paragraph.count("\n")
