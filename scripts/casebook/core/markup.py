"""Record text: a small, declared Markdown subset, checked by parsing it and written back out inert.

Contributors are untrusted, and the site's readers include people a state watches, so nothing a
record says may become active HTML. Two rules make that true by construction rather than by a list
of forbidden strings:

1. **Restriction at the input.** Record text is parsed with markdown-it-py (CommonMark), and every
   token must be one of ``SUBSET``: paragraphs, bullet and numbered lists, *emphasis*, **strong**,
   `code`, links to https pages (``[text](https://…)``) and citations (``[[kind:id]]``,
   ``[[kind:id|text]]``). Anything else (raw HTML, images, headings, block quotes, code blocks,
   reference definitions, entities, control and bidi-override characters, and the Python-Markdown
   syntax that CommonMark reads as plain text: attribute lists, abbreviation definitions,
   admonitions, footnotes) is a ``Problem`` with the offending text and a fix.
2. **Encoding at the output.** The site's Markdown engine (Python-Markdown with attribute lists,
   abbreviations, admonitions …) never sees record text as written. ``to_markdown`` rebuilds it
   from the token stream: every character of text is written as a literal (``literal``), so it
   can only ever be text; only the structure that ``SUBSET`` allows is written as syntax; links are
   written as ``[text](<url>)`` with a URL already checked against RFC 3986.

One-line fields (titles, names, labels) are never Markdown: ``check_line`` keeps them to one line
of printable text, and templates print them through ``literal``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from casebook.core import shortcodes

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SUBSET = (
    "paragraphs, bullet and numbered lists, *emphasis*, **strong**, `code`, "
    "[links](https://…) and citations [[kind:id]]"
)
"""What record text may use, as told to a contributor in error messages and CONTRIBUTING."""

_BLOCKS = {
    "paragraph_open",
    "paragraph_close",
    "inline",
    "bullet_list_open",
    "bullet_list_close",
    "ordered_list_open",
    "ordered_list_close",
    "list_item_open",
    "list_item_close",
}
_INLINE = {"text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open", "strong_close", "code_inline"}
_LINKS = {"link_open", "link_close"}

# What each disallowed block token is, for the message.
_BLOCK_NAMES = {
    "heading_open": ("a heading", "write a sentence; pages, not records, have headings"),
    "blockquote_open": ("a block quote ('>')", "quote with quotation marks, or add the words to quotes.yml"),
    "code_block": (
        "a code block (a line indented by 4 or more spaces)",
        "remove the indentation; use `code` for code",
    ),
    "fence": ("a fenced code block", "use `code` inline"),
    "hr": ("a horizontal rule", "remove it"),
    "html_block": ("raw HTML", "write Markdown; link with [text](https://…)"),
}
_INLINE_NAMES = {
    "html_inline": ("raw HTML", "write Markdown; link with [text](https://…)"),
    "image": ("an image", "records cannot show images; link to the page instead: [text](https://…)"),
}

# Characters no text field may hold: C0/C1 controls other than newline and tab, the bidirectional
# embedding/override/isolate controls (they can make text read differently from how it is stored),
# the Unicode line and paragraph separators, invisible characters that hide what a text says (soft
# hyphen, zero-width space and joiners, word joiner and invisible operators, fillers, byte-order
# mark, tag characters), and the private-use areas (the renderer's placeholders are private-use).
_FORBIDDEN_RANGES = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u115f\u1160\u180e\u200b-\u200d\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\u2028\u2029\u3164\uffa0"
    "\ue000-\uf8ff\ufeff\U000e0000-\U000e007f\U000f0000-\U0010ffff"
)
_FORBIDDEN_CHARS = re.compile(f"[{_FORBIDDEN_RANGES}]")

# Python-Markdown syntax that CommonMark reads as text. It would be inert on output anyway (every
# character of text is escaped); rejecting it tells the contributor why it does not work.
_FOREIGN_SYNTAX = (
    # CommonMark does not read '<svg/onload=…>' as HTML, but a browser would: the renderer writes
    # it as text, and the contributor learns why it does not work.
    (re.compile(r"<(?!https://)[A-Za-z!?/]"), "raw HTML", "write Markdown; link with [text](https://…)"),
    (
        re.compile(r"\{\s*[:#.]"),
        "an attribute list",
        "remove it; records cannot set HTML attributes",
    ),
    (
        re.compile(r"(?m)^[ \t]*\*\["),
        "an abbreviation definition",
        "define terms in content/glossary.yml",
    ),
    (re.compile(r"(?m)^[ \t]*(?:!!!|\?\?\?|///)"), "an admonition", "write the text as a sentence"),
    (re.compile(r"\[\^"), "a footnote", "cite a record with [[fact:id]] or [[source:id]]"),
)

_PLACEHOLDER = re.compile("\ue000([0-9]+)\ue001")
# Text without any of these is plain prose to CommonMark (paragraphs of text, nothing else), so the
# parser is skipped: the characters that start inline syntax, and the line starts of block syntax.
# Two patterns, not one alternation: a pattern that is one character set is searched by its set
# alone, while an alternation with line starts tries every branch at every character (5x slower).
_PARSER_CHARS = re.compile(r"[\\`*_\[\]<>&!]")
_PARSER_LINES = re.compile(r"^[ \t]*(?:[#>+*=~-]|[0-9]{1,9}[.)])|^(?: {4}|\t)", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _needs_parser(text: str) -> bool:
    return _PARSER_CHARS.search(text) is not None or _PARSER_LINES.search(text) is not None


# Text that matches neither of these has no forbidden character, no foreign syntax and nothing for
# the parser, so ``check`` answers such text (most statements) with two fast scans: one for
# characters (a character set, the quickest search there is), one for line starts.
_QUICK_CHARS = re.compile(f"[\\\\`*_\\[\\]<>&!{{{_FORBIDDEN_RANGES}]")
_QUICK_LINES = re.compile(r"^[ \t]*(?:[#>+*=~-]|[0-9]{1,9}[.)]|\?\?\?|///)|^(?: {4}|\t)", re.MULTILINE)


_LOCAL_PATH = re.compile(r"[A-Za-z0-9._~%-][A-Za-z0-9._~%/-]*(?:[?#][A-Za-z0-9._~%/=&-]*)?")
# RFC 3986: a URI is unreserved, reserved and percent-encoded characters only.
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a text: the message, the fix, and the 1-based line of the text it is on."""

    message: str
    fix: str
    line: int = 1


