"""Render the validated case to Markdown pages: a pure function of the Casebook.

``render_site(book)`` returns ``{page path: Markdown}``. Templates (``templates/``) hold the
presentation; this module gives them one helper object per page (``PageWriter``) that turns
record ids into relative links and citations into footnotes, which Material shows on hover.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import jinja2

from casebook.core import shortcodes
from casebook.core.book import Casebook
from casebook.core.model import THEMES, Citation, Fact, Lesson, Misconception, Quote, Record, Source
from casebook.core.urls import OWN_PAGES, SHARED_PAGES, instructor_page, page_of, relative

TEMPLATES = Path(__file__).parent / "templates"
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
STATUS_LABELS = {
    "alleged": ("Alleged", "what prosecutors claim; not proven in court"),
    "reported": ("Reported", "what a named party or outlet reported"),
    "established": ("On the record", "a matter of record: a filing, a published statement, a date"),
    "disputed": ("Disputed", "sources disagree"),
}
SOURCE_TYPE_LABELS = {
    "court": "Court filings",
    "government": "Government",
    "company": "Company statements and filings",
    "law-text": "Texts of laws and frameworks",
    "ngo": "Research and advocacy organisations",
    "academic": "Academic",
    "press": "News and analysis",
    "blog": "Blogs and commentary",
    "other": "Other",
}
JURISDICTION_LABELS = {
    "prc": "People's Republic of China",
    "us": "United States",
    "eu": "European Union",
    "international": "International",
    "other": "Other",
}


def human_date(value: str | None) -> str:
    """'2020-06-04' -> '4 June 2020'; '2020-06' -> 'June 2020'; '2020' stays."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


_MARKUP = re.compile(r"[*_`]|\[\[[a-z]+:[^\]|]+\|?|\]\]|\[|\]\([^)]*\)")


def plain(text: str, limit: int | None = None) -> str:
    """Text without Markdown markers, for link labels and tooltips."""
    out = " ".join(_MARKUP.sub("", shortcodes.replace(text, lambda c: c.text or c.id)).split())
    if limit and len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


