"""The page registry and ``build_site()``: every published page declared once, built once per build.

``build_site`` loads and validates the content, then asks the registry for every page: its path,
title, description, what a contributor edits to change it, its Markdown (generated pages) and its
JSON-LD, and whether search indexes it. It also builds the files published beside the pages (data
exports, the timeline picture, the feed). The MkDocs plugin and ``casebook render`` both call it,
so they publish the same pages; neither holds a rule of its own.

Imports run one way: this module uses ``outputs``, ``render`` and ``core``; only adapters use it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from casebook import __version__
from casebook.core import heap, lesson_views, licence, shortcodes
from casebook.core.book import Casebook
from casebook.core.load import LAYOUT
from casebook.core.model import (
    Case,
    Disagreement,
    Event,
    Fact,
    Law,
    Lesson,
    Misconception,
    Organisation,
    Person,
    Quote,
    Source,
    Term,
    Topic,
)
from casebook.core.text import plain
from casebook.core.urls import (
    SHARED_PAGES,
    SPLIT_PAGES,
    answers_page,
    debrief_page,
    instructor_page,
    link_between,
    page_of,
    page_url,
    site_base,
    source_kind_page,
    source_letter,
    source_letter_page,
    timeline_year_page,
    topic_page,
)
from casebook.core.validate import build_and_check, build_case
from casebook.outputs import jsonld, og_image
from casebook.outputs.cite import cite_this_page
from casebook.outputs.exports import downloads_context, export_files
from casebook.outputs.feed import atom_feed, read_changes, updates_page
from casebook.outputs.history import Commit, last_changed, read_log, updated
from casebook.outputs.jsonld import JsonLd
from casebook.outputs.language import mark_chinese
from casebook.outputs.lesson_files import by_lesson
from casebook.outputs.sanitise import (
    analysis_notes,
    citation_separators,
    clean,
    duplicate_ids,
    first_definitions,
    link_names,
    search_exclusions,
)
from casebook.render.diagram_svg import diagram_svg
from casebook.render.diagram_text import slot as diagram_slot
from casebook.render.labels import SOURCE_TYPE_LABELS
from casebook.render.markdown import abbreviations, expand_page, render_template
from casebook.render.timeline_svg import timeline_figure, timeline_svg
from casebook.render.writer import PageWriter

# Where the timeline SVG goes in its page. Private-use characters are refused in all content, so no
# record or hand-written page can write this placeholder.
TIMELINE_SLOT = "\ue000casebook-timeline-svg\ue001"


@dataclass(frozen=True)
class SiteOptions:
    """What a build needs besides the content: where the site lives and what to publish with it."""

    site_url: str = ""
    site_name: str = "Casebook"
    site_description: str = ""
    # the prefix that turns a content file path into its edit page (https://github.com/o/r/edit/main/);
    # without it no per-record edit links are shown
    edit_url: str | None = None
    offline_zip: str | None = None  # the offline edition's file name, when it is published with the site
    # the lessons' handouts, cards and slides published with the site (paths from the root): pages link only these
    lesson_files: frozenset[str] = frozenset()
    repo_root: Path | None = None  # read the git history here (last-updated dates, What's new)
    commit_url: str | None = None  # a commit's page is this plus its hash (https://github.com/o/r/commit/): feed links
    build_date: str = field(default_factory=lambda: date.today().isoformat())
    offline: bool = False  # the offline classroom edition: nothing may point at the web site


@dataclass
class Page:
    """One published page, declared once."""

    path: str  # Markdown path under docs/
    title: str
    description: str
    edit: str | None  # what a contributor edits: a content file, a content folder (ending in /), or docs/<path>
    markdown: str | None = None  # generated Markdown; None for a hand-written page in docs/
    jsonld: JsonLd | None = None
    search: bool = True  # in the search index
    in_nav: bool = True  # one page per law or lesson stays out of the nav, which lists kinds, not records
    modified: str = ""  # YYYY-MM-DD: the newest change to what the page is built from
    cite_box: bool = True  # the "Cite this page" box (not on a lesson's student page, which is a handout)


@dataclass
class Site:
    """Everything a build publishes: pages, the files beside them, and what every page shares."""

    book: Casebook
    options: SiteOptions
    pages: dict[str, Page]
    files: dict[str, bytes]  # published at the site root: exports, feed.xml, timeline.svg
    redirects: dict[str, str]  # old page -> new page, for renamed laws and lessons
    abbreviations: dict[str, str]  # glossary tooltips {name: definition}, the abbr extension's glossary
    # placeholder -> HTML the site draws itself (the timeline SVG), put in after the allowlist
    trusted_html: dict[str, str] = field(default_factory=dict)
    # placeholder -> the picture for (the page it is drawn on, whether the build uses directory URLs):
    # the diagrams, whose links are relative to their page and written after MkDocs rewrote the links
    pictures: dict[str, Callable[[str, bool], str]] = field(default_factory=dict)

    @property
    def generated(self) -> dict[str, str]:
        """{path: Markdown} of the generated pages."""
        return {path: page.markdown for path, page in self.pages.items() if page.markdown is not None}

    def page_markdown(self, path: str, markdown: str) -> str:
        """A page's final Markdown: citations expanded (hand-written pages) and the cite box added. (The
        glossary tooltips come from the abbr extension's glossary, set once per build: ``markdown_config``.)"""
        page = self.pages[path]
        if page.markdown is None:
            markdown = expand_page(PageWriter(self.book, path, None, titles=self.titles), markdown)
        if page.cite_box:
            url = page_url(path, site_base(self.options.site_url))
            markdown += "\n\n" + cite_this_page(page.title, url, page.modified, self.options.site_name)
        return markdown

    def markdown_config(self, extensions: list[str], configs: dict[str, dict]) -> None:
        """Give MkDocs' Python-Markdown (its extension list and their configs, changed in place) the
        glossary, as the abbr extension's ``glossary`` option."""
        if "abbr" not in extensions:
            extensions.append("abbr")
        configs["abbr"] = {**configs.get("abbr", {}), "glossary": dict(self.abbreviations)}

    def content_html(self, path: str, html: str, *, directory_urls: bool = True) -> str:
        """A page's content HTML as published: through the allowlist (``outputs.sanitise``), then
        Chinese text marked with its language (``outputs.language``), then the site's own pictures put
        in for their placeholders. An id used twice on the page (an
        ``{ #id }`` that takes another element's permalink) is an error naming the page."""
        html = clean(html)
        repeated = duplicate_ids(html)
        if repeated:
            page = self.pages.get(path)
            where = page.edit if page is not None and page.edit else f"the page {path}"
            raise ValueError(f"{where}: id '{repeated[0]}' is used twice on {path} (give one of them another id)")
        html = mark_chinese(html)
        html = link_names(analysis_notes(search_exclusions(citation_separators(html))))
        bibliography = path == SHARED_PAGES["source"] or path.startswith(SPLIT_PAGES["source"] + "/")
        # on the glossary every term's definition is on the page already, under its own heading
        html = first_definitions(html, none=bibliography or path == SHARED_PAGES["term"])
        for slot, trusted in self.trusted_html.items():
            if slot in html:
                html = html.replace(slot, trusted)
        for slot, draw in self.pictures.items():
            if slot in html:
                html = html.replace(slot, draw(path, directory_urls))
        return html

    def head(self, path: str, *, homepage: bool = False) -> dict[str, Any]:
        """What the theme writes into a page's <head>: link-preview (Open Graph) values and JSON-LD."""
        page = self.pages[path]
        base = site_base(self.options.site_url)
        kind = og_image.page_type(path)
        return {
            "og": {
                # a shared link to the home page reads as the site's name, not as "Home" or its long heading
                "og:title": self.options.site_name if homepage else page.title,
                "og:description": page.description or self.options.site_description,
                "og:url": page_url(path, base),
                "og:type": "website" if homepage else "article",
                "og:site_name": self.options.site_name,
                # the page type's picture (outputs/og_image.py), by its absolute address as Open Graph asks
                "og:image": base + og_image.image_path(kind),
                "og:image:type": "image/png",
                "og:image:width": str(og_image.WIDTH),
                "og:image:height": str(og_image.HEIGHT),
                "og:image:alt": og_image.alt_text(self.options.site_name, kind),
            },
            "twitter_card": "summary_large_image",
            "jsonld": page.jsonld,
        }

    @property
    def titles(self) -> dict[str, str]:
        return {path: page.title for path, page in self.pages.items()}