MAX_DEPTH = 12  # token nesting: a list inside a list inside … (a list level is 2-3 tokens deep)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The CommonMark parser that record text and hand-written pages are checked with: raw HTML
    tokenised (so it can be refused), every link kept as a token whatever its scheme (so it can be
    checked and reported here), and hrefs kept as written. Imported on first use: plain prose never
    needs it."""
    from markdown_it import MarkdownIt

    class _Parser(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return True

        def normalizeLink(self, url: str) -> str:
            return url

    # markdown-it silently drops blocks nested deeper than maxNesting (20 in CommonMark's preset),
    # which would let text past every check. With a limit well above MAX_DEPTH, anything dropped
    # sits under tokens deeper than MAX_DEPTH, which ``too_deep`` refuses; and the inline parser's
    # recursion stays far from Python's limit.
    md = _Parser("commonmark", {"html": True, "maxNesting": 2 * MAX_DEPTH})
    md.disable("text_join")  # keep entities and escapes as their own tokens
    return md


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    if text.startswith("<") and ">" in text[:limit]:
        return text[: text.index(">") + 1]  # the tag itself
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _char_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def check_chars(text: str) -> Problem | None:
    """A forbidden character (see ``_FORBIDDEN_CHARS``), with its line."""
    found = _FORBIDDEN_CHARS.search(text)
    if found is None:
        return None
    char = found.group(0)
    fix = (
        "delete it: a carriage return is a line break; start a new line in the file instead"
        if char == "\r"
        else "delete it (retype the text around it if unsure)"
    )
    return Problem(f"text contains {_char_name(char)}", fix, text.count("\n", 0, found.start()) + 1)


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an https URL the site may link to, or None."""
    if not url.lower().startswith("https://"):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        return f"'{scheme}:' links are not allowed" if scheme and scheme != "http" else "links must use https://"
    if not _URI_CHARS.fullmatch(url):
        bad = next(ch for ch in url if not _URI_CHARS.fullmatch(ch))
        return f"URL contains {bad!r}, which is not allowed in a URL (RFC 3986)"
    if "." not in (urlsplit(url).hostname or ""):
        return "URL has no host name"
    return None


