"""One test per class of bad input: each must fail with the file, the line and a message that says
what to do, and must write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

FACT = "content/facts/complaint-unsealed.yml"


def _write(content: Path, rel: str, text: str | bytes) -> None:
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _replace(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _fails(run, content: Path, *expected: str) -> str:
    """Validate, expect exit 1, and return stderr after checking each expected fragment is in it."""
    code, out, err = run("--content", content, "validate")
    assert code == 1, out + err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    return err


def test_bad_indentation(run, content: Path) -> None:
    _write(content, "facts/complaint-unsealed.yml", "id: complaint-unsealed\nstatus: established\n  date: '2020'\n")
    _fails(
        run,
        content,
        f"{FACT}:3:7: YAML syntax: invalid YAML",
        "mapping values are not allowed",
        "check the indentation",
    )


def test_unclosed_quote(run, content: Path) -> None:
    _write(content, "facts/complaint-unsealed.yml", 'id: complaint-unsealed\nstatement: "never closed\nstatus: x\n')
    # the error points at the quote that was opened (line 2), not at the end of the file where YAML noticed
    _fails(
        run,
        content,
        f"{FACT}:2:12: YAML syntax: invalid YAML: the quoted value that starts here is not closed",
        "close the quotation mark",
    )


def test_a_reading_command_does_not_say_nothing_was_written(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: proven")
    code, _, err = run("--content", content, "excerpts", "doj-2020-12-18-release")
    assert code == 1 and "1 error in the content: fix them, then run it again" in err
    assert "nothing was written" not in err


def test_duplicate_key(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established\n", "status: established\nstatus: alleged\n")
    _fails(run, content, f"{FACT}:6:1: YAML syntax: duplicate key 'status' (first defined on line 5)", "keep one")


def test_duplicate_id_in_two_files(run, content: Path) -> None:
    _replace(content, "people.yml", "- id: xinjiang-jin", "- id: zoom")
    err = _fails(run, content, "id 'zoom' is already used by a", "choose another id")
    assert "content/people.yml:1:7: id:" in err or "content/organisations.yml:1:7: id:" in err


def test_unknown_reference_suggests_nearest(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "source: doj-2020-12-18-release", "source: doj-2020-12-18-releas")
    _fails(
        run,
        content,
        f"{FACT}:10:13: sources[0].source: unknown source 'doj-2020-12-18-releas'",
        "did you mean 'doj-2020-12-18-release'?",
    )


def test_unknown_shortcode_in_text(run, content: Path) -> None:
    _replace(content, "timeline.yml", "[[fact:complaint-unsealed]]", "[[fact:complaint-unseal]]")
    _fails(
        run,
        content,
        "content/timeline.yml:4:62: summary: [[fact:complaint-unseal]]: unknown fact",  # where the shortcode starts
        "did you mean 'complaint-unsealed'?",
    )


def test_missing_required_field(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established\n", "")
    _fails(run, content, f"{FACT}:1:1: status: required field is missing (add 'status: …' to the fact record)")


def test_wrong_type(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "topics: [charges-2020]", "topics: charges-2020")
    _fails(run, content, f"{FACT}:7:9: topics: expected a list, got text", "starting with '- '")


def test_unknown_enum_value_lists_allowed(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: proven")
    _fails(
        run,
        content,
        f"{FACT}:5:9: status: 'proven' is not an allowed value",
        "use one of: 'established', 'alleged', 'reported', 'disputed'",
    )


def test_impossible_date(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", 'date: "2020-12-18"', 'date: "2020-13-01"')
    _fails(run, content, f"{FACT}:6:7: date: '2020-13-01' has no month 13", "write YYYY, YYYY-MM or YYYY-MM-DD")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://www.justice.gov/x", "is not an https URL"),
        ("javascript:alert(1)", "'javascript:' URLs are not allowed"),
        ("data:text/html,hi", "'data:' URLs are not allowed"),
        ("https://example.org/a?utm_source=x", "tracking parameters (utm_source)"),
    ],
)
def test_bad_urls(run, content: Path, url: str, message: str) -> None:
    rel = "sources/zoom-2020-12-18-perspective.yml"
    _replace(content, rel, "url: https://www.sec.gov/", f"url: {url}\nold_url: https://www.sec.gov/")
    _replace(content, rel, "\nold_url: ", "\n# ")
    _fails(run, content, f"content/{rel}:6:6: url: ", message)


def test_raw_html_in_text(run, content: Path) -> None:
    _replace(
        content, "facts/zoom-cooperating.yml", "statement: Zoom said", "statement: <script>alert(1)</script> Zoom said"
    )
    _fails(
        run,
        content,
        "content/facts/zoom-cooperating.yml:2:12: statement: raw HTML is not allowed ('<script>')",
        "write Markdown",
    )


def test_javascript_link_in_markdown(run, content: Path) -> None:
    _replace(
        content,
        "facts/zoom-cooperating.yml",
        "statement: Zoom said",
        "statement: See [x](javascript:alert(1)). Zoom said",
    )
    _fails(run, content, "content/facts/zoom-cooperating.yml:2:", "'javascript:' links are not allowed")


def test_yaml_anchor_and_alias(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "topics: [charges-2020]", "topics: &t [charges-2020]\nterms: *t")
    _fails(run, content, f"{FACT}:7:9: YAML syntax: YAML anchors (&t) are not allowed", "write values out")


def test_yaml_tag(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: !!str established")
    _fails(run, content, f"{FACT}:5:9: YAML syntax: YAML tags (tag:yaml.org,2002:str) are not allowed")


def test_empty_file(run, content: Path) -> None:
    _write(content, "facts/complaint-unsealed.yml", "  \n")
    _fails(run, content, f"{FACT}: file: file is empty (add a record or delete the file)")


def test_comments_only_file(run, content: Path) -> None:
    _write(content, "facts/complaint-unsealed.yml", "# nothing yet\n")
    _fails(run, content, f"{FACT}: file: file holds no record, only comments")


def test_not_utf8(run, content: Path) -> None:
    _write(content, "facts/complaint-unsealed.yml", "id: complaint-unsealed\nstatement: caf\xe9\n".encode("latin-1"))
    _fails(run, content, f"{FACT}:2:15: YAML syntax: not valid UTF-8 (byte 0xe9 at offset 37) (save the file as UTF-8)")


def test_file_over_one_megabyte(run, content: Path) -> None:
    _write(content, "facts/complaint-unsealed.yml", "id: complaint-unsealed\nnote: '" + "x" * 1_000_001 + "'\n")
    _fails(run, content, f"{FACT}: file: file is ", "over the 250,000-byte limit (split it into smaller files)")


def test_file_name_and_id_disagree(run, content: Path) -> None:
    (content / "facts/complaint-unsealed.yml").rename(content / "facts/complaint.yml")
    _fails(
        run,
        content,
        "content/facts/complaint.yml:1:5: id: id 'complaint-unsealed' does not match the file name "
        "'complaint' (rename the file to complaint-unsealed.yml or change the id)",
    )


def test_unknown_field_suggests_nearest(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "topics:", "topic:")
    _fails(run, content, f"{FACT}:7:1: topic: unknown field 'topic' (did you mean 'topics'?")


def test_file_outside_layout(run, content: Path) -> None:
    _write(content, "facts/extra.yaml", "id: x\n")
    _fails(
        run,
        content,
        "content/facts/extra.yaml: file: file is not part of the content layout (rename it to extra.yml)",
    )


def test_all_errors_of_a_run_are_reported_together(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: proven")
    _replace(content, "people.yml", "name: Xinjiang Jin", "name: [Xinjiang Jin]")
    err = _fails(run, content, f"{FACT}:5:9: status:", "content/people.yml:2:9: name: expected text, got a list")
    assert err.strip().endswith("\n2 errors")  # validate writes nothing, so it does not say so


def test_render_writes_nothing_on_error(run, content: Path, tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    assert run("--content", content, "render", "--out", out)[0] == 0
    before = {p.relative_to(out): p.read_text() for p in out.rglob("*.md")}
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: proven")
    (content / "facts/zoom-cooperating.yml").write_text("id: zoom-cooperating\nstatement: changed\n")
    code, _, err = run("--content", content, "render", "--out", out)
    assert code == 1 and "nothing was written" in err
    after = {p.relative_to(out): p.read_text() for p in out.rglob("*.md")}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rendered")] == []


def test_unknown_enum_value_suggests_nearest(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: alledged")
    _fails(
        run,
        content,
        f"{FACT}:5:9: status: 'alledged' is not an allowed value (did you mean 'alleged'? use one of: "
        "'established', 'alleged', 'reported', 'disputed')",
    )


def test_unknown_enum_value_without_a_near_one_suggests_nothing(run, content: Path) -> None:
    _replace(content, "facts/complaint-unsealed.yml", "status: established", "status: proven")
    err = _fails(
        run,
        content,
        f"{FACT}:5:9: status: 'proven' is not an allowed value (use one of: 'established', 'alleged', 'reported', "
        "'disputed')",
    )
    assert "did you mean" not in err


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            "topics: [charges-2020]",
            "topics: []",
            f"{FACT}:7:9: topics: needs at least 1 item(s) (add at least one entry)",
        ),
        (
            'date: "2020-12-18"',
            "date: true",
            f"{FACT}:6:7: date: expected text, got true/false (write the value as text; put it in quotes)",
        ),
        (
            "sources:\n  - source: doj-2020-12-18-release",
            "sources:\n  - source: " + "a" * 81,
            f"{FACT}:10:13: sources[0].source: is longer than 80 characters (shorten it)",
        ),
        (
            "sources:\n  - source: doj-2020-12-18-release\n    locator: first paragraph\n    excerpt:",
            "sources: [doj-2020-12-18-release]\nnote:",
            f"{FACT}:9:11: sources[0]: expected a mapping of fields, got text (write 'field: value' lines)",
        ),
    ],
)
def test_schema_messages_table(run, content: Path, old: str, new: str, line: str) -> None:
    _replace(content, "facts/complaint-unsealed.yml", old, new)
    _fails(run, content, line)


def test_numbers_out_of_range_and_of_the_wrong_type(run, content: Path) -> None:
    rel = "lessons/reading-a-complaint.yml"
    _replace(content, rel, "minutes: 45", "minutes: 601")
    _replace(content, rel, "  - minutes: 15", "  - minutes: 0")
    _replace(content, rel, "  - minutes: 30", "  - minutes: '30'")
    _fails(
        run,
        content,
        f"content/{rel}:5:10: minutes: input should be less than or equal to 600 (change the number)",
        f"content/{rel}:12:14: sequence[0].minutes: input should be greater than or equal to 1 (change the number)",
        f"content/{rel}:15:14: sequence[1].minutes: expected a whole number, got text (write digits only, without "
        "quotes)",
    )


def test_pattern_mismatch_names_the_pattern(run, content: Path) -> None:
    _replace(
        content,
        "sources/zoom-2020-12-18-perspective.yml",
        "license: copyrighted",
        "license: copyrighted\nlanguage: English",
    )
    _fails(
        run,
        content,
        "content/sources/zoom-2020-12-18-perspective.yml:10:11: language: 'English' is not in the expected form "
        "(match the pattern ^[a-z]{2}(-[A-Za-z]{2,4})?$)",
    )


def test_the_models_own_errors_carry_their_fix_as_data() -> None:
    from pydantic import ValidationError

    from casebook.core.model import Topic

    with pytest.raises(ValidationError) as caught:
        Topic.model_validate({"id": "Bad Id", "title": "t", "summary": "<b>x</b>"})
    by_field = {e["loc"][0]: e for e in caught.value.errors()}
    assert by_field["id"]["msg"] == "'Bad Id' is not a valid id"
    assert by_field["id"]["ctx"]["fix"] == "use lower-case letters, digits and single hyphens, e.g. 'jin-liaison-role'"
    assert by_field["summary"]["msg"] == "raw HTML is not allowed ('<b>')"
    assert by_field["summary"]["ctx"]["fix"] == "write Markdown; link with [text](https://…)"


def test_unknown_field_suggests_the_name_this_site_uses(run, content: Path) -> None:
    """'tags' is spelt nothing like 'topics', but it is what other sites call them."""
    _replace(content, "facts/complaint-unsealed.yml", "topics:", "tags:")
    _fails(run, content, f"{FACT}:7:1: tags: unknown field 'tags' (did you mean 'topics'?")
