"""Synthetic content for benchmarks: N facts of about 600 bytes, with the sources, topics, people
and events they reference, valid under every rule.

By default the facts are spread evenly over 10 topics, with a source per 20 facts and an event per
10. ``Shape.of_real`` takes the real content's proportions instead: facts per topic as uneven as the
real ones, as many sources per fact as the real press sources, an event per 2.6 facts. The page that
grows fastest then grows as it would if the real content grew, which the even spread hides.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Shape:
    """How the synthetic records are proportioned: facts per topic, sources and events per fact."""

    topic_weights: tuple[float, ...] = (1.0,) * 10
    sources_per_fact: float = 1 / 20
    events_per_fact: float = 1 / 10

    @classmethod
    def of_real(cls, content: Path) -> Shape:
        """The proportions of the real ``content/``, as the site loads it: each fact counted under its
        first topic (its page). All synthetic sources are of one kind, so the one bibliography page
        holds all of them: an upper bound for the heaviest kind's page."""
        from casebook.core.validate import build_case

        book = build_case(content)
        facts = book.of_kind("fact")
        per_topic = Counter(fact.topics[0] for fact in facts)
        press = sum(1 for source in book.of_kind("source") if source.type == "press")
        return cls(
            topic_weights=tuple(sorted(per_topic.values(), reverse=True)),
            sources_per_fact=press / len(facts),  # the largest kind's share; every synthetic source is press
            events_per_fact=len(book.of_kind("event")) / len(facts),
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


def _published(source: int) -> str:
    """A source's date; each fact is dated by the month of the source it cites, as the support check asks."""
    return f"2020-{1 + source % 12:02d}-15"


def _topic_of_each_fact(facts: int, weights: tuple[float, ...]) -> list[int]:
    """Topic indexes for ``facts`` facts, in proportion to ``weights``, interleaved (not in runs)."""
    total = sum(weights)
    counts = [int(facts * w / total) for w in weights]
    for i in range(facts - sum(counts)):  # the remainder, largest topics first
        counts[i % len(counts)] += 1
    order = sorted(((k + 0.5) / c, t) for t, c in enumerate(counts) for k in range(c))
    return [t for _, t in order]


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
    excerpts: dict[str, list[str]] = {}
    for s in range(n_sources):
        sid = f"source-{s:05d}"
        # 10 excerpts of 14 words: 140 copyrighted words, under the 150-word cap per source
        excerpts[sid] = [_sentence(rng, 14) for _ in range(10)]
        body = "".join(f"  - {e}\n" for e in excerpts[sid])
        (out / "sources" / f"{sid}.yml").write_text(
            f"id: {sid}\ntitle: Synthetic source {s}\npublisher: Synthetic Publisher\ntype: press\n"
            f'published: "{_published(s)}"\nurl: https://example.org/s/{s}\n'
            f"archive_url: https://web.archive.org/web/https://example.org/s/{s}\n"
            f'accessed: "2026-11-28"\nlicense: copyrighted\nexcerpts:\n{body}',
            encoding="utf-8",
        )
    (out / "people.yml").write_text(
        "".join(
            f"- id: {p}\n  name: Person {p}\n  summary: {_sentence(rng, 10)}\n  sources: [source-00000]\n"
            for p in people
        ),
        encoding="utf-8",
    )
    fact_ids = []
    for f in range(facts):
        fid = f"fact-{f:05d}"
        fact_ids.append(fid)
        sid = f"source-{f % n_sources:05d}"
        excerpt = rng.choice(excerpts[sid])
        (out / "facts" / f"{fid}.yml").write_text(
            f"id: {fid}\nstatement: >-\n  {_sentence(rng, 30)}\n  [[person:{rng.choice(people)}]] said so.\n"
            f"status: reported\nattributed_to: [{rng.choice(people)}]\n"
            f'date: "{_published(f % n_sources)[:7]}"\ntopics: [{topics[topic_of[f]]}]\n'
            f"people: [{rng.choice(people)}]\nsources:\n  - source: {sid}\n    locator: paragraph {f % 9 + 1}\n"
            f"    excerpt: {excerpt}\nnote: {_sentence(rng, 8)}\n",
            encoding="utf-8",
        )
    events = "".join(
        f'- id: event-{i:05d}\n  date: "{_published(i % n_sources)[:7]}"\n  title: {_sentence(rng, 4)}\n'
        f"  summary: {_sentence(rng, 10)}\n"
        f"  facts: [{fact_ids[i]}]\n"
        for i in sorted(
            {min(facts - 1, round(k / shape.events_per_fact)) for k in range(round(facts * shape.events_per_fact))}
        )
    )
    (out / "timeline.yml").write_text(events or "[]\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    # python synthetic.py OUT FACTS [--like-real]: the real content's proportions are read from content/
    like_real = sys.argv[3:] == ["--like-real"]
    real = Path(__file__).resolve().parents[2] / "content"
    generate(Path(sys.argv[1]), int(sys.argv[2]), shape=Shape.of_real(real) if like_real else None)