def _with_placeholders(text: str) -> tuple[str, list[shortcodes.Shortcode]]:
    codes = list(shortcodes.find(text))
    if not codes:
        return text, codes
    counter = iter(range(len(codes)))
    return shortcodes.replace(text, lambda _: f"\ue000{next(counter)}\ue001"), codes


# Validation checks each text and rendering rebuilds it: one parse serves both, and under `mkdocs
# serve` every rebuild after. The tokens are only read, never changed.
@lru_cache(maxsize=8_192)
def _parse(text: str) -> tuple[list[Token], dict[str, object]]:
    env: dict[str, object] = {}
    return parser().parse(text, env), env


def check(text: str) -> Problem | None:
    """The first way ``text`` leaves the record-text subset, or None when it is inside it."""
    if "[[" in text:
        for code in shortcodes.find(text):
            problem = check_line(code.text) if code.text else None
            if problem is not None:  # a citation's own link text is one line of plain text
                line = text.count("\n", 0, code.start) + 1
                return Problem(f"[[{code.kind}:{code.id}|…]] text: {problem.message}", problem.fix, line)
        broken = shortcodes.broken(text)
        if broken:
            return Problem(*shortcodes.broken_problem(text, broken[0]), text.count("\n", 0, broken[0]) + 1)
        bare = shortcodes.SHORTCODE.sub("", text)
    else:
        bare = text
    if not _QUICK_CHARS.search(bare) and not _QUICK_LINES.search(bare):
        return None
    problem = check_chars(text)
    if problem is not None:
        return problem
    for pattern, what, fix in _FOREIGN_SYNTAX:
        found = pattern.search(text)
        if found is not None:
            return Problem(
                f"{what} is not allowed ('{_snippet(text[found.start() :], 30)}')",
                fix,
                text.count("\n", 0, found.start()) + 1,
            )
    prepared, _ = _with_placeholders(text)
    if not _needs_parser(prepared):
        return None  # plain prose: nothing CommonMark could read as syntax
    try:
        tokens, env = _parse(prepared)
    except RecursionError:
        return Problem("nested too deeply to check", "use fewer nested lists")
    deep = too_deep(tokens)
    if deep is not None:
        return Problem("nested too deeply", "use fewer nested lists", deep + 1)
    references = env.get("references")
    if references:
        label = next(iter(references))  # type: ignore[call-overload]
        return Problem(
            f"reference-style link definitions are not allowed ('[{label.lower()}]: …')",
            "write the link inline: [text](https://…)",
        )
    for token in tokens:
        line = token.map[0] + 1 if token.map else 1
        if token.type not in _BLOCKS:
            what, fix = _BLOCK_NAMES.get(token.type, (f"'{token.type}'", f"use only {SUBSET}"))
            return Problem(f"{what} is not allowed in record text", fix, line)
        if token.type == "inline":
            problem = _check_inline(token.children or [], line)
            if problem is not None:
                return problem
    return None


def too_deep(tokens: list[Token]) -> int | None:
    """The 0-based line of the first block nested deeper than ``MAX_DEPTH``, or None."""
    for token in tokens:
        if token.level > MAX_DEPTH:
            return token.map[0] if token.map else 0
    return None


def is_local_path(src: str) -> bool:
    """Whether an image source is a plain relative path on this site: no scheme, no host, no '\'
    (browsers read '/\\host' and 'https:\\\\host' as another host), no absolute path."""
    cleaned = re.sub(r"[\s\x00-\x1f]", "", src)
    return bool(_LOCAL_PATH.fullmatch(cleaned)) and not cleaned.startswith("/")


def _check_inline(children: list[Token], line: int) -> Problem | None:
    in_link = False
    for child in children:
        kind = child.type
        if kind == "text_special":
            if child.info == "entity":
                return Problem(f"HTML entities are not allowed ('{child.markup}')", "type the character itself", line)
            continue  # a backslash escape: a literal character
        if kind in _INLINE_NAMES:
            what, fix = _INLINE_NAMES[kind]
            return Problem(f"{what} is not allowed ('{_snippet(child.content)}')", fix, line)
        if kind == "link_open":
            href = str(child.attrs.get("href", ""))
            problem = url_problem(href)
            if problem is not None:
                return Problem(f"{problem}: '{_snippet(href)}'", "link to the https:// address of the page", line)
            if child.attrs.get("title"):
                return Problem("link titles are not supported", "delete the quoted title after the URL", line)
            in_link = True
            continue
        if kind == "link_close":
            in_link = False
            continue
        if kind not in _INLINE:
            return Problem(f"'{kind}' is not allowed in record text", f"use only {SUBSET}", line)
        if in_link and _PLACEHOLDER.search(child.content):
            return Problem("a citation cannot sit inside a link's text", "move the [[…]] after the link", line)
        if kind == "code_inline" and _PLACEHOLDER.search(child.content):
            # a code span across a line break: the citation finder reads code spans within a line, so
            # this [[…]] would be taken for a citation and end up inside the code
            return Problem(
                "a [[…]] citation cannot sit inside a code span", "close the `code` before the citation", line
            )
    return None


