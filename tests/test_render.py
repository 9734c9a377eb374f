"""The renderer is a pure function of the validated case, and its pages link and cite correctly."""

from __future__ import annotations

import builtins
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casebook.core.errors import ContentError
from casebook.core.text import human_date
from casebook.core.validate import build_and_check, build_case
from casebook.render.labels import SOURCE_TYPE_LABELS
from casebook.render.markdown import TEMPLATES, abbreviations, environment
from casebook.site import render_site


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
        *(f"case/facts/{topic}.md" for topic in ("charges-2020", "zoom-response")),  # a page per topic
        *(f"sources/{kind}.md" for kind in SOURCE_TYPE_LABELS),  # and per kind of source
        "glossary.md",
        "laws/index.md",
        "lessons/index.md",
        "lessons/reading-a-complaint/index.md",
        "lessons/reading-a-complaint/instructor.md",
        "lessons/reading-a-complaint/answers.md",
    }


def test_render_is_pure(
    content: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Rendering writes no file and reads none but its own templates: the pages come from the book alone."""
    book = build_case(content)
    expected = render_site(book)
    environment.cache_clear()  # so the templates are read again, under watch
    reads: list[Path] = []

    def watched(real: Callable[..., Any]) -> Callable[..., Any]:
        def _open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, int):
                raise AssertionError(f"render opened file descriptor {file}")
            if any(flag in mode for flag in "wax+"):
                raise AssertionError(f"render opened {file} for writing ({mode!r})")
            reads.append(Path(file).resolve())
            return real(file, mode, *args, **kwargs)

        return _open

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC):
            raise AssertionError(f"render opened {path} for writing")
        reads.append(Path(path).resolve())
        return real_os_open(path, flags, *args, **kwargs)

    def refuse(name: str) -> Callable[..., Any]:
        def _refuse(*args: Any, **kwargs: Any) -> None:
            raise AssertionError(f"render called {name}{args}")

        return _refuse

    real_os_open = os.open
    before = {p.relative_to(content): p.read_bytes() for p in content.rglob("*") if p.is_file()}
    cwd = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(cwd)  # a relative path written or read would land here
    monkeypatch.setattr(builtins, "open", watched(builtins.open))
    monkeypatch.setattr(io, "open", watched(io.open))
    monkeypatch.setattr(os, "open", os_open)
    for name in ("write_text", "write_bytes", "touch", "mkdir", "unlink", "rename", "replace"):
        monkeypatch.setattr(Path, name, refuse(f"Path.{name}"))
    for name in ("mkdir", "makedirs", "remove", "unlink", "rename", "replace", "rmdir"):
        monkeypatch.setattr(os, name, refuse(f"os.{name}"))
    try:
        again = render_site(book)
    finally:
        monkeypatch.undo()
    assert again == expected
    assert reads, "the templates were not read under watch: the test watches nothing"
    outside = [p for p in reads if not (p.is_relative_to(TEMPLATES) or p.is_relative_to(content.resolve()))]
    assert outside == [], f"render read files other than its templates and the content: {outside}"
    assert list(cwd.iterdir()) == []
    assert {p.relative_to(content): p.read_bytes() for p in content.rglob("*") if p.is_file()} == before


FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]: (.*)$", re.MULTILINE)


def footnotes(markdown: str) -> dict[str, str]:
    """The page's footnote definitions, {label: text}; each label defined once."""
    found = FOOTNOTE_DEF.findall(markdown)
    labels = [label for label, _ in found]
    assert len(labels) == len(set(labels)), f"footnotes defined twice: {labels}"
    return dict(found)


def cited_after(markdown: str, text: str) -> list[str]:
    """The definitions of the footnotes referenced right after ``text`` (the label spelling is the renderer's)."""
    start = markdown.index(text) + len(text)
    labels = re.match(r"(?:\[\^[^\]\s]+\](?!:))+", markdown[start:])
    assert labels, f"no footnote reference right after {text!r}"
    notes = footnotes(markdown)
    refs = FOOTNOTE_REF.findall(labels.group(0))
    assert all(ref in notes for ref in refs), f"footnotes referenced but not defined: {set(refs) - set(notes)}"
    return [notes[ref] for ref in refs]


def test_fact_is_an_anchor_with_footnoted_citation(pages: dict[str, str]) -> None:
    facts = pages["case/facts/charges-2020.md"]
    assert 'id="complaint-unsealed"' in facts
    [note] = cited_after(facts, "unsealed in federal court in Brooklyn.")
    # the footnote names the source, links its entry on the sources page, and gives the date and place cited,
    # each part in the span the citation popover reads (casebook.js)
    assert note.startswith(
        '<span class="cb-cite"><span class="cb-cite__publisher">U.S. Department of Justice</span>, '
        '<span class="cb-cite__title">[*China-Based Executive at U.S. Telecommunications Company'
    ), note
    assert (
        "](../../sources/government.md#doj-2020-12-18-release)</span>, "
        '<span class="cb-cite__date">18 December 2020</span>, '
        '<span class="cb-cite__locator">first paragraph</span>.'
    ) in note
    # and links the original and the archived copy
    assert "[Original](<https://www.justice.gov/opa/pr/china-based-executive-us-telecommunications-company" in note
    assert "[Archived copy](<https://web.archive.org/web/https://www.justice.gov/" in note
    assert "A complaint and arrest warrant were unsealed today in federal court in Brooklyn" in note  # the excerpt
    assert "[Edit](<https://example.org/edit/main/content/facts/complaint-unsealed.yml>" in facts


def test_every_footnote_reference_has_its_definition(pages: dict[str, str]) -> None:
    for path, markdown in pages.items():
        notes = footnotes(markdown)
        refs = set(FOOTNOTE_REF.findall(markdown))
        assert refs <= set(notes), f"{path}: footnotes referenced but not defined: {refs - set(notes)}"
        assert set(notes) <= refs, f"{path}: footnotes defined but never referenced: {set(notes) - refs}"


def test_reported_fact_names_who_reported_it(pages: dict[str, str]) -> None:
    assert "reported by U.S. Department of Justice" in pages["case/facts/charges-2020.md"]


def test_backlinks_on_people_and_sources(pages: dict[str, str]) -> None:
    people = pages["case/people.md"]
    assert "## Xinjiang Jin { #xinjiang-jin }" in people
    cited_in = next(line for line in people.splitlines() if line.startswith("**Cited in:**"))
    assert "[A criminal complaint and an arrest warrant" in cited_in
    assert "(facts/charges-2020.md#complaint-unsealed)" in cited_in
    sources = pages["sources/government.md"]
    assert "**Cited by 6 records:**" in sources and "(../case/facts/charges-2020.md#complaint-unsealed)" in sources


def test_allegations_page_lists_the_companys_statements_no_row_pairs(pages: dict[str, str]) -> None:
    page = pages["case/allegations.md"]  # the seed's case has no rows (tests/test_allegations.py has them)
    other = page.split("## Other statements by Zoom { #company_statements }")[1]
    assert "### Zoom's response { #allegations_zoom_response }" in other  # the topic keeps its anchor
    assert "fully cooperating" in other
    # a topic with neither a row nor the company's account is not repeated here
    assert "The December 2020 charges" not in page


def test_shortcodes_become_footnotes_and_links(pages: dict[str, str]) -> None:
    case = pages["case/index.md"]
    # a [[fact:…]] shortcode becomes a footnote that quotes the fact with its status, then its sources
    # with their excerpts and links, each part in the span the citation popover reads (casebook.js)
    notes = [footnotes(case)[ref] for ref in FOOTNOTE_REF.findall(case)]
    start = (
        '<span class="cb-cite__status cb-cite__status--established">**On the record.**</span> '
        '<span class="cb-cite__statement">A criminal complaint'
    )
    [note] = [note for note in notes if note.startswith(start)] or [notes]
    assert '<span class="cb-cite__excerpt">“' in note, note
    assert "{ .cb-url .cb-cite__original }" in note and "{ .cb-url .cb-cite__archive }" in note, note
    assert "[Xinjiang Jin](people.md#xinjiang-jin)" in case


def test_glossary_terms_become_abbreviations(content: Path) -> None:
    assert abbreviations(build_case(content)) == {
        "criminal complaint": "A sworn written statement of the facts that a crime was committed, used to "
        "obtain an arrest warrant."
    }


def test_unknown_citation_in_a_docs_page_names_file_and_line(content: Path, project: Path) -> None:
    page = project / "docs" / "about" / "method.md"
    page.write_text(page.read_text() + "\nSee [[fact:no-such-fact]] and `[[fact:in-code]]`.\n")
    with pytest.raises(ContentError) as caught:
        build_and_check(content, project / "docs")
    lines = str(caught.value).splitlines()
    line_number = len(page.read_text().splitlines())
    assert lines[0] == (
        f"docs/about/method.md:{line_number}:5: page: [[fact:no-such-fact]]: unknown fact "
        "'no-such-fact' (add it as content/facts/no-such-fact.yml, or fix the id)"
    )
    assert len(lines) == 2  # the one in inline code is documentation, not a citation


@pytest.mark.parametrize(
    ("value", "expected"), [("2020", "2020"), ("2020-06", "June 2020"), ("2020-06-04", "4 June 2020")]
)
def test_human_dates(value: str, expected: str) -> None:
    assert human_date(value) == expected


# the fields every law record needs, for the version-wording tests
LAW_FIELDS = {
    "id": "x-law",
    "title": "X",
    "jurisdiction": "prc",
    "type": "statute",
    "citation": "X",
    "summary": "X.",
    "relevance": "X.",
    "sources": ["s"],
}


def test_versions_are_worded_from_the_record() -> None:
    """The law page's and the index's wording of versions: what replaced a version, and when."""
    from casebook.core.model import Law
    from casebook.render import versions

    base = LAW_FIELDS
    law = Law.model_validate(
        {
            **base,
            "versions": [
                {
                    "id": "2014",
                    "label": "2014 text",
                    "adopted": "2014-11-01",
                    "superseded": "2023-07-01",
                    "superseded_by": "2023",
                },
                {"id": "2017", "label": "2017 text", "superseded_by": "2023"},
                {"id": "2023", "label": "text as revised in 2023", "in_force": "2023-07-01"},
            ],
            "versions_checked": "2025-08-23",
        }
    )
    old, undated, new = law.versions
    assert versions.superseded(law, old) == "superseded on 1 July 2023 by the text as revised in 2023"
    assert versions.superseded(law, undated) == (
        "superseded by the text as revised in 2023 (the date is not recorded here)"
    )
    assert versions.superseded(law, new) == ""
    assert versions.in_force(law) == "Text as revised in 2023, in force from 1 July 2023"
    assert versions.dates(law, old) == "adopted 1 November 2014"
    assert versions.checked(law) == "Versions checked 23 August 2025"
    assert versions.marker(law) == "in force as of August 2025"
    assert versions.heading(law) == "Version in force"
    assert versions.marker(Law.model_validate({**base, "versions": [{"id": "a", "label": "A"}]})) == (
        "the latest version recorded here"
    )
    assert versions.checked(Law.model_validate(base)) == "Versions not checked against a dated source"
    assert versions.in_force(Law.model_validate(base)) == ""


def test_a_version_not_yet_in_force_when_checked_is_not_called_in_force() -> None:
    """A text adopted before the check but due to apply after it (the fresh review's #1-#4: "in force as
    of October 2025" for a text in force from January 2026), and a treaty signed with no recorded entry
    into force."""
    from casebook.core.model import Law
    from casebook.render import versions

    base = LAW_FIELDS
    due = Law.model_validate(
        {
            **base,
            "versions": [
                {"id": "2016", "label": "2016 text", "superseded": "2026-01-01", "superseded_by": "2025"},
                {"id": "2025", "label": "text as amended in 2025", "adopted": "2025-10-28", "in_force": "2026-01-01"},
            ],
            "versions_checked": "2025-10-28",
        }
    )
    assert versions.pending(due)
    assert versions.marker(due) == "adopted, not yet in force as of October 2025, the latest source found"
    assert versions.dates(due, due.versions[1]) == "adopted 28 October 2025; to come into force on 1 January 2026"
    assert versions.in_force(due) == (
        "Text as amended in 2025, due to come into force on 1 January 2026 "
        "(as of October 2025, the latest source found)"
    )
    assert versions.heading(due) == "Latest version recorded"
    signed = Law.model_validate(
        {
            **base,
            "type": "treaty",
            "versions": [{"id": "2000", "label": "text as signed", "adopted": "2000-06-19"}],
            "versions_checked": "2000-06-19",
        }
    )
    assert not versions.pending(signed)
    assert versions.marker(signed) == (
        "the latest version recorded as of June 2000; its entry into force is not recorded here"
    )
    assert "in force as of" not in versions.marker(signed)


def test_a_glossary_definition_is_given_at_the_first_use_of_its_term_only() -> None:
    from casebook.outputs.sanitise import first_definitions

    html = '<p><abbr title="A.">Insider</abbr> and <abbr title="A.">insider</abbr>, <abbr title="B.">alias</abbr></p>'
    assert (
        first_definitions(html) == '<p><abbr title="A.">Insider</abbr> and insider, <abbr title="B.">alias</abbr></p>'
    )
    assert first_definitions(html, none=True) == "<p>Insider and insider, alias</p>"


def test_permalinks_and_footnote_back_links_are_named_without_a_title_material_would_make_a_tooltip_of(
    real_site: Path,
) -> None:
    html = (real_site / "glossary/index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    permalinks = re.findall(r'<a class="headerlink"[^>]*>', article)
    back_links = re.findall(r'<a class="footnote-backref"[^>]*>', article)
    assert len(permalinks) > 10 and len(back_links) > 10
    for link in permalinks + back_links:
        assert " title=" not in link and ' aria-label="' in link, link
    assert 'aria-label="Link to this section"' in permalinks[0]
    assert re.search(r'aria-label="Jump back to footnote \d+ in the text"', back_links[0])


def test_the_glossary_gives_no_definition_as_a_tooltip_its_entries_are_on_the_page(real_site: Path) -> None:
    glossary = (real_site / "glossary/index.html").read_text(encoding="utf-8")
    case = (real_site / "case/index.html").read_text(encoding="utf-8")
    assert "<abbr" not in glossary[glossary.index("<article") : glossary.index("</article>")]
    assert "<abbr title=" in case  # elsewhere a term's first use still carries its definition


def test_the_bibliography_lists_a_few_citers_of_a_source_and_counts_the_rest(real_site: Path) -> None:
    html = (real_site / "sources/government/index.html").read_text(encoding="utf-8")
    assert re.search(r"Cited by \d+ records:</strong>", html)
    assert re.search(r" and \d+ more records</p>", html)
    assert "<abbr" not in html.split("<article", 1)[1].split("</article>", 1)[0]


def test_the_sites_own_assets_are_published_without_their_comments(real_site: Path) -> None:
    from casebook.outputs.minify import strip_css, strip_js

    from .conftest import ROOT

    assert strip_js("// why\nconst a = 'http://x';  // kept: not a whole line\n  // gone\nf();\n") == (
        "const a = 'http://x';  // kept: not a whole line\nf();\n"
    )
    assert strip_css("/* why\n   more */\na { b: c; } /* x */\n") == "a { b: c; } "
    source = (ROOT / "scripts/casebook/theme/assets/javascripts/casebook.js").read_text(encoding="utf-8")
    published = (real_site / "assets/javascripts/casebook.js").read_text(encoding="utf-8")
    assert published == strip_js(source) and len(published) < len(source)
    assert "/*" not in (real_site / "assets/casebook.css").read_text(encoding="utf-8")
