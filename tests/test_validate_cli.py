"""`casebook validate` reports content/ and docs/ in one run, words its results for a contributor,
resolves a renamed record's former id with a warning; `casebook excerpts` finds unused excerpts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from casebook.core.validate import build_and_check, build_case
from casebook.render.writer import PageWriter

from .conftest import mkdocs_build

FACT = "content/facts/complaint-unsealed.yml"
PAGE = "docs/about/method.md"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> int:
    """Append a paragraph; return its line number."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
    return len(before.rstrip("\n").splitlines()) + 2


def test_content_and_page_errors_are_reported_in_one_run(run, project: Path) -> None:
    _replace(project / FACT, 'date: "2020-12-18"', "date: Dec 2020")
    line = _append(project / PAGE, "See [[fact:nope]].")
    code, out, err = run("--content", project / "content", "validate")
    assert code == 1 and out == ""
    assert f"{FACT}:6:7: date: 'Dec 2020' is not a date" in err
    assert f"{PAGE}:{line}:5: page: [[fact:nope]]: unknown fact 'nope'" in err
    assert err.splitlines()[-1] == "2 errors"
    assert "nothing was written" not in err


def test_a_broken_citation_is_reported_in_pages_and_records_not_published(run, project: Path) -> None:
    """An unclosed ``[[fact:…`` was published as the literal text, and in a page it passed the rule that a
    statement cites something, because the rule saw "[[fact:" (the newcomer walk-through, 2026-12-03)."""
    page = project / "docs" / "topics" / "extradition.md"
    line = _append(page, "Zoom handed over the data of its users [[fact:complaint-unsealed and more.")
    _replace(
        project / FACT,
        "were unsealed in federal court",
        "were unsealed [[fact:zoom-cooperating|in\n\n  federal]] court",
    )
    code, _, err = run("--content", project / "content", "validate")
    assert code == 1
    rel = "docs/topics/extradition.md"
    assert f"{rel}:{line}:1: page: '[[fact:complaint-unsealed and more.' is not a complete citation" in err
    assert f"{rel}:{line}:1: page: this paragraph cites nothing" in err  # an unclosed citation cites nothing
    assert f"{FACT}:" in err and "statement: '[[fact:zoom-cooperating|in' is not a complete citation" in err
    assert "on one line, with no space in the id" in err
    assert err.splitlines()[-1] == "3 errors"


def test_a_page_citing_a_record_that_failed_to_load_is_not_reported_again(run, project: Path) -> None:
    _replace(project / FACT, "status: established", "status: proven")
    _append(project / PAGE, "See [[fact:complaint-unsealed]].")
    code, _, err = run("--content", project / "content", "validate")
    assert code == 1
    assert "[[fact:complaint-unsealed]]" not in err
    assert err.splitlines()[-1] == "1 error"


def test_valid_content_says_so_with_counts(run, project: Path) -> None:
    code, out, err = run("--content", project / "content", "validate")
    assert code == 0 and err == ""
    assert out.startswith("content is valid (1 case, ") and "3 facts" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: complaint-unsealed\n\tstatus: established\n", f"{FACT}:2:1: YAML syntax: invalid YAML"),
        ("id: a\nid: b\n", f"{FACT}:2:1: YAML syntax: duplicate key 'id'"),
        ("", f"{FACT}: file: file is empty"),
    ],
    ids=["tab", "duplicate-key", "empty"],
)
def test_file_level_problems_are_labelled(run, project: Path, text: str, expected: str) -> None:
    (project / FACT).write_text(text, encoding="utf-8")
    code, _, err = run("--content", project / "content", "validate")
    assert code == 1 and expected in err
    assert "(file)" not in err


def _rename_by_hand(project: Path) -> None:
    """complaint-unsealed was once called complaint-old."""
    _replace(project / FACT, "id: complaint-unsealed\n", "id: complaint-unsealed\nformer_ids: [complaint-old]\n")


