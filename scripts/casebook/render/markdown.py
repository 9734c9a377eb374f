"""Markdown pages from Jinja templates: a pure function of the book and the page's context.

Which pages exist, their titles and their contexts are declared once, in the page registry
(``casebook.site``); this module only renders one page at a time. Templates (``templates/``) hold the
presentation; each page gets a ``PageWriter`` that turns record ids into relative links and
citations into footnotes, which Material shows on hover.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from casebook.core.book import Casebook
from casebook.core.markup import literal
from casebook.core.model import THEMES, shown_date
from casebook.core.text import human_date, plain
from casebook.render import versions
from casebook.render.labels import JURISDICTION_LABELS, SOURCE_TYPE_LABELS, STATUS_LABELS
from casebook.render.writer import PageWriter

TEMPLATES = Path(__file__).parent / "templates"


_ANCHOR = re.compile(r"[A-Za-z0-9_-]+")


def _finalize(value: object) -> object:
    """Every value a template prints is encoded for Markdown text unless it is already Markdown.

    The writer's methods (links, citations, record text rebuilt by ``markup.to_markdown``) return
    ``Markup``: trusted Markdown. Everything else (a title, a name, a date, an id) is written by
    ``markup.literal``, so it can only ever be text. Printing a value unencoded takes a writer
    method, never a filter in a template.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return Markup(literal(str(value)))


def _anchor(value: object) -> Markup:
    """An id for an attribute list (``{ #id }``) or an ``id="…"``: letters, digits, '-' and '_' only."""
    text = str(value)
    if not _ANCHOR.fullmatch(text):
        raise ValueError(f"not a valid anchor: {text!r}")
    return Markup(text)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # Autoescaping makes macros, {% set %} blocks and writer output ``Markup``; ``_finalize``
        # then writes every other value as literal Markdown text (see its docstring).
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = human_date
    env.filters["source_date"] = shown_date  # "undated" for a page that gives no date
    env.filters["anchor"] = _anchor
    env.filters["text"] = lambda value: Markup(literal(str(value)))
    env.globals.update(
        THEMES=THEMES,
        STATUS_LABELS=STATUS_LABELS,
        SOURCE_TYPE_LABELS=SOURCE_TYPE_LABELS,
        JURISDICTION_LABELS=JURISDICTION_LABELS,
        versions=versions,
    )
    return env


def render_template(book: Casebook, template: str, writer: PageWriter, **context: object) -> str:
    """One page from one template, with the footnotes its citations collected."""
    body = environment().get_template(template).render(page=writer, book=book, **context)
    notes = writer.footnotes()
    text = body.rstrip() + ("\n\n" + notes if notes else "") + "\n"
    return _collapse_blank_lines(text)


_BLANK_RUN = re.compile("\n\n\n+")  # starts with a literal, so the engine jumps from one candidate to the next


def _collapse_blank_lines(text: str) -> str:
    """Every run of three or more newlines as two (a blank line). One pass of ``_BLANK_RUN``: replacing
    "\\n\\n\\n" until none is left scanned each 1 MB topic page of 10,000 facts three or four times."""
    return _BLANK_RUN.sub("\n\n", text) if "\n\n\n" in text else text


def expand_page(writer: PageWriter, markdown: str) -> str:
    """A hand-written page with its ``[[kind:id]]`` citations expanded into links and footnotes."""
    markdown = writer.expand(markdown)
    notes = writer.footnotes()
    return markdown + ("\n\n" + notes if notes else "")


def abbreviations(book: Casebook) -> dict[str, str]:
    """Glossary terms as Markdown abbreviations {name: definition}, so each term shows its definition on hover.

    They are given to Python-Markdown's ``abbr`` extension as its ``glossary`` option, once per build,
    not appended to every page as ``*[name]: …`` lines: the block parser consumes such a block one line
    at a time and re-tests the rest of it with every block processor, which cost a third of the build."""
    from casebook.core.model import Term

    glossary: dict[str, str] = {}
    for term in book.of_kind(Term):
        # An abbreviation's title is an HTML attribute: Python-Markdown escapes it, and the text
        # is the plain definition (citations and emphasis removed), never Markdown.
        definition = plain(term.definition, book.label_of)
        for name in (term.term, *term.aliases):
            glossary[name] = definition
    return glossary
