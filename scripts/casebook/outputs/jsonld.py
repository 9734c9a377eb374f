"""schema.org JSON-LD, as plain data: one builder per page type, chosen by the page registry (``casebook.site``).

Each page type gets the vocabulary that fits it: Article (with its citations) for prose pages,
an ItemList of Events for the timeline, Person and Organization graphs, Legislation for laws,
DefinedTermSet for the glossary, LearningResource for lessons. The theme writes the object into
the page's <head> as JSON that escapes ``<``, ``>`` and ``&``.
"""

from __future__ import annotations

from typing import Any

from casebook.core import licence
from casebook.core.book import Casebook
from casebook.core.model import Event, Law, Lesson, Organisation, Person, Source, Term
from casebook.core.text import plain
from casebook.core.urls import record_url

CONTEXT = "https://schema.org"
LEGISLATION_TYPES = ("constitution", "statute", "regulation", "executive-order", "treaty")

JsonLd = dict[str, Any]


def citation(source: Source) -> JsonLd:
    data: JsonLd = {"@type": "CreativeWork", "name": source.title, "url": source.url}
    if not source.undated:  # an undated page's ``published`` is another text's date, not its own
        data["datePublished"] = source.published
    data["publisher"] = {"@type": "Organization", "name": source.publisher}
    return data


def article(title: str, url: str, description: str, cited: list[Source], modified: str | None = None) -> JsonLd:
    data: JsonLd = {
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


def item_list(name: str, url: str, items: list[JsonLd]) -> JsonLd:
    return {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": name,
        "url": url,
        "itemListElement": [{"@type": "ListItem", "position": i, "item": item} for i, item in enumerate(items, 1)],
    }


def timeline(book: Casebook, name: str, url: str, base: str) -> JsonLd:
    events = sorted(book.of_kind(Event), key=lambda e: e.date)
    return item_list(
        name,
        url,
        [
            {
                "@type": "Event",
                "name": e.title,
                "startDate": e.date,
                "description": plain(e.summary, book.label_of),
                "url": record_url(e, base),
            }
            for e in events
        ],
    )


def entities(book: Casebook, records: list[Person] | list[Organisation], schema_type: str, base: str) -> JsonLd:
    return {
        "@context": CONTEXT,
        "@graph": [
            {
                "@type": schema_type,
                "name": r.name,
                "alternateName": r.aliases,
                "description": plain(r.summary, book.label_of),
                "url": record_url(r, base),
            }
            for r in records
        ],
    }


def glossary(book: Casebook, name: str, url: str, base: str) -> JsonLd:
    return {
        "@context": CONTEXT,
        "@type": "DefinedTermSet",
        "name": name,
        "url": url,
        "hasDefinedTerm": [
            {
                "@type": "DefinedTerm",
                "name": t.term,
                "description": plain(t.definition, book.label_of),
                "url": record_url(t, base),
            }
            for t in book.of_kind(Term)
        ],
    }


# The bibliography's exports, each a distribution of the bibliography as a dataset
BIBLIOGRAPHY_FILES = (
    ("bibliography.csl.json", "application/vnd.citationstyles.csl+json"),
    ("bibliography.bib", "application/x-bibtex"),
    ("bibliography.ris", "application/x-research-info-systems"),
    ("sources.csv", "text/csv"),
)


def sources(book: Casebook, name: str, url: str, base: str) -> JsonLd:
    """The bibliography page as a Dataset whose distributions are the exports. (It listed every
    source as a CreativeWork: the heaviest part of the heaviest page, growing with each source,
    and less than the CSL-JSON export holds.)"""
    count = len(book.of_kind(Source))
    return {
        "@context": CONTEXT,
        "@type": "Dataset",
        "name": name,
        "url": url,
        "description": f"The {count} sources this site cites, with their archived copies and stored excerpts.",
        "license": licence.DATA.url,
        "creator": {"@type": "Organization", "name": licence.ATTRIBUTION},
        "distribution": [
            {"@type": "DataDownload", "contentUrl": base + file, "encodingFormat": media}
            for file, media in BIBLIOGRAPHY_FILES
        ],
    }


def records(name: str, url: str, listed: list[Law] | list[Lesson], base: str) -> JsonLd:
    return item_list(
        name, url, [{"@type": "CreativeWork", "name": r.label, "url": record_url(r, base)} for r in listed]
    )


def legislation(book: Casebook, law: Law, url: str) -> JsonLd:
    data: JsonLd = {
        "@context": CONTEXT,
        "url": url,
        "name": law.title,
        "description": plain(law.summary, book.label_of),
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
        if law.adopted:  # the first version's: when the law was made
            data["legislationDate"] = law.adopted
        current = law.current_version  # the page describes the version in force
        if current is not None and current.in_force:
            data["legislationDateVersion"] = current.in_force
    else:  # court rulings, frameworks, standards and guidance are not legislation
        data.update({"@type": "CreativeWork", "genre": law.type.replace("-", " "), "identifier": law.citation})
    return data


def lesson_resource(book: Casebook, lesson: Lesson, url: str, *, instructor: bool) -> JsonLd:
    return {
        "@context": CONTEXT,
        "@type": "LearningResource",
        "name": lesson.title + (" (instructor view)" if instructor else ""),
        "description": " ".join(plain(q, book.label_of) for q in lesson.questions),
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
        "teaches": [plain(objective.text, book.label_of) for objective in lesson.objectives],
        "isAccessibleForFree": True,
        "license": licence.TEXT.url,
        "copyrightHolder": {"@type": "Organization", "name": licence.ATTRIBUTION},
    }
