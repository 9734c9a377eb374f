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

import difflib
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from casebook.core import diagrams, files, hosts, present, prose, shortcodes, support, wording
from casebook.core.book import Casebook
from casebook.core.errors import Diagnostic
from casebook.core.model import (
    Case,
    Citation,
    Event,
    Fact,
    Law,
    Lesson,
    Organisation,
    Person,
    Quote,
    Record,
    Snapshot,
    Source,
    Term,
)
from casebook.core.text import plain, quote_segments
from casebook.core.textnorm import normalise_text

# Lengths are counted in words: a run of text between spaces (or underscores, which join the words
# of a field name in a data record: 'field_offices') with a letter or a digit in it. Text
# in Chinese, Japanese or Korean script has no spaces to count, so there every CJK_CHARS_PER_WORD
# CJK characters count as one word (a common rule of thumb for Chinese; 6 characters make the
# 3-word minimum). Punctuation alone is not a word.
CJK_CHARS_PER_WORD = 2
MIN_SEGMENT_WORDS = 3
"""Fewest words in each part of a quote or excerpt between cuts ``[…]`` (and in an uncut one)."""
MIN_EXCERPT_WORDS = MIN_SEGMENT_WORDS
"""Fewest words in a source's registered excerpt: any registered passage must be quotable."""
MAX_EXCERPT_WORDS = 50
"""Most words in one registered excerpt of a source that is not public domain."""
MAX_COPYRIGHTED_WORDS = 150
"""Most words stored in all the excerpts of one source that is not public domain, so that short
excerpts cannot add up to a copy of a long passage (three excerpts of the longest allowed length)."""
OFFICIAL_SOURCE_TYPES = ("court", "government")
PRIMARY_SOURCE_TYPES = ("court", "government", "company")
SNAPSHOT_SOURCE_TYPES = OFFICIAL_SOURCE_TYPES
"""The types of source that may store a snapshot: a public-domain document of a court or government."""

normalise = normalise_text

_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]"
)


# A word outside CJK scripts: a run of characters between spaces (or underscores) holding at least
# one letter or digit. Deleting every other character leaves exactly those runs.
_NOT_WORD = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=65_536)  # the same excerpts are measured by several rules
def words(text: str) -> float:
    """The length of ``text`` in words (see CJK_CHARS_PER_WORD for CJK scripts)."""
    cjk = len(_CJK.findall(text))
    latin = len(_NOT_WORD.sub("", _CJK.sub(" ", text)).replace("_", " ").split())
    return latin + cjk / CJK_CHARS_PER_WORD


def _count(size: float) -> str:
    return f"{size:g} word{'' if size == 1 else 's'}"


def _cjk_note(text: str) -> str:
    return f" ({CJK_CHARS_PER_WORD} CJK characters count as one word)" if _CJK.search(text) else ""


def segments(text: str) -> list[str]:
    """The parts of a quotation between its cut marks ``[…]`` (the one definition of a cut is
    ``text.quote_segments``), normalised; each of them must be verbatim."""
    return [part for part in (normalise(p) for p in quote_segments(text)) if part]


MAX_SNAPSHOT_BYTES = 5_000_000  # a whole public-domain document (a complaint is about 100 KB of text)


def read_snapshot(path: Path) -> bytes | None:
    """A snapshot's bytes, never read through a symbolic link (the content walk refuses links before
    any rule runs; this is the second line of defence), or None if it cannot be read."""
    data, _ = files.read_bytes(path, str(path), MAX_SNAPSHOT_BYTES)
    return data


def stored_texts(book: Casebook, source: Source) -> list[str]:
    """A source's stored texts, normalised: each of its excerpts, and its snapshot if it has one."""
    texts = [normalise(e) for e in source.excerpts]
    if source.snapshot is not None:
        data = read_snapshot(book.content_dir / source.snapshot.file)
        if data is not None:
            texts.append(normalise(data.decode("utf-8", errors="replace")))
    return texts


def _joins(before: str, after: str) -> bool:
    """Whether two adjacent characters belong to one word (CJK has no word boundaries to keep)."""
    return before.isalnum() and after.isalnum() and not _CJK.match(before) and not _CJK.match(after)


def _find(text: str, part: str, start: int) -> int:
    """Where ``part`` is in ``text`` at or after ``start`` without cutting a word at either end
    ("lawful conspiracy" is not in "unlawful conspiracy"), or -1."""
    at = text.find(part, start)
    while at >= 0:
        end = at + len(part)
        if not (at and _joins(text[at - 1], part[0])) and not (end < len(text) and _joins(part[-1], text[end])):
            return at
        at = text.find(part, at + 1)
    return -1


