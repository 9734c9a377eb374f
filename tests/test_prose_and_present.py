"""Prose is cited or marked as analysis (core.prose); a present status says when it held (core.present);
`casebook stale` lists what to re-check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from casebook.core import present, prose

PAGE = """---
title: A page
---

# A page

Prosecutors allege that the employee ended meetings [[fact:at-least-four-meetings-terminated]].

This paragraph explains a thing in the site's own voice without citing anything at all.

!!! analysis "This site's analysis"

    The site reasons here about what the case shows, and cites nothing, which is allowed.

    A second paragraph of the same analysis, also fine without a citation.

After the block, a paragraph of eight or more words without any citation.

| Column one | Column two |
| --- | --- |
| A row that states something about the case, with no source | here |

- A list item that states a fact about the law and cites nothing at all.
- [The timeline](case/timeline.md): a signpost to another page of the site, not a claim.

Is this a question about the case, asked for the reader to think about?

<!-- about this site -->
This site teaches three things with one case, and this describes the site itself.

```text
Code is never a claim, however long the line in it may be.
```
"""


def test_uncited_blocks_outside_analysis_are_found_with_their_lines() -> None:
    found = [(u.line, u.start.split()[0]) for u in prose.uncited(PAGE)]
    assert found == [(9, "This"), (17, "After"), (21, "A"), (23, "A")]


def test_an_analysis_block_ends_where_its_indentation_ends() -> None:
    page = (
        '!!! analysis "This site\'s analysis"\n\n    Reasoning inside the block, cited to nothing at all.\n\n'
        "Outside the block again, eight words or more here.\n"
    )
    assert [u.line for u in prose.uncited(page)] == [5]


def test_only_a_whole_citation_cites() -> None:
    unclosed = "Zoom handed the data of its users to the authorities [[fact:jin-primary-liaison and more.\n"
    assert [u.line for u in prose.uncited(unclosed)] == [1]
    closed = "Zoom handed the data of its users to the authorities [[fact:jin-primary-liaison]] and more.\n"
    assert list(prose.uncited(closed)) == []
    assert list(prose.uncited("Zoom handed the data of its users to the authorities.[^1]\n")) == []


def test_pages_about_the_site_are_not_held_to_the_rule() -> None:
    assert not prose.checks_prose("about/method.md")
    assert prose.checks_prose("topics/extradition.md")
    assert prose.checks_prose("index.md")


def test_a_present_status_without_a_date_is_found() -> None:
    text = (
        "He remains at large in China. In April 2023 the Justice Department said all ten remained at large."
        "\n\nThe appeal is pending."
    )
    assert [(line, s) for line, s in present.undated(text)] == [
        (1, "He remains at large in China."),
        (3, "The appeal is pending."),
    ]


def test_a_dated_status_a_past_tense_and_a_question_pass() -> None:
    for text in (
        "As of April 2023, the latest source found, he remained at large.",
        "In 2023 the appeal is pending, a court register said.",
        "He was not in US custody when the charges were announced.",
        "Why has he not been tried?",
        "Conflicts of law remain.",
    ):
        assert list(present.undated(text)) == [], text


def test_as_of_dates_are_read_and_a_year_old_one_is_stale() -> None:
    text = "As of April 2023 he was in China.\nThe law is in force as of 1 January 2026."
    assert list(present.as_of_dates(text.replace("As of", "as of"))) == [(1, "2023-04"), (2, "2026-01-01")]
    assert present.is_stale("2023-04", date(2026, 12, 2))
    assert not present.is_stale("2026-01-01", date(2026, 12, 2))
    assert present.is_stale("2025", date(2026, 12, 2)) is False  # a year counts from its last day
    assert present.is_stale("2024", date(2026, 12, 2))


def test_stale_lists_each_old_as_of_with_its_file_and_line(
    project: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    no_pages = project / "no-pages"  # the seed's records only, not the real pages' own "as of" dates
    no_pages.mkdir()
    code, out, err = run("--content", project / "content", "stale", "--docs", no_pages, "--today", "2026-12-02")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("4 of 4 dated statements hold as of more than 365 days before 2026-12-02")
    assert "content/case.yml:13: as of 2020-12-18: case us-v-jin" in lines
    assert "content/case.yml:22: as of 2020-12-18: at a glance 'Where Jin is' in case us-v-jin" in lines
    assert any(line.startswith("content/") and "'as of' in case us-v-jin, status" in line for line in lines)
    _, fresh, _ = run("--content", project / "content", "stale", "--docs", no_pages, "--today", "2021-01-01")
    assert fresh.startswith("0 of 4 dated statements")


def test_the_about_this_site_mark_is_the_one_comment_a_page_may_hold() -> None:
    from casebook.core import pages

    marked = f"# A page\n\n{prose.SITE_MARK}\nThis site teaches three things with one case, and says so here.\n"
    assert list(pages.check_page(marked)) == []
    assert list(prose.uncited(marked)) == []
    other = "# A page\n\n<!-- something else -->\nText.\n"
    assert [p.message for p in pages.check_page(other)] == ["raw HTML is not allowed in pages"]