# ---------------------------------------------------------------- the registry

Context = dict[str, Any]


@dataclass(frozen=True)
class Generated:
    """A generated page of the registry: which template renders it, with what, and what describes it."""

    path: str
    title: str | Callable[[Casebook], str]
    description: str
    template: str
    context: Callable[[Casebook], Context]
    edit: str
    jsonld: Callable[[Casebook, str, str, str], JsonLd] | None = None  # (book, title, url, base) -> JSON-LD
    cites: Callable[[Casebook], list[str]] | None = None  # ids whose sources an Article cites


def _folder(kind: str) -> str:
    pattern = LAYOUT[kind][0]
    return f"content/{pattern.split('/*')[0]}/" if "*" in pattern else f"content/{pattern}"


def _by_date(records: list[Any]) -> list[Any]:
    return sorted(records, key=lambda r: getattr(r, "date", "") or "")


def _timeline_years(book: Casebook) -> list[tuple[str, str, list[Event]]]:
    """(year, its page, its events by date) for a timeline split by year (``core.urls.paginate_timeline``);
    empty while the timeline is one page."""
    grouped: dict[str, list[Event]] = defaultdict(list)
    for event in _by_date(book.of_kind(Event)):
        if event._page:
            grouped[event.date[:4]].append(event)
    return [(year, timeline_year_page(year), events) for year, events in grouped.items()]


