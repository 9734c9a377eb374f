"""Allegations and answers: rows keyed in the case record (``allegations``), each pairing an alleged
fact with the company's account and the record; the page keeps every anchor it had before the rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.core.errors import ContentError
from casebook.core.model import Case, Fact
from casebook.core.validate import build_case
from casebook.site import render_site

from .conftest import ROOT

# the section anchors the page had when it showed three independent columns per topic
OLD_ANCHORS = (
    "allegations_charges_2020",
    "allegations_alleged_method",
    "allegations_zoom_response",
    "allegations_june_2020_suspensions",
    "allegations_amended_complaint_2023",
)
HEADER = "| What prosecutors allege | What Zoom said | What is on the record |"


@pytest.fixture(scope="module")
def page() -> str:
    return render_site(build_case(ROOT / "content"))["case/allegations.md"]


def _rows(page: str) -> list[list[str]]:
    """The cells of every body row of the page's tables."""
    lines = [line for line in page.splitlines() if line.startswith("| <a id=")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_every_alleged_fact_of_the_case_has_a_row_in_order() -> None:
    book = build_case(ROOT / "content")
    [case] = book.of_kind(Case)
    alleged = {f.id for f in book.of_kind(Fact) if f.status == "alleged"}
    assert {row.allegation for row in case.allegations} == alleged


def test_each_row_pairs_an_allegation_with_the_companys_account_and_the_record(page: str) -> None:
    assert page.count(HEADER) >= 3  # one table per topic with allegations
    rows = _rows(page)
    assert len(rows) == 11
    for cells in rows:
        assert len(cells) == 3, cells
        assert cells[0].split('"')[1] in cells[0]  # the row's anchor is its allegation's id
        assert '<span class="cb-pair__label">Prosecutors allege:</span>' in cells[0]
        assert '<span class="cb-pair__label">What Zoom said:</span>' in cells[1]
        assert '<span class="cb-pair__label">On the record:</span>' in cells[2]
    liaison = next(cells for cells in rows if cells[0].startswith('<a id="jin-primary-liaison">'))
    assert "designating an internal liaison" in liaison[1]
    assert "(facts/zoom-response.md#china-required-designated-liaison" in liaison[1]
    assert "Company-1" in liaison[2]
    data = next(cells for cells in rows if cells[0].startswith('<a id="user-data-outside-prc">'))
    assert "“We did not provide any user information" in data[1]  # a quote, verbatim, with its citation
    assert "[^cite-zoom-2020-06-11-no-user-data]" in data[1]


def test_an_empty_side_says_nothing_was_found(page: str) -> None:
    flag = next(cells for cells in _rows(page) if cells[0].startswith('<a id="islamic-state-flag-example">'))
    assert "<em>No statement by Zoom on this was found.</em>" in flag[1]
    assert "<em>Nothing on the record found beyond the charge itself.</em>" in flag[2]


def test_every_old_section_anchor_is_kept(page: str) -> None:
    for anchor in OLD_ANCHORS:
        assert page.count(f"{{ #{anchor} }}") == 1, anchor
    # the company's statements no row pairs are still on the page, under their topics
    other = page.split("{ #company_statements }")[1]
    assert "### " in other and "(facts/zoom-response.md#zoom-delegation-2019-10" in other


def test_the_built_page_keeps_its_anchors_and_rows(real_site: Path) -> None:
    html = (real_site / "case/allegations/index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(OLD_ANCHORS) <= ids
    assert {"jin-primary-liaison", "user-data-outside-prc", "at-least-four-meetings-terminated"} <= ids
    assert html.count('<div class="cb-pairs">') >= 3 and "<thead>" in html


# ---------------------------------------------------------------- validation


def _errors(content: Path, rows: str) -> list[str]:
    case = content / "case.yml"
    case.write_text(case.read_text(encoding="utf-8") + rows, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build_case(content)
    return [str(d) for d in caught.value.diagnostics]


def test_an_unknown_id_names_the_row_and_field(content: Path) -> None:
    [error] = _errors(content, "allegations:\n  - allegation: no-such-fact\n")
    assert error.startswith("content/case.yml:28:17: allegations[0].allegation: ")
    assert "no-such-fact" in error


def test_a_row_must_start_from_an_allegation(content: Path) -> None:
    [error] = _errors(content, "allegations:\n  - allegation: zoom-cooperating\n")
    assert error == (
        "content/case.yml:28:17: allegations[0].allegation: 'zoom-cooperating' is reported, not alleged: a row starts "
        "from what prosecutors allege (point to a fact with status: alleged, or move this fact to the row's record "
        "or company list)"
    )


def test_the_company_side_holds_only_the_companys_account_and_the_record_only_established_facts(
    content: Path,
) -> None:
    (content / "facts/jin-not-in-custody.yml").write_text(
        (content / "facts/jin-not-in-custody.yml").read_text().replace("status: reported", "status: alleged")
    )
    rows = (
        "allegations:\n  - allegation: jin-not-in-custody\n    company: [complaint-unsealed, zoom-cooperating, "
        "zoom-2020-12-18-support]\n    record: [zoom-cooperating]\n  - allegation: jin-not-in-custody\n"
    )
    errors = [e for e in _errors(content, rows) if "allegations[" in e]
    assert errors == [
        "content/case.yml:29:15: allegations[0].company[0]: 'complaint-unsealed' is not Zoom's account: it is not a "
        "quote of Zoom or a fact attributed to it (point to a quote of Zoom or a fact with zoom in attributed_to)",
        "content/case.yml:30:14: allegations[0].record[0]: 'zoom-cooperating' is reported, not on the record "
        "(established) (point to a fact with status: established, or leave it out of the row)",
        "content/case.yml:31:17: allegations[1].allegation: 'jin-not-in-custody' already has a row (allegations[0]) "
        "(merge the two rows into one)",
    ]
