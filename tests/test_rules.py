"""Sourcing rules: each one breaks on a small change to otherwise valid content."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from casebook.core.errors import ContentError
from casebook.core.validate import build_case


def _edit(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(content: Path) -> str:
    with pytest.raises(ContentError) as caught:
        build_case(content)
    return str(caught.value)


def test_seed_is_valid(content: Path) -> None:
    assert len(build_case(content).of_kind("fact")) == 3


def test_excerpt_must_be_verbatim(content: Path) -> None:
    _edit(
        content,
        "facts/jin-not-in-custody.yml",
        "excerpt: Jin is not in U.S. custody.",
        "excerpt: Jin is not in custody.",
    )
    assert (
        "content/facts/jin-not-in-custody.yml:10:14: sources[0].excerpt: excerpt does not appear verbatim in the "
        "stored text of 'doj-2020-12-18-release'"
    ) in _errors(content)


def test_typography_and_whitespace_do_not_count(content: Path) -> None:
    _edit(
        content,
        "facts/complaint-unsealed.yml",
        "excerpt: A complaint and arrest warrant were unsealed today in federal court in Brooklyn",
        'excerpt: "A complaint   and arrest warrant\\u00a0were unsealed today in federal court in Brooklyn"',
    )
    assert build_case(content)


def test_quote_must_be_verbatim_but_may_mark_cuts(content: Path) -> None:
    _edit(
        content,
        "quotes.yml",
        "text: We support the U.S. Government’s commitment to protect American interests",
        "text: We support the U.S. Government's […] American interests",
    )
    assert build_case(content)
    _edit(content, "quotes.yml", "American interests", "American values")
    assert "content/quotes.yml:4:9: text: quote does not appear verbatim" in _errors(content)


def test_alleged_fact_needs_an_official_source(content: Path) -> None:
    _edit(content, "facts/zoom-cooperating.yml", "status: reported", "status: alleged")
    assert (
        "content/facts/zoom-cooperating.yml:9:3: sources: an alleged fact must cite the charging document or an "
        "official announcement of it (add a citation of a court or government source)"
    ) in _errors(content)


def test_every_source_is_cited(content: Path) -> None:
    (content / "sources/orphan.yml").write_text(
        (content / "sources/zoom-2020-12-18-perspective.yml")
        .read_text()
        .replace("id: zoom-2020-12-18-perspective", "id: orphan"),
        encoding="utf-8",
    )
    assert "content/sources/orphan.yml:1:5: id: source 'orphan' is not cited by any record" in _errors(content)


def test_fact_cannot_predate_its_source(content: Path) -> None:
    _edit(content, "facts/zoom-cooperating.yml", 'date: "2020-12-18"', 'date: "2021-01"')
    assert (
        "content/facts/zoom-cooperating.yml:4:7: date: fact dated 2021-01 cites 'zoom-2020-12-18-perspective', "
        "published 2020-12-18, before the fact"
    ) in _errors(content)


def test_event_facts_fall_on_its_date(content: Path) -> None:
    _edit(content, "timeline.yml", 'date: "2020-12-18"', 'date: "2020-12-17"')
    assert (
        "content/timeline.yml:5:11: facts[0]: fact 'complaint-unsealed' is dated 2020-12-18, not on the event's "
        "date 2020-12-17"
    ) in _errors(content)


def test_copyrighted_excerpts_are_short(content: Path) -> None:
    long = " ".join(["word"] * 51)
    _edit(content, "sources/zoom-2020-12-18-perspective.yml", "excerpts:\n", f"excerpts:\n  - {long}\n")
    assert "excerpts[0]: excerpt of a copyrighted source has 51 words, over 50" in _errors(content)


def test_snapshot_is_public_domain_and_checksummed(content: Path) -> None:
    snapshots = content / "sources" / "snapshots"
    snapshots.mkdir()
    text = "A complaint and arrest warrant were unsealed today in federal court in Brooklyn.\n"
    (snapshots / "doj-2020-12-18-release.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    _edit(
        content,
        "sources/doj-2020-12-18-release.yml",
        "excerpts:\n",
        f"snapshot:\n  file: sources/snapshots/doj-2020-12-18-release.txt\n  sha256: {digest}\nexcerpts:\n",
    )
    assert build_case(content)
    (snapshots / "doj-2020-12-18-release.txt").write_text(text + "changed\n", encoding="utf-8")
    assert "snapshot.sha256: snapshot changed: its sha256 is" in _errors(content)


def test_lesson_minutes_add_up(content: Path) -> None:
    _edit(content, "lessons/reading-a-complaint.yml", "  - minutes: 30", "  - minutes: 20")
    assert (
        "content/lessons/reading-a-complaint.yml:12:3: sequence: the sequence adds up to 35 minutes, but the "
        "lesson is 45 minutes"
    ) in _errors(content)


def test_objectives_start_with_an_action_verb(content: Path) -> None:
    _edit(
        content,
        "lessons/reading-a-complaint.yml",
        "text: Distinguish an allegation",
        "text: Students see an allegation",
    )
    assert "objective should start with an action verb, not 'students'" in _errors(content)
