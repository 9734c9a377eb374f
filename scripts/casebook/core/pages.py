"""The rules for hand-written pages in docs/: the site's Markdown, without the parts that run code.

Hand-written pages may use everything the site's Markdown extensions offer (headings, tables,
admonitions, footnotes, ``{ #id }`` anchors, fenced code) but, like record text, nothing that can
become active HTML or load something from elsewhere:

- no raw HTML at all (no ``<div markdown>`` either: use an admonition), and no HTML entities;
- links go to https:// pages, ``mailto:`` addresses or pages of this site; images only from this site;
- attribute lists set only an id or a class (``{ #id }``, ``{ .class }``), never an attribute;
- no abbreviation definitions (terms are defined once, in content/glossary.yml);
- no control, bidi-override or private-use characters;
- front matter only ``title``, ``description``, ``hide`` and ``search``, with one-line values.

The page is parsed with markdown-it-py (CommonMark) like record text. Python-Markdown's indented
blocks (admonition and footnote bodies) are indented code to CommonMark, so their content is parsed
again as Markdown: nothing hides inside an admonition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from markdown.extensions.toc import slugify  # type: ignore[import-untyped]  # the slug Python-Markdown gives a heading
from markdown_it.token import Token

from casebook.core import markup, shortcodes

FRONT_MATTER_KEYS = ("title", "description", "hide", "search")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_ATTR_ITEM = re.compile(r"[#.][A-Za-z0-9_-]+")
_ABBREVIATION = re.compile(r"(?m)^[ \t]*\*\[")
# Python-Markdown reads '<' + a letter as the start of raw HTML more loosely than CommonMark does
# ('<svg/onload=…>' is text to one and a tag to the other), so text may not hold one at all.
_SPLIT_TARGET = re.compile(r"\]\(<?([^)>]*)")
_HEADING_ATTRS = re.compile(r"\{:?([^{}\n]*)\}\s*$")
_LOOSE_HTML = re.compile(r"<(?!https://)[A-Za-z!?/]")


@dataclass(frozen=True)
class PageProblem:
    line: int  # 1-based, in the page file
    message: str
    fix: str


def _link_problem(href: str) -> str | None:
    if href.startswith(("#", "mailto:")):
        return None
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href) or href.startswith("//"):
        return markup.url_problem(href)
    return None  # a page of this site


def check_page(text: str) -> list[PageProblem]:
    """Every problem of one hand-written page, in page order."""
    problems: list[PageProblem] = []
    offset = 0
    front = _FRONT_MATTER.match(text)
    if front:
        problems.extend(_check_front_matter(front.group(1)))
        offset = text.count("\n", 0, front.end())
        body = text[front.end() :]
    else:
        body = text
    problems.extend(_check_markdown(body, offset))
    return sorted(problems, key=lambda p: p.line)


def _check_front_matter(block: str) -> Iterator[PageProblem]:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        yield PageProblem(
            (mark.line + 2) if mark else 1, "front matter is not valid YAML", "fix the YAML between the ---"
        )
        return
    if data is None:
        return
    if not isinstance(data, dict):
        yield PageProblem(2, "front matter must be 'key: value' lines", "write title: … and description: …")
        return
    lines = block.splitlines()

    def line_of(key: str) -> int:
        return next((n + 2 for n, line in enumerate(lines) if line.startswith(f"{key}:")), 2)

    for key, value in data.items():
        if key not in FRONT_MATTER_KEYS:
            yield PageProblem(
                line_of(str(key)),
                f"front matter key '{key}' is not allowed",
                f"use only {', '.join(FRONT_MATTER_KEYS)}",
            )
        elif key in ("title", "description"):
            problem = markup.check_line(value) if isinstance(value, str) else markup.Problem("must be text", "")
            if problem is not None:
                yield PageProblem(line_of(key), f"front matter {key}: {problem.message}", problem.fix or "write text")


def _check_markdown(text: str, offset: int, ids: dict[str, int] | None = None) -> Iterator[PageProblem]:
    ids = {} if ids is None else ids  # heading id -> its line, across the page
    problem = markup.check_chars(text)
    if problem is not None:
        yield PageProblem(problem.line + offset, problem.message, problem.fix)
        return
    env: dict[str, object] = {}
    tokens = markup.parser().parse(text, env)
    references = env.get("references")
    if isinstance(references, dict):
        for label, ref in references.items():
            why = _link_problem(str(ref.get("href", "")))
            if why is not None:
                line = ref.get("map", [0])[0] + 1
                yield PageProblem(
                    line + offset, f"link definition [{label.lower()}]: {why}", "link to an https:// page"
                )
    previous = ""
    for token in tokens:
        line = (token.map[0] if token.map else 0) + 1 + offset
        if token.type == "html_block":
            yield PageProblem(line, "raw HTML is not allowed in pages", "write Markdown; use an admonition for a box")
        elif token.type == "code_block":
            # An admonition's or footnote's body, to CommonMark: check it as Markdown too.
            yield from _check_markdown(token.content, line - 1, ids)
        elif token.type == "inline":
            heading = previous == "heading_open"
            yield from _check_inline(token.children or [], line, heading=heading)
            yield from _check_split_links(token.content, line)
            if heading:
                yield from _check_heading_id(token.content, line, ids)
        previous = token.type


def _check_heading_id(content: str, line: int, ids: dict[str, int]) -> Iterator[PageProblem]:
    """A heading's id is its permalink, so no two headings of a page may share one: Python-Markdown
    would quietly renumber the later one, and a link made to it would land on the other."""
    explicit = _HEADING_ATTRS.search(content)
    given = [item[1:] for item in explicit.group(1).split() if item.startswith("#")] if explicit else []
    if given:
        heading_id = given[0]
    else:
        words = shortcodes.replace(content, lambda code: code.text or "")
        heading_id = slugify(re.sub(r"[*_`]|\]\([^)]*\)|\[", "", words), "-")
    if heading_id in ids:
        yield PageProblem(
            line,
            f"heading id '{heading_id}' is already the id of the heading on line {ids[heading_id]}",
            "give one of the two headings another id: ## Title { #another-id }",
        )
    else:
        ids[heading_id] = line


def _check_inline(children: list[Token], line: int, *, heading: bool) -> Iterator[PageProblem]:
    for child in children:
        kind = child.type
        if kind == "html_inline":
            yield PageProblem(line, f"raw HTML is not allowed in pages ('{child.content[:30]}')", "write Markdown")
        elif kind == "text_special" and child.info == "entity":
            yield PageProblem(line, f"HTML entities are not allowed ('{child.markup}')", "type the character itself")
        elif kind == "link_open":
            why = _link_problem(str(child.attrs.get("href", "")))
            if why is not None:
                yield PageProblem(line, why, "link to an https:// page or a page of this site")
        elif kind == "image":
            src = str(child.attrs.get("src", ""))
            if "://" in src or src.startswith("//") or ":" in src.split("/", 1)[0]:
                yield PageProblem(
                    line, f"images must come from this site, not '{src[:40]}'", "store it in docs/assets/"
                )
        elif kind == "text":
            yield from _check_text(child.content, line, heading=heading)


def _check_split_links(content: str, line: int) -> Iterator[PageProblem]:
    """A link target broken over lines ('[a](java⏎script:…)') is text to CommonMark but a link to
    Python-Markdown, and browsers drop the line break: check targets with whitespace removed."""
    if "](" not in content:
        return
    for found in _SPLIT_TARGET.finditer(re.sub(r"\s+", "", content)):
        why = _link_problem(found.group(1))
        if why is not None:
            yield PageProblem(line, why, "link to an https:// page or a page of this site")


def _check_text(text: str, line: int, *, heading: bool) -> Iterator[PageProblem]:
    if _LOOSE_HTML.search(text):
        yield PageProblem(line, "raw HTML is not allowed in pages", "write Markdown; '<' before a letter starts HTML")
    if _ABBREVIATION.search(text):
        yield PageProblem(line, "abbreviation definitions are not allowed in pages", "define the term in glossary.yml")
    for found in _ATTR_LIST.finditer(text):
        items = found.group(1).split()
        bad = [item for item in items if not _ATTR_ITEM.fullmatch(item)]
        if bad:
            yield PageProblem(
                line,
                f"attribute list may set only an id or a class, not '{bad[0][:30]}'",
                "write { #id } or { .class }",
            )
        elif not heading and any(item.startswith("#") for item in items):
            yield PageProblem(line, "only a heading may set an id ({ #id })", "remove the id, or put it on a heading")
