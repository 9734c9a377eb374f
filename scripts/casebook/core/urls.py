"""Where each record is published: its page and anchor. These URLs are permanent (educators link them)."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from casebook.core.model import Event, Record, Source

# kind -> page (Markdown path under docs/); records of these kinds are anchors on that page
SHARED_PAGES: dict[str, str] = {
    "case": "case/index.md",
    "topic": "case/facts.md",
    "fact": "case/facts.md",
    "event": "case/timeline.md",
    "quote": "case/quotes.md",
    "person": "case/people.md",
    "organisation": "case/organisations.md",
    "disagreement": "case/disagreements.md",
    "misconception": "case/misconceptions.md",
    "source": "sources.md",
    "term": "glossary.md",
}
# kind -> folder; each record of these kinds has a page of its own
OWN_PAGES: dict[str, str] = {"law": "laws", "lesson": "lessons"}
# kind -> folder of the pages its records are split over: a fact is an anchor on its first topic's page
# (case/facts/<topic>.md), a source on its kind's page (sources/<type>.md). The kind's shared page
# above becomes the index of those pages and keeps an anchor stub for each record, because
# /case/facts/#<id> and /sources/#<id> were published before the split (site.py, the index templates).
SPLIT_PAGES: dict[str, str] = {"topic": "case/facts", "fact": "case/facts", "source": "sources"}
# Above this many events the timeline is split by year: each event is an anchor on its year's page
# (case/timeline/<year>.md), and case/timeline.md keeps the picture, the years and an anchor stub for
# every event. Today's timeline (30 events) stays one page; at ten times the real content (300 events)
# one page would be about 200 KiB gzip, against the 150 KB budget (scripts/bench/RESULTS.md). A year
# never changes for an event, so its address is stable once split (``paginate_timeline``).
TIMELINE_SPLIT_ABOVE = 120
# Above this many sources of one kind, that kind's page is split by the first character of the id
# (where the publisher's name begins: ``axios-2020-…``): each source is an anchor on
# sources/<kind>/<letter>.md, and sources/<kind>.md keeps a stub for each (``paginate_sources``).
# Today's largest kind has 50; at ten times the real content (500 press sources) one page is
# within 4 KiB of the 150 KB budget (scripts/bench/RESULTS.md).
SOURCES_SPLIT_ABOVE = 200


def topic_page(topic_id: str) -> str:
    """The page of one topic's facts: ``case/facts/<topic>.md``, published at /case/facts/<topic>/."""
    return f"{SPLIT_PAGES['topic']}/{topic_id}.md"


def source_kind_page(source_type: str) -> str:
    """The page of one kind of source: ``sources/<type>.md``, published at /sources/<type>/."""
    return f"{SPLIT_PAGES['source']}/{source_type}.md"


def timeline_year_page(year: str) -> str:
    """The page of one year's events on a split timeline: ``case/timeline/<year>.md``."""
    return f"{SHARED_PAGES['event'][: -len('.md')]}/{year}.md"


def paginate_timeline(events: Sequence[Event]) -> bool:
    """Put each event on its year's page when there are more than ``TIMELINE_SPLIT_ABOVE`` of them
    (or back on the one timeline page when there are not); True when the timeline is split. Called
    once for a book, when its records are loaded, so that ``page_of`` gives every caller the same answer."""
    split = len(events) > TIMELINE_SPLIT_ABOVE
    for event in events:
        event._page = timeline_year_page(event.date[:4]) if split else None
    return split


def source_letter(source_id: str) -> str:
    """The part of a split kind's sources a source is on: its id's first letter, or "0-9"."""
    return source_id[0] if source_id[0].isalpha() else "0-9"


def source_letter_page(source_type: str, letter: str) -> str:
    """The page of one letter of a split kind of source: ``sources/<type>/<letter>.md``."""
    return f"{source_kind_page(source_type)[: -len('.md')]}/{letter}.md"


def paginate_sources(sources: Sequence[Source]) -> set[str]:
    """Put each source of a kind with more than ``SOURCES_SPLIT_ABOVE`` sources on its letter's page
    (the others on their kind's page); the kinds that are split. Called once for a book, when its
    records are loaded, as ``paginate_timeline`` is."""
    count = Counter(source.type for source in sources)
    split: set[str] = {kind for kind, n in count.items() if n > SOURCES_SPLIT_ABOVE}
    for source in sources:
        source._page = source_letter_page(source.type, source_letter(source.id)) if source.type in split else None
    return split