class PageWriter:
    """Per-page helper for templates: links relative to this page, footnotes collected for it."""

    def __init__(self, book: Casebook, path: str, edit_url: str | None, labels: dict[str, str] | None = None) -> None:
        self.book = book
        self.path = path
        self.edit_url = edit_url
        self._notes: dict[str, str] = {}
        self._labels = labels if labels is not None else {}  # shared by the pages of one render

    # links ------------------------------------------------------------
    def href(self, record_id: str) -> str:
        page, anchor = page_of(self.book.get(record_id))
        return relative(self.path, page) + (f"#{anchor}" if anchor else "")

    def label(self, record_id: str) -> str:
        label = self._labels.get(record_id)
        if label is None:
            label = self._labels[record_id] = self._make_label(record_id)
        return label

    def _make_label(self, record_id: str) -> str:
        record = self.book.get(record_id)
        if isinstance(record, Fact):
            return plain(record.statement, 90)
        if isinstance(record, Misconception):
            return f"Misconception: {record.claim}"
        if isinstance(record, Quote):
            return f"{self.book.get(record.speaker).label}: “{plain(record.text, 60)}”"
        return record.label

    def link(self, record_id: str, text: str | None = None) -> str:
        return f"[{text or self.label(record_id)}]({self.href(record_id)})"

    def edit(self, record_id: str) -> str:
        if not self.edit_url:
            return ""
        file = self.book.origins[record_id].file
        return f'[Edit]({self.edit_url}{file} "Edit {file}")'

    # citations -------------------------------------------------------
    def _note(self, label: str, text: str) -> str:
        self._notes.setdefault(label, text)
        return f"[^{label}]"

    def cite(self, citation: Citation, owner: str, index: int) -> str:
        """Footnote for one citation of a source by ``owner`` (a record id)."""
        source = self.book.get(citation.source)
        assert isinstance(source, Source)
        text = self.source_line(source)
        if citation.locator:
            text += f", {citation.locator}"
        text += "."
        if citation.excerpt:
            text += f" “{' '.join(citation.excerpt.split())}”"
        return self._note(f"{owner}-{index + 1}", text)

    def cite_source(self, source_id: str) -> str:
        source = self.book.get(source_id)
        assert isinstance(source, Source)
        return self._note(f"src-{source_id}", self.source_line(source) + ".")

    def source_line(self, source: Source) -> str:
        return (
            f"{source.publisher}, {self.link(source.id, '*' + source.title.replace('*', '') + '*')}, "
            f"{human_date(source.published)}"
        )

    def cite_record(self, record_id: str) -> str:
        """Footnote citing a fact or a quote, as used by [[fact:id]] in running text."""
        record = self.book.get(record_id)
        if isinstance(record, Source):
            return self.cite_source(record_id)
        if isinstance(record, Fact):
            status = STATUS_LABELS[record.status][0]
            body = f"**{status}.** {self.inline(record.statement)} {self.link(record_id, 'The fact and its sources')}."
        elif isinstance(record, Quote):
            speaker = self.book.get(record.speaker)
            body = (
                f"{speaker.label}, {record.role}, {human_date(record.said)}: “{plain(record.text, 200)}” "
                f"{self.link(record_id, 'The full quote and its source')}."
            )
        else:
            return self.link(record_id)
        return self._note(f"cite-{record_id}", body)

    def footnotes(self) -> str:
        return "\n\n".join(f"[^{label}]: {text}" for label, text in self._notes.items())

    # Markdown text fields ---------------------------------------------
    def md(self, text: str) -> str:
        """Expand [[kind:id]]: facts, quotes and sources become footnotes; other records become links."""

        def render(code: shortcodes.Shortcode) -> str:
            if code.text:
                return self.link(code.id, code.text)
            if code.kind in ("fact", "quote", "source"):
                return self.cite_record(code.id)
            return self.link(code.id)

        return shortcodes.replace(text.strip(), render)

    def inline(self, text: str) -> str:
        """Like ``md`` but links only (for text inside a footnote, where footnotes cannot nest)."""
        return " ".join(shortcodes.replace(text, lambda c: self.link(c.id, c.text)).split())

    def anchors(self, record_id: str) -> str:
        """Empty anchors for a renamed record's former ids, so links made before the rename still land."""
        return "".join(f'<a id="{former}"></a>' for former in self.book.get(record_id).former_ids)

    def href_page(self, page: str) -> str:
        return relative(self.path, page) or "./"

    def page_title(self, page: str) -> str:
        for kind in OWN_PAGES:
            for record in self.book.of_kind(kind):
                if page_of(record)[0] == page:
                    return record.label
        stem = page.rsplit("/", 1)[-1].removesuffix(".md")
        if stem == "index":
            stem = page.rsplit("/", 2)[-2] if "/" in page else "home"
        return PAGE_TITLES.get(page, stem.replace("-", " ").capitalize())

    def evidence(self, record_id: str) -> str:
        """An objective's evidence: facts, quotes and sources as footnotes, other records as links."""
        if self.book.get(record_id).kind in ("fact", "quote", "source"):
            return self.cite_record(record_id)
        return f" ({self.link(record_id)})"

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
    def slug(text: str) -> str:
        return "_".join(re.findall(r"[a-z0-9]+", text.lower())) or "item"

    @staticmethod
    def sides(facts: list[Fact], company: str | None) -> dict[str, list[Fact]]:
        """Split a topic's facts into prosecutors' allegations, the company's account and the record."""
        return {
            "alleged": [f for f in facts if f.status == "alleged"],
            "company": [f for f in facts if f.status != "alleged" and company and company in f.attributed_to],
            "record": [f for f in facts if f.status == "established"],
        }

    def cited_by(self, record_id: str, kinds: tuple[str, ...] | None = None) -> list[str]:
        ids = self.book.cited_by.get(record_id, [])
        return [i for i in ids if kinds is None or self.book.get(i).kind in kinds]

    def reported_by(self, fact: Fact) -> str:
        names = [self.book.get(a).label for a in fact.attributed_to]
        if not names:
            names = list(dict.fromkeys(self.book.get(c.source).publisher for c in fact.sources))  # type: ignore[attr-defined]
        return ", ".join(names)


PAGE_TITLES = {
    "case/index.md": "The case in brief",
    "case/timeline.md": "Timeline",
    "case/facts.md": "Facts by topic",
    "case/allegations.md": "Allegations and answers",
    "case/quotes.md": "Quotes",
    "case/people.md": "People",
    "case/organisations.md": "Organisations",
    "case/disagreements.md": "Where sources disagree",
    "case/misconceptions.md": "Common misconceptions",
    "sources.md": "Sources",
    "glossary.md": "Glossary",
    "laws/index.md": "Laws and frameworks",
    "lessons/index.md": "Lessons",
    "about/method.md": "How this site works",
}


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
    env.filters["plain"] = plain
    env.globals.update(
        THEMES=THEMES,
        STATUS_LABELS=STATUS_LABELS,
        SOURCE_TYPE_LABELS=SOURCE_TYPE_LABELS,
        JURISDICTION_LABELS=JURISDICTION_LABELS,
    )
    return env


def _render(
    book: Casebook, template: str, path: str, edit_url: str | None, labels: dict[str, str], **context: object
) -> str:
    page = PageWriter(book, path, edit_url, labels)
    body = environment().get_template(template).render(page=page, book=book, **context)
    notes = page.footnotes()
    text = body.rstrip() + ("\n\n" + notes if notes else "") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def render_page(book: Casebook, template: str, path: str, edit_url: str | None = None, **context: object) -> str:
    """One page from one template, for pages an adapter adds (for example the downloads page)."""
    return _render(book, template, path, edit_url, {}, **context)


def _sort_date(record: Record) -> str:
    return getattr(record, "date", "") or ""


