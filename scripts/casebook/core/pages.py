"""The rules for hand-written pages in docs/: the site's Markdown, without the parts that run code.

Hand-written pages may use everything the site's Markdown extensions offer (headings, tables,
admonitions, footnotes, ``{ #id }`` anchors, fenced code) but, like record text, nothing that can
become active HTML or load something from elsewhere:

- no raw HTML at all (no ``<div markdown>`` either: use an admonition), and no HTML entities;
- links go to https:// pages, ``mailto:`` addresses or pages of this site; images only from this
  site, by a plain relative path;
- attribute lists set only a heading's id (``{ #id }``): no classes, no attributes;
- no abbreviation definitions (terms are defined once, in content/glossary.yml);
- no control, bidi-override, invisible or private-use characters;
- front matter (between ``---`` lines, as MkDocs reads it) only ``title`` and ``description`` (one
  line of plain text each), ``hide`` and ``search: {exclude: true}``; no MultiMarkdown ``key: value``
  lines at the top of a page, which MkDocs would also read as metadata;
- a page is at most ``MAX_PAGE`` characters and ``MAX_PAGE_BRACKETS`` '[', and a paragraph at most
  ``MAX_BLOCK`` characters and ``MAX_BRACKETS`` '[' (Python-Markdown's link search is slow on them).

The page is parsed with markdown-it-py (CommonMark) like record text. Python-Markdown's indented
blocks (admonition and footnote bodies) are indented code to CommonMark, so their content is parsed
again as Markdown: nothing hides inside an admonition. Nesting is parsed to any depth and refused
beyond ``markup.MAX_DEPTH``, so nothing hides where a parser would give up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from casebook.core import markup, prose, shortcodes

if TYPE_CHECKING:
    from markdown_it.token import Token

FRONT_MATTER_KEYS = ("title", "description", "hide", "search")
HIDE_VALUES = ("navigation", "toc", "footer", "path", "tags", "feedback")
# Python-Markdown's link search costs about (number of '[') x (length) per paragraph, so these caps
# bound a hostile page to seconds: 150 '[' in 10,000 characters take about 0.6 s. The real pages'
# largest paragraph has 80 '[' in 5,351 characters; the most '[' on a page is 206.
MAX_PAGE = 100_000
MAX_BLOCK = 10_000
MAX_BRACKETS = 150
MAX_PAGE_BRACKETS = 1_000
MAX_INDENTED_DEPTH = 6  # admonition inside admonition …: bodies parsed again, at most this deep

# MkDocs' own front matter: '---', YAML, then '---' or '...' (mkdocs/utils/meta.py).
_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.DOTALL)
# MultiMarkdown meta, which MkDocs also reads when a page has no front matter.
_META_LINE = re.compile(r"\A[ ]{0,3}[A-Za-z0-9_-]+:")
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
_HEADING_ID = re.compile(r"#[A-Za-z0-9][A-Za-z0-9_-]*")
_ABBREVIATION = re.compile(r"(?m)^[ \t]*\*\[")
_SPLIT_TARGET = re.compile(r"\]\(<?([^)>]*)")
_HEADING_ATTRS = re.compile(r"\{:?([^{}\n]*)\}\s*$")
_WORDS = ("text", "text_special", "softbreak")
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});")
# Python-Markdown reads '<' + a letter as the start of raw HTML more loosely than CommonMark does
# ('<svg/onload=…>' is text to one and a tag to the other, and '\<' is an escape to one only), so
# a paragraph may not hold one at all outside code.
_LOOSE_HTML = re.compile(r"<(?!https://)[A-Za-z!?/]")


# What docs/ may hold besides pages: pictures (raster only: an SVG can hold script) and the JSON
# schemas that `casebook schemas` writes. MkDocs publishes every file in docs/ as it is, so an .html,
# .svg, .js or .css file there would be active on the site's own origin.
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")


def published_file_problem(rel: str) -> tuple[str, str] | None:
    """Why a file in docs/ other than a page may not be published, as (problem, fix), or None."""
    name = rel.lower()
    if name.endswith(PICTURES) or (rel.startswith("schemas/") and name.endswith(".json")):
        return None
    if name.endswith(".md"):
        return "a page must end in lower-case .md", "rename it"
    return (
        "this kind of file may not be published from docs/ (it could run in readers' browsers)",
        "docs/ holds pages (.md) and pictures (.png, .jpg, .webp); site code belongs in scripts/casebook/theme/",
    )


@dataclass(frozen=True)
class PageProblem:
    line: int  # 1-based, in the page file
    message: str
    fix: str


def _link_problem(href: str) -> str | None:
    if href.startswith(("#", "mailto:")):
        return None
    cleaned = re.sub(r"[\s\x00-\x1f]", "", href)
    if "\\" in cleaned:
        return "links may not contain '\\' (browsers read it as '/')"
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", cleaned) or cleaned.startswith("//"):
        return markup.url_problem(cleaned)
    return None  # a page of this site


def check_page(text: str) -> list[PageProblem]:
    """Every problem of one hand-written page, in page order."""
    return list(_check_page(text))


@lru_cache(maxsize=256)  # `mkdocs serve` checks every page again on each rebuild; most are unchanged
def _check_page(text: str) -> tuple[PageProblem, ...]:
    if len(text) > MAX_PAGE:
        return (PageProblem(1, f"page is {len(text):,} characters, over {MAX_PAGE:,}", "split it into pages"),)
    if text.count("[") > MAX_PAGE_BRACKETS:
        return (PageProblem(1, f"page has more than {MAX_PAGE_BRACKETS:,} '['", "split it into pages"),)
    problems: list[PageProblem] = []
    offset = 0
    front = _FRONT_MATTER.match(text)
    if front and _is_mapping(front.group(1)):  # MkDocs strips front matter only when it is a mapping
        problems.extend(_check_front_matter(front.group(1)))
        offset = text.count("\n", 0, front.end())
        body = text[front.end() :]
    elif front and _is_broken_yaml(front.group(1)):
        problems.extend(_check_front_matter(front.group(1)))
        body = text
    elif _META_LINE.match(text):
        problems.append(
            PageProblem(
                1,
                "a page may not start with 'key: value' lines (MkDocs reads them as metadata)",
                "start the page with its # heading; put a title or description in --- front matter",
            )
        )
        body = text
    else:
        body = text
    for code in shortcodes.find(body):
        problem = markup.check_line(code.text) if code.text else None
        if problem is not None:
            line = body.count("\n", 0, code.start) + 1 + offset
            problems.append(PageProblem(line, f"[[{code.kind}:{code.id}|…]] text: {problem.message}", problem.fix))
    for at in shortcodes.broken(body):
        problems.append(PageProblem(body.count("\n", 0, at) + 1 + offset, *shortcodes.broken_problem(body, at)))
    problems.extend(_check_markdown(body, offset, {}, 0))
    return tuple(sorted(problems, key=lambda p: p.line))


def _is_mapping(block: str) -> bool:
    try:
        return isinstance(yaml.safe_load(block), dict)
    except yaml.YAMLError:
        return False


def _is_broken_yaml(block: str) -> bool:
    try:
        yaml.safe_load(block)
    except yaml.YAMLError:
        return True
    return False


def _check_front_matter(block: str) -> Iterator[PageProblem]:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line + 2) if mark else 1
        yield PageProblem(line, "front matter is not valid YAML", "fix the YAML between the --- lines")
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
        where = line_of(str(key))
        if key not in FRONT_MATTER_KEYS:
            yield PageProblem(
                where, f"front matter key '{key}' is not allowed", f"use only {', '.join(FRONT_MATTER_KEYS)}"
            )
        elif key in ("title", "description"):
            why = _plain_value_problem(value)
            if why is not None:
                yield PageProblem(where, f"front matter {key}: {why[0]}", why[1])
        elif key == "hide" and not (isinstance(value, list) and all(v in HIDE_VALUES for v in value)):
            yield PageProblem(where, "front matter hide: not a list of parts to hide", f"list some of {HIDE_VALUES}")
        elif key == "search" and value != {"exclude": True}:
            yield PageProblem(
                where, "front matter search: only 'exclude: true' is allowed", "write search: {exclude: true}"
            )


def _plain_value_problem(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return "must be text", "write one line of text"
    problem = markup.check_line(value)
    if problem is not None:
        return problem.message, problem.fix
    found = re.search(r"[&\\]", value)
    if found is not None:  # the theme prints titles unescaped in places: no entity, no escape
        return f"'{found.group(0)}' is not allowed here", "write the words without it"
    return None


def _check_markdown(text: str, offset: int, ids: dict[str, int], depth: int) -> Iterator[PageProblem]:
    problem = markup.check_chars(text)
    if problem is not None:
        yield PageProblem(problem.line + offset, problem.message, problem.fix)
        return
    if depth > MAX_INDENTED_DEPTH:
        yield PageProblem(offset + 1, "indented too deeply", "use fewer nested admonitions or lists")
        return
    text, bodies, unclosed, references = _python_markdown_blocks(text)
    for number, target in references:
        why = _link_problem(target)
        if why is not None:
            yield PageProblem(number + 1 + offset, f"link definition: {why}", "link to an https:// page")
    if unclosed is not None:
        yield PageProblem(unclosed + 1 + offset, "code fence is never closed", "close it with the same ``` or ~~~")
    for start, body in bodies:
        yield from _check_markdown(body, offset + start, ids, depth + 1)
    env: dict[str, Any] = {}
    try:
        tokens = markup.parser().parse(text, env)
    except RecursionError:
        yield PageProblem(offset + 1, "nested too deeply to check", "use fewer nested quotes, lists or admonitions")
        return
    yield from _check_depth(tokens, offset)
    seen = {number for number, _ in references}
    definitions = env.get("references")  # CommonMark's: also those whose target is on the next line
    if isinstance(definitions, dict):
        for label, ref in definitions.items():
            why = _link_problem(str(ref.get("href", "")))
            if why is not None and ref.get("map", [0])[0] not in seen:
                line = ref.get("map", [0])[0] + 1
                message = f"link definition [{label.lower()}]: {why}"
                yield PageProblem(line + offset, message, "link to an https:// page")
    previous = ""
    for token in tokens:
        line = (token.map[0] if token.map else 0) + 1 + offset
        if token.type == "html_block" and token.content.strip() != prose.SITE_MARK:
            # the one comment allowed: it marks a block that describes the site itself (core.prose);
            # the HTML allowlist removes every comment from the published page
            yield PageProblem(line, "raw HTML is not allowed in pages", "write Markdown; use an admonition for a box")
        elif token.type == "code_block":
            # An admonition's or footnote's body, to CommonMark: check it as Markdown too.
            yield from _check_markdown(token.content, line - 1, ids, depth + 1)
        elif token.type == "inline":
            heading = previous == "heading_open"
            yield from _check_block(token.content, token.children or [], line)
            yield from _check_inline(token.children or [], line, heading=heading)
            yield from _check_split_links(token.content, line)
            if heading:
                yield from _check_heading_id(token.content, line, ids)
        previous = token.type


_BLOCK_START = re.compile(r"(?:!!!|\?\?\?\+?|///)(?:\s|$)")
_FOOTNOTE_DEFINITION = re.compile(r"\[\^[^\]\n]+\]:[ \t]?(.*)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_REFERENCE = re.compile(r" {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]*)")


def _python_markdown_blocks(text: str) -> tuple[str, list[tuple[int, str]], int | None, list[tuple[int, str]]]:
    """Find the blocks Python-Markdown reads differently from CommonMark, so each is checked as what
    the site makes of it: an admonition's or details block's body (the indented lines after its
    ``!!!`` / ``???`` line, with or without a blank line between) and a footnote's text. Returns
    the text with those bodies blanked out (lines keep their numbers), the bodies as (first line,
    dedented text), and the line of a code fence that is never closed (CommonMark runs it to the
    end of the page, but the site's fences need a closing line, so what follows would be rendered),
    and every link definition Python-Markdown would read (it finds them on any line, even one that
    CommonMark reads as the middle of a paragraph), as (line, target)."""
    lines = text.split("\n")
    bodies: list[tuple[int, str]] = []
    references: list[tuple[int, str]] = []
    fence: tuple[str, int] | None = None  # the open fence's marker and line
    number = 0
    while number < len(lines):
        line = lines[number]
        opened = _FENCE.match(line)
        if fence is not None:
            marker = fence[0]
            closes = opened and opened.group(1)[0] == marker[0] and len(opened.group(1)) >= len(marker)
            if closes and not line.strip().strip(marker[0]):
                fence = None
            number += 1
            continue
        if opened:
            fence = (opened.group(1), number)
            number += 1
            continue
        reference = _REFERENCE.match(line)
        if reference and reference.group(1):
            references.append((number, reference.group(1)))
        footnote = _FOOTNOTE_DEFINITION.match(line)
        if _BLOCK_START.match(line) or footnote:
            start = number
            body = [footnote.group(1)] if footnote else []
            if footnote:
                lines[number] = ""
            number += 1
            while number < len(lines) and (not lines[number].strip() or lines[number].startswith("    ")):
                body.append(lines[number][4:])
                lines[number] = ""
                number += 1
            bodies.append((start if footnote else start + 1, "\n".join(body)))
            continue
        number += 1
    return "\n".join(lines), bodies, fence[1] if fence is not None else None, references


def _check_depth(tokens: list[Token], offset: int) -> Iterator[PageProblem]:
    deep = markup.too_deep(tokens)
    if deep is not None:
        yield PageProblem(deep + 1 + offset, "nested too deeply", "use fewer nested quotes, lists or admonitions")


def _check_block(content: str, children: list[Token], line: int) -> Iterator[PageProblem]:
    if len(content) > MAX_BLOCK:
        yield PageProblem(line, f"paragraph of {len(content):,} characters, over {MAX_BLOCK:,}", "split it")
        return
    if content.count("[") > MAX_BRACKETS:
        yield PageProblem(line, f"more than {MAX_BRACKETS} '[' in one paragraph", "split the paragraph")
    if _ENTITY.search(content):  # in the source: '\&lt;' is an escape to CommonMark, an entity to the site
        yield PageProblem(line, "HTML entities are not allowed", "type the character itself")
    # The paragraph's text as CommonMark read it, escapes included ('\<' is '<'), code left out.
    words = "".join("\n" if c.type == "softbreak" else c.content for c in children if c.type in _WORDS)
    if _LOOSE_HTML.search(words):
        yield PageProblem(line, "raw HTML is not allowed in pages", "write Markdown; '<' before a letter starts HTML")


def _check_heading_id(content: str, line: int, ids: dict[str, int]) -> Iterator[PageProblem]:
    """A heading's id is its permalink, so no two headings of a page may share one: Python-Markdown
    would quietly renumber the later one, and a link made to it would land on the other."""
    explicit = _HEADING_ATTRS.search(content)
    given = [item[1:] for item in explicit.group(1).split() if item.startswith("#")] if explicit else []
    if given:
        heading_id = given[0]
    else:  # the slug Python-Markdown gives a heading (imported here: only pages need it)
        from markdown.extensions.toc import slugify  # type: ignore[import-untyped]

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
            if not markup.is_local_path(src):
                message = f"images must come from this site, by a relative path, not '{src[:40]}'"
                yield PageProblem(line, message, "store the picture in docs/assets/ and link it as assets/name.png")
            if heading:  # a heading's text is the page's title: words only
                yield PageProblem(line, "a heading may not hold an image", "put the picture below the heading")
            yield from _check_inline(child.children or [], line, heading=heading)  # the alt text
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
    if _ABBREVIATION.search(text):
        yield PageProblem(line, "abbreviation definitions are not allowed in pages", "define the term in glossary.yml")
    for found in _ATTR_LIST.finditer(text):
        items = found.group(1).split()
        bad = [item for item in items if not _HEADING_ID.fullmatch(item)]
        if bad:
            yield PageProblem(
                line,
                f"attribute list may set only a heading's id, not '{bad[0][:30]}'",
                "write { #id } at the end of a heading, starting with a letter or digit",
            )
        elif not heading:
            yield PageProblem(line, "only a heading may set an id ({ #id })", "remove the id, or put it on a heading")
