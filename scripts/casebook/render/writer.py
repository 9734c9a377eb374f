"""The per-page helper that templates use: links relative to the page, citations as footnotes.

Material shows a footnote on hover; a tap, a click or Enter on its number opens the theme's citation
popover (``casebook.js``), which reads the parts of the footnote from the spans ``source_detail`` puts
around them (``cb-cite__*``). Without JavaScript the number still jumps to the footnote, which holds
the same information. The writer collects each page's footnotes and labels so that a record cited
twice on a page gets one note.

Every method a template prints returns ``Markup``: Markdown the writer built, in which every value
from a record is encoded where it lands (``markup.literal`` for text, ``<…>`` for checked URLs,
``markup.to_markdown`` for record text). The template environment writes anything else as literal
text, so a record can never add syntax of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from markupsafe import Markup

from casebook.core import markup, prose, shortcodes
from casebook.core.book import Casebook
from casebook.core.model import Case, Citation, Event, Fact, Lesson, Misconception, Quote, Record, Source, shown_date
from casebook.core.text import human_date, plain
from casebook.core.urls import page_of, relative, with_anchor
from casebook.render.labels import STATUS_LABELS


def _first_words(text: str, count: int) -> str:
    """``text`` cut after ``count`` words, with an ellipsis if anything was cut."""
    parts = text.split()
    return text if len(parts) <= count else " ".join(parts[:count]).rstrip(",;:.…") + "…"


def as_of_label(as_of: str) -> str:
    """How a dated status is shown: 'As of April 2023, the latest source found.'"""
    return f"As of {human_date(as_of)}, the latest source found."


@lru_cache(maxsize=16)
def _badge(status: str) -> str:
    short, long = STATUS_LABELS[status]
    return f'<span class="cb-badge cb-badge--{status}" title="{markup.literal(long)}">{markup.literal(short)}</span>'


def _permalink(record_id: str, what: str) -> str:
    what = markup.literal(what)
    return f'[¶](#{record_id}){{ .cb-permalink title="Link to this {what}" aria-label="Link to this {what}" }}'


class PageWriter:
    """Per-page helper for templates: links relative to this page, footnotes collected for it."""

    def __init__(
        self,
        book: Casebook,
        path: str,
        edit_url: str | None,
        labels: dict[str, str] | None = None,
        titles: Mapping[str, str] | None = None,
    ) -> None:
        self.book = book
        self.path = path
        self.edit_url = edit_url
        self._notes: dict[str, str] = {}
        self._labels = labels if labels is not None else {}  # shared by the pages of one render
        self._titles = titles or {}  # page path -> title, from the page registry
        # this page's links to records by their labels, and its source lines: a source cited by
        # thousands of facts, or a fact listed under each of its people, is written once per page
        self._links: dict[str, Markup] = {}
        self._source_lines: dict[str, str] = {}
        self._source_link_lines: dict[str, str] = {}  # a source's links to its original and archived copy
        self._hrefs: dict[str, Markup] = {}  # record id -> its address from this page

    # links ------------------------------------------------------------
    def href(self, record_id: str) -> Markup:
        found = self._hrefs.get(record_id)
        if found is None:
            page, anchor = page_of(self.book.get(record_id))
            # page paths and ids: [a-z0-9/._-]
            found = self._hrefs[record_id] = Markup(with_anchor(relative(self.path, page), anchor))
        return found

    def label(self, record_id: str) -> str:
        label = self._labels.get(record_id)
        if label is None:
            label = self._labels[record_id] = self._make_label(record_id)
        return label

    def _make_label(self, record_id: str) -> str:
        record = self.book.get(record_id)
        if isinstance(record, Fact):
            return plain(record.statement, self.book.label_of, 90)
        if isinstance(record, Misconception):
            return f"Misconception: {record.claim}"
        if isinstance(record, Quote):
            return f"{self.book.get(record.speaker).label}: “{plain(record.text, self.book.label_of, 60)}”"
        return record.label

    def link(self, record_id: str, text: str | None = None) -> Markup:
        """A link to a record, with ``text`` (or the record's label) as literal link text."""
        if text:
            return self._link(markup.literal(text), record_id)
        link = self._links.get(record_id)
        if link is None:
            link = self._links[record_id] = self._link(markup.literal(self.label(record_id)), record_id)
        return link

    def _link(self, markdown: str, record_id: str) -> Markup:
        return Markup(f"[{markdown}]({self.href(record_id)})")

    @staticmethod
    def url(address: str) -> Markup:
        """A source's URL as a Markdown link target. The model checked it against RFC 3986, so it
        holds no '<', '>', space or quote; the angle brackets let it hold ')'."""
        problem = markup.url_problem(address)
        if problem is not None:
            raise ValueError(f"{problem}: {address!r}")
        return Markup(f"<{address}>")

    def edit(self, record_id: str) -> Markup:
        if not self.edit_url:
            return Markup("")
        file = self.book.origins[record_id].file
        return Markup(f'[Edit](<{self.edit_url}{file}> "Edit {markup.literal(file)}")')

    # citations -------------------------------------------------------
    def _note(self, label: str, text: str) -> Markup:
        return Markup(self._note_text(label, text))

    def _note_text(self, label: str, text: str) -> str:
        self._notes.setdefault(label, text)
        return f"[^{label}]"  # labels are made of record ids

    def cite(self, citation: Citation, owner: str, index: int) -> Markup:
        """Footnote for one citation of a source by ``owner`` (a record id)."""
        return Markup(self._cite_text(citation, owner, index))

    def _cite_text(self, citation: Citation, owner: str, index: int) -> str:
        detail = self.source_detail(citation.source, citation.locator, citation.excerpt)
        return self._note_text(f"{owner}-{index + 1}", detail)

    def cite_source(self, source_id: str) -> Markup:
        return self._note(f"src-{source_id}", self.source_detail(source_id))

    def source_detail(self, source_id: str, locator: str | None = None, excerpt: str | None = None) -> str:
        """One cited source as a footnote gives it: publisher, title (linked to its entry on the sources
        page), date, the place cited, the excerpt, and links to the original and the archived copy.
        Each part sits in a span of its own class, which the citation popover reads (``casebook.js``)."""
        source = self.book.get(source_id)
        assert isinstance(source, Source)
        text = f'<span class="cb-cite">{self.source_line(source)}'
        if locator:
            text += f', <span class="cb-cite__locator">{markup.literal(locator)}</span>'
        text += "."
        if excerpt:
            text += f' <span class="cb-cite__excerpt">“{markup.literal(excerpt)}”</span>'
        return text + f" {self._source_links(source)}</span>"

    def _source_links(self, source: Source) -> str:
        links = self._source_link_lines.get(source.id)
        if links is None:
            links = self._source_link_lines[source.id] = (
                f"[Original]({self.url(source.url)}){{ .cb-url .cb-cite__original }} · "
                f"[Archived copy]({self.url(source.archive_url)}){{ .cb-url .cb-cite__archive }}"
            )
        return links

    def source_line(self, source: Source) -> str:
        line = self._source_lines.get(source.id)
        if line is None:
            title = self._link("*" + markup.literal(source.title) + "*", source.id)
            line = (
                f'<span class="cb-cite__publisher">{markup.literal(source.publisher)}</span>, '
                f'<span class="cb-cite__title">{title}</span>, '
                f'<span class="cb-cite__date">{shown_date(source)}</span>'
            )
            self._source_lines[source.id] = line
        return line

    def cite_record(self, record_id: str) -> Markup:
        """Footnote citing a fact or a quote, as used by [[fact:id]] in running text: the fact's status
        and statement (or the quote), then each of its sources as ``source_detail`` gives them."""
        record = self.book.get(record_id)
        if isinstance(record, Source):
            return self.cite_source(record_id)
        if isinstance(record, Fact):
            status = STATUS_LABELS[record.status][0]
            sources = " ".join(self.source_detail(c.source, c.locator, c.excerpt) for c in record.sources)
            body = (
                f'<span class="cb-cite__status cb-cite__status--{record.status}">**{markup.literal(status)}.**</span> '
                f'<span class="cb-cite__statement">{self.inline(record.statement)}</span> '
                f"{self.link(record_id, 'The fact and its sources')}. {sources}"
            )
        elif isinstance(record, Quote):
            speaker = self.book.get(record.speaker)
            text = markup.literal(plain(record.text, self.book.label_of, 200))
            body = (
                f'<span class="cb-cite__statement">{markup.literal(speaker.label)}, {markup.literal(record.role)}, '
                f"{human_date(record.said)}: “{text}”</span> "
                f"{self.link(record_id, 'The full quote and its source')}. "
                f"{self.source_detail(record.source, record.locator)}"
            )
        else:
            return self.link(record_id)
        return self._note(f"cite-{record_id}", body)

    def footnotes(self) -> str:
        return "\n\n".join(f"[^{label}]: {text}" for label, text in self._notes.items())

    # Markdown text fields ---------------------------------------------
    def md(self, text: str, *, inline: bool = False) -> Markup:
        """Record text as safe Markdown (``markup.to_markdown``), with [[kind:id]] expanded: facts,
        quotes and sources become footnotes; other records become links. ``inline`` joins it into
        one line, for table cells and list items."""

        return Markup(markup.to_markdown(text, self._shortcode, inline=inline))

    def analysis(self, text: str) -> Markup:
        """Record text that is this site's reasoning (a law's relevance, how the site words a
        disagreement), as an analysis block (``core.prose``): titled and announced as this site's
        analysis, set apart from what the sources say."""
        body = markup.to_markdown(text, self._shortcode)
        indented = "\n".join(f"    {line}" if line.strip() else "" for line in body.split("\n"))
        return Markup(f'!!! {prose.ANALYSIS_TYPE} "{prose.ANALYSIS_TITLE}"\n\n{indented}\n')

    def _shortcode(self, code: shortcodes.Shortcode) -> str:
        """A [[kind:id]]: facts, quotes and sources as footnotes, other records (and any with text) as
        links. A former id names the renamed record (validation warned about it)."""
        if code.kind == "diagram":  # a picture of content/diagrams.yml, on a hand-written page (validate)
            return self.diagram(code.id)
        record_id = self.book.current_id(code.id)
        if code.kind == "glance":  # a block of a hand-written page (validate checked it stands alone)
            case = self.book.get(record_id)
            assert isinstance(case, Case)
            return self.glance(case)
        if code.text:
            return self.link(record_id, code.text)
        if code.kind in ("fact", "quote", "source"):
            return self.cite_record(record_id)
        return self.link(record_id)

    def expand(self, markdown: str) -> str:
        """A hand-written page's Markdown with its [[kind:id]] expanded like ``md``, and nothing else
        changed: pages use the site's full Markdown, checked by ``casebook validate`` (``core.pages``)
        and by the HTML allowlist, not the record-text subset."""

        return shortcodes.replace(markdown, self._shortcode)

    def inline(self, text: str) -> Markup:
        """Like ``md`` but on one line and links only (for text inside a footnote, where footnotes
        cannot nest)."""
        return Markup(markup.to_markdown(text, lambda c: self.link(self.book.current_id(c.id), c.text), inline=True))

    def anchors(self, record_id: str) -> Markup:
        """Empty anchors for a renamed record's former ids, so links made before the rename still land."""
        return Markup(self._anchors_text(record_id))

    def _anchors_text(self, record_id: str) -> str:
        former_ids = self.book.get(record_id).former_ids
        return "".join(f'<a id="{former}"></a>' for former in former_ids) if former_ids else ""

    def diagram(self, diagram_id: str) -> Markup:
        """A diagram of content/diagrams.yml: its figure and its text version (``render.diagram_text``)."""
        from casebook.render.diagram_text import diagram_markdown  # it builds on this writer

        found = self.book.diagrams.get(diagram_id) if self.book.diagrams is not None else None
        if found is None:
            raise ValueError(f"unknown diagram '{diagram_id}' on {self.path}")
        return diagram_markdown(self, found)

    def diagrams_here(self) -> Markup:
        """Every diagram whose ``page`` is this (generated) page, in the order of content/diagrams.yml."""
        found = self.book.diagrams.diagrams if self.book.diagrams is not None else ()
        return Markup("\n\n".join(self.diagram(d.id) for d in found if d.page == self.path))

    def href_page(self, page: str) -> Markup:
        return Markup(relative(self.path, page) or "./")

    def page_title(self, page: str) -> str:
        """A page's title, as the page registry declares it (a render without docs/ falls back to its file name)."""
        if page in self._titles:
            return self._titles[page]
        stem = page.rsplit("/", 1)[-1].removesuffix(".md")
        return (page.rsplit("/", 2)[-2] if stem == "index" and "/" in page else stem).replace("-", " ").capitalize()

    def evidence(self, record_id: str) -> Markup:
        """An objective's evidence: facts, quotes and sources as footnotes, other records as links."""
        if self.book.get(record_id).kind in ("fact", "quote", "source"):
            return self.cite_record(record_id)
        return Markup(f" ({self.link(record_id)})")

    def lesson_sources(self, lesson: Lesson) -> list[Source]:
        """Every source a lesson rests on: cited directly, or through the facts, quotes and laws it uses."""
        cited = [
            c.id for _, text in shortcodes.texts_with_shortcodes(lesson.model_dump()) for c in shortcodes.find(text)
        ]
        ids = [*(e for o in lesson.objectives for e in o.evidence), *lesson.materials, *cited]
        return sorted(self.book.sources_behind(ids), key=lambda s: (s.publisher, s.published))

    # other helpers ----------------------------------------------------
    @staticmethod
    def citation(quote: Quote) -> Citation:
        return Citation(source=quote.source, locator=quote.locator)

    @staticmethod
    def slug(text: str) -> Markup:
        return Markup("_".join(re.findall(r"[a-z0-9]+", text.lower())) or "item")

    @staticmethod
    def sides(facts: list[Fact], company: str | None) -> dict[str, list[Fact]]:
        """Split a topic's facts into prosecutors' allegations, the company's account and the record."""
        return {
            "alleged": [f for f in facts if f.status == "alleged"],
            "company": [f for f in facts if f.status != "alleged" and company and company in f.attributed_to],
            "record": [f for f in facts if f.status == "established"],
        }

    # record blocks ----------------------------------------------------
    # The pieces that repeat for every record (a fact block 10,000 times on a large site) are written
    # here rather than as template macros: the same Markdown, without a template engine's per-value
    # cost. Every value in them is encoded as in a template (``markup.literal``, ``md``, ``link``).

    @staticmethod
    def badge(status: str) -> Markup:
        return Markup(_badge(status))

    @staticmethod
    def permalink(record_id: str, what: str) -> Markup:
        return Markup(_permalink(record_id, what))

    def fact_block(self, fact: Fact) -> Markup:
        """A fact as the facts and case pages show it: its label, date, statement with citations,
        note and edit link, in a box that is the fact's permanent anchor. Built as one string (10,000
        times on a large site): each part is encoded as its ``Markup`` method would encode it."""
        reported = ""
        if fact.status == "reported":
            reported = f' <span class="cb-attribution">reported by {markup.literal(self.reported_by(fact))}</span>'
        cites = "".join([self._cite_text(citation, fact.id, index) for index, citation in enumerate(fact.sources)])
        statement = markup.to_markdown(fact.statement, self._shortcode)
        text = (
            f'<div class="cb-record cb-fact cb-fact--{fact.status}" id="{fact.id}" markdown>\n'
            f"{self._anchors_text(fact.id)}{_badge(fact.status)} "
            f'<span class="cb-date">{markup.literal(human_date(fact.date))}</span>{reported} '
            f"{_permalink(fact.id, 'fact')}\n\n{statement}{cites}\n\n"
        )
        if fact.as_of:  # a statement about the present holds as of its newest source, not today
            text += f'<span class="cb-as-of">{markup.literal(as_of_label(fact.as_of))}</span>\n\n'
        if fact.note:
            text += f"*Note:* {markup.to_markdown(fact.note, self._shortcode)}\n\n"
        if self.edit_url:
            text += f'<span class="cb-edit">{self.edit(fact.id)}</span>'
        return Markup(text + "\n\n</div>")

    def glance(self, case: Case) -> Markup:
        """The case's "At a glance" box: a definition list of its items, each label a term and each text
        with its citations; a dated item says "as of" its date, and an analysis item sits in an analysis
        block, so the site's reasoning is labelled as such (``core.prose``)."""
        lines = ['<div class="cb-glance" markdown>', "", "## At a glance { #at-a-glance }", ""]
        for item in case.at_a_glance:
            lines.append(markup.literal(item.label))
            body = self.analysis(item.text) if item.analysis else self.md(item.text, inline=True)
            body_lines = str(body).rstrip("\n").split("\n")
            lines.append(":   " + body_lines[0])
            lines += [f"    {line}" if line.strip() else "" for line in body_lines[1:]]
            if item.as_of:  # to the month, as the home page's other dated lines ("As of April 2023, …")
                label = as_of_label(item.as_of[:7])
                lines += ["", f'    <span class="cb-as-of">{markup.literal(label)}</span>']
            lines.append("")
        lines += ["</div>", ""]
        return Markup("\n".join(lines))

    def account(self, record_id: str) -> Markup:
        """One fact or quote as a cell of "Allegations and answers" gives it, on one line: a fact's
        statement with its citations and a link to it, or a quote's words with its citation."""
        record = self.book.get(self.book.current_id(record_id))
        if isinstance(record, Quote):
            text = markup.literal(plain(record.text, self.book.label_of))
            return Markup(f"“{text}”{self.cite_record(record.id)}")
        assert isinstance(record, Fact)
        cites = "".join(self.cite(c, record.id, index) for index, c in enumerate(record.sources))
        return Markup(
            f'{self.md(record.statement, inline=True)}{cites} [→]({self.href(record.id)} "The fact and its sources")'
        )

    def backlinks(
        self, record_id: str, heading: str = "Cited in", *, words: int | None = None, most: int | None = None
    ) -> Markup:
        """The records that cite or link to ``record_id``, as one line of links (nothing if none).
        ``words`` shortens each link's text to about that many words and ``most`` lists only the first
        so many, with a count of the rest: the bibliography lists every source's citers, and whole
        statements, dozens for a primary source, made it the heaviest page."""
        ids = self.cited_by(record_id)
        if not ids:
            return Markup("")
        shown = ids if most is None else ids[:most]
        if words is None:
            links = " · ".join(self.link(other) for other in shown)
        else:
            links = " · ".join(self.link(other, _first_words(self.label(other), words)) for other in shown)
        if len(shown) < len(ids):
            rest = len(ids) - len(shown)
            links += f" and {rest} more record{'s' if rest > 1 else ''}"
            heading = f"{heading} {len(ids)} records"
        return Markup(f"\n**{markup.literal(heading)}:** {links}\n{{: .cb-backlinks }}\n")

    @staticmethod
    def status_counts(facts: list[Fact]) -> Markup:
        """How many of ``facts`` are alleged, reported, on the record and disputed: ": 3 alleged, 2 on the record"."""
        parts = []
        for status, (label, _) in STATUS_LABELS.items():
            count = sum(1 for fact in facts if fact.status == status)
            if count:
                parts.append(f"{count} {label.lower()}")
        return Markup(f": {markup.literal(', '.join(parts))}" if parts else "")

    def moved_stubs(self, records: Sequence[Record], what: str) -> Markup:
        """The anchor stubs an index page keeps for records that moved to pages of their own, in a
        collapsed list: for each record (and each of its former ids) an element with its old id that
        links to its new address, so /case/facts/#<id> and /sources/#<id>, published before the split,
        still land on a link to the record. ``casebook.js`` follows the link when the address names
        one; without JavaScript the list opens at the named stub (a browser opens a closed
        ``<details>`` to show a fragment's target)."""
        if not records:
            return Markup("")
        lines = [f'??? cb-moved-list "Links to each {markup.literal(what)} ({len(records)})"', ""]
        for record in records:
            text = markup.literal(_first_words(self.label(record.id), 10))
            if isinstance(record, Event):  # a timeline's stubs read as a chronology
                text = f"{markup.literal(human_date(record.date))}: {text}"
            lines.append(f"    - {self.anchors(record.id)}[{text}]({self.href(record.id)}){{ #{record.id} .cb-moved }}")
        return Markup("\n".join(lines) + "\n")

    def cited_by(self, record_id: str, kinds: tuple[str, ...] | None = None) -> list[str]:
        ids = self.book.cited_by.get(record_id, [])
        return [i for i in ids if kinds is None or self.book.get(i).kind in kinds]

    def reported_by(self, fact: Fact) -> str:
        names = [self.book.get(a).label for a in fact.attributed_to]
        if not names:
            names = list(dict.fromkeys(self.book.get(c.source).publisher for c in fact.sources))  # type: ignore[attr-defined]
        return ", ".join(names)
