"""A citation must support its sentence: the details of a statement are in what it cites (core.support).

The unit tests pin down what counts as a detail and where it may be found. The mutation tests edit
copies of the real records the way the fact-checkers found them written (../shared/reviews/case-pages.md
§6: a city no excerpt names, a person's details cited to excerpts that never mention them, a date on a
card that no source gives) and check that validate names the detail, the file and the field.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from casebook.core import support
from casebook.core.errors import ContentError
from casebook.core.validate import build_case

ROOT = Path(__file__).resolve().parent.parent


def kinds(text: str) -> list[tuple[str, str]]:
    return [(d.kind, d.shown) for d in support.details(text)]


def test_a_statement_has_numbers_months_names_and_quoted_words() -> None:
    found = kinds('On 18 December 2020 the Justice Department said Lee Cheuk-yan called it "a warning" in Hong Kong.')
    assert ("number", "18") in found
    assert ("number", "2020") in found
    assert ("month", "December") in found
    assert ("name", "Justice Department") in found
    assert ("name", "Lee Cheuk-yan") in found
    assert ("name", "Hong Kong") in found
    assert ("quoted", "a warning") in found


def test_citations_links_and_code_are_not_the_statements_words() -> None:
    assert kinds("Jin was charged [[fact:complaint-unsealed-2020-12-18]] ([docs](https://x.test/2021)) `US04`.") == []


def test_a_capital_that_begins_a_sentence_is_grammar_not_a_name() -> None:
    assert kinds("Prosecutors allege it. Later it changed.") == []
    # but the words after it in the same name still count
    assert kinds("Head of Security said so.") == [("name", "Head of Security")]
    assert [d.checked for d in support.details("Head of Security said so.")] == [("Security",)]


def test_punctuation_ends_a_name() -> None:
    assert kinds("He was in Beijing. Every year since, it was marked.") == [("name", "Beijing")]


def test_may_the_verb_is_not_may_the_month() -> None:
    assert kinds("Prosecutors say it may be true.") == []
    assert kinds("It happened in May 2020.") == [("number", "2020"), ("month", "May")]


@pytest.mark.parametrize(
    ("statement", "excerpt"),
    [
        ("It ended on 18 December 2020.", "on Dec. 18, 2020, it ended"),
        ("Ten defendants were named.", "10 defendants"),
        ("It marked the 31st anniversary.", "the thirty-first anniversary"),
        ("Zoom said China lifted it on 17 November 2019.", "最終中國政府於 2019 年 11 月 17 日解除了對 Zoom 的"),
        ("A US-hosted meeting was ended.", "meetings hosted in the U.S. were ended"),
        ('It called the data "sensitive".', "the data was “sensitive” to it"),
    ],
    ids=["date-formats", "number-words", "ordinals", "chinese-excerpt", "US-and-U.S.", "curly-quotes"],
)
def test_a_detail_written_another_way_in_the_excerpt_is_found(statement: str, excerpt: str) -> None:
    assert list(support.unsupported(statement, support.Haystack([excerpt]))) == []


@pytest.mark.parametrize(
    ("statement", "excerpt", "missing"),
    [
        ("Zoom is based in San Jose, California.", "Zoom is a US company", ["San Jose", "California"]),
        ("It was announced on 14 October.", "announced on Oct. 15", ["14"]),
        ('He said it was "illegal".', "He said it was unlawful.", ["illegal"]),
        ("He spoke in Hong Kong in June.", "He spoke in May.", ["Hong Kong", "June"]),
    ],
    ids=["place", "day", "quoted-words", "place-and-month"],
)
def test_a_detail_missing_from_the_excerpt_is_named(statement: str, excerpt: str, missing: list[str]) -> None:
    assert [d.shown for d in support.unsupported(statement, support.Haystack([excerpt]))] == missing


def test_the_name_of_a_linked_record_and_the_date_of_a_cited_source_count() -> None:
    haystack = support.Haystack(
        ["the employee was charged"], names=["Xinjiang Jin", "Julien Jin"], dates=["2020-12-18"]
    )
    assert list(support.unsupported("On 18 December 2020 Julien Jin was charged.", haystack)) == []
    assert [d.shown for d in support.unsupported("In 2021 Jin was charged.", haystack)] == ["2021"]


# ---------------------------------------------------------------- mutations of the real records


@pytest.fixture
def real_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def _messages(content: Path) -> set[str]:
    """Each problem without its line and column: rewriting a file moves the lines of the others."""
    try:
        build_case(content)
    except ContentError as error:
        return {re.sub(r"^([^:]+):\d+:\d+: ", r"\1: ", str(d)) for d in error.diagnostics}
    return set()


def _edit_record(content: Path, rel: str, record_id: str, change: Callable[[dict], None]) -> None:
    path = content / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    records = data if isinstance(data, list) else [data]
    record = next(r for r in records if r["id"] == record_id)
    change(record)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")


def _new_errors(content: Path, mutate: Callable[[Path], None]) -> list[str]:
    before = _messages(content)
    mutate(content)
    return sorted(_messages(content) - before)


def _append(field: str, words: str) -> Callable[[dict], None]:
    def change(record: dict) -> None:
        record[field] = record[field].rstrip() + " " + words

    return change


def test_a_city_no_excerpt_names_is_caught(real_content: Path) -> None:
    """Zoom 'based in San Jose', cited to excerpts that name no city (review §6.2)."""
    errors = _new_errors(
        real_content,
        lambda c: _edit_record(c, "organisations.yml", "zoom", _append("summary", "Its head office is in Sunnyvale.")),
    )
    assert len(errors) == 1
    assert errors[0].startswith("content/organisations.yml: ")
    assert "summary: the name 'Sunnyvale' is not in any cited excerpt" in errors[0]


def test_details_of_a_person_cited_to_excerpts_that_never_mention_them_are_caught(real_content: Path) -> None:
    """Lee Cheuk-yan's details cited to records with no excerpt about him (review §6.3)."""
    errors = _new_errors(
        real_content,
        lambda c: _edit_record(
            c, "people.yml", "lee-cheuk-yan", _append("summary", "He spoke at a Macau vigil in October 2019.")
        ),
    )
    shown = " ".join(errors)
    assert "content/people.yml:" in shown
    assert "'Macau'" in shown
    assert "'October'" in shown