def _source_letters(kind: str, sources: list[Source]) -> list[tuple[str, str, list[Source]]]:
    """(letter, its page, its sources in the given order) for a kind split by letter
    (``core.urls.paginate_sources``); empty while the kind is one page."""
    grouped: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        if source._page:
            grouped[source_letter(source.id)].append(source)
    return [(letter, source_letter_page(kind, letter), grouped[letter]) for letter in sorted(grouped)]


def _facts_by_topic(book: Casebook) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in _by_date(book.of_kind(Fact)):
        grouped[fact.topics[0]].append(fact)
    return grouped


def _most_cited_first(book: Casebook, records: list[Any]) -> list[Any]:
    """Records in the order a reader looks for them: the most cited first (Jin among the people, the
    charging documents among the sources), then by date or name, so that equal counts keep a stable order."""

    def key(record: Any) -> tuple[int, str, str]:
        when = getattr(record, "published", "") or ""
        return (-len(book.cited_by.get(record.id, [])), str(when), getattr(record, "name", record.id).lower())

    return sorted(records, key=key)


def _case(book: Casebook) -> Case | None:
    cases = book.of_kind(Case)
    return cases[0] if cases else None


def _allegations_context(book: Casebook) -> Context:
    """The rows of "Allegations and answers" (``Case.allegations``) under their allegation's first topic,
    in topic order, and the company's statements no row pairs, by topic. Each section keeps the anchor
    the page gave its topic before the rows (``allegations_<topic>``), so old links still land."""
    case = _case(book)
    company = case.company if case else None
    rows = list(case.allegations) if case else []
    topics = [t for t in book.of_kind(Topic) if t.in_case]
    by_topic: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        allegation = book.get(book.current_id(row.allegation))
        assert isinstance(allegation, Fact)
        by_topic[allegation.topics[0]].append(row)
    paired = {book.current_id(i) for row in rows for i in (row.allegation, *row.company, *row.record)}
    unpaired: dict[str, list[Fact]] = defaultdict(list)
    for fact in _by_date(book.of_kind(Fact)):
        if company and company in fact.attributed_to and fact.status != "alleged" and fact.id not in paired:
            unpaired[fact.topics[0]].append(fact)
    return {
        "sections": [(t, by_topic[t.id]) for t in topics if by_topic.get(t.id)],
        "unpaired": [(t, unpaired[t.id], not by_topic.get(t.id)) for t in topics if unpaired.get(t.id)],
        "company": company,
        "company_name": _short_name(book, company) if company else None,
    }


def _short_name(book: Casebook, organisation_id: str) -> str:
    """How the page names the company: its shortest name or alias ("Zoom", not "Zoom Video Communications, Inc.")."""
    record = book.get(organisation_id)
    names = [record.label, *getattr(record, "aliases", [])]
    return min(names, key=len)


def _case_first(records: list[Any], first: list[str]) -> list[Any]:
    """``records`` by name, those named in ``first`` (the case's defendants, its company) first, in that
    order: readers look for Jin first among the people."""
    rank = {record_id: index for index, record_id in enumerate(first)}
    return sorted(records, key=lambda r: (rank.get(r.id, len(rank)), r.name))


