"""The home page's "At a glance" box: built from the case record, every statement cited, dated, and the
site's own reasoning labelled; included by a hand-written page as a block ``[[glance:<case id>]]``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.core.errors import ContentError
from casebook.core.model import Case
from casebook.core.validate import build_and_check, build_case
from casebook.render.writer import PageWriter

from .conftest import ROOT

FOOTNOTE = re.compile(r"\[\^[a-z0-9-]+\]")
LABELS = ("What happened", "What is alleged, and what is on the record", "Where Jin is", "What Zoom did")


@pytest.fixture(scope="module")
def case() -> Case:
    [record] = build_case(ROOT / "content").of_kind(Case)
    return record


@pytest.fixture(scope="module")
def box() -> str:
    book = build_case(ROOT / "content")
    [case] = book.of_kind(Case)
    return str(PageWriter(book, "index.md", None).glance(case))


def test_the_case_says_what_happened_where_jin_is_what_zoom_did_and_why_it_matters(case: Case) -> None:
    labels = [item.label for item in case.at_a_glance]
    assert labels == [*LABELS, "Why it matters"]
    assert [item.label for item in case.at_a_glance if item.analysis] == ["Why it matters"]


def test_the_box_is_a_headed_definition_list_of_the_items(box: str) -> None:
    assert box.startswith('<div class="cb-glance" markdown>')
    assert "## At a glance { #at-a-glance }" in box
    for label in LABELS:
        assert f"\n{label}\n:   " in box, label  # a term, then its definition


def test_every_statement_cites_and_the_reasoning_is_labelled_as_the_sites(box: str) -> None:
    items = re.split(r"\n(?=[A-Z][^\n]*\n:   )", box.split("## At a glance { #at-a-glance }")[1])
    statements = {item.split("\n", 1)[0]: item for item in items if "\n:   " in item}
    assert set(statements) == {*LABELS, "Why it matters"}
    for label in LABELS:
        assert FOOTNOTE.search(statements[label]), label
    assert ':   !!! analysis "This site\'s analysis"' in statements["Why it matters"]


def test_where_jin_is_says_as_of_when(box: str) -> None:
    where = box.split("\nWhere Jin is\n")[1].split("\nWhat Zoom did\n")[0]
    assert '<span class="cb-as-of">As of April 2023, the latest source found.</span>' in where


def test_the_built_home_page_shows_the_box(real_site: Path) -> None:
    html = (real_site / "index.html").read_text(encoding="utf-8")
    box = html.split('<div class="cb-glance">', 1)[1].split("</dl>", 1)[0]
    assert re.findall(r"<dt>([^<]+)</dt>", box) == [*LABELS, "Why it matters"]
    for definition in re.findall(r"<dd>(.*?)</dd>", box, re.S)[:4]:
        assert 'class="footnote-ref"' in definition
    assert "As of April 2023, the latest source found." in box
    assert 'class="admonition analysis" role="note" aria-label="This site\'s analysis"' in box
    # the page's JSON-LD cites the sources behind the box too (this one only the box cites)
    [jsonld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "https://theweek.com/business-briefing/919643/daily-business-briefing-june-12-2020" in jsonld


# ---------------------------------------------------------------- validation


def _errors(project: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_and_check(project / "content", project / "docs")
    return [str(d) for d in caught.value.diagnostics]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_seed_home_page_includes_the_box(project: Path) -> None:
    assert build_and_check(project / "content", project / "docs")
    assert "\n[[glance:us-v-jin]]\n" in (project / "docs/index.md").read_text(encoding="utf-8")


def test_an_item_that_cites_nothing_is_an_error(project: Path) -> None:
    _edit(project / "content/case.yml", "not in US custody [[fact:jin-not-in-custody]].", "not in US custody.")
    assert _errors(project) == [
        "content/case.yml:23:11: at_a_glance[1].text: the item 'Where Jin is' cites nothing (cite the facts it "
        "rests on with [[fact:id]], or, if it is this site's reasoning, mark it analysis: true)"
    ]


def test_an_as_of_after_the_items_sources_is_an_error(project: Path) -> None:
    _edit(project / "content/case.yml", 'as_of: "2020-12-18"\n    text:', 'as_of: "2021-01-18"\n    text:')
    assert _errors(project) == [
        "content/case.yml:22:12: at_a_glance[1].as_of: as_of 2021-01-18 is later than the newest source the item "
        "cites (2020-12-18) (set as_of to 2020-12-18 (the statement holds as of its latest source))"
    ]


def test_the_block_must_stand_alone_on_its_line(project: Path) -> None:
    _edit(project / "docs/index.md", "\n[[glance:us-v-jin]]\n", "\nSee [[glance:us-v-jin]]\n")
    [error] = _errors(project)
    assert error.startswith("docs/index.md:") and "[[glance:us-v-jin]] is a block: it must stand alone" in error


def test_the_block_names_a_case(project: Path) -> None:
    _edit(project / "docs/index.md", "[[glance:us-v-jin]]", "[[glance:xinjiang-jin]]")
    [error] = _errors(project)
    assert "[[glance:xinjiang-jin]]: 'xinjiang-jin' is a person, not a case" in error


def test_record_text_may_not_include_the_block(project: Path) -> None:
    _edit(project / "content/case.yml", "[[fact:complaint-unsealed]].\nstatus:", "[[glance:us-v-jin]].\nstatus:")
    [error] = [e for e in _errors(project) if "glance" in e]
    assert "summary: unknown record kind 'glance' in [[glance:us-v-jin]]" in error


def test_renaming_the_case_renames_the_block() -> None:
    from casebook.adapters.rename import _shortcode_edits

    [edit] = _shortcode_edits("Intro.\n\n[[glance:us-v-jin]]\n", "case", "us-v-jin", "us-v-jin-2020")
    assert "Intro.\n\n[[glance:us-v-jin]]\n"[edit.start : edit.end] == "us-v-jin"
    assert edit.text == "us-v-jin-2020" and edit.what == "[[glance:us-v-jin]] -> [[glance:us-v-jin-2020]]"