def test_a_former_id_in_a_citation_resolves_with_a_warning(run, project: Path) -> None:
    _rename_by_hand(project)
    line = _append(project / PAGE, "An old link [[fact:complaint-old]] and [[fact:complaint-old|one with text]].")
    _replace(project / "content/timeline.yml", "[[fact:complaint-unsealed]]", "[[fact:complaint-old]]")
    code, out, err = run("--content", project / "content", "validate")
    assert code == 0 and out.startswith("content is valid")
    warnings = err.splitlines()
    assert (
        f"warning: {PAGE}:{line}:13: page: [[fact:complaint-old]]: 'complaint-old' was renamed to "
        "'complaint-unsealed' (write [[fact:complaint-unsealed]])" in warnings
    )
    assert any(
        w.startswith("warning: content/timeline.yml:4:") and "summary: [[fact:complaint-old]]" in w for w in warnings
    )
    assert len(warnings) == 3

    book = build_and_check(project / "content", project / "docs")
    assert book.get("complaint-old") is book.get("complaint-unsealed")
    assert book.label_of("complaint-old") == book.label_of("complaint-unsealed")
    assert "unsealing-day" in book.cited_by["complaint-unsealed"]  # the timeline's old link counts as a citation
    page = PageWriter(book, "about/method.md", None)
    expanded = page.expand("Old [[fact:complaint-old]], new [[fact:complaint-unsealed]], [[fact:complaint-old|text]].")
    assert expanded.count("[^cite-complaint-unsealed]") == 2  # one footnote for both names
    assert "[text](../case/facts/charges-2020.md#complaint-unsealed)" in expanded
    assert "complaint-old" not in expanded + page.footnotes()


def test_validate_returns_warnings_without_failing(project: Path) -> None:
    _rename_by_hand(project)
    _append(project / PAGE, "An old link [[fact:complaint-old]].")
    book = build_and_check(project / "content", project / "docs")
    assert [str(w).startswith(f"{PAGE}:") for w in book.warnings] == [True]


def test_a_strict_build_with_a_former_id_succeeds_and_says_so(project: Path, tmp_path: Path) -> None:
    _rename_by_hand(project)
    _append(project / PAGE, "An old link [[fact:complaint-old]].")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "warning: docs/about/method.md:" in result.stderr and "'complaint-old' was renamed" in result.stderr
    assert "WARNING" not in result.stderr


def test_a_field_reference_to_a_former_id_names_the_new_id(run, project: Path) -> None:
    _rename_by_hand(project)
    _replace(project / "content/timeline.yml", "facts: [complaint-unsealed", "facts: [complaint-old")
    code, _, err = run("--content", project / "content", "validate")
    assert code == 1
    assert "facts[0]: 'complaint-old' is a former id of the fact 'complaint-unsealed' (use 'complaint-unsealed')" in err


# ---------------------------------------------------------------- casebook excerpts

SOURCE = "doj-2020-12-18-release"


