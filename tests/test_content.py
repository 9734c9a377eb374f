"""The real content: complete enough to teach from, and worded as the record allows."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from casebook.core.book import Casebook
from casebook.core.model import Fact, Person, Quote
from casebook.core.validate import build_and_check
from casebook.site import render_site

from .conftest import ROOT
from .support.wording import unattributed_claims

ATTRIBUTION = re.compile(
    r"\b(?:allege[sd]?|prosecutors|complaint|according to|charging|the (?:Justice )?Department)\b", re.I
)


@pytest.fixture(scope="module")
def book() -> Casebook:
    return build_and_check(ROOT / "content", ROOT / "docs")


def test_enough_content_to_teach_from(book: Casebook) -> None:
    statuses = Counter(f.status for f in book.of_kind("fact"))
    assert sum(statuses.values()) >= 35
    assert statuses["alleged"] >= 5 and statuses["reported"] >= 5 and statuses["established"] >= 5
    assert len(book.of_kind("quote")) >= 10
    events = book.of_kind("event")
    assert len(events) >= 25
    # the timeline spans years and ends no later than the day the case is written up to (its as_of);
    # ISO dates, partial ones too ("2019-01"), sort as strings
    dates = sorted(e.date for e in events)
    as_of = book.of_kind("case")[0].as_of
    assert dates[0][:4] < dates[-1][:4]
    assert dates[-1] <= as_of, f"an event dated {dates[-1]} is after the case's as_of {as_of}"


def test_context_topics_are_marked_as_outside_the_case(book: Casebook) -> None:
    topics = {t.id: t for t in book.of_kind("topic")}
    outside = [t for t in topics.values() if not t.in_case]
    assert outside, "Citizen Lab, FTC and encryption context must be marked as not part of the case"


def test_alleged_facts_read_as_allegations(book: Casebook) -> None:
    for fact in book.of_kind("fact"):
        assert isinstance(fact, Fact)
        if fact.status == "alleged":
            assert ATTRIBUTION.search(fact.statement), f"{fact.id}: an allegation must say who alleges it"


def test_the_partly_verified_fbi_quote_is_published_as_an_excerpt(book: Casebook) -> None:
    wray = [q for q in book.of_kind("quote") if isinstance(q, Quote) and q.speaker == "christopher-wray"]
    assert wray and all(q.excerpt for q in wray)


def test_the_charged_person_is_described_as_not_tried(book: Casebook) -> None:
    for defendant in book.of_kind("case")[0].defendants:
        person = book.get(defendant)
        assert isinstance(person, Person)
        assert "allegation" in person.summary and "not been tried" in person.summary


def test_no_page_states_unattributed_that_jin_was_arrested_or_zoom_charged(book: Casebook) -> None:
    pages = render_site(book)
    pages.update({p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")})
    assert unattributed_claims(pages) == []


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("Jin was arrested in 2021.", True),
        ("In 2022 Jin was extradited to the United States.", True),
        ("Zoom was charged with conspiracy.", True),
        ("A grand jury indicted Jin.", True),
        ("Jin was not arrested.", False),
        ("Some outlets wrongly said Jin was convicted.", False),
        ("He faces up to 10 years in prison if convicted.", False),
        ("<del>Jin was arrested.</del> He is at large.", False),
        ("~~Jin was arrested.~~ He is at large.", False),
        # qualifiers count only in the sentence's own words, not in the ids of its citations
        ("Jin was arrested in 2021.[^complaint-not-indictment-1]", True),
        ("Jin was arrested in 2021 [[fact:complaint-not-indictment]].", True),
        ("Jin was arrested in 2021, see [the page](no-arrest.md).", True),
        ("Jin was not arrested [[fact:complaint-unsealed]].", False),
    ],
)
def test_wording_check_catches_unattributed_claims(sentence: str, flagged: bool) -> None:
    assert bool(unattributed_claims({"page.md": sentence})) is flagged