def _people(book: Casebook) -> list[Person]:
    case = _case(book)
    return _case_first(book.of_kind(Person), list(case.defendants) if case else [])


def _organisations(book: Casebook) -> list[Organisation]:
    case = _case(book)
    return _case_first(book.of_kind(Organisation), [case.company] if case and case.company else [])


def _case_cites(book: Casebook) -> list[str]:
    case = _case(book)
    if case is None:
        return []
    return [c.id for text in (case.summary, case.status) for c in shortcodes.find(text)] + list(case.key_facts)


def _article(book: Casebook, title: str, url: str, description: str, cited: list[str]) -> JsonLd:
    return jsonld.article(title, url, description, book.sources_behind(cited))


def _ids(records: list[Any]) -> list[str]:
    return [r.id for r in records]


GENERATED: tuple[Generated, ...] = (
    Generated(
        "case/index.md",
        lambda book: case.title if (case := _case(book)) else "The case",
        "The 2020 US charges against a China-based Zoom employee, in brief, with every claim sourced.",
        "case.md.j2",
        lambda book: {"case": _case(book)},
        "content/case.yml",
        cites=_case_cites,
    ),
    Generated(
        "case/timeline.md",
        "Timeline",
        "What happened when, from the 1989 crackdown to the 2023 charges, each event sourced.",
        "timeline.md.j2",
        lambda book: {
            "events": _by_date(book.of_kind(Event)),
            "svg": Markup(TIMELINE_SLOT),
            "year": None,
            "years": _timeline_years(book),
        },
        _folder("event"),
        jsonld=lambda book, title, url, base: jsonld.timeline(book, title, url, base),
    ),
    Generated(
        "case/allegations.md",
        "Allegations and answers",
        "What prosecutors allege, what Zoom said and what is on the record, side by side.",
        "allegations.md.j2",
        _allegations_context,
        _folder("fact"),
        cites=lambda book: _ids(book.of_kind(Fact)),
    ),
    Generated(
        "case/facts.md",
        "Facts by topic",
        "Every fact about the case on a page per topic, each labelled alleged, reported or on the record.",
        "facts.md.j2",
        lambda book: {"topics": book.of_kind(Topic), "facts_by_topic": _facts_by_topic(book)},
        _folder("fact"),
        cites=lambda book: [],  # the index of the topic pages, which cite the facts' sources
    ),
    Generated(
        "case/quotes.md",
        "Quotes",
        "Verbatim quotations from officials, the company and others, each checked against its source.",
        "quotes.md.j2",
        lambda book: {"quotes": sorted(book.of_kind(Quote), key=lambda q: q.said)},
        _folder("quote"),
        cites=lambda book: _ids(book.of_kind(Quote)),
    ),
    Generated(
        "case/people.md",
        "People",
        "The people the case's facts name, with what each is cited for.",
        "entities.md.j2",
        lambda book: {"records": _people(book)},
        _folder("person"),
        jsonld=lambda book, title, url, base: jsonld.entities(book, book.of_kind(Person), "Person", base),
    ),
    Generated(
        "case/organisations.md",
        "Organisations",
        "The organisations the case's facts name, with what each is cited for.",
        "entities.md.j2",
        lambda book: {"records": _organisations(book)},
        _folder("organisation"),
        jsonld=lambda book, title, url, base: jsonld.entities(book, book.of_kind(Organisation), "Organization", base),
    ),
    Generated(
        "case/disagreements.md",
        "Where sources disagree",
        "Where the sources on the case disagree, and how this site words each point.",
        "disagreements.md.j2",
        lambda book: {"records": book.of_kind(Disagreement)},
        _folder("disagreement"),
        cites=lambda book: [i for d in book.of_kind(Disagreement) for p in d.positions for i in (*p.facts, *p.sources)],
    ),
    Generated(
        "case/misconceptions.md",
        "Common misconceptions",
        "Plausible-sounding wrong claims about the case, and what the sources show.",
        "misconceptions.md.j2",
        lambda book: {"records": book.of_kind(Misconception)},
        _folder("misconception"),
        cites=lambda book: [i for m in book.of_kind(Misconception) for i in (*m.facts, *m.sources)],
    ),
    Generated(
        "sources.md",
        "Sources",
        "Every source the site relies on, on a page per kind, with archived copies.",
        "sources.md.j2",
        lambda book: {
            "sources": book.of_kind(Source),
            "pages": {kind: source_kind_page(kind) for kind in SOURCE_TYPE_LABELS},
        },
        _folder("source"),
        jsonld=lambda book, title, url, base: jsonld.sources(book, title, url, base),
    ),
    Generated(
        "glossary.md",
        "Glossary",
        "The terms of insider risk, data-sovereignty law and extradition, defined.",
        "glossary.md.j2",
        lambda book: {"terms": sorted(book.of_kind(Term), key=lambda t: t.term.lower())},
        _folder("term"),
        jsonld=lambda book, title, url, base: jsonld.glossary(book, title, url, base),
    ),
    Generated(
        "laws/index.md",
        "Laws and frameworks",
        "The laws, treaties, rulings and security frameworks that explain the case.",
        "laws_index.md.j2",
        lambda book: {"laws": book.of_kind(Law)},
        _folder("law"),
        jsonld=lambda book, title, url, base: jsonld.records(title, url, book.of_kind(Law), base),
    ),
    Generated(
        "lessons/index.md",
        "Lessons",
        "Lesson plans that teach insider risk, data sovereignty and extradition through the case.",
        "lessons_index.md.j2",
        lambda book: {
            "lessons": book.of_kind(Lesson),
            "lesson_views": {lesson.id: _lesson_views(lesson) for lesson in book.of_kind(Lesson)},
            "licence": Markup(licence.TEXT.markdown),
        },
        _folder("lesson"),
        jsonld=lambda book, title, url, base: jsonld.records(title, url, book.of_kind(Lesson), base),
    ),
)
UPDATES = (
    "updates.md",
    "What's new",
    "What changed in the site's records, and when: facts, sources and quotes added or corrected.",
)
DOWNLOADS = (
    "downloads.md",
    "Downloads: the records as data",
    "The site's facts, quotes, timeline and bibliography as data.",
)


