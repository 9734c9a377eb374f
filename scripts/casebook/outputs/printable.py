"""Record text as inert HTML for paper: every case statement labelled, every source address printed.

The handouts, guides, keys and cards (``outputs.handouts``, ``outputs.cards``) are HTML that WeasyPrint
prints. Record text reaches them the way it reaches the site: ``markup.to_markdown`` rebuilds it from its
tokens with every character of text encoded, Python-Markdown (no extensions) makes HTML of that, and the
project's allowlist (``outputs.sanitise.clean``) cleans the result. Only then are the citation markers put
in: HTML this module builds itself, from escaped values, in place of private-use placeholders that record
text cannot contain (they are refused at the input).

On paper a link cannot be followed and a hidden address cannot be checked, so links keep their text and
print their address after it, and each ``[[fact:id]]`` becomes the fact's status label (Alleged, Reported,
On the record, Disputed) with the numbers of its sources in the document's source list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html import escape

import markdown as python_markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from markupsafe import Markup

from casebook.core import markup, shortcodes
from casebook.core.book import Casebook
from casebook.core.model import Event, Fact, Law, Misconception, Quote, Record, Source, Topic, shown_date
from casebook.core.text import plain
from casebook.outputs.sanitise import clean
from casebook.render.labels import STATUS_LABELS

_SLOT = re.compile("\ue000([0-9]+)\ue001")

QUOTE_LABEL = ("Quote", "the words are on the record; what they claim may not be")


class _PrintLinks(Treeprocessor):
    """``<a href="u">text</a>`` becomes ``text (u)``: the address printed, not hidden behind the text."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "a":
                    continue
                href = child.get("href", "")
                span = etree.Element("span")
                span.text, span.tail = child.text, child.tail
                span.extend(list(child))
                if href:
                    url = etree.SubElement(span, "span", {"class": "url"})
                    url.text = f" ({href})"
                parent.remove(child)
                parent.insert(index, span)


class _PrintExtension(Extension):
    def extendMarkdown(self, md: python_markdown.Markdown) -> None:
        md.treeprocessors.register(_PrintLinks(md), "casebook_print_links", 0)


@dataclass
class Sources:
    """The numbered source list of one printed document, in order of first citation."""

    book: Casebook
    numbers: dict[str, int] = field(default_factory=dict)  # source id -> number

    def number(self, source_id: str) -> int:
        return self.numbers.setdefault(source_id, len(self.numbers) + 1)

    def listed(self) -> list[tuple[int, Source]]:
        return [(n, self.book.get_as(source_id, Source)) for source_id, n in self.numbers.items()]


def reference_name(book: Casebook, record: Record) -> str:
    """How printed text and slides name a record they cannot link to: a misconception as one (so its
    false claim never reads as a statement), a topic or event by its title in quotation marks (so it
    does not run into the sentence), a law by its short title, anything else by its label."""
    if isinstance(record, Misconception):
        return f"misconception “{plain(record.claim, book.label_of).rstrip('.')}”"
    if isinstance(record, Topic | Event):
        return f"“{record.label}”"
    if isinstance(record, Law):
        return record.short_title or record.title
    return record.label


class Printer:
    """Renders record text for one printed document, collecting the sources it cites."""

    def __init__(self, book: Casebook) -> None:
        self.book = book
        self.sources = Sources(book)
        self._md = python_markdown.Markdown(extensions=[_PrintExtension()], output_format="html")

    # citations ---------------------------------------------------------
    def marker(self, record_id: str) -> Markup:
        """The label printed beside a case statement: its status and its source numbers (trusted HTML,
        built here from escaped values; Markup, so a template prints it as HTML, not as its text)."""
        record = self.book.get(record_id)
        status: str
        if isinstance(record, Fact):
            status = record.status
            label, meaning = STATUS_LABELS[status]
            numbers = [self.sources.number(c.source) for c in record.sources]
        elif isinstance(record, Quote):
            status, (label, meaning) = "quote", QUOTE_LABEL
            numbers = [self.sources.number(record.source)]
        elif isinstance(record, Source):
            status, label, meaning = "source", "Source", "a document listed below"
            numbers = [self.sources.number(record.id)]
        else:
            return self.reference(record_id)
        return Markup(
            f'<span class="status status-{escape(status)}" title="{escape(meaning)}">{escape(label)}'
            f" {self._refs(numbers)}</span>"
        )

    def _refs(self, numbers: list[int]) -> str:
        """``[3, 7]``: each source once, however many of a record's citations name it."""
        return f'<span class="refs">[{escape(", ".join(str(n) for n in dict.fromkeys(numbers)))}]</span>'

    def reference(self, record_id: str, text: str | None = None) -> Markup:
        """Another record named in running text: its name as literal text, and for a law the number of
        its first source (on paper a reader needs an address, and no link can give it). A
        misconception is named as one, so its (false) claim never reads as a statement."""
        record = self.book.get(record_id)
        name = text or reference_name(self.book, record)
        refs = ""
        if isinstance(record, Law) and record.sources:  # its first source: the text of the law, or its record
            refs = " " + self._refs([self.sources.number(record.sources[0])])
        return Markup(f'<span class="ref">{escape(name)}{refs}</span>')

    # text --------------------------------------------------------------
    def text(self, text: str, *, inline: bool = False) -> Markup:
        """Record text as HTML: encoded, cleaned, then the status labels put in for its citations."""
        slots: list[str] = []

        def cite(code: shortcodes.Shortcode) -> str:
            record_id = self.book.current_id(code.id)
            if code.kind in ("fact", "quote", "source") and not code.text:
                slots.append(self.marker(record_id))
            else:  # a link to another record: its text, as literal text (no site address on paper)
                slots.append(self.reference(record_id, code.text))
            return f"\ue000{len(slots) - 1}\ue001"

        source = markup.to_markdown(text, cite, inline=inline)
        self._md.reset()
        html = clean(self._md.convert(source))
        if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(_SLOT.sub(lambda m: slots[int(m.group(1))], html))

    def plain(self, text: str) -> str:
        """Record text as one line of plain text (no labels, no citations): for card fronts and titles."""
        return plain(text, self.book.label_of)

    def source_entry(self, source: Source, *, archive: bool = False) -> Markup:
        """One line of the source list: publisher, title, date and the address printed in full."""
        parts = [
            escape(source.publisher),
            f"<cite>{escape(source.title)}</cite>",
            escape(shown_date(source)),
        ]
        line = ", ".join(parts) + f'. <span class="url">{escape(source.url)}</span>'
        if archive:
            line += f' (archived copy: <span class="url">{escape(source.archive_url)}</span>)'
        return Markup(line)