def check_line(text: str) -> Problem | None:
    """The first problem of a one-line field: a line break, a forbidden character, or an angle
    bracket (one-line values become page titles and attributes, where '<' has no business)."""
    problem = check_chars(text)
    if problem is not None:
        return problem
    if "\n" in text.strip():
        return Problem("must be a single line", "remove the line breaks")
    found = re.search("[<>]", text)
    if found is not None:
        return Problem(
            f"'{found.group(0)}' is not allowed in a one-line field",
            "use words, or the quotation marks ‹ › if you mean them",
        )
    return None


# ---------------------------------------------------------------- output

# Python-Markdown reads these anywhere in text; a backslash (or, for HTML, an entity) makes each a
# literal character.
_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "{": "\\{",
        "}": "\\}",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
    }
)
# ... and these only at the start of a line (headings, lists, admonitions, details, definition
# lists, fences, setext rules). Every value is treated as if it began a line, because a template
# may put it there.
_LINE_START = {
    "#": "\\#",
    "-": "\\-",
    "+": "\\+",
    "!": "\\!",
    "=": "&#61;",
    "?": "&#63;",
    ":": "&#58;",
    "~": "&#126;",
    "/": "&#47;",
}
_ORDERED_MARKER = re.compile(r"^([0-9]+)([.)])")


# Text that needs none of the work below: no character to escape, no whitespace but single spaces
# between words, nothing a line may not start with. Most names, titles and labels are like this.
# It is one character set plus three string tests (``_needs_escape``): an alternation of these
# branches tried each of them at every character, a third of a large site's render.
# Whitespace other than the space: exactly what ``[^\S ]`` matches (tests/test_markup.py checks it).
_OTHER_SPACES = "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ESCAPE_CHARS = re.compile(f'[\\\\`*_{{}}\\[\\]|&<>"\x00-\x1f{_FORBIDDEN_RANGES}{_OTHER_SPACES}]')
_ESCAPED_LINE_STARTS = frozenset(" #+!=?:~/0123456789-")


def _needs_escape(text: str) -> bool:
    """Whether ``literal`` has work to do: a character to escape, whitespace other than single spaces
    between words, or a first character a line may not start with."""
    return bool(text) and (
        text[0] in _ESCAPED_LINE_STARTS or text[-1] == " " or "  " in text or _ESCAPE_CHARS.search(text) is not None
    )


@lru_cache(maxsize=65_536)  # templates print the same dates, labels and names many times
def literal(text: str) -> str:
    """``text`` as Python-Markdown text that renders as exactly those characters: one line,
    whitespace collapsed, control characters dropped, every Markdown and HTML character escaped."""
    if not _needs_escape(text):
        return text
    text = " ".join(text.split())
    if _FORBIDDEN_CHARS.search(text):
        text = _FORBIDDEN_CHARS.sub("", text)
    if not _needs_escape(text):  # it only needed its whitespace collapsed
        return text
    out = text.translate(_ESCAPES)
    first = out[0]
    if first in _LINE_START:
        out = _LINE_START[first] + out[1:]
    marker = _ORDERED_MARKER.match(out)
    if marker:  # "2020. A year" must not start a numbered list
        out = marker.group(1) + "\\" + marker.group(2) + out[marker.end() :]
    return out


Cite = Callable[[shortcodes.Shortcode], str]