def _title(spec: Generated, book: Casebook) -> str:
    return spec.title(book) if callable(spec.title) else spec.title


def _record_pages(book: Casebook) -> Iterator[tuple[Page, str, Context]]:
    """(page, template, context) for each law and each lesson view."""
    for law in book.of_kind(Law):
        path = page_of(law)[0]
        page = Page(path, law.title, plain(law.summary, book.label_of, 200), book.origins[law.id].file, in_nav=False)
        yield page, "law.md.j2", {"law": law}
    for lesson in book.of_kind(Lesson):
        yield from _lesson_pages(book, lesson)


LESSON_VIEWS = {
    "student": "",
    "instructor": " (instructor view)",
    "answers": " (answer key)",
    "debrief": " (debrief sheet)",
}
"""A lesson's views and what their titles add to the lesson's title (a debrief sheet only for a lesson
that holds its debrief back, ``lesson_views.debrief_held_back``)."""
LESSON_VIEW_DESCRIPTIONS = {
    "student": "",
    "instructor": "For instructors: the whole lesson with its notes and answers. ",
    "answers": "The answer key. ",
    "debrief": "The debrief sheet, for after the activity. ",
}
"""What a view's description says before the lesson's questions, so that no two pages of one lesson
share a description (link previews and search engines showed four identical ones)."""


def _lesson_views(lesson: Lesson) -> dict[str, str]:
    views = {"student": page_of(lesson)[0], "instructor": instructor_page(lesson), "answers": answers_page(lesson)}
    if lesson_views.debrief_held_back(lesson):
        views["debrief"] = debrief_page(lesson)
    return views


def _lesson_pages(book: Casebook, lesson: Lesson) -> Iterator[tuple[Page, str, Context]]:
    """The student page, the instructor view and the answer key of one lesson, from the same record.

    ``lesson_views`` decides which parts each holds; the student page is the one in search (one result
    per lesson), and it has no "Cite this page" box: it is what a class is given."""
    views = _lesson_views(lesson)
    questions = " ".join(lesson.questions)
    indexes = range(len(lesson.activities))
    context: Context = {
        "lesson": lesson,
        "lesson_pages": views,
        "shuffled": [lesson_views.shuffled_cards(lesson, i) for i in indexes],
        "keys": [lesson_views.card_key(book, lesson, i) for i in indexes],
        "assessed": lesson_views.assessed_by(lesson),
        "debrief_held": lesson_views.debrief_held_back(lesson),
        "licence": Markup(f"{licence.ATTRIBUTION}, {licence.TEXT.markdown}. {licence.EXCLUDED}"),
    }
    for view, path in views.items():
        student = view == "student"
        page = Page(
            path,
            lesson.title + LESSON_VIEWS[view],
            LESSON_VIEW_DESCRIPTIONS[view] + plain(questions, book.label_of, 200 - len(LESSON_VIEW_DESCRIPTIONS[view])),
            book.origins[lesson.id].file,
            search=student,
            in_nav=False,
            cite_box=view == "instructor",
        )
        yield page, "lesson.md.j2", {**context, "view": view}


