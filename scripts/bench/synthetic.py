"""Synthetic content for benchmarks: N facts of about 600 bytes, with the sources, topics, people
and events they reference, valid under every rule.

By default the facts are spread evenly over 10 topics, with a source per 20 facts and an event per
10, every source of 10 excerpts dated 2020 and every event of one fact. ``Shape.of_real`` takes the
real content's proportions instead: facts per topic as uneven as the real ones, as many sources per
fact as the real press sources, with their excerpts, years and publisher-like id prefixes, an event
per 2.6 facts, with the real events' years and facts per event. The page that grows fastest then
grows as it would if the real content grew, which the even spread hides.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Shape:
    """How the synthetic records are proportioned. The tuples are cycled: source ``s`` takes item
    ``s % len`` of each source field, the ``k``-th event item ``k % len`` of each event field, so
    fields read from the same real records keep their pairing (a source's prefix, year and excerpts)."""

    topic_weights: tuple[float, ...] = (1.0,) * 10
    sources_per_fact: float = 1 / 20
    events_per_fact: float = 1 / 10
    # words of each excerpt, per source: 10 of 14 words, 140 copyrighted words under the 150-word cap
    excerpt_words: tuple[tuple[int, ...], ...] = ((14,) * 10,)
    source_years: tuple[int, ...] = (2020,)
    source_prefixes: tuple[str, ...] = ("source",)  # ids are "<prefix>-<number>"
    event_years: tuple[int, ...] = (2020,)
    facts_per_event: tuple[int, ...] = (1,)

    @classmethod
    def of_real(cls, content: Path) -> Shape:
        """The proportions of the real ``content/``, as the site loads it: each fact counted under its
        first topic (its page). All synthetic sources are of one kind, so the one bibliography page
        holds all of them: an upper bound for the heaviest kind's page; they take after the real
        press sources (the largest kind), in id order."""
        from casebook.core.model import Event, Fact, Source
        from casebook.core.rules import MIN_EXCERPT_WORDS, normalise, words
        from casebook.core.validate import build_case

        book = build_case(content)
        facts = book.of_kind(Fact)
        per_topic = Counter(fact.topics[0] for fact in facts)
        press = sorted((source for source in book.of_kind(Source) if source.type == "press"), key=lambda s: s.id)
        events = sorted(book.of_kind(Event), key=lambda event: event.date)
        return cls(
            topic_weights=tuple(sorted(per_topic.values(), reverse=True)),
            sources_per_fact=len(press) / len(facts),  # the largest kind's share; every synthetic source is press
            events_per_fact=len(events) / len(facts),
            excerpt_words=tuple(
                tuple(max(MIN_EXCERPT_WORDS, round(words(normalise(e)))) for e in source.excerpts) for source in press
            ),
            source_years=tuple(int(source.published[:4]) for source in press),
            # the publisher slug an id starts with: what comes before its date ("axios-2020-06-10-…")
            source_prefixes=tuple(re.split(r"-(?=\d{4}(?:-|$))", source.id)[0] for source in press),
            event_years=tuple(int(event.date[:4]) for event in events),
            facts_per_event=tuple(len(event.facts) for event in events),
        )


WORDS = [
    "insider",
    "access",
    "request",
    "liaison",
    "meeting",
    "account",
    "server",
    "complaint",
    "warrant",
    "record",
    "statement",
    "policy",
    "company",
    "authority",
    "data",
    "transfer",
    "user",
    "review",
    "audit",
    "control",
    "privilege",
    "export",
    "court",
    "agency",
    "report",
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _published(year: int, month: int) -> str:
    """A source's date; each fact is dated by the month of the source it cites, as the support check asks."""
    return f"{year}-{month:02d}-15"


def _topic_of_each_fact(facts: int, weights: tuple[float, ...]) -> list[int]:
    """Topic indexes for ``facts`` facts, in proportion to ``weights``, interleaved (not in runs)."""
    total = sum(weights)
    counts = [int(facts * w / total) for w in weights]
    for i in range(facts - sum(counts)):  # the remainder, largest topics first
        counts[i % len(counts)] += 1
    order = sorted(((k + 0.5) / c, t) for t, c in enumerate(counts) for k in range(c))
    return [t for _, t in order]


def _plan_events(
    facts: int, n_sources: int, shape: Shape, year_of: list[int], month_of: list[int]
) -> list[tuple[int, list[int]]]:
    """(position, fact indexes) of each event, the positions spread evenly over the facts.

    An event's facts must be dated as it is, and fact ``f`` is dated by the year and month of its
    source ``f % n_sources``, so the event of year ``y`` takes the free facts of year ``y`` nearest
    after its position, of one month. Where too few exist (an event year no press source has, as
    1989, or no free fact of the month of the event's first), it re-dates a source none of whose
    facts is in an event yet: that moves only that source's facts, so the events already planned
    stay valid. A source that is the last of its year is never moved, so the synthetic sources keep
    every year the real ones have. No fact is in two events, as in the real timeline. Draws nothing
    from the random generator, so ``Shape()`` is unchanged."""
    count = round(facts * shape.events_per_fact)
    positions = sorted({min(facts - 1, round(k / shape.events_per_fact)) for k in range(count)})
    by_year: dict[int, list[int]] = {}  # year -> its facts, ascending
    for f in range(facts):
        by_year.setdefault(year_of[f % n_sources], []).append(f)
    sources_of_year = Counter(year_of)
    used: set[int] = set()

    def month(f: int) -> int:
        return month_of[f % n_sources]

    def nearest(year: int, start: int, like: int | None) -> int | None:
        """The first free fact of ``year`` from ``start`` on (wrapping), of the month of fact ``like``."""
        pool = by_year.get(year, [])
        first = bisect_left(pool, start)
        for d in range(len(pool)):
            f = pool[(first + d) % len(pool)]
            if f not in used and (like is None or month(f) == month(like)):
                return f
        return None

    def redate(year: int, start: int, like: int | None) -> int | None:
        """Move a source with no fact in an event to ``year`` (and the month of ``like``): its first fact."""
        for d in range(n_sources):
            s = (start + d) % n_sources
            mine = range(s, facts, n_sources)
            if mine and sources_of_year[year_of[s]] > 1 and not used.intersection(mine):
                for f in mine:
                    by_year[year_of[s]].remove(f)
                    insort(by_year.setdefault(year, []), f)
                sources_of_year[year_of[s]] -= 1
                sources_of_year[year] += 1
                year_of[s] = year
                if like is not None:
                    month_of[s] = month(like)
                return s  # fact s is the first that cites source s
        return None

    events: list[tuple[int, list[int]]] = []
    for k, position in enumerate(positions):
        year = shape.event_years[k % len(shape.event_years)]
        members: list[int] = []
        while len(members) < max(1, shape.facts_per_event[k % len(shape.facts_per_event)]):
            like = members[0] if members else None
            found = nearest(year, position, like)
            if found is None and (found := redate(year, position % n_sources, like)) is None:
                break  # no source left to move: the event has fewer facts
            members.append(found)
            used.add(found)
        if members:  # none only if every source already has a fact in an event
            events.append((position, members))
    return events


def generate(out: Path, facts: int, seed: int = 7, shape: Shape | None = None) -> None:
    """Write a complete content folder with ``facts`` fact files to ``out``."""
    shape = shape or Shape()
    rng = random.Random(seed)
    (out / "facts").mkdir(parents=True)
    (out / "sources").mkdir()
    topics = [f"topic-{i:02d}" for i in range(len(shape.topic_weights))]
    topic_of = _topic_of_each_fact(facts, shape.topic_weights)
    (out / "topics.yml").write_text(
        "".join(f"- id: {t}\n  title: Topic {t}\n  summary: {_sentence(rng, 12)}\n" for t in topics), encoding="utf-8"
    )
    people = [f"person-{i:03d}" for i in range(max(2, facts // 100))]
    n_sources = max(1, int(facts * shape.sources_per_fact + 1e-9))  # floor, as facts // 20 was
    year_of = [shape.source_years[s % len(shape.source_years)] for s in range(n_sources)]
    month_of = [1 + s % 12 for s in range(n_sources)]
    # before any date is written: planning the events may re-date sources
    events = _plan_events(facts, n_sources, shape, year_of, month_of)
    sids = [f"{shape.source_prefixes[s % len(shape.source_prefixes)]}-{s:05d}" for s in range(n_sources)]
    excerpts: dict[str, list[str]] = {}

    def date_of(f: int) -> str:  # a fact's date: the month of its source
        return _published(year_of[f % n_sources], month_of[f % n_sources])[:7]

    for s, sid in enumerate(sids):
        # each excerpt at least 3 words (quotable) and at most 50; at most 150 words a source, as the rules cap
        excerpts[sid] = [_sentence(rng, n) for n in shape.excerpt_words[s % len(shape.excerpt_words)]]
        body = "".join(f"  - {e}\n" for e in excerpts[sid])
        (out / "sources" / f"{sid}.yml").write_text(
            f"id: {sid}\ntitle: Synthetic source {s}\npublisher: Synthetic Publisher\ntype: press\n"
            f'published: "{_published(year_of[s], month_of[s])}"\nurl: https://example.org/s/{s}\n'
            f"archive_url: https://web.archive.org/web/https://example.org/s/{s}\n"
            f'accessed: "2026-11-28"\nlicense: copyrighted\n' + (f"excerpts:\n{body}" if body else ""),
            encoding="utf-8",
        )
    (out / "people.yml").write_text(
        "".join(
            f"- id: {p}\n  name: Person {p}\n  summary: {_sentence(rng, 10)}\n  sources: [{sids[0]}]\n" for p in people
        ),
        encoding="utf-8",
    )
    fact_ids = []
    for f in range(facts):
        fid = f"fact-{f:05d}"
        fact_ids.append(fid)
        s = f % n_sources
        sid = sids[s]
        # a source without excerpts (as some real ones) is cited by its locator alone
        excerpt = f"    excerpt: {rng.choice(excerpts[sid])}\n" if excerpts[sid] else ""
        (out / "facts" / f"{fid}.yml").write_text(
            f"id: {fid}\nstatement: >-\n  {_sentence(rng, 30)}\n  [[person:{rng.choice(people)}]] said so.\n"
            f"status: reported\nattributed_to: [{rng.choice(people)}]\n"
            f'date: "{date_of(f)}"\ntopics: [{topics[topic_of[f]]}]\n'
            f"people: [{rng.choice(people)}]\nsources:\n  - source: {sid}\n    locator: paragraph {f % 9 + 1}\n"
            f"{excerpt}note: {_sentence(rng, 8)}\n",
            encoding="utf-8",
        )
    timeline = "".join(
        f'- id: event-{position:05d}\n  date: "{date_of(members[0])}"\n'
        f"  title: {_sentence(rng, 4)}\n  summary: {_sentence(rng, 10)}\n"
        f"  facts: [{', '.join(fact_ids[f] for f in members)}]\n"
        for position, members in events
    )
    (out / "timeline.yml").write_text(timeline or "[]\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    # python synthetic.py OUT FACTS [--like-real]: the real content's proportions are read from content/
    like_real = sys.argv[3:] == ["--like-real"]
    real = Path(__file__).resolve().parents[2] / "content"
    generate(Path(sys.argv[1]), int(sys.argv[2]), shape=Shape.of_real(real) if like_real else None)