def test_a_card_date_no_source_gives_is_caught(real_content: Path) -> None:
    """The FTC card dated a day before its only source, whose excerpt has no date (review §6.10)."""

    def redate(record: dict) -> None:
        record["date"] = "2020-11-03"

    errors = _new_errors(real_content, lambda c: _edit_record(c, "facts/ftc-no-fine.yml", "ftc-no-fine", redate))
    assert len(errors) == 1
    assert errors[0].startswith("content/facts/ftc-no-fine.yml: ")
    assert "date: the day '3' of 2020-11-03 is in no cited excerpt and is not the date of a cited source" in errors[0]


def test_a_number_added_to_a_fact_is_caught(real_content: Path) -> None:
    errors = _new_errors(
        real_content,
        lambda c: _edit_record(
            c, "facts/ftc-no-fine.yml", "ftc-no-fine", _append("statement", "The settlement covered 23 products.")
        ),
    )
    assert len(errors) == 1
    assert "statement: the number '23' is not in any cited excerpt" in errors[0]


def test_words_put_in_quotation_marks_must_be_the_sources(real_content: Path) -> None:
    errors = _new_errors(
        real_content,
        lambda c: _edit_record(
            c, "facts/ftc-no-fine.yml", "ftc-no-fine", _append("statement", 'It called this "a wrist slap".')
        ),
    )
    assert len(errors) == 1
    assert "statement: the quoted words 'a wrist slap' are not in any cited excerpt" in errors[0]


def test_a_timeline_summary_is_checked_against_its_facts(real_content: Path) -> None:
    def change(record: dict) -> None:
        record["summary"] = record["summary"].rstrip() + " The FBI's Chicago office led the inquiry."

    path = real_content / "timeline.yml"
    first = yaml.safe_load(path.read_text(encoding="utf-8"))[0]["id"]
    errors = _new_errors(real_content, lambda c: _edit_record(c, "timeline.yml", first, change))
    assert any("summary: the name 'FBI's Chicago' is not in any cited excerpt" in e for e in errors)
    assert all(e.startswith("content/timeline.yml:") for e in errors)