def test_excerpts_lists_each_with_the_records_that_quote_it(run, project: Path) -> None:
    code, out, _ = run("--content", project / "content", "excerpts", SOURCE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"content/sources/{SOURCE}.yml: 2 excerpts, all cited by a record"
    assert lines[1] == f"content/sources/{SOURCE}.yml:12: excerpts[0]: used by 1 (fact complaint-unsealed)"
    assert lines[2].startswith("    A complaint and arrest warrant were unsealed today")
    assert lines[3] == f"content/sources/{SOURCE}.yml:16: excerpts[1]: used by 1 (fact jin-not-in-custody)"


def test_excerpts_unused_lists_only_what_no_record_quotes(run, project: Path) -> None:
    source = project / f"content/sources/{SOURCE}.yml"
    source.write_text(
        source.read_text(encoding="utf-8")
        + "  - Jin allegedly participated in a scheme to disrupt a series of meetings.\n",
        encoding="utf-8",
    )
    code, out, _ = run("--content", project / "content", "excerpts", SOURCE, "--unused")
    assert code == 0
    assert out.splitlines() == [
        f"content/sources/{SOURCE}.yml: 3 excerpts, 1 not yet cited by any record",
        f"content/sources/{SOURCE}.yml:17: excerpts[2]: used by no record",
        "    Jin allegedly participated in a scheme to disrupt a series of meetings.",
    ]


def test_excerpts_of_an_unknown_source_suggests_one(run, project: Path) -> None:
    code, _, err = run("--content", project / "content", "excerpts", "doj-2020-12-18-relase")
    assert code == 1
    assert (
        err.strip() == "excerpts: there is no source 'doj-2020-12-18-relase' (did you mean 'doj-2020-12-18-release'?)"
    )


def test_an_empty_required_text_is_to_be_written_and_an_optional_one_may_go(run, content: Path) -> None:
    fact = content / "facts" / "complaint-unsealed.yml"
    text = fact.read_text(encoding="utf-8")
    statement = text[text.index("statement:") : text.index("status:")]
    text = re.sub(r"(?m)^(    locator:).*$", r'\1 ""', text.replace(statement, 'statement: ""\n'), count=1)
    fact.write_text(text, encoding="utf-8")
    code, _, err = run("--content", content, "validate")
    assert code == 1
    assert "statement: text is empty (write the text: this field is required)" in err
    assert "sources[0].locator: text is empty (write the text, or remove the field)" in err


def test_validate_names_the_file_line_and_field_of_a_claim_the_record_does_not_support(
    run, content: Path, project: Path
) -> None:
    """The wording rule runs in validate: on record text (qualifiers in citation ids do not count) and
    on hand-written pages, each with file, line and field."""
    fact = content / "facts" / "complaint-unsealed.yml"
    text = fact.read_text(encoding="utf-8")
    statement = text[text.index("statement:") : text.index("status:")]
    fact.write_text(
        text.replace(statement, "statement: Jin was arrested in 2021 [[fact:jin-not-in-custody]].\n"), encoding="utf-8"
    )
    page = project / "docs" / "about" / "method.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nIn 2022 Jin was extradited to the United States.\n")
    line = len(page.read_text(encoding="utf-8").splitlines())
    code, _, err = run("--content", content, "validate")
    assert code == 1
    assert (
        "content/facts/complaint-unsealed.yml:2:12: statement: states as fact what the record does not show "
        "('Jin was arrested in 2021 [[fact:jin-not-in-custody]].')"
    ) in err
    assert f"docs/about/method.md:{line}:1: page: states as fact what the record does not show" in err
    assert "(attribute it" in err


@pytest.mark.parametrize(
    ("statement", "line", "column"),
    [
        ("statement: >-\n  A complaint was unsealed\n  in Brooklyn, as [[fact:nope]] says.\n", 4, 19),
        ("statement: |\n  A complaint was unsealed.\n\n    In Brooklyn [[fact:nope]].\n", 5, 17),
        ("statement: >- # not [[fact:nope]]\n  Unsealed [[fact:gone]] and [[fact:nope]].\n", 3, 30),
        ('statement: "Unsealed in Brooklyn, [[fact:nope]]."\n', 2, 35),
        ("statement: Unsealed in\n  Brooklyn, [[fact:nope]].\n", 3, 13),
    ],
    ids=["folded", "literal", "header-comment", "quoted", "plain-multiline"],
)
def test_a_wrong_citation_is_reported_where_it_is_written(
    run, project: Path, statement: str, line: int, column: int
) -> None:
    """The position of a [[kind:id]] error is the shortcode's own, also inside a block value whose
    text starts on the line after its '>-' or '|' (not the field's line)."""
    text = (project / FACT).read_text(encoding="utf-8")
    start = text.index("statement:")
    end = text.index("status:")
    (project / FACT).write_text(text[:start] + statement + text[end:], encoding="utf-8")
    code, _, err = run("--content", project / "content", "validate")
    assert code == 1
    assert f"{FACT}:{line}:{column}: statement: [[fact:nope]]: unknown fact 'nope'" in err, err


def test_the_guides_example_organisation_is_valid_as_written(tmp_path: Path) -> None:
    """CONTRIBUTING's worked example tells a newcomer to add an organisation "shaped like" its example:
    pasted as written at the end of the real organisations.yml, it must validate (it once named "the US
    Congress", which no cited excerpt says, and failed the newcomer who pasted it)."""
    import textwrap

    from .conftest import ROOT

    guide = (ROOT / ".github" / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"\n( *)```yaml\n(.*?)\n\1```", guide, re.DOTALL)
    example = next(textwrap.dedent(body) for _, body in blocks if "- id: congressional-research-service" in body)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    organisations = content / "organisations.yml"
    organisations.write_text(organisations.read_text(encoding="utf-8") + example + "\n", encoding="utf-8")
    book = build_case(content)
    assert book.get("congressional-research-service").kind == "organisation"
