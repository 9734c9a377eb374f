"""schema.org JSON-LD and page descriptions, as plain data (the MkDocs plugin writes them into <head>).

Each page type gets the vocabulary that fits it: Article (with its citations) for prose pages,
Event for the timeline, Person and Organization, Legislation for laws, DefinedTermSet for the
glossary, LearningResource for lessons.
"""

from __future__ import annotations

from casebook.core.book import Casebook
from casebook.core.model import Event, Law, Lesson, Organisation, Person, Source, Term
from casebook.core.shortcodes import find
from casebook.core.urls import instructor_page, page_of, public_url
from casebook.render.markdown import plain

CONTEXT = "https://schema.org"
LEGISLATION_TYPES = ("constitution", "statute", "regulation", "executive-order", "treaty")


def _url(base: str, record_or_page: object) -> str:
    if isinstance(record_or_page, str):
        return base + public_url(record_or_page)
    page, anchor = page_of(record_or_page)  # type: ignore[arg-type]
    return base + public_url(page) + (f"#{anchor}" if anchor else "")


def citation(source: Source) -> dict[str, object]:
    return {
        "@type": "CreativeWork",
        "name": source.title,
        "url": source.url,
        "datePublished": source.published,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }


def article(title: str, url: str, description: str, cited: list[Source], modified: str | None) -> dict[str, object]:
    data: dict[str, object] = {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": title,
        "url": url,
        "description": description,
        "inLanguage": "en",
    }
    if cited:
        data["citation"] = [citation(s) for s in cited]
    if modified:
        data["dateModified"] = modified
    return data


def lesson_resource(lesson: Lesson, url: str, *, instructor: bool) -> dict[str, object]:
    return {
        "@context": CONTEXT,
        "@type": "LearningResource",
        "name": lesson.title + (" (instructor view)" if instructor else ""),
        "description": " ".join(plain(q) for q in lesson.questions),
        "url": url,
        "inLanguage": "en",
        "learningResourceType": "lesson plan",
        "educationalLevel": lesson.level,
        "audience": {
            "@type": "EducationalAudience",
            "educationalRole": "teacher" if instructor else "student",
            "audienceType": lesson.audience,
        },
        "timeRequired": f"PT{lesson.minutes}M",
        "teaches": [objective.text for objective in lesson.objectives],
        "isAccessibleForFree": True,
    }


def legislation(law: Law, url: str) -> dict[str, object]:
    data: dict[str, object] = {
        "@context": CONTEXT,
        "url": url,
        "name": law.title,
        "description": plain(law.summary),
        "inLanguage": "en",
    }
    if law.type in LEGISLATION_TYPES:
        data.update(
            {
                "@type": "Legislation",
                "legislationIdentifier": law.citation,
                "legislationJurisdiction": law.jurisdiction.upper(),
            }
        )
        if law.adopted:
            data["legislationDate"] = law.adopted
        if law.in_force:
            data["legislationDateVersion"] = law.in_force
    else:  # court rulings, frameworks, standards and guidance are not legislation
        data.update({"@type": "CreativeWork", "genre": law.type.replace("-", " "), "identifier": law.citation})
    return data


def _graph(items: list[dict[str, object]]) -> dict[str, object]:
    return {"@context": CONTEXT, "@graph": items}


