"""Quicker spellings of the pipeline's per-record steps give what the plain spellings give."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from casebook.core import present, shortcodes, support, validate
from casebook.core.model import MODELS
from casebook.core.validate import build_case

ROOT = Path(__file__).resolve().parents[1]

# the name-run pattern as it was first written: the look-behind first, at every character
_LOOK_BEHIND_FIRST = re.compile(
    rf"(?<![A-Za-z'\u2019-]){support._CAPITAL_WORD}"
    rf"(?:\s+(?:(?:of|for|and|the|de|van|von|on|in)\s+)*{support._CAPITAL_WORD})*(?![A-Za-z'\u2019-])"
)


def _random_texts(alphabet: str, count: int, longest: int) -> list[str]:
    rnd = random.Random(16)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


def test_name_runs_are_those_of_the_look_behind_first_pattern() -> None:
    texts = _random_texts("AaBZz '\u2019-\n\t.,1[]\u00cf", 50_000, 30)
    texts += [
        "Prosecutors said the Ministry of Public Security and the FBI of",
        "x-Ray Bob met O'Brien-Smith in New York City.",
        "A",
        "'A",
        "-Bob",
        "aB C",
        "\u2019Tis Zoom",
    ]
    for text in texts:
        want = [(m.span(), m.group(0)) for m in _LOOK_BEHIND_FIRST.finditer(text)]
        assert [(m.span(), m.group(0)) for m in support._NAME_RUN.finditer(text)] == want, text


def test_count_word_test_is_a_substring_test_of_every_word() -> None:
    letters = "".join(sorted({c for word in support._COUNT_WORDS for c in word})) + " -"
    texts = [*_random_texts(letters, 20_000, 12), *support._COUNT_WORDS, "often", "tent", "", "maybe"]
    for text in texts:
        want = any(word in text for word in support._COUNT_WORDS)
        assert (support._ANY_COUNT_WORD.search(text) is not None) == want, text


def _strings_by_recursion(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings_by_recursion(item, (*path, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _strings_by_recursion(item, (*path, index))]
    return []


def test_strings_in_lists_every_text_in_order_with_its_path() -> None:
    data = {
        "id": "f",
        "n": 3,
        "none": None,
        "sources": [{"source": "s", "excerpt": "e", "pages": [1, "2"]}, "bare", [], {}],
        "nested": {"a": {"b": ["x", {"c": "y"}]}, "flag": True},
        "statement": "text",
    }
    for value in (data, data["sources"], "alone", 7, None, [], {}):
        assert shortcodes.strings_in(value, ("at",)) == _strings_by_recursion(value, ("at",))
        assert shortcodes.strings_in(value) == _strings_by_recursion(value)


def test_the_present_status_pretest_never_skips_a_text_the_pattern_matches() -> None:
    pieces = [
        "remains at large",
        "Is Still Pending",
        "are not in U.S. custody",
        "HAS NOT BEEN TRIED",
        "currently",
        "to date",
        "is now",
        "now lives",
        "valid",
        "in force",
        "under way",
        " ",
        ".",
        "x",
        "remain",
        "no w",
    ]
    rnd = random.Random(12)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))) for _ in range(20_000)]
    texts += ["Jin remains at large.", "He is in custody", "caf\u00e9 is pending", "nothing here", ""]
    for text in texts:
        if present.PRESENT_STATUS.search(text):
            assert present.may_state_a_status(text), text
    assert not present.may_state_a_status("The company said so.")
    assert present.may_state_a_status("caf\u00e9")  # not ASCII: the pattern decides


def _walk_level_by_level(value: Any, pattern: tuple[str, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    found: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    for head in pattern:
        if head == "*":
            found = [((*at, i), item) for at, items in found if isinstance(items, list) for i, item in enumerate(items)]
        else:
            found = [((*at, head), getattr(item, head, None)) for at, item in found if isinstance(item, BaseModel)]
    return found


def test_reference_fields_are_walked_as_level_by_level() -> None:
    book = build_case(ROOT / "content")
    patterns = {tuple(p.split(".")) for model in MODELS.values() for p in model.references}
    assert ("people", "*") in patterns  # the shape the quick path takes
    for record in book.records.values():
        for pattern in patterns:
            assert validate._walk(record, pattern) == _walk_level_by_level(record, pattern), (record.id, pattern)
    assert validate._walk("not a record", ("people", "*")) == []


def test_a_quotation_without_a_bracket_is_one_segment_as_the_cut_pattern_splits_it() -> None:
    from casebook.core.text import QUOTE_CUT, quote_segments

    texts = [*_random_texts(" \u00a0\t\nab.[]\u2026", 20_000, 14), "", " ", "a [...] b", "a [\u2026] b", "[ \u2026 ]"]
    for text in texts:
        assert quote_segments(text) == [part for part in QUOTE_CUT.split(text) if part.strip()], repr(text)


def test_blank_lines_collapse_as_replacing_three_newlines_until_none_is_left() -> None:
    from casebook.render.markdown import _collapse_blank_lines

    for text in [*_random_texts("\n\n\na ", 20_000, 16), "", "\n" * 9, "a\n\n\n\n\nb\n\n\nc\n"]:
        want = text
        while "\n\n\n" in want:
            want = want.replace("\n\n\n", "\n\n")
        assert _collapse_blank_lines(text) == want, repr(text)