def to_markdown(text: str, cite: Cite, *, inline: bool = False) -> str:
    """Record text rebuilt from its tokens as safe Markdown for Python-Markdown.

    ``cite`` renders each ``[[kind:id]]`` (trusted Markdown from the writer). Blocks are separated
    by blank lines, list items are ``- `` or ``1. `` lines; with ``inline`` everything is joined
    into one line (for table cells and footnotes, where blocks cannot go). The text must already
    have passed ``check``; tokens outside the subset are written as literal text, never as syntax.
    """
    bare = shortcodes.SHORTCODE.sub("", text) if "[[" in text else text
    if not _needs_parser(bare):  # plain prose: paragraphs of literal text and citations
        paragraphs = [_plain_paragraph(p, cite) for p in _BLANK_LINE.split(text.strip())]
        return (" " if inline else "\n\n").join(p for p in paragraphs if p)
    prepared, codes = _with_placeholders(text)
    tokens, _ = _parse(prepared)
    blocks: list[str] = []
    lists: list[list[int]] = []  # the numbering of each open list (0 for a bullet list)
    prefix = ""
    for token in tokens:
        if token.type == "bullet_list_open":
            lists.append([0])
        elif token.type == "ordered_list_open":
            start = token.attrs.get("start", 1)
            lists.append([int(start) if isinstance(start, (int, str)) else 1])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            depth = "    " * (len(lists) - 1)
            number = lists[-1]
            if number[0]:
                prefix = f"{depth}{number[0]}. "
                number[0] += 1
            else:
                prefix = f"{depth}- "
        elif token.type == "inline":
            line = _inline(token.children or [], codes, cite)
            if prefix:
                blocks.append(prefix + line)
                prefix = ""
            elif lists:
                blocks.append("    " * len(lists) + line)  # a second paragraph of a list item
            else:
                blocks.append(line)
        elif token.content:  # outside the subset (text that failed ``check``): literal text only
            blocks.append(literal(token.content))
    if inline:
        return " ".join(b.strip() for b in blocks)
    # Items of one list sit on consecutive lines; everything else is separated by a blank line.
    out: list[str] = []
    for block in blocks:
        if out and not (_is_item(block) and _is_item(out[-1])):
            out.append("")
        out.append(block)
    return "\n".join(out)


def _is_item(block: str) -> bool:
    return bool(re.match(r"\s*(?:- |[0-9]+\. )", block))


def _inline(children: list[Token], codes: list[shortcodes.Shortcode], cite: Cite) -> str:
    parts: list[str] = []
    link: list[str] | None = None  # the parts of an open link's text
    href = ""
    for child in children:
        target = link if link is not None else parts
        kind = child.type
        if kind in ("text", "text_special"):
            target.append(_text(child.content, codes, cite))
        elif kind in ("softbreak", "hardbreak"):
            target.append(" ")
        elif kind in ("em_open", "em_close"):
            target.append("*")
        elif kind in ("strong_open", "strong_close"):
            target.append("**")
        elif kind == "code_inline":
            target.append(_code(child.content))
        elif kind == "link_open" and link is None:
            link, href = [], str(child.attrs.get("href", ""))
        elif kind == "link_close" and link is not None:
            label = "".join(link)
            parts.append(f"[{label}](<{href}>)" if url_problem(href) is None else label)
            link = None
        else:  # outside the subset: its source text, as a literal
            target.append(literal(child.content))
    if link is not None:
        parts.extend(link)
    return "".join(parts).strip()


def _plain_paragraph(paragraph: str, cite: Cite) -> str:
    """A paragraph of plain prose: its words as literal text, its citations rendered."""
    if "[[" not in paragraph:
        return literal(paragraph)
    out: list[str] = []
    last = 0
    for code in shortcodes.find(paragraph):
        out.append(_escape_run(paragraph[last : code.start]))
        out.append(cite(code))
        last = code.end
    out.append(_escape_run(paragraph[last:]))
    return "".join(out).strip()


def _text(content: str, codes: list[shortcodes.Shortcode], cite: Cite) -> str:
    out: list[str] = []
    last = 0
    for found in _PLACEHOLDER.finditer(content):
        out.append(_escape_run(content[last : found.start()]))
        out.append(cite(codes[int(found.group(1))]))
        last = found.end()
    out.append(_escape_run(content[last:]))
    return "".join(out)


def _escape_run(text: str) -> str:
    """``literal`` for a run inside a line, keeping one space at either end. Each run is escaped as
    if it began a line (a '-' or '#' mid-line gets a harmless backslash)."""
    if not text.strip():
        return " " if text else ""
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + literal(text) + trail


def _code(content: str) -> str:
    """An inline code span whose fence is longer than any run of backticks inside it."""
    content = " ".join(content.split())
    longest = max((len(run) for run in re.findall("`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"