def _split_pages(book: Casebook) -> Iterator[tuple[Page, str, Context, list[str]]]:
    """(page, template, context, ids it cites) for each topic's page of facts and each kind's page of
    sources: the records of those kinds are split over pages that keep their address as content grows
    (``core.urls.SPLIT_PAGES``), and /case/facts/ and /sources/ become their indexes."""
    facts_by_topic = _facts_by_topic(book)
    for topic in book.of_kind(Topic):
        path = topic_page(topic.id)
        if path == f"{SPLIT_PAGES['topic']}/index.md":  # would be published at /case/facts/, the index
            raise ValueError(
                f"{book.origins[topic.id].file}: topic id 'index' would be published at the address of the "
                "facts index (/case/facts/); give the topic another id"
            )
        facts = facts_by_topic.get(topic.id, [])
        title = f"Facts: {topic.title}"
        description = plain(topic.summary, book.label_of, 200)
        page = Page(path, title, description, _folder("fact"), search=bool(facts), in_nav=False)
        context: Context = {"topic": topic, "facts": facts, "index": SHARED_PAGES["fact"]}
        yield page, "facts_topic.md.j2", context, [fact.id for fact in facts]
    sources = _most_cited_first(book, book.of_kind(Source))
    for kind, label in SOURCE_TYPE_LABELS.items():
        group = [source for source in sources if source.type == kind]
        description = f"The sources of this kind the site relies on ({label.lower()}), with archived copies."
        page = Page(
            source_kind_page(kind),
            f"Sources: {label}",
            description,
            _folder("source"),
            search=bool(group),
            in_nav=False,
        )
        letters = _source_letters(kind, group)
        context = {"sources": group, "index": SHARED_PAGES["source"], "letters": letters, "letter": None}
        yield page, "sources_kind.md.j2", context, [source.id for source in group]
        for letter, path, mine in letters:
            page = Page(path, f"Sources: {label}, {letter.upper()}", description, _folder("source"), in_nav=False)
            context = {"sources": mine, "index": source_kind_page(kind), "letters": [], "letter": letter}
            yield page, "sources_kind.md.j2", context, [source.id for source in mine]
    for year, path, events in _timeline_years(book):
        title = f"Timeline: {year}"
        description = f"The events of {year} on the case's timeline, each linked to the facts and sources behind it."
        page = Page(path, title, description, _folder("event"), in_nav=False)
        context = {"events": events, "year": year, "years": [], "svg": "", "index": SHARED_PAGES["event"]}
        yield page, "timeline.md.j2", context, [fact for event in events for fact in event.facts]


def _record_jsonld(book: Casebook, page: Page, url: str) -> JsonLd:
    for law in book.of_kind(Law):
        if page_of(law)[0] == page.path:
            return jsonld.legislation(book, law, url)
    for lesson in book.of_kind(Lesson):
        views = _lesson_views(lesson)
        if page.path in views.values():  # the instructor view and the answer key are the teacher's
            teacher = page.path in (views["instructor"], views["answers"])
            return jsonld.lesson_resource(book, lesson, url, instructor=teacher)
    raise KeyError(page.path)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A hand-written page's YAML front matter (as MkDocs reads it) and the Markdown after it."""
    match = re.match(r"^-{3}[ \t]*\n(.*?\n)(?:-{3}|\.{3})[ \t]*\n", text, re.S)
    if not match:
        return {}, text
    meta = yaml.safe_load(match.group(1))
    return (meta if isinstance(meta, dict) else {}), text[match.end() :]


def _first_heading(markdown: str, book: Casebook) -> str | None:
    match = re.search(r"^# (.+?)\s*(?:\{[^}]*\})?\s*$", markdown, re.M)
    return plain(match.group(1), book.label_of) if match else None