def structured_data(book: Casebook, site_url: str = "") -> dict[str, dict[str, object]]:
    """{page path: JSON-LD object} for every generated page."""
    base = site_url.rstrip("/") + "/" if site_url else "/"
    out: dict[str, dict[str, object]] = {}
    facts = book.of_kind("fact")
    cases = book.of_kind("case")
    if cases:
        case = cases[0]
        cited = [c.id for text in (case.summary, case.status) for c in find(text)] + list(case.key_facts)
        out["case/index.md"] = article(
            case.title, _url(base, "case/index.md"), plain(case.summary, 300), book.sources_behind(cited), None
        )
    for page, title, ids in (
        ("case/facts.md", "Facts by topic", [f.id for f in facts]),
        ("case/allegations.md", "Allegations and answers", [f.id for f in facts]),
        ("case/quotes.md", "Quotes", [q.id for q in book.of_kind("quote")]),
        (
            "case/disagreements.md",
            "Where sources disagree",
            [i for d in book.of_kind("disagreement") for p in d.positions for i in (*p.facts, *p.sources)],
        ),
        (
            "case/misconceptions.md",
            "Common misconceptions",
            [i for m in book.of_kind("misconception") for i in (*m.facts, *m.sources)],
        ),
    ):
        out[page] = article(title, _url(base, page), "", book.sources_behind(ids), None)
    events = sorted(book.of_kind("event"), key=lambda e: e.date)
    out["case/timeline.md"] = {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": "Timeline",
        "url": _url(base, "case/timeline.md"),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i,
                "item": {
                    "@type": "Event",
                    "name": e.title,
                    "startDate": e.date,
                    "description": plain(e.summary),
                    "url": _url(base, e),
                },
            }
            for i, e in enumerate(events, 1)
            if isinstance(e, Event)
        ],
    }
    for page, kind, schema_type in (
        ("case/people.md", "person", "Person"),
        ("case/organisations.md", "organisation", "Organization"),
    ):
        out[page] = _graph(
            [
                {
                    "@type": schema_type,
                    "name": r.name,
                    "alternateName": r.aliases,
                    "description": plain(r.summary),
                    "url": _url(base, r),
                }
                for r in book.of_kind(kind)
                if isinstance(r, Person | Organisation)
            ]
        )
    out["glossary.md"] = {
        "@context": CONTEXT,
        "@type": "DefinedTermSet",
        "name": "Glossary",
        "url": _url(base, "glossary.md"),
        "hasDefinedTerm": [
            {"@type": "DefinedTerm", "name": t.term, "description": t.definition, "url": _url(base, t)}
            for t in book.of_kind("term")
            if isinstance(t, Term)
        ],
    }
    out["sources.md"] = {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": "Sources",
        "url": _url(base, "sources.md"),
        "itemListElement": [
            {"@type": "ListItem", "position": i, "item": citation(s)}
            for i, s in enumerate(book.of_kind("source"), 1)
            if isinstance(s, Source)
        ],
    }
    for page, kind, title in (
        ("laws/index.md", "law", "Laws and frameworks"),
        ("lessons/index.md", "lesson", "Lessons"),
    ):
        out[page] = {
            "@context": CONTEXT,
            "@type": "ItemList",
            "name": title,
            "url": _url(base, page),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": i,
                    "item": {"@type": "CreativeWork", "name": r.label, "url": _url(base, r)},
                }
                for i, r in enumerate(book.of_kind(kind), 1)
            ],
        }
    for law in book.of_kind("law"):
        assert isinstance(law, Law)
        out[page_of(law)[0]] = legislation(law, _url(base, law))
    for lesson in book.of_kind("lesson"):
        assert isinstance(lesson, Lesson)
        for path, instructor in ((page_of(lesson)[0], False), (instructor_page(lesson), True)):
            out[path] = lesson_resource(lesson, base + public_url(path), instructor=instructor)
    return out


def describe(book: Casebook, page: str) -> str:
    """A one-sentence description of a generated page, for search engines and link previews."""
    for record in (*book.of_kind("law"), *book.of_kind("lesson")):
        if page_of(record)[0] == page or (isinstance(record, Lesson) and instructor_page(record) == page):
            text = record.summary if isinstance(record, Law) else " ".join(record.questions)  # type: ignore[attr-defined]
            return plain(text, 200)
    return DESCRIPTIONS.get(page, "")


DESCRIPTIONS = {
    "case/index.md": "The 2020 US charges against a China-based Zoom employee, in brief, with every claim sourced.",
    "case/timeline.md": "What happened when, from the 1989 crackdown to the 2023 charges, each event sourced.",
    "case/facts.md": "Every fact about the case, grouped by topic, each labelled alleged, reported or on the record.",
    "case/allegations.md": "What prosecutors allege, what Zoom said and what is on the record, side by side.",
    "case/quotes.md": "Verbatim quotations from officials, the company and others, each checked against its source.",
    "case/people.md": "The people the case's facts name, with what each is cited for.",
    "case/organisations.md": "The organisations the case's facts name, with what each is cited for.",
    "case/disagreements.md": "Where the sources on the case disagree, and how this site words each point.",
    "case/misconceptions.md": "Plausible-sounding wrong claims about the case, and what the sources show.",
    "sources.md": "Every source the site relies on, with archived copies.",
    "updates.md": "What changed in the site's records, and when: facts, sources and quotes added or corrected.",
    "glossary.md": "The terms of insider risk, data-sovereignty law and extradition, defined.",
    "laws/index.md": "The laws, treaties, rulings and security frameworks that explain the case.",
    "lessons/index.md": "Lesson plans that teach insider risk, data sovereignty and extradition through the case.",
}