def split_page(record: Record) -> str:
    """The page a fact, topic or source is published on since the split (see ``SPLIT_PAGES``)."""
    if record.kind == "topic":
        return topic_page(record.id)
    if record.kind == "fact":
        return topic_page(record.topics[0])  # type: ignore[attr-defined]
    if isinstance(record, Source) and record._page:
        return record._page
    return source_kind_page(record.type)  # type: ignore[attr-defined]


def page_of(record: Record) -> tuple[str, str | None]:
    """(page path, anchor) of a record; the anchor is None for a record that has its own page."""
    if record.kind == "lesson":
        return f"lessons/{record.id}/index.md", None  # /lessons/<id>/, with /lessons/<id>/instructor/ beside it
    if record.kind in OWN_PAGES:
        return f"{OWN_PAGES[record.kind]}/{record.id}.md", None
    if record.kind == "case":
        return SHARED_PAGES["case"], None
    if record.kind == "topic":  # a topic's page of facts
        return topic_page(record.id), None
    if record.kind in SPLIT_PAGES:
        return split_page(record), record.id
    if isinstance(record, Event) and record._page:
        return record._page, record.id
    return SHARED_PAGES[record.kind], record.id


def stub_page(record: Record) -> str | None:
    """Where a split record's anchor was published before the split, and still resolves through a
    stub that links to ``page_of`` (None for a record that was never moved)."""
    if isinstance(record, Event) and record._page:
        return SHARED_PAGES["event"]
    return SHARED_PAGES[record.kind] if record.kind in SPLIT_PAGES else None


@lru_cache(maxsize=4096)
def relative(from_page: str, to_page: str) -> str:
    """Relative Markdown link between two pages, as MkDocs resolves and validates it."""
    if from_page == to_page:
        return ""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def public_url(page: str) -> str:
    """The site URL of a page with MkDocs' directory URLs (``case/facts.md`` -> ``case/facts/``)."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def instructor_page(lesson: Record) -> str:
    return f"lessons/{lesson.id}/instructor.md"


def debrief_page(lesson: Record) -> str:
    """A tabletop's debrief sheet, beside its student page (see ``lesson_views.debrief_held_back``)."""
    return f"lessons/{lesson.id}/debrief.md"


def answers_page(lesson: Record) -> str:
    """A lesson's answer key, beside its student page and instructor view."""
    return f"lessons/{lesson.id}/answers.md"


def is_record_page(path: str) -> bool:
    """A page of its own for one law or lesson (kept out of the nav, which lists kinds, not records)."""
    folder = path.split("/", 1)[0]
    return folder in OWN_PAGES.values() and path != f"{folder}/index.md"


def with_anchor(address: str, anchor: str | None) -> str:
    """An address with its ``#anchor`` when there is one."""
    return f"{address}#{anchor}" if anchor else address


def site_base(site_url: str | None) -> str:
    """The site's base address, ending in one slash ('/' when no site_url is configured)."""
    return (site_url or "").rstrip("/") + "/"


def record_url(record: Record, base: str = "/") -> str:
    """The published address of a record: its page under ``base`` (see ``site_base``) and its anchor."""
    page, anchor = page_of(record)
    return with_anchor(base + public_url(page), anchor)


def page_url(page: str, base: str = "/") -> str:
    """The published address of a page (a Markdown path under docs/) under ``base``."""
    return base + public_url(page)


def link_between(from_page: str, to_page: str, anchor: str | None, *, directory_urls: bool = True) -> str:
    """The relative address of ``to_page#anchor`` in the built HTML of ``from_page`` (pages as Markdown
    paths under docs/), as MkDocs writes a Markdown link: with directory URLs (``../facts/#id``) or, for
    the offline edition, without them (``../facts.html#id``). For HTML the site writes after MkDocs
    (its pictures), which MkDocs does not rewrite."""
    if from_page == to_page and anchor:
        return f"#{anchor}"
    if directory_urls:
        target, here = public_url(to_page), public_url(from_page)
        address = posixpath.relpath(target or ".", here or ".")
        address = "./" if address == "." else address + "/"
    else:
        target = to_page[: -len(".md")] + ".html"
        address = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
    return with_anchor(address, anchor)
