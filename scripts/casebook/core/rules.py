"""Sourcing rules: what keeps the content honest beyond its schema.

Each rule is one small function below, registered in order in ``RULES`` by the ``@rule``
decorator; its docstring states the rule. ``check(book)`` runs them all. The registry is the
index: read it rather than a list here. Two rules are not repeated here because the schema and
the reference check already enforce them: every fact cites at least one source, and every
cited id names an existing record.

To add a rule: write a function of a ``Context`` that yields Diagnostics, say the rule in its
docstring, decorate it with ``@rule``, and add a mutation that breaks it alone to
``MUTATIONS`` in tests/test_rules.py (a test fails until you do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from casebook.core.book import Casebook
from casebook.core.errors import Diagnostic, dotted
from casebook.core.model import Citation, Event, Fact, Law, Lesson, Quote, Snapshot, Source
from casebook.core.text import quote_segments
from casebook.core.textnorm import normalise_text

MAX_EXCERPT_WORDS = 50
OFFICIAL_SOURCE_TYPES = ("court", "government")

normalise = normalise_text


def segments(text: str) -> list[str]:
    """The parts of a quotation between its cut marks ``[…]`` (the one definition of a cut is
    ``text.quote_segments``), normalised; each of them must be verbatim."""
    return [part for part in (normalise(p) for p in quote_segments(text)) if part]


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


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Context:
    """What the rules read: the book, its sources by id, and each source's stored texts."""

    book: Casebook
    sources: dict[str, Source]
    texts: dict[str, list[str]]

    @classmethod
    def of(cls, book: Casebook) -> Context:
        sources = {s.id: s for s in book.of_kind(Source)}
        return cls(book, sources, {sid: stored_texts(book, s) for sid, s in sources.items()})

    def diag(self, record_id: str, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
        """A problem at ``path`` inside the record ``record_id``."""
        origin = self.book.origins[record_id]
        return Diagnostic(origin.file, dotted(path), problem, fix, data_path=origin.data_path + path)

    def appears(self, fragment: str, source: Source) -> bool:
        """Whether every cut-free part of ``fragment`` is verbatim in the stored text of ``source``."""
        return _appears(fragment, self.texts[source.id])

    def citations(self) -> Iterator[tuple[Fact, int, Citation, Source]]:
        """Each citation of a fact whose source exists (unknown ones are reported as references)."""
        for fact in self.book.of_kind(Fact):
            for index, citation in enumerate(fact.sources):
                source = self.sources.get(citation.source)
                if source is not None:
                    yield fact, index, citation, source

    def quotes(self) -> Iterator[tuple[Quote, Source]]:
        """Each quote whose source exists."""
        for quote in self.book.of_kind(Quote):
            source = self.sources.get(quote.source)
            if source is not None:
                yield quote, source

    def snapshots(self) -> Iterator[tuple[Source, Snapshot, Path]]:
        """Each source with a snapshot, the snapshot, and where its file should be."""
        for source in self.sources.values():
            if source.snapshot is not None:
                yield source, source.snapshot, self.book.content_dir / source.snapshot.file


Rule = Callable[[Context], Iterator[Diagnostic]]

RULES: list[Rule] = []
"""Every sourcing rule, in the order ``check`` runs them."""


def rule(func: Rule) -> Rule:
    """Register ``func`` as a sourcing rule (at the end of ``RULES``)."""
    RULES.append(func)
    return func


def check(book: Casebook) -> list[Diagnostic]:
    """Every sourcing problem of a book: the rules of ``RULES`` in registration order, each of
    which reports in content order (sources, facts, quotes, laws, events, lessons as loaded)."""
    context = Context.of(book)
    return [diagnostic for each in RULES for diagnostic in each(context)]


# ---------------------------------------------------------------- sources


@rule
def snapshots_are_public_domain(ctx: Context) -> Iterator[Diagnostic]:
    """Only a public-domain document may be stored whole as a snapshot."""
    for source, _, _ in ctx.snapshots():
        if source.license != "public-domain":
            yield ctx.diag(
                source.id,
                ("snapshot",),
                "only public-domain documents may be stored as snapshots",
                "remove the snapshot and register short excerpts instead",
            )


@rule
def snapshot_file_exists(ctx: Context) -> Iterator[Diagnostic]:
    """A source's snapshot file exists at the path it names."""
    for source, snapshot, path in ctx.snapshots():
        if not path.is_file():
            yield ctx.diag(
                source.id,
                ("snapshot", "file"),
                f"snapshot file content/{snapshot.file} is missing",
                "add the file or fix the path",
            )


@rule
def snapshot_hash_matches(ctx: Context) -> Iterator[Diagnostic]:
    """A snapshot file's sha256 is the one recorded, so that no stored text changes unnoticed."""
    for source, snapshot, path in ctx.snapshots():
        if not path.is_file():
            continue  # reported by snapshot_file_exists
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != snapshot.sha256:
            yield ctx.diag(
                source.id,
                ("snapshot", "sha256"),
                f"snapshot changed: its sha256 is {digest}",
                "if the change is intended, record the new sha256",
            )


@rule
def excerpt_word_limit(ctx: Context) -> Iterator[Diagnostic]:
    """An excerpt of a source that is not public domain has at most MAX_EXCERPT_WORDS (50) words."""
    for source in ctx.sources.values():
        if source.license == "public-domain":
            continue
        for index, excerpt in enumerate(source.excerpts):
            words = len(excerpt.split())
            if words > MAX_EXCERPT_WORDS:
                yield ctx.diag(
                    source.id,
                    ("excerpts", index),
                    f"excerpt of a {source.license} source has {words} words, over {MAX_EXCERPT_WORDS}",
                    "quote less: keep the words that support the fact",
                )


@rule
def every_source_is_cited(ctx: Context) -> Iterator[Diagnostic]:
    """Every source is cited by at least one record (a field reference or a [[source:…]] shortcode)."""
    for source in ctx.sources.values():
        if not ctx.book.cited_by.get(source.id):
            yield ctx.diag(
                source.id,
                ("id",),
                f"source '{source.id}' is not cited by any record",
                "cite it from a fact, quote or other record, or delete the file",
            )


# ---------------------------------------------------------------- facts


@rule
def alleged_facts_cite_official_sources(ctx: Context) -> Iterator[Diagnostic]:
    """A fact with status ``alleged`` cites at least one court or government source: the charging
    document or an official announcement of it."""
    for fact in ctx.book.of_kind(Fact):
        if fact.status == "alleged" and not any(
            ctx.sources[c.source].type in OFFICIAL_SOURCE_TYPES for c in fact.sources if c.source in ctx.sources
        ):
            yield ctx.diag(
                fact.id,
                ("sources",),
                "an alleged fact must cite the charging document or an official announcement of it",
                "add a citation of a court or government source",
            )


@rule
def reported_facts_are_attributed(ctx: Context) -> Iterator[Diagnostic]:
    """A fact with status ``reported`` says who reported it, in ``attributed_to``."""
    for fact in ctx.book.of_kind(Fact):
        if fact.status == "reported" and not fact.attributed_to:
            yield ctx.diag(
                fact.id,
                ("status",),
                "a reported fact must say who reported it",
                "add attributed_to: [the person or organisation that reported it]",
            )


@rule
def facts_not_dated_after_their_sources(ctx: Context) -> Iterator[Diagnostic]:
    """A fact is not dated after any source it cites was published (compared at the coarser of
    the two precisions, so 2020-12 fits a source of 2020-12-18)."""
    for fact, _, _, source in ctx.citations():
        if not _date_le(fact.date, source.published):
            yield ctx.diag(
                fact.id,
                ("date",),
                f"fact dated {fact.date} cites '{source.id}', published {source.published}, before the fact",
                "check the date, or cite a later source",
            )


@rule
def excerpts_are_verbatim(ctx: Context) -> Iterator[Diagnostic]:
    """The excerpt of a fact's citation appears verbatim (up to typography, whitespace and cuts
    marked ``[…]``) in the cited source's stored text: its excerpts or its snapshot."""
    for fact, index, citation, source in ctx.citations():
        if citation.excerpt is not None and not ctx.appears(citation.excerpt, source):
            yield ctx.diag(
                fact.id,
                ("sources", index, "excerpt"),
                f"excerpt does not appear verbatim in the stored text of '{source.id}'",
                "copy it exactly from the source and add it to that source's excerpts",
            )


# ---------------------------------------------------------------- quotes and laws


@rule
def quotes_are_verbatim(ctx: Context) -> Iterator[Diagnostic]:
    """A quote's text appears verbatim (cuts marked ``[…]``) in its source's stored text."""
    for quote, source in ctx.quotes():
        if not ctx.appears(quote.text, source):
            yield ctx.diag(
                quote.id,
                ("text",),
                f"quote does not appear verbatim in the stored text of '{source.id}'",
                "copy it exactly, mark cuts with […], and register it as an excerpt",
            )


@rule
def quotes_not_dated_after_their_sources(ctx: Context) -> Iterator[Diagnostic]:
    """A quote was not said after its source was published (at the coarser precision)."""
    for quote, source in ctx.quotes():
        if not _date_le(quote.said, source.published):
            yield ctx.diag(
                quote.id,
                ("said",),
                f"quote dated {quote.said} is later than its source ({source.published})",
                "check the date",
            )


@rule
def quoted_provisions_are_verbatim(ctx: Context) -> Iterator[Diagnostic]:
    """A law's provision marked ``form: quote`` appears verbatim in its source's stored text."""
    for law in ctx.book.of_kind(Law):
        for index, provision in enumerate(law.provisions):
            source = ctx.sources.get(provision.source)
            if provision.form == "quote" and source is not None and not ctx.appears(provision.text, source):
                yield ctx.diag(
                    law.id,
                    ("provisions", index, "text"),
                    f"quoted provision does not appear verbatim in the stored text of '{source.id}'",
                    "copy it exactly into that source's excerpts, or mark it form: paraphrase",
                )


# ---------------------------------------------------------------- events and lessons


@rule
def event_facts_on_event_date(ctx: Context) -> Iterator[Diagnostic]:
    """Every fact an event links to is dated on the event's date (at the coarser precision)."""
    for event in ctx.book.of_kind(Event):
        for index, fact_id in enumerate(event.facts):
            fact = ctx.book.records.get(fact_id)
            if isinstance(fact, Fact) and not _agree(event.date, fact.date):
                yield ctx.diag(
                    event.id,
                    ("facts", index),
                    f"fact '{fact_id}' is dated {fact.date}, not on the event's date {event.date}",
                    "link a fact about this date, or correct a date",
                )


@rule
def lesson_sequence_adds_up(ctx: Context) -> Iterator[Diagnostic]:
    """The minutes of a lesson's sequence add up to the lesson's length."""
    for lesson in ctx.book.of_kind(Lesson):
        total = sum(step.minutes for step in lesson.sequence)
        if total != lesson.minutes:
            yield ctx.diag(
                lesson.id,
                ("sequence",),
                f"the sequence adds up to {total} minutes, but the lesson is {lesson.minutes} minutes",
                "make the step minutes add up to 'minutes'",
            )