def render_site(book: Casebook, *, edit_url: str | None = None) -> dict[str, str]:
    """Every generated page, as ``{path under docs/: Markdown}``.

    ``edit_url`` is the prefix that turns a content file path into its edit page (for example
    ``https://github.com/o/r/edit/main/``); without it no per-record edit links are shown.
    """
    from casebook.render.timeline_svg import timeline_svg  # it uses this module's helpers

    labels: dict[str, str] = {}
    facts: list[Fact] = book.of_kind("fact")
    topics = book.of_kind("topic")
    facts_by_topic: dict[str, list[Fact]] = defaultdict(list)
    for fact in sorted(facts, key=_sort_date):
        facts_by_topic[fact.topics[0]].append(fact)
    cases = book.of_kind("case")
    company = cases[0].company if cases else None
    company_name = book.get(company).label if company else None
    pages = {
        "case/index.md": ("case.md.j2", {"case": cases[0] if cases else None}),
        "case/facts.md": ("facts.md.j2", {"topics": topics, "facts_by_topic": facts_by_topic}),
        "case/allegations.md": (
            "allegations.md.j2",
            {"topics": topics, "facts_by_topic": facts_by_topic, "company": company, "company_name": company_name},
        ),
        "case/timeline.md": (
            "timeline.md.j2",
            {"events": sorted(book.of_kind("event"), key=_sort_date), "svg": timeline_svg(book, link_base="")},
        ),
        "case/quotes.md": ("quotes.md.j2", {"quotes": sorted(book.of_kind("quote"), key=lambda q: q.said)}),
        "case/people.md": ("entities.md.j2", {"title": "People", "records": book.of_kind("person")}),
        "case/organisations.md": (
            "entities.md.j2",
            {"title": "Organisations", "records": book.of_kind("organisation")},
        ),
        "case/disagreements.md": ("disagreements.md.j2", {"records": book.of_kind("disagreement")}),
        "case/misconceptions.md": ("misconceptions.md.j2", {"records": book.of_kind("misconception")}),
        "sources.md": ("sources.md.j2", {"sources": book.of_kind("source")}),
        "glossary.md": ("glossary.md.j2", {"terms": sorted(book.of_kind("term"), key=lambda t: t.term.lower())}),
        "laws/index.md": ("laws_index.md.j2", {"laws": book.of_kind("law")}),
        "lessons/index.md": ("lessons_index.md.j2", {"lessons": book.of_kind("lesson")}),
    }
    out = {path: _render(book, template, path, edit_url, labels, **ctx) for path, (template, ctx) in pages.items()}
    for law in book.of_kind("law"):
        path = page_of(law)[0]
        out[path] = _render(book, "law.md.j2", path, edit_url, labels, law=law)
    for lesson in book.of_kind("lesson"):
        views = {"student": page_of(lesson)[0], "instructor": instructor_page(lesson)}
        for view, path in views.items():
            out[path] = _render(
                book,
                "lesson.md.j2",
                path,
                edit_url,
                labels,
                lesson=lesson,
                lesson_pages=views,
                instructor=view == "instructor",
            )
    return out


def edit_paths(book: Casebook) -> dict[str, str]:
    """For each generated page, the content file (or folder) a contributor edits to change it."""
    from casebook.core.load import LAYOUT

    paths: dict[str, str] = {}
    for kind, page in SHARED_PAGES.items():
        pattern = LAYOUT[kind][0]
        # later kinds win: the facts page is edited in facts/, not in topics.yml
        paths[page] = f"content/{pattern.split('/*')[0]}/" if "*" in pattern else f"content/{pattern}"
    paths["case/allegations.md"] = "content/facts/"
    for kind, folder in OWN_PAGES.items():
        paths[f"{folder}/index.md"] = f"content/{folder}/"
        for record in book.of_kind(kind):
            paths[page_of(record)[0]] = book.origins[record.id].file
            if kind == "lesson":
                paths[instructor_page(record)] = book.origins[record.id].file
    return paths


def abbreviations(book: Casebook) -> str:
    """Glossary terms as Markdown abbreviations, appended to pages so each term shows its definition on hover."""
    lines = []
    for term in book.of_kind("term"):
        definition = " ".join(term.definition.split())  # type: ignore[attr-defined]
        for name in (term.term, *term.aliases):  # type: ignore[attr-defined]
            lines.append(f"*[{name}]: {definition}")
    return "\n".join(lines)


def redirects(book: Casebook) -> dict[str, str]:
    """Old page -> new page for renamed records that have pages of their own (laws, lessons)."""
    maps: dict[str, str] = {}
    for kind in OWN_PAGES:
        for record in book.of_kind(kind):
            for former in record.former_ids:
                old = record.model_copy(update={"id": former})
                maps[page_of(old)[0]] = page_of(record)[0]
                if kind == "lesson":
                    maps[instructor_page(old)] = instructor_page(record)
    return maps
