"""Synthetic content for benchmarks: N facts of about 600 bytes, with the sources, topics, people
and events they reference, valid under every rule."""

from __future__ import annotations

import random
from pathlib import Path

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


def generate(out: Path, facts: int, seed: int = 7) -> None:
    """Write a complete content folder with ``facts`` fact files to ``out``."""
    rng = random.Random(seed)
    (out / "facts").mkdir(parents=True)
    (out / "sources").mkdir()
    topics = [f"topic-{i:02d}" for i in range(10)]
    (out / "topics.yml").write_text(
        "".join(f"- id: {t}\n  title: Topic {t}\n  summary: {_sentence(rng, 12)}\n" for t in topics), encoding="utf-8"
    )
    people = [f"person-{i:03d}" for i in range(max(2, facts // 100))]
    n_sources = max(1, facts // 20)
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
            f'date: "{_published(f % n_sources)[:7]}"\ntopics: [{topics[f % 10]}]\n'
            f"people: [{rng.choice(people)}]\nsources:\n  - source: {sid}\n    locator: paragraph {f % 9 + 1}\n"
            f"    excerpt: {excerpt}\nnote: {_sentence(rng, 8)}\n",
            encoding="utf-8",
        )
    events = "".join(
        f'- id: event-{i:05d}\n  date: "{_published(i % n_sources)[:7]}"\n  title: {_sentence(rng, 4)}\n'
        f"  summary: {_sentence(rng, 10)}\n"
        f"  facts: [{fact_ids[i]}]\n"
        for i in range(0, facts, 10)
    )
    (out / "timeline.yml").write_text(events or "[]\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    generate(Path(sys.argv[1]), int(sys.argv[2]))
