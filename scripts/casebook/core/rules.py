"""Sourcing rules: what keeps the content honest beyond its schema.

- every fact cites a registered source, and every source is cited by something;
- an ``alleged`` fact cites a court filing or an official (government) announcement;
- every excerpt and quote appears verbatim in its source's stored text: a public-domain
  snapshot (sha256-checked) or the source's registered excerpts (each at most 50 words unless
  the source is public domain);
- dates are consistent: nothing is dated after a source that attests it, and an event's facts
  fall on the event's date;
- a lesson's timed sequence adds up to its length.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from casebook.core.book import Casebook
from casebook.core.errors import Diagnostic, dotted
from casebook.core.model import Event, Fact, Law, Lesson, Quote, Source
from casebook.core.textnorm import normalise_text

MAX_EXCERPT_WORDS = 50
OFFICIAL_SOURCE_TYPES = ("court", "government")

_CUT = re.compile(r"\s*(?:\[(?:\.\.\.|\u2026)\]|\[\s*\u2026\s*\])\s*")
normalise = normalise_text


def segments(text: str) -> list[str]:
    """The parts of a quotation between its cut marks ``[…]``, each of which must be verbatim."""
    return [part for part in (normalise(p) for p in _CUT.split(text)) if part]


def stored_texts(book: Casebook, source: Source) -> list[str]:
    """A source's stored text, normalised: its snapshot if it has one, plus its excerpts."""
    texts = [normalise(e) for e in source.excerpts]
    if source.snapshot is not None:
        path = book.content_dir / source.snapshot.file
        if path.is_file():
            texts.append(normalise(path.read_text(encoding="utf-8")))
    return texts


def _appears(fragment: str, texts: list[str]) -> bool:
    return all(any(part in text for text in texts) for part in segments(fragment))


def _date_le(earlier: str, later: str) -> bool:
    """True unless ``earlier`` is certainly after ``later`` (compared at the coarser precision)."""
    size = min(len(earlier), len(later))
    return earlier[:size] <= later[:size]


def _agree(a: str, b: str) -> bool:
    size = min(len(a), len(b))
    return a[:size] == b[:size]


def check(book: Casebook) -> list[Diagnostic]:
    return list(_check(book))


def _diag(book: Casebook, record_id: str, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
    origin = book.origins[record_id]
    return Diagnostic(origin.file, dotted(path), problem, fix, data_path=origin.data_path + path)


def _check(book: Casebook) -> Iterator[Diagnostic]:
    sources: dict[str, Source] = {s.id: s for s in book.of_kind("source")}  # type: ignore[misc]
    texts = {sid: stored_texts(book, s) for sid, s in sources.items()}

    for source in sources.values():
        if source.snapshot is not None:
            yield from _check_snapshot(book, source)
        if source.license != "public-domain":
            for index, excerpt in enumerate(source.excerpts):
                words = len(excerpt.split())
                if words > MAX_EXCERPT_WORDS:
                    yield _diag(
                        book,
                        source.id,
                        ("excerpts", index),
                        f"excerpt of a {source.license} source has {words} words, over {MAX_EXCERPT_WORDS}",
                        "quote less: keep the words that support the fact",
                    )
        if not book.cited_by.get(source.id):
            yield _diag(
                book,
                source.id,
                ("id",),
                f"source '{source.id}' is not cited by any record",
                "cite it from a fact, quote or other record, or delete the file",
            )

    for fact in book.of_kind("fact"):
        assert isinstance(fact, Fact)
        if fact.status == "alleged" and not any(
            sources[c.source].type in OFFICIAL_SOURCE_TYPES for c in fact.sources if c.source in sources
        ):
            yield _diag(
                book,
                fact.id,
                ("sources",),
                "an alleged fact must cite the charging document or an official announcement of it",
                "add a citation of a court or government source",
            )
        if fact.status == "reported" and not fact.attributed_to:
            yield _diag(
                book,
                fact.id,
                ("status",),
                "a reported fact must say who reported it",
                "add attributed_to: [the person or organisation that reported it]",
            )
        for index, citation in enumerate(fact.sources):
            source = sources.get(citation.source)
            if source is None:
                continue  # already reported as an unknown reference
            if not _date_le(fact.date, source.published):
                yield _diag(
                    book,
                    fact.id,
                    ("date",),
                    f"fact dated {fact.date} cites '{source.id}', published {source.published}, before the fact",
                    "check the date, or cite a later source",
                )
            if citation.excerpt is not None and not _appears(citation.excerpt, texts[source.id]):
                yield _diag(
                    book,
                    fact.id,
                    ("sources", index, "excerpt"),
                    f"excerpt does not appear verbatim in the stored text of '{source.id}'",
                    "copy it exactly from the source and add it to that source's excerpts",
                )

    for quote in book.of_kind("quote"):
        assert isinstance(quote, Quote)
        source = sources.get(quote.source)
        if source is not None:
            if not _appears(quote.text, texts[source.id]):
                yield _diag(
                    book,
                    quote.id,
                    ("text",),
                    f"quote does not appear verbatim in the stored text of '{source.id}'",
                    "copy it exactly, mark cuts with […], and register it as an excerpt",
                )
            if not _date_le(quote.said, source.published):
                yield _diag(
                    book,
                    quote.id,
                    ("said",),
                    f"quote dated {quote.said} is later than its source ({source.published})",
                    "check the date",
                )

    for law in book.of_kind("law"):
        assert isinstance(law, Law)
        for index, provision in enumerate(law.provisions):
            source = sources.get(provision.source)
            if provision.form == "quote" and source is not None and not _appears(provision.text, texts[source.id]):
                yield _diag(
                    book,
                    law.id,
                    ("provisions", index, "text"),
                    f"quoted provision does not appear verbatim in the stored text of '{source.id}'",
                    "copy it exactly into that source's excerpts, or mark it form: paraphrase",
                )

    for event in book.of_kind("event"):
        assert isinstance(event, Event)
        for index, fact_id in enumerate(event.facts):
            fact = book.records.get(fact_id)
            if isinstance(fact, Fact) and not _agree(event.date, fact.date):
                yield _diag(
                    book,
                    event.id,
                    ("facts", index),
                    f"fact '{fact_id}' is dated {fact.date}, not on the event's date {event.date}",
                    "link a fact about this date, or correct a date",
                )

    for lesson in book.of_kind("lesson"):
        assert isinstance(lesson, Lesson)
        total = sum(step.minutes for step in lesson.sequence)
        if total != lesson.minutes:
            yield _diag(
                book,
                lesson.id,
                ("sequence",),
                f"the sequence adds up to {total} minutes, but the lesson is {lesson.minutes} minutes",
                "make the step minutes add up to 'minutes'",
            )


def _check_snapshot(book: Casebook, source: Source) -> Iterator[Diagnostic]:
    assert source.snapshot is not None
    if source.license != "public-domain":
        yield _diag(
            book,
            source.id,
            ("snapshot",),
            "only public-domain documents may be stored as snapshots",
            "remove the snapshot and register short excerpts instead",
        )
    path = book.content_dir / source.snapshot.file
    if not path.is_file():
        yield _diag(
            book,
            source.id,
            ("snapshot", "file"),
            f"snapshot file content/{source.snapshot.file} is missing",
            "add the file or fix the path",
        )
        return
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != source.snapshot.sha256:
        yield _diag(
            book,
            source.id,
            ("snapshot", "sha256"),
            f"snapshot changed: its sha256 is {digest}",
            "if the change is intended, record the new sha256",
        )