def _first_paragraph(markdown: str, book: Casebook) -> str:
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if block and not block.startswith(("#", "!!!", "???", "|", "-", "<", "```")):
            return plain(block, book.label_of, 200)
    return ""


def _hand_written(book: Casebook, docs_dir: Path) -> Iterator[tuple[Page, list[str]]]:
    """(page, ids it cites) for each hand-written page in docs/."""
    for file in sorted(docs_dir.rglob("*.md")):
        path = file.relative_to(docs_dir).as_posix()
        meta, markdown = _front_matter(file.read_text(encoding="utf-8"))
        title = str(meta.get("title") or _first_heading(markdown, book) or path)
        description = str(meta.get("description") or _first_paragraph(markdown, book))
        cited = [i for code in shortcodes.find(markdown) for i in _cited_by_code(book, code)]
        yield Page(path, title, description, f"docs/{path}"), cited


def _cited_by_code(book: Casebook, code: shortcodes.Shortcode) -> list[str]:
    """The ids a page's shortcode cites: its own, or for a block (``[[glance:<case id>]]``) the records
    its items cite, so the page's JSON-LD lists the sources behind the box."""
    if code.kind != "glance":
        return [code.id]
    case = book.records.get(book.current_id(code.id))
    if not isinstance(case, Case):
        return []
    return [c.id for item in case.at_a_glance for c in shortcodes.find(item.text)]


def declare_pages(book: Casebook, options: SiteOptions, docs_dir: Path | None = None) -> dict[str, Page]:
    """Every page of the site with its Markdown (generated pages) and JSON-LD, in a stable order.

    The downloads and What's new pages are added by ``build_site``, which has the files they list.
    """
    base = site_base(options.site_url)
    pages: dict[str, Page] = {}
    templates: dict[str, tuple[str, Context]] = {}
    cited: dict[str, list[str]] = {}
    for spec in GENERATED:
        title = _title(spec, book)
        page = Page(spec.path, title, spec.description, spec.edit)
        url = page_url(spec.path, base)
        if spec.jsonld is not None:
            page.jsonld = spec.jsonld(book, title, url, base)
        else:
            cited[spec.path] = spec.cites(book) if spec.cites else []
        pages[spec.path] = page
        templates[spec.path] = (spec.template, {"title": title, **spec.context(book)})
    for page, template, context in _record_pages(book):
        page.jsonld = _record_jsonld(book, page, page_url(page.path, base))
        pages[page.path] = page
        templates[page.path] = (template, {"title": page.title, **context})
    for page, template, context, ids in _split_pages(book):
        pages[page.path] = page
        templates[page.path] = (template, {"title": page.title, **context})
        cited[page.path] = ids
    if docs_dir is not None:
        for page, ids in _hand_written(book, docs_dir):
            if page.path in pages:
                raise ValueError(f"docs/{page.path} would hide a generated page; rename or delete it")
            pages[page.path] = page
            cited[page.path] = ids
    for path, ids in cited.items():
        page = pages[path]
        page.jsonld = _article(book, page.title, page_url(path, base), page.description, ids)
    titles = {path: page.title for path, page in pages.items()}
    # each lesson's published handouts, cards and slides (``lesson_files``): every page may link them
    materials = by_lesson([lesson.id for lesson in book.of_kind(Lesson)], options.lesson_files)
    labels: dict[str, str] = {}  # record labels, shared by the pages of one render
    with heap.few_full_collections():
        for path, (template, context) in templates.items():
            writer = PageWriter(book, path, options.edit_url, labels, titles)
            pages[path].markdown = render_template(book, template, writer, materials=materials, **context)
    return pages


def render_site(book: Casebook, *, edit_url: str | None = None) -> dict[str, str]:
    """{path: Markdown} of the pages generated from the records alone (no exports, no history)."""
    pages = declare_pages(book, SiteOptions(edit_url=edit_url))
    return {path: page.markdown for path, page in pages.items() if page.markdown is not None}


def redirects(book: Casebook) -> dict[str, str]:
    """Old page -> new page for renamed records that have pages of their own (laws, lessons)."""
    maps: dict[str, str] = {}
    for record in (*book.of_kind(Law), *book.of_kind(Lesson)):
        for former in record.former_ids:
            old = record.model_copy(update={"id": former})
            maps[page_of(old)[0]] = page_of(record)[0]
            if isinstance(record, Lesson):
                maps[instructor_page(old)] = instructor_page(record)
                maps[answers_page(old)] = answers_page(record)
    return maps