def _in_order(parts: list[str], text: str) -> bool:
    position = 0
    for part in parts:
        found = _find(text, part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


@dataclass(frozen=True)
class Misquote:
    """Why a quotation is not verbatim: ``kind`` is empty, short, missing or order."""

    kind: str
    problem: str  # follows the name of what is quoted: "excerpt …", "quote …"
    fix: str | None = None  # None: the rule's own fix for a passage that is not in the source


def misquote(fragment: str, texts: list[str], source_id: str) -> Misquote | None:
    """None when ``fragment`` is verbatim in one of ``texts``: it has at least one part between its
    cuts, every part has at least MIN_SEGMENT_WORDS words, and the parts appear in order, without
    cutting a word, in one stored text (an excerpt or the snapshot)."""
    parts = segments(fragment)
    if not parts:
        return Misquote("empty", "has no words outside its cut marks […]", "quote the source's own words")
    for part in parts:
        size = words(part)
        if size < MIN_SEGMENT_WORDS:
            label = "part" if len(parts) > 1 else "text"
            return Misquote(
                "short",
                f"{label} '{part}' has {_count(size)}, under {MIN_SEGMENT_WORDS}{_cjk_note(part)}",
                f"quote at least {MIN_SEGMENT_WORDS} words (or {MIN_SEGMENT_WORDS * CJK_CHARS_PER_WORD} CJK "
                "characters) between cuts",
            )
    if any(_in_order(parts, text) for text in texts):
        return None
    if len(parts) > 1 and all(any(_find(text, part, 0) >= 0 for text in texts) for part in parts):
        return Misquote(
            "order",
            f"does not appear in this order in any one stored text of '{source_id}'",
            "quote one passage with its parts in the source's order; cite other passages separately",
        )
    missing = next(part for part in parts if not any(_find(text, part, 0) >= 0 for text in texts))
    where = _divergence(missing, texts)
    return Misquote("missing", f"does not appear verbatim in the stored text of '{source_id}'{where}")


def _tail(words: list[str], n: int = 6) -> str:
    return ("…" if len(words) > n else "") + " ".join(words[-n:])


def _head(words: list[str], n: int = 6) -> str:
    return " ".join(words[:n]) + ("…" if len(words) > n else "") if words else "(its end)"


def _divergence(part: str, texts: list[str]) -> str:
    """Where ``part`` stops matching: the longest run of its first words found in a stored text (a
    binary search: a run found means every shorter one is found), and what follows it in each."""
    quoted = part.split(" ")
    low, high = 0, len(quoted)  # quoted[:low] is found; quoted[:high + 1] is not
    while low < high:
        middle = (low + high + 1) // 2
        if any(" ".join(quoted[:middle]) in text for text in texts):
            low = middle
        else:
            high = middle - 1
    if low == len(quoted):
        return ": it is there only inside longer words (it cuts a word at its start or end)"
    if low < MIN_SEGMENT_WORDS:
        return f": its first {MIN_SEGMENT_WORDS} words are not in it"
    run = " ".join(quoted[:low])
    text = next(t for t in texts if run in t)
    after = text[text.index(run) + len(run) :].split()
    return (
        f": it matches as far as '{_tail(quoted[:low])}', then the source has '{_head(after)}' "
        f"where this has '{_head(quoted[low:])}'"
    )


def verbatim(fragment: str, texts: Sequence[str]) -> bool:
    """Whether ``fragment`` is verbatim in one of ``texts`` (normalised with ``normalise``), as every
    check of quotations reads it, offline and online (``casebook verify-sources``): its parts between
    cuts ``[…]`` each have at least MIN_SEGMENT_WORDS words and appear in that order in one text,
    without cutting a word at either end ("lawful conspiracy" is not in "unlawful conspiracy")."""
    return misquote(fragment, list(texts), "") is None


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
    """What the rules read: the book, its sources by id, each source's stored texts, and the
    reviewed official hosts (``content/official-hosts.yml``, see ``hosts``)."""

    book: Casebook
    sources: dict[str, Source]
    texts: dict[str, list[str]]
    hosts: hosts.OfficialHosts
    # the names and aliases of records, looked up once each (the support rules ask for them per fact)
    names_of: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # each record's texts in the site's own words, read once for the wording and present-status rules
    texts_of: dict[str, list[tuple[tuple[str | int, ...], str]]] = field(default_factory=dict, compare=False)

    def site_texts(self, record: Record) -> list[tuple[tuple[str | int, ...], str]]:
        """``site_texts(record)``, computed once per record."""
        found = self.texts_of.get(record.id)
        if found is None:
            found = self.texts_of[record.id] = list(site_texts(record, self.book.texts(record)))
        return found

    @classmethod
    def of(cls, book: Casebook) -> Context:
        sources = {s.id: s for s in book.of_kind(Source)}
        texts = {sid: stored_texts(book, s) for sid, s in sources.items()}
        return cls(book, sources, texts, hosts.load(book.content_dir))

    def diag(self, record_id: str, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
        """A problem at ``path`` inside the record ``record_id``."""
        return self.book.diagnostic(record_id, path, problem, fix)

    def misquote(self, fragment: str, source: Source) -> Misquote | None:
        """Why ``fragment`` is not verbatim in the stored text of ``source``, or None (see ``misquote``)."""
        return misquote(fragment, self.texts[source.id], source.id)

    def appears(self, fragment: str, source: Source) -> bool:
        """Whether ``fragment`` is verbatim in one stored text of ``source``: its parts between cuts
        ``[…]`` in order, in one excerpt or the snapshot, each of at least MIN_SEGMENT_WORDS words."""
        return verbatim(fragment, self.texts[source.id])

    def misquoted(
        self, record_id: str, path: tuple[str | int, ...], what: str, fragment: str, source: Source, fix: str
    ) -> Iterator[Diagnostic]:
        """A diagnostic when ``fragment`` (``what``: "excerpt", "quote"…) is not verbatim in ``source``;
        ``fix`` is the advice for a passage that is not in the source at all."""
        found = self.misquote(fragment, source)
        if found is not None:
            yield self.diag(record_id, path, f"{what} {found.problem}", found.fix or fix)

    def citations(self) -> Iterator[tuple[Fact, int, Citation, Source]]:
        """Each citation of a fact whose source exists (unknown ones are reported as references)."""
        for fact in self.book.of_kind(Fact):
            yield from _fact_citations(self, fact)

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


def _fact_citations(ctx: Context, fact: Fact) -> Iterator[tuple[Fact, int, Citation, Source]]:
    for index, citation in enumerate(fact.sources):
        source = ctx.sources.get(citation.source)
        if source is not None:
            yield fact, index, citation, source


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
def official_hosts_file_is_valid(ctx: Context) -> Iterator[Diagnostic]:
    """content/official-hosts.yml is a list of ``{host, reason}`` entries: a bare lower-case host
    name of at least two labels, listed once, and who runs it."""
    yield from ctx.hosts.diagnostics


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
def snapshots_are_official_documents(ctx: Context) -> Iterator[Diagnostic]:
    """Only a ``court`` or ``government`` source may store a snapshot: a snapshot is a stored copy of
    a document that lives on an official host, never a contributor's copy of anything else."""
    for source, _, _ in ctx.snapshots():
        if source.type not in SNAPSHOT_SOURCE_TYPES:
            yield ctx.diag(
                source.id,
                ("snapshot",),
                f"a {source.type} source may not store a snapshot: only court and government documents are stored",
                "remove the snapshot and register short excerpts instead",
            )


@rule
def snapshot_file_exists(ctx: Context) -> Iterator[Diagnostic]:
    """A source's snapshot file exists at the path it names."""
    for source, snapshot, path in ctx.snapshots():
        if read_snapshot(path) is None:
            missing = not os.path.lexists(path)
            yield ctx.diag(
                source.id,
                ("snapshot", "file"),
                f"snapshot file content/{snapshot.file} is {'missing' if missing else 'not a readable file'}",
                "add the file or fix the path" if missing else "store the text itself (no link), under 5 MB",
            )


@rule
def snapshot_hash_matches(ctx: Context) -> Iterator[Diagnostic]:
    """A snapshot file's sha256 is the one recorded, so that no stored text changes unnoticed."""
    for source, snapshot, path in ctx.snapshots():
        data = read_snapshot(path)
        if data is None:
            continue  # reported by snapshot_file_exists
        digest = hashlib.sha256(data).hexdigest()
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
            size = words(normalise(excerpt))
            if size > MAX_EXCERPT_WORDS:
                yield ctx.diag(
                    source.id,
                    ("excerpts", index),
                    f"excerpt of a {source.license} source has {_count(size)}, over {MAX_EXCERPT_WORDS}"
                    + _cjk_note(excerpt),
                    "quote less: keep the words that support the fact",
                )


@rule
def excerpts_are_long_enough(ctx: Context) -> Iterator[Diagnostic]:
    """A source's registered excerpt has at least MIN_EXCERPT_WORDS (3) words, or 6 CJK characters,
    in each of its parts between cuts: a word or two proves nothing about what a source says, and
    verify-sources checks each part on the live page with the same minimum."""
    for source in ctx.sources.values():
        for index, excerpt in enumerate(source.excerpts):
            size = min((words(part) for part in segments(excerpt)), default=0)
            if size < MIN_EXCERPT_WORDS:
                yield ctx.diag(
                    source.id,
                    ("excerpts", index),
                    f"excerpt has {_count(size)}, under {MIN_EXCERPT_WORDS}{_cjk_note(excerpt)}",
                    f"register the passage you rely on: at least {MIN_EXCERPT_WORDS} words "
                    f"(or {MIN_EXCERPT_WORDS * CJK_CHARS_PER_WORD} CJK characters)",
                )


@rule
def copyrighted_words_are_capped(ctx: Context) -> Iterator[Diagnostic]:
    """The excerpts of a source that is not public domain add up to at most MAX_COPYRIGHTED_WORDS
    (150) words, so that short excerpts never add up to a copy of a long passage."""
    for source in ctx.sources.values():
        if source.license == "public-domain" or not source.excerpts:
            continue
        total = sum(words(normalise(e)) for e in source.excerpts)
        if total > MAX_COPYRIGHTED_WORDS:
            yield ctx.diag(
                source.id,
                ("excerpts",),
                f"the excerpts of a {source.license} source add up to {_count(total)}, over "
                f"{MAX_COPYRIGHTED_WORDS}{_cjk_note(' '.join(source.excerpts))}",
                "keep only the passages that records cite, and only the words that support them",
            )


@rule
def official_types_need_official_hosts(ctx: Context) -> Iterator[Diagnostic]:
    """A source may be of type ``court`` or ``government`` only if its ``url`` is on a reviewed host
    run by a court or a government, listed in content/official-hosts.yml (the host itself or a
    subdomain of it), snapshot or not: a snapshot is a stored copy of a document that lives there.
    A copy on another site is of the type of that site."""
    for source in ctx.sources.values():
        if source.type not in OFFICIAL_SOURCE_TYPES:
            continue
        if ctx.hosts.match(source.url, OFFICIAL_SOURCE_TYPES) is None:
            host = urlsplit(source.url).hostname or source.url
            yield ctx.diag(
                source.id,
                ("type",),
                f"a {source.type} source needs an official address: '{host}' is not a court's or government's "
                f"host in {ctx.hosts.file}",
                "use the document's address on the court's or government's own site (a snapshot does not replace "
                "it), or set type to what the host is (press, ngo, academic, other)",
            )


@rule
def company_sources_need_listed_hosts(ctx: Context) -> Iterator[Diagnostic]:
    """A source may be of type ``company`` only if its ``url`` is on a host listed in
    content/official-hosts.yml: the company's own domain (``runs: company``) or an official register
    of filings (sec.gov). A company's statement reprinted elsewhere is of the type of that site."""
    for source in ctx.sources.values():
        if source.type == "company" and ctx.hosts.match(source.url) is None:
            host = urlsplit(source.url).hostname or source.url
            yield ctx.diag(
                source.id,
                ("type",),
                f"a company source needs the company's own address or an official filing: '{host}' is not in "
                f"{ctx.hosts.file}",
                "cite the company's own page or its filing on sec.gov (a new company domain is added to "
                f"{ctx.hosts.file} with a maintainer's review), or set type to what the host is (press, blog, other)",
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
def established_facts_cite_primary_records(ctx: Context) -> Iterator[Diagnostic]:
    """A fact with status ``established`` (a matter of record) cites a primary record: a court,
    government or company source (each on a listed host, see the rules above; a snapshot is stored
    only for such a source). What only the press says is ``reported``, with ``attributed_to``."""
    for fact in ctx.book.of_kind(Fact):
        if fact.status != "established":
            continue
        cited = [s for _, _, _, s in _fact_citations(ctx, fact)]
        if cited and not any(s.type in PRIMARY_SOURCE_TYPES for s in cited):
            yield ctx.diag(
                fact.id,
                ("sources",),
                "an established fact must cite a primary record (a court, government or company source)",
                "cite the record itself with an excerpt from it, or make the fact reported and set attributed_to",
            )


@rule
def alleged_facts_cite_official_sources(ctx: Context) -> Iterator[Diagnostic]:
    """A fact with status ``alleged`` cites a court or government source (the charging document or
    an official announcement of it) with an excerpt that is verbatim in that source's stored text:
    naming an official source is not enough, the citation must show what it says."""
    for fact in ctx.book.of_kind(Fact):
        if fact.status != "alleged":
            continue
        official = [(c, s) for _, _, c, s in _fact_citations(ctx, fact) if s.type in OFFICIAL_SOURCE_TYPES]
        if any(c.excerpt is not None and ctx.appears(c.excerpt, s) for c, s in official):
            continue
        if official:
            names = ", ".join(dict.fromkeys(f"'{s.id}'" for _, s in official))
            fix = f"give the citation of {names} an excerpt copied verbatim from it"
        else:
            fix = "add a citation of a court or government source, with an excerpt copied from it"
        yield ctx.diag(
            fact.id,
            ("sources",),
            "an alleged fact must quote the charging document or an official announcement of it",
            fix,
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
    """The excerpt of a fact's citation appears verbatim (up to typography and whitespace) in one
    stored text of the cited source (one of its excerpts, or its snapshot): with cuts marked
    ``[…]``, its parts appear in that order in that one text, and each has at least
    MIN_SEGMENT_WORDS (3) words, or 6 CJK characters."""
    for fact, index, citation, source in ctx.citations():
        if citation.excerpt is not None:
            yield from ctx.misquoted(
                fact.id,
                ("sources", index, "excerpt"),
                "excerpt",
                citation.excerpt,
                source,
                "copy it exactly from the source and add it to that source's excerpts",
            )


# ---------------------------------------------------------------- quotes and laws


@rule
def quotes_are_verbatim(ctx: Context) -> Iterator[Diagnostic]:
    """A quote's text appears verbatim in one stored text of its source, as for excerpts: parts
    between cuts ``[…]`` in order, in one excerpt or the snapshot, each of at least 3 words."""
    for quote, source in ctx.quotes():
        yield from ctx.misquoted(
            quote.id,
            ("text",),
            "quote",
            quote.text,
            source,
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
    """A law's provision marked ``form: quote`` appears verbatim in one stored text of its source,
    as for excerpts (parts between cuts in order, each of at least 3 words)."""
    for law in ctx.book.of_kind(Law):
        for index, provision in enumerate(law.provisions):
            source = ctx.sources.get(provision.source)
            if provision.form == "quote" and source is not None:
                yield from ctx.misquoted(
                    law.id,
                    ("provisions", index, "text"),
                    "quoted provision",
                    provision.text,
                    source,
                    "copy it exactly into that source's excerpts, or mark it form: paraphrase",
                )


def _ids(law: Law) -> str:
    return ", ".join(f"'{v.id}'" for v in law.versions)


def _unknown_version(law: Law, version_id: str) -> tuple[str, str]:
    """(problem, fix) for a version id that names none of ``law``'s versions."""
    if not law.versions:
        return (
            f"version '{version_id}' is not a version of this law: it lists no versions",
            "add the version under versions (id, label, its dates and sources), or remove the version",
        )
    close = difflib.get_close_matches(version_id, [v.id for v in law.versions], n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (
        f"version '{version_id}' is not a version of this law (its versions: {_ids(law)})",
        f"{hint}use one of its version ids, or add the version under versions",
    )


@rule
def law_versions_are_consistent(ctx: Context) -> Iterator[Diagnostic]:
    """A law's versions have distinct ids; a superseded version names another version of the same law
    as its successor (``superseded_by``) and stops applying no earlier than it came into force; only
    one version, the one in force, names no successor and no date it was superseded."""
    for law in ctx.book.of_kind(Law):
        seen: set[str] = set()
        current: list[str] = []
        for index, version in enumerate(law.versions):
            if version.id in seen:
                yield ctx.diag(
                    law.id,
                    ("versions", index, "id"),
                    f"version id '{version.id}' is used twice in this law",
                    "give each version its own id",
                )
            seen.add(version.id)
            successor = version.superseded_by
            if successor is not None and (successor == version.id or law.version(successor) is None):
                problem, fix = _unknown_version(law, successor)
                if successor == version.id:
                    problem = f"version '{version.id}' cannot supersede itself"
                    fix = "name the version that replaced it"
                yield ctx.diag(law.id, ("versions", index, "superseded_by"), problem, fix)
            if version.superseded and version.in_force and not _date_le(version.in_force, version.superseded):
                yield ctx.diag(
                    law.id,
                    ("versions", index, "superseded"),
                    f"version '{version.id}' is superseded on {version.superseded}, before it came into force on "
                    f"{version.in_force}",
                    "check both dates against the sources",
                )
            if version.current:
                current.append(version.id)
                if len(current) > 1:
                    yield ctx.diag(
                        law.id,
                        ("versions", index),
                        f"versions '{current[0]}' and '{version.id}' are both in force: neither names the version "
                        "that replaced it",
                        "give the older one superseded_by: <the id of its successor> (and superseded: <date> if a "
                        "source gives the day)",
                    )


@rule
def provisions_name_versions_of_their_law(ctx: Context) -> Iterator[Diagnostic]:
    """A provision's ``version`` (and the version its ``renumbered`` points to) is the id of one of its
    law's ``versions``."""
    for law in ctx.book.of_kind(Law):
        for index, provision in enumerate(law.provisions):
            named: list[tuple[tuple[str | int, ...], str]] = []
            if provision.version is not None:
                named.append((("provisions", index, "version"), provision.version))
            if provision.renumbered is not None:
                named.append((("provisions", index, "renumbered", "version"), provision.renumbered.version))
            for path, version_id in named:
                if law.version(version_id) is None:
                    yield ctx.diag(law.id, path, *_unknown_version(law, version_id))


@rule
def versions_checked_not_after_their_sources(ctx: Context) -> Iterator[Diagnostic]:
    """A law's ``versions_checked`` (when the site last checked which version is in force) is no later
    than the newest source cited by one of its versions (compared at the coarser precision): the site
    knows which version applies only as of its newest source."""
    for law in ctx.book.of_kind(Law):
        if law.versions_checked is None:
            continue
        cited = [ctx.sources[s] for v in law.versions for s in v.sources if s in ctx.sources]
        if not cited:
            yield ctx.diag(
                law.id,
                ("versions_checked",),
                "versions_checked needs a source: no version of this law cites one",
                "add the sources that show which version is in force to that version's sources",
            )
            continue
        newest = max(cited, key=lambda s: s.published)
        if not any(_date_le(law.versions_checked, s.published) for s in cited):
            yield ctx.diag(
                law.id,
                ("versions_checked",),
                f"versions checked on {law.versions_checked}, after the newest source of this law's versions "
                f"('{newest.id}', published {newest.published})",
                f"set versions_checked to {newest.published} or earlier, or cite a newer source that shows which "
                "version is in force",
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


# ---------------------------------------------------------------- glossary


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


@rule
def glossary_names_are_unique(ctx: Context) -> Iterator[Diagnostic]:
    """Every glossary term name and alias belongs to one term only, ignoring case: each becomes a
    Markdown abbreviation on every page, so a second one would silently replace the first term's
    tooltip everywhere. (One term's own names may differ in case only, since abbreviations match
    case-sensitively: "Insider" and "insider".)"""
    seen: dict[str, str] = {}
    for term in ctx.book.of_kind(Term):
        for path, name in [(("term",), term.term), *((("aliases", i), a) for i, a in enumerate(term.aliases))]:
            key = _name_key(name)
            earlier = seen.setdefault(key, term.id)
            if earlier != term.id:  # one term's own names may differ in case only: "Insider", "insider"
                yield ctx.diag(
                    term.id,
                    path,
                    f"'{name}' is already the name or an alias of the term '{earlier}' (names are compared "
                    "ignoring case); on every page it would show this term's definition instead",
                    f"remove it here, or merge the two terms into '{earlier}'",
                )


@rule
def glossary_definitions_say_something(ctx: Context) -> Iterator[Diagnostic]:
    """A glossary definition's plain text (the tooltip each of the term's names shows on every page)
    has a letter or a digit: a tooltip of quotes alone (``""`` or ``''``) tells Python-Markdown to
    remove the abbreviation, and one of punctuation alone explains nothing."""
    for term in ctx.book.of_kind(Term):
        tooltip = plain(term.definition, ctx.book.label_of)
        if not any(ch.isalnum() for ch in tooltip):
            yield ctx.diag(
                term.id,
                ("definition",),
                f"definition has no words{f' (its text is {tooltip!r})' if tooltip else ''}",
                "define the term in a sentence of your own words",
            )


# ---------------------------------------------------------------- wording

# Fields that hold other people's words, checked as quotations rather than as the site's wording:
# quotes, excerpts (a source's or a citation's), sources' titles, the claim a misconception shows
# as wrong, and a law's provisions quoted word for word (form: quote).
_NOT_THE_SITES_WORDS = {("quote", "text"), ("source", "excerpts"), ("source", "title"), ("misconception", "claim")}


@rule
def claims_are_worded_as_the_record_allows(ctx: Context) -> Iterator[Diagnostic]:
    """No record says, in its own words and without attribution, that Jin was arrested, indicted,
    convicted or extradited, or that Zoom was charged (``core.wording``): he was charged by complaint."""
    for record in ctx.book.records.values():
        for path, text in ctx.site_texts(record):
            for line, sentence in wording.claims(text):
                where = f" (line {line} of the text)" if line > 1 else ""
                yield ctx.diag(record.id, path, wording.problem(sentence) + where, wording.FIX)


# ---------------------------------------------------------------- support


def _names(ctx: Context, ids: Iterable[str]) -> list[str]:
    """The names and aliases of the records ``ids`` (people, organisations, laws, terms, topics)."""
    names: list[str] = []
    for record_id in ids:
        known = ctx.names_of.get(record_id)
        if known is None:
            known = ctx.names_of[record_id] = _names_of(ctx, record_id)
        names.extend(known)
    return names


def _names_of(ctx: Context, record_id: str) -> tuple[str, ...]:
    record = ctx.book.records.get(ctx.book.current_id(record_id))
    if record is None:
        return ()
    names = [
        v
        for f in ("name", "title", "short_title", "citation", "term")
        if isinstance(v := getattr(record, f, None), str)
    ]
    names.extend(getattr(record, "aliases", []))
    if isinstance(record, Person):  # "Acting US Attorney Seth DuCharme": a person's roles name them too
        names.extend(role.title for role in record.roles)
    return tuple(names)


def _dates(ctx: Context, source_ids: Iterable[str]) -> list[str]:
    """The publication dates of sources: a dated source supports its own date."""
    return [ctx.sources[i].published for i in source_ids if i in ctx.sources]


def _cited_texts(ctx: Context, citation: Citation) -> list[str]:
    """What a citation shows a reader: its excerpt, or (with none) the source's stored excerpts; the
    source's title and publisher name it too."""
    source = ctx.sources.get(citation.source)
    if source is None:
        return []
    texts = [citation.excerpt] if citation.excerpt else [*source.excerpts]
    return [*texts, source.title, source.publisher]


def _source_texts(ctx: Context, source_ids: Iterable[str]) -> list[str]:
    texts: list[str] = []
    for source_id in source_ids:
        source = ctx.sources.get(source_id)
        if source is not None:
            texts.extend([*source.excerpts, source.title, source.publisher])
    return texts


def _fact_haystack(ctx: Context, fact: Fact) -> support.Haystack:
    texts = [text for citation in fact.sources for text in _cited_texts(ctx, citation)]
    linked = [*fact.people, *fact.organisations, *fact.attributed_to, *fact.laws, *fact.terms, *fact.topics]
    return support.Haystack(texts, _names(ctx, linked), _dates(ctx, (c.source for c in fact.sources)))


def _missing(ctx: Context, ids: Iterable[str]) -> bool:
    """Whether a record these ids name did not load (its own error is reported; checking what rests
    on it would only add errors that go away when it is fixed)."""
    return any(ctx.book.current_id(i) not in ctx.book.records for i in ids)


def _unsupported(
    ctx: Context, record_id: str, path: tuple[str | int, ...], text: str, haystack: support.Haystack
) -> Iterator[Diagnostic]:
    for detail in support.unsupported(text, haystack):
        where = f" (line {detail.line} of the text)" if detail.line > 1 else ""
        yield ctx.diag(record_id, path, support.problem(detail) + where, support.FIX)


@rule
def fact_details_are_in_their_excerpts(ctx: Context) -> Iterator[Diagnostic]:
    """Every number, date, month, name and quoted phrase of a fact's statement is in one of its cited
    excerpts, or is the name or alias of a record the fact links (``core.support``)."""
    for fact in ctx.book.of_kind(Fact):
        if _missing(ctx, [c.source for c in fact.sources]):
            continue  # a cited source failed to load: that is the error to fix first (no cascade)
        haystack = _fact_haystack(ctx, fact)
        yield from _unsupported(ctx, fact.id, ("statement",), fact.statement, haystack)
        # the date a fact is shown under ("Reported, 9 November 2020") is a detail like any other; a
        # date after every cited source is facts_not_dated_after_their_sources' to report
        published = _dates(ctx, (c.source for c in fact.sources))
        if published and not any(_date_le(fact.date, date) for date in published):
            continue
        if support.is_a_source_date(fact.date, published):
            continue  # the usual case, settled without reading the excerpts
        for detail in support.unsupported(support.spoken_date(fact.date), haystack):
            yield ctx.diag(
                fact.id,
                ("date",),
                f"the {support.date_part(detail)} '{detail.shown}' of {fact.date} is in no cited excerpt "
                "and is not the date of a cited source",
                "cite a source dated that day or whose excerpt gives the date, or give the date only as precisely "
                "as the sources do",
            )


@rule
def quote_contexts_are_in_their_sources(ctx: Context) -> Iterator[Diagnostic]:
    """The details of a quote's context are in the quote itself, its source's excerpts, or the facts
    it links, or name its speaker."""
    for quote, source in ctx.quotes():
        if _missing(ctx, [*source.read_via, *quote.facts]):
            continue
        texts = [quote.text, *_source_texts(ctx, [source.id, *source.read_via])]
        names = _names(ctx, [quote.speaker])
        dates = [quote.said, *_dates(ctx, [source.id])]
        for fact_id in quote.facts:
            fact = ctx.book.records.get(ctx.book.current_id(fact_id))
            if isinstance(fact, Fact):
                texts += [t for c in fact.sources for t in _cited_texts(ctx, c)]
                dates += _dates(ctx, (c.source for c in fact.sources))
        haystack = support.Haystack(texts, names, dates)
        yield from _unsupported(ctx, quote.id, ("context",), quote.context, haystack)


@rule
def event_summaries_are_in_their_facts(ctx: Context) -> Iterator[Diagnostic]:
    """The details of a timeline event's title and summary are in the excerpts its facts cite, or
    name a record those facts link."""
    for event in ctx.book.of_kind(Event):
        if _missing(ctx, event.facts):
            continue  # a fact of the event failed to load: no cascade from it
        texts: list[str] = []
        names: list[str] = []
        dates: list[str] = []
        for fact_id in event.facts:
            fact = ctx.book.records.get(ctx.book.current_id(fact_id))
            if isinstance(fact, Fact):
                texts += [t for c in fact.sources for t in _cited_texts(ctx, c)]
                names += _names(ctx, [*fact.people, *fact.organisations, *fact.attributed_to, *fact.laws])
                dates += _dates(ctx, (c.source for c in fact.sources))
        haystack = support.Haystack(texts, names, dates)
        yield from _unsupported(ctx, event.id, ("title",), event.title, haystack)
        yield from _unsupported(ctx, event.id, ("summary",), event.summary, haystack)


@rule
def people_and_organisations_are_described_by_their_sources(ctx: Context) -> Iterator[Diagnostic]:
    """The details of a person's or an organisation's summary and role lines are in the excerpts of
    the sources it lists, or name it, its organisations or its parent."""
    records: list[Person | Organisation] = [*ctx.book.of_kind(Person), *ctx.book.of_kind(Organisation)]
    for record in records:
        if _missing(ctx, record.sources):
            continue
        linked = [record.id]
        if isinstance(record, Person):
            linked += [role.organisation for role in record.roles if role.organisation]
        elif record.parent:
            linked.append(record.parent)
        haystack = support.Haystack(
            _source_texts(ctx, record.sources), _names(ctx, linked), _dates(ctx, record.sources)
        )
        yield from _unsupported(ctx, record.id, ("summary",), record.summary, haystack)
        if isinstance(record, Person):
            for index, role in enumerate(record.roles):
                yield from _unsupported(ctx, record.id, ("roles", index, "title"), role.title, haystack)


# ---------------------------------------------------------------- the present


def site_texts(
    record: object, texts: list[tuple[tuple[str | int, ...], str]] | None = None
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every text of a record written in this site's words (not quotes, excerpts,
    sources' titles, misconceptions' claims or quoted provisions), among ``texts`` (the record's
    texts, as ``Casebook.texts`` gives them; read from the record when not given). Only texts with a
    space in them: ids and dates have none."""
    if texts is None:
        texts = shortcodes.strings_in(record.model_dump(exclude_defaults=True))  # type: ignore[attr-defined]
    kind = record.kind  # type: ignore[attr-defined]
    for path, text in texts:
        if " " not in text or (kind, path[0]) in _NOT_THE_SITES_WORDS or path[-1] == "excerpt":
            continue
        if path[0] == "provisions" and record.provisions[path[1]].form == "quote":  # type: ignore[attr-defined]
            continue
        yield path, text


@rule
def present_status_is_dated(ctx: Context) -> Iterator[Diagnostic]:
    """A sentence stating a present status (at large, not tried, pending, in force) says when it held,
    unless it is the statement of a fact whose ``as_of`` says so (``core.present``)."""
    for record in ctx.book.records.values():
        for path, text in ctx.site_texts(record):
            if isinstance(record, Fact) and record.as_of and path == ("statement",):
                continue
            if isinstance(record, Term) and path == ("definition",):
                continue  # a definition says what a word means ("someone not in custody is at large"), not a status
            for line, sentence in present.undated(text):
                where = f" (line {line} of the text)" if line > 1 else ""
                yield ctx.diag(record.id, path, present.problem(sentence) + where, present.FIX)


def _newest(ctx: Context, source_ids: Iterable[str]) -> str | None:
    dates = _dates(ctx, source_ids)
    return max(dates) if dates else None


@rule
def as_of_not_after_its_sources(ctx: Context) -> Iterator[Diagnostic]:
    """A fact's ``as_of`` is no later than the newest source it cites, and the case status's
    ``as_of`` no later than the newest source of the facts its status cites: a status holds as of
    the latest source found, not as of the day someone last looked."""
    for fact in ctx.book.of_kind(Fact):
        newest = _newest(ctx, (c.source for c in fact.sources))
        if fact.as_of and newest and not _date_le(fact.as_of, newest):
            yield ctx.diag(
                fact.id,
                ("as_of",),
                f"as_of {fact.as_of} is later than the newest source it cites ({newest})",
                f"set as_of to {newest}, or cite a newer source that says the same",
            )
    for case in ctx.book.of_kind(Case):
        cited: list[str] = []
        for code in shortcodes.find(case.status):
            record = ctx.book.records.get(ctx.book.current_id(code.id))
            if isinstance(record, Fact):
                cited += [c.source for c in record.sources]
            elif isinstance(record, Source):
                cited.append(record.id)
        newest = _newest(ctx, cited)
        if newest and not _date_le(case.as_of, newest):
            yield ctx.diag(
                case.id,
                ("as_of",),
                f"as_of {case.as_of} is later than the newest source the status cites ({newest})",
                f"set as_of to {newest} (the status holds as of its latest source); record when you last looked "
                "for newer sources in checked",
            )


# Record texts that state things and have no sources of their own: each paragraph cites a record or
# source inline. Every other text of a record is cited by the record itself (a fact's sources, a
# person's sources, an event's facts, a law's sources and provisions' sources), is shown as this
# site's analysis (a law's relevance, a disagreement's handling), or is a lesson's teaching voice:
# instructions, questions, rubrics and notes, whose statements about the case the teaching rules,
# the wording rule and the present-status rule check (core.teaching, core.wording, core.present).
# A topic's summary says what a section of the site covers ("What the complaint charged"), not what
# happened, and is not held to this.
# What the site did not check (``not_checked``) is about the site's own research, with nothing to cite.
UNSOURCED_TEXTS = {("case", "summary"), ("case", "status")}


@rule
def unsourced_texts_cite_each_paragraph(ctx: Context) -> Iterator[Diagnostic]:
    """Each paragraph of the case's summary and status cites at least one record or source with a
    [[kind:id]] (``core.prose``): those texts have no sources of their own."""
    for record in ctx.book.records.values():
        for name in ("summary", "status"):
            if (record.kind, name) not in UNSOURCED_TEXTS:  # first: a field a model lacks costs an exception
                continue
            text = getattr(record, name, None)
            if not isinstance(text, str):
                continue
            for block in prose.uncited_paragraphs(text):
                where = f" (line {block.line} of the text)" if block.line > 1 else ""
                yield ctx.diag(record.id, (name,), block.problem(analysis_allowed=False) + where, prose.RECORD_FIX)


# ---------------------------------------------------------------- the case's summaries

_CITING_KINDS = ("fact", "quote", "source")


def _glance_haystack(ctx: Context, codes: list[shortcodes.Shortcode]) -> support.Haystack:
    """What an "At a glance" text cites: its facts' excerpts and linked names, its quotes' words, its sources."""
    texts: list[str] = []
    names: list[str] = []
    dates: list[str] = []
    for code in codes:
        record = ctx.book.records.get(ctx.book.current_id(code.id))
        if isinstance(record, Fact):
            texts += [t for c in record.sources for t in _cited_texts(ctx, c)]
            names += _names(ctx, [*record.people, *record.organisations, *record.attributed_to, *record.laws])
            dates += _dates(ctx, (c.source for c in record.sources))
        elif isinstance(record, Quote):
            texts += [record.text, *_source_texts(ctx, [record.source])]
            names += _names(ctx, [record.speaker])
            dates += [record.said, *_dates(ctx, [record.source])]
        elif isinstance(record, Source):
            texts += _source_texts(ctx, [record.id])
            dates += _dates(ctx, [record.id])
    return support.Haystack(texts, names, dates)


@rule
def glance_items_are_cited_and_supported(ctx: Context) -> Iterator[Diagnostic]:
    """Each statement of the home page's "At a glance" box cites a fact, quote or source, its details
    are in what it cites (``core.support``), and its ``as_of`` is no later than the newest source it
    rests on; an item marked ``analysis`` is this site's reasoning, shown with that label."""
    for case in ctx.book.of_kind(Case):
        for index, item in enumerate(case.at_a_glance):
            codes = [c for c in shortcodes.find(item.text) if c.kind in _CITING_KINDS]
            if _missing(ctx, [c.id for c in codes]):
                continue  # an unknown id is reported as a reference
            sources = _sources_of(ctx, codes)
            if _missing(ctx, sources):
                continue  # a cited fact's source failed to load: that is the error to fix (no cascade)
            path: tuple[str | int, ...] = ("at_a_glance", index, "text")
            if not item.analysis:
                if not codes:
                    yield ctx.diag(
                        case.id,
                        path,
                        f"the item '{item.label}' cites nothing",
                        "cite the facts it rests on with [[fact:id]], or, if it is this site's reasoning, "
                        "mark it analysis: true",
                    )
                    continue
                yield from _unsupported(ctx, case.id, path, item.text, _glance_haystack(ctx, codes))
            newest = _newest(ctx, sources)
            if item.as_of and (newest is None or not _date_le(item.as_of, newest)):
                yield ctx.diag(
                    case.id,
                    ("at_a_glance", index, "as_of"),
                    f"as_of {item.as_of} is later than the newest source the item cites ({newest or 'none'})",
                    f"set as_of to {newest} (the statement holds as of its latest source)"
                    if newest
                    else "cite the facts the statement rests on",
                )


def _sources_of(ctx: Context, codes: list[shortcodes.Shortcode]) -> list[str]:
    """The ids of the sources that the facts, quotes and sources cited by ``codes`` rest on."""
    sources: list[str] = []
    for code in codes:
        record = ctx.book.records.get(ctx.book.current_id(code.id))
        if isinstance(record, Fact):
            sources += [c.source for c in record.sources]
        elif isinstance(record, Quote):
            sources.append(record.source)
        elif isinstance(record, Source):
            sources.append(record.id)
    return sources


def _company_statement(ctx: Context, record: Record, company: str | None) -> bool:
    """Whether ``record`` gives the company's own account: a quote of it, or a fact attributed to it."""
    if isinstance(record, Quote):
        speaker = ctx.book.records.get(ctx.book.current_id(record.speaker))
        return company is not None and (
            record.speaker == company or (isinstance(speaker, Person) and company in _organisations_of(speaker))
        )
    return isinstance(record, Fact) and company is not None and company in record.attributed_to


def _short_name(ctx: Context, record_id: str) -> str:
    """A record's shortest name or alias ("Zoom"), as the allegations page names the company."""
    record = ctx.book.records.get(ctx.book.current_id(record_id))
    return min([record.label, *getattr(record, "aliases", [])], key=len) if record else record_id


def _organisations_of(person: Person) -> list[str]:
    return [role.organisation for role in person.roles if role.organisation]


@rule
def allegation_rows_pair_the_right_facts(ctx: Context) -> Iterator[Diagnostic]:
    """Each row of "Allegations and answers" pairs an alleged fact (once) with the company's account (its
    quotes, or facts attributed to it) and facts on the record (status established)."""
    for case in ctx.book.of_kind(Case):
        seen: dict[str, int] = {}
        for index, row in enumerate(case.allegations):
            if _missing(ctx, [row.allegation, *row.company, *row.record]):
                continue  # an unknown id is reported as a reference
            allegation = ctx.book.get(ctx.book.current_id(row.allegation))
            assert isinstance(allegation, Fact)
            if allegation.status != "alleged":
                yield ctx.diag(
                    case.id,
                    ("allegations", index, "allegation"),
                    f"'{row.allegation}' is {allegation.status}, not alleged: "
                    "a row starts from what prosecutors allege",
                    "point to a fact with status: alleged, or move this fact to the row's record or company list",
                )
            elif row.allegation in seen:
                yield ctx.diag(
                    case.id,
                    ("allegations", index, "allegation"),
                    f"'{row.allegation}' already has a row (allegations[{seen[row.allegation]}])",
                    "merge the two rows into one",
                )
            seen.setdefault(row.allegation, index)
            company_name = _short_name(ctx, case.company) if case.company else "the company"
            for at, record_id in enumerate(row.company):
                record = ctx.book.get(ctx.book.current_id(record_id))
                if not _company_statement(ctx, record, case.company):
                    yield ctx.diag(
                        case.id,
                        ("allegations", index, "company", at),
                        f"'{record_id}' is not {company_name}'s account: it is not a quote of {company_name} "
                        "or a fact attributed to it",
                        f"point to a quote of {company_name} or a fact with {case.company or 'the company'} in "
                        "attributed_to",
                    )
            for at, record_id in enumerate(row.record):
                fact = ctx.book.get(ctx.book.current_id(record_id))
                if isinstance(fact, Fact) and fact.status != "established":
                    yield ctx.diag(
                        case.id,
                        ("allegations", index, "record", at),
                        f"'{record_id}' is {fact.status}, not on the record (established)",
                        "point to a fact with status: established, or leave it out of the row",
                    )


# ---------------------------------------------------------------- diagrams


@rule
def diagrams_rest_on_records(ctx: Context) -> Iterator[Diagnostic]:
    """content/diagrams.yml (``core.diagrams``) has the shape of a diagram, and every box, arrow, lock
    and cell names an existing record and, for a law, one of its provisions: a picture draws only what
    the records say."""
    loaded = ctx.book.diagrams if ctx.book.diagrams is not None else diagrams.load(ctx.book.content_dir)
    yield from diagrams.check(ctx.book, loaded)
