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

from casebook.core.book import Casebook
from casebook.core.model import THEMES
from casebook.core.text import human_date
from casebook.render.labels import JURISDICTION_LABELS, SOURCE_TYPE_LABELS, STATUS_LABELS
from casebook.render.writer import PageWriter

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # the output is Markdown, whose text fields were checked for raw HTML at load time
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = human_date
    env.globals.update(
        THEMES=THEMES,
        STATUS_LABELS=STATUS_LABELS,
        SOURCE_TYPE_LABELS=SOURCE_TYPE_LABELS,
        JURISDICTION_LABELS=JURISDICTION_LABELS,
    )
    return env


def render_template(book: Casebook, template: str, writer: PageWriter, **context: object) -> str:
    """One page from one template, with the footnotes its citations collected."""
    body = environment().get_template(template).render(page=writer, book=book, **context)
    notes = writer.footnotes()
    text = body.rstrip() + ("\n\n" + notes if notes else "") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def expand_page(writer: PageWriter, markdown: str) -> str:
    """A hand-written page with its ``[[kind:id]]`` citations expanded into links and footnotes."""
    markdown = writer.md(markdown)
    notes = writer.footnotes()
    return markdown + ("\n\n" + notes if notes else "")


def abbreviations(book: Casebook) -> str:
    """Glossary terms as Markdown abbreviations, appended to pages so each term shows its definition on hover."""
    from casebook.core.model import Term

    lines = []
    for term in book.of_kind(Term):
        definition = " ".join(term.definition.split())
        for name in (term.term, *term.aliases):
            lines.append(f"*[{name}]: {definition}")
    return "\n".join(lines)