def _version(book: Casebook) -> str:
    case = _case(book)
    return f"{__version__}+{case.as_of}" if case else __version__


def _add_generated(site: Site, spec: tuple[str, str, str], template: str, context: dict[str, object]) -> None:
    path, title, description = spec
    page = Page(path, title, description, None)
    writer = PageWriter(site.book, path, None, titles=site.titles)
    materials = by_lesson([lesson.id for lesson in site.book.of_kind(Lesson)], site.options.lesson_files)
    page.markdown = render_template(site.book, template, writer, title=title, materials=materials, **context)
    page.jsonld = jsonld.article(title, page_url(path, site_base(site.options.site_url)), description, [])
    site.pages[path] = page


def _pictures(book: Casebook) -> dict[str, Callable[[str, bool], str]]:
    """Each diagram's placeholder and how to draw it on a page (``render.diagram_svg``)."""
    found = book.diagrams.diagrams if book.diagrams is not None else ()

    def drawer(diagram: Any) -> Callable[[str, bool], str]:
        def draw(path: str, directory_urls: bool) -> str:
            def href(page: str, anchor: str | None) -> str:
                return link_between(path, page, anchor, directory_urls=directory_urls)

            return diagram_svg(book, diagram, href)

        return draw

    return {diagram_slot(d.id): drawer(d) for d in found}


def _download_link_base(options: SiteOptions) -> str:
    """Where the downloadable timeline.svg's events link: the published timeline, by its full address,
    so the picture still links once it is saved on its own or put on a slide; relative to the site
    root in the offline edition and where no site_url is configured."""
    if options.offline or not options.site_url:
        return "case/timeline/"
    return site_base(options.site_url) + "case/timeline/"


def build_site(content_dir: Path, docs_dir: Path | None, options: SiteOptions) -> Site:
    """Load, validate and build everything a site publishes; raises ContentError listing every problem.

    ``docs_dir`` is checked too (its citations must resolve) and its pages join the registry;
    without it only the generated pages are built.
    """
    book = build_and_check(content_dir, docs_dir) if docs_dir is not None else build_case(content_dir)
    pages = declare_pages(book, options, docs_dir)
    commits: list[Commit] = read_log(options.repo_root) if options.repo_root is not None else []
    moved = redirects(book)
    taken = sorted(set(moved) & set(pages))
    if taken:  # a redirect stub would replace a real page (validate refuses the known cases first)
        raise ValueError(f"a renamed record's old address {taken[0]} is the address of a page")
    site = Site(book, options, pages, {}, moved, abbreviations(book))
    version = _version(book)
    site.files = export_files(book, site_url=options.site_url, version=version)
    site.files["timeline.svg"] = timeline_svg(book, link_base=_download_link_base(options)).encode()
    site.files.update(og_image.images(options.site_name))
    site.trusted_html[TIMELINE_SLOT] = timeline_figure(book, link_base="")
    site.pictures.update(_pictures(book))
    context = downloads_context(
        book,
        site.files,
        version=version,
        offline_zip=options.offline_zip,
        licence=(licence.DATA.name, licence.DATA.url),
    )
    _add_generated(site, DOWNLOADS, "downloads.md.j2", context)
    changes = read_changes(options.repo_root, commits) if options.repo_root is not None else []
    updates = UPDATES[0]
    # out of search: a list of other pages' records, it matched every query that named one of them
    # (it ranked second for "lesson plan"); each record is found on its own page
    site.pages[updates] = Page(
        updates, UPDATES[1], UPDATES[2], None, updates_page(book, changes, options.commit_url), search=False
    )
    site.pages[updates].jsonld = jsonld.article(
        UPDATES[1], page_url(updates, site_base(options.site_url)), UPDATES[2], []
    )
    site.files["feed.xml"] = atom_feed(
        book, changes, options.site_url or "/", options.site_name, options.commit_url
    ).encode()
    dates = last_changed(commits)
    for page in site.pages.values():
        # the downloads and What's new pages have no file to edit: they are built from all of content/
        page.modified = updated(dates, page.edit or "content/", options.build_date)
        if page.jsonld is not None and page.jsonld.get("@type") == "Article":
            page.jsonld["dateModified"] = page.modified
    return site
