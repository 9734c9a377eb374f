"""The renderer is a pure function of the validated case, and its pages link and cite correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.core.errors import ContentError
from casebook.core.validate import build_and_check, build_case
from casebook.render.markdown import abbreviations, human_date, render_site


@pytest.fixture
def pages(content: Path) -> dict[str, str]:
    return render_site(build_case(content), edit_url="https://example.org/edit/main/")


def test_every_page_kind_is_rendered(pages: dict[str, str]) -> None:
    assert set(pages) == {
        "case/index.md",
        "case/facts.md",
        "case/allegations.md",
        "case/timeline.md",
        "case/quotes.md",
        "case/people.md",
        "case/organisations.md",
        "case/disagreements.md",
        "case/misconceptions.md",
        "sources.md",
        "glossary.md",
        "laws/index.md",
        "lessons/index.md",
        "lessons/reading-a-complaint/index.md",
        "lessons/reading-a-complaint/instructor.md",
    }


def test_render_is_pure(content: Path) -> None:
    book = build_case(content)
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    assert render_site(book) == render_site(book)
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == before


def test_fact_is_an_anchor_with_footnoted_citation(pages: dict[str, str]) -> None:
    facts = pages["case/facts.md"]
    assert 'id="complaint-unsealed"' in facts
    assert "unsealed in federal court in Brooklyn.[^complaint-unsealed-1]" in facts
    assert (
        "[^complaint-unsealed-1]: U.S. Department of Justice, [*China-Based Executive at U.S. "
        "Telecommunications Company"
    ) in facts
    assert "](../sources.md#doj-2020-12-18-release), 18 December 2020, first paragraph." in facts
    assert "[Edit](https://example.org/edit/main/content/facts/complaint-unsealed.yml" in facts


def test_reported_fact_names_who_reported_it(pages: dict[str, str]) -> None:
    assert "reported by U.S. Department of Justice" in pages["case/facts.md"]


def test_backlinks_on_people_and_sources(pages: dict[str, str]) -> None:
    people = pages["case/people.md"]
    assert "## Xinjiang Jin { #xinjiang-jin }" in people
    cited_in = next(line for line in people.splitlines() if line.startswith("**Cited in:**"))
    assert "[A criminal complaint and an arrest warrant" in cited_in and "(facts.md#complaint-unsealed)" in cited_in
    sources = pages["sources.md"]
    assert "**Cited by:**" in sources and "(case/facts.md#complaint-unsealed)" in sources


def test_allegations_page_sets_sides_apart(pages: dict[str, str]) -> None:
    page = pages["case/allegations.md"]
    assert "**What Zoom Video Communications said**" in page
    zoom_side = page.split("**What Zoom Video Communications said**")[1].split("**What is on the record**")[0]
    assert "fully cooperating" in zoom_side
    # a topic with neither allegations nor the company's account is not repeated here
    assert "The December 2020 charges" not in page


def test_shortcodes_become_footnotes_and_links(pages: dict[str, str]) -> None:
    case = pages["case/index.md"]
    assert "[^cite-complaint-unsealed]" in case
    assert "[^cite-complaint-unsealed]: **On the record.** A criminal complaint" in case
    assert "[Xinjiang Jin](people.md#xinjiang-jin)" in case


def test_glossary_terms_become_abbreviations(content: Path) -> None:
    assert abbreviations(build_case(content)) == (
        "*[criminal complaint]: A sworn written statement of the facts that a crime was committed, used to "
        "obtain an arrest warrant."
    )


def test_unknown_citation_in_a_docs_page_names_file_and_line(content: Path, project: Path) -> None:
    page = project / "docs" / "about" / "method.md"
    page.write_text(page.read_text() + "\nSee [[fact:no-such-fact]] and `[[fact:in-code]]`.\n")
    with pytest.raises(ContentError) as caught:
        build_and_check(content, project / "docs")
    lines = str(caught.value).splitlines()
    line_number = len(page.read_text().splitlines())
    assert lines[0] == (
        f"docs/about/method.md:{line_number}:5: (file): [[fact:no-such-fact]]: unknown fact "
        "'no-such-fact' (add it to facts/*.yml, or fix the id)"
    )
    assert len(lines) == 2  # the one in inline code is documentation, not a citation


@pytest.mark.parametrize(
    ("value", "expected"), [("2020", "2020"), ("2020-06", "June 2020"), ("2020-06-04", "4 June 2020")]
)
def test_human_dates(value: str, expected: str) -> None:
    assert human_date(value) == expected
