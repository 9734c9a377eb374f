"""Hostile edits to record text, URLs, page metadata, hand-written pages and commit subjects
(issue 11, classes 1 to 4): each is refused by `casebook validate` with file:line:column, the
field and a fix, or it is built into a page where it is inert text that the scanner passes.

The payloads are this file's own, one or more per class; fix the class, not the example."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from casebook.core import markup
from casebook.outputs.sanitise import clean

from .conftest import mkdocs_build
from .support.html_scan import scan

FACT = "facts/complaint-unsealed.yml"
SOURCE = "sources/zoom-2020-12-18-perspective.yml"
STATEMENT_END = "were unsealed in federal court in Brooklyn."


def _replace(root: Path, rel: str, old: str, new: str, *, regex: bool = False) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    changed = re.sub(old, new, text, count=1, flags=re.MULTILINE) if regex else text.replace(old, new, 1)
    assert changed != text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(changed, encoding="utf-8")


def _statement(payload: str) -> tuple[str, str, str]:
    # YAML: the statement is a folded block; the payload goes on its last line.
    return (FACT, STATEMENT_END, f"{STATEMENT_END} {payload}")


def _yaml_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\u202e", "\\u202E") + '"'


# id -> (file, old text, new text, regex?, the located error expected: file:line:column: field: problem)
REFUSED: dict[str, tuple[str, str, str, bool, str]] = {
    # class 1: URL fields that would break out of a Markdown link or a script element
    "url-closes-link": (
        SOURCE,
        r"^url: .*$",
        "url: https://www.cnet.com/x)<svg/onload=alert(1)>",
        True,
        "url: URL contains '<'",
    ),
    "url-quote": (
        SOURCE,
        r"^url: .*$",
        "url: 'https://www.cnet.com/x\"onmouseover=alert(1)'",
        True,
        "url: URL contains '\"'",
    ),
    "url-brace": (
        SOURCE,
        r"^url: .*$",
        "url: https://www.cnet.com/x{:onclick=alert(1)}",
        True,
        "url: URL contains '{'",
    ),
    "archive-comment": (
        SOURCE,
        r"^archive_url: .*$",
        "archive_url: https://web.archive.org/web/<!--<script>",
        True,
        "archive_url: URL contains '<'",
    ),
    # class 2: Markdown features outside the record-text subset
    "attribute-list": (*_statement("{: onclick=alert(1) }"), False, "statement: an attribute list"),
    "attribute-id-steal": (*_statement("{ #xinjiang-jin }"), False, "statement: an attribute list"),
    "image-pixel": (*_statement("![](https://tracker.example/p.png)"), False, "statement: an image is not allowed"),
    "javascript-link": (
        *_statement("[x](javascript:alert(1))"),
        False,
        "statement: 'javascript:' links are not allowed",
    ),
    "data-link": (*_statement("[x](data:text/html,x)"), False, "statement: 'data:' links are not allowed"),
    "entity-scheme": (*_statement("[x](&#106;avascript:alert(1))"), False, "statement: 'javascript:' links"),
    "entity-text": (*_statement("&lt;script&gt;"), False, "statement: HTML entities are not allowed"),
    "raw-html": (*_statement("<img src=x onerror=alert(1)>"), False, "statement: raw HTML is not allowed"),
    "loose-html": (*_statement("<svg/onload=alert(1)>"), False, "statement: raw HTML is not allowed"),
    "abbreviation": (
        *_statement("\n\n\n  *[Zoom]: a tooltip on every page"),
        False,
        "statement: an abbreviation definition",
    ),
    "admonition": (*_statement('\n\n\n  !!! danger "Official correction"'), False, "statement: an admonition"),
    "heading": (*_statement("\n\n\n  # Breaking news"), False, "statement: a heading is not allowed"),
    "footnote": (*_statement("[^1]"), False, "statement: a footnote"),
    "bidi-override": (
        "people.yml",
        "name: Xinjiang Jin",
        "name: " + _yaml_quoted("Xinjiang \u202eniJ"),
        False,
        "name: text contains U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "carriage-return": (
        "people.yml",
        "name: Xinjiang Jin",
        "name: " + _yaml_quoted("Xinjiang\rJin"),
        False,
        "name: text contains U+000D",
    ),
    "angle-in-one-line": (
        "people.yml",
        "name: Xinjiang Jin",
        "name: '</title><script>alert(1)</script>'",
        False,
        "name: '<' is not allowed in a one-line field",
    ),
    # a [[ that opens no citation was published as literal brackets (and counted as a citation in pages)
    "broken-shortcode-link": (
        *_statement("[[fact:x|a](javascript:alert(1)]]"),
        False,
        "statement: '[[fact:x|a](javascript:alert(1)]]' is not a complete citation",
    ),
    "reference-definition": (
        *_statement("[r]\n\n\n  [r]: javascript:alert(1)"),
        False,
        "statement: reference-style link definitions are not allowed",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_hostile_record_text_is_refused_with_its_location(case: str, run, content: Path) -> None:
    rel, old, new, regex, expected = REFUSED[case]
    _replace(content, rel, old, new, regex=regex)
    code, out, err = run("--content", content, "validate")
    assert code == 1, out + err
    located = re.search(rf"^content/{re.escape(rel)}:\d+:\d+: {re.escape(expected)}.* \(.+\)$", err, re.MULTILINE)
    assert located, f"no located error {expected!r} for content/{rel} in:\n{err}"


# id -> (hand-written page text, the error expected)
REFUSED_PAGES = {
    "raw-html-block": ('<div markdown onmouseover="alert(1)">x</div>\n', "raw HTML is not allowed in pages"),
    "html-in-admonition": ('!!! note "x"\n\n    <img src=x onerror=alert(1)>\n', "raw HTML is not allowed"),
    "attribute-handler": ("Text\n{: onclick=alert(1) }\n", "attribute list may set only a heading's id"),
    "attribute-href": ('[x](a.md){: href="javascript:alert(1)" }\n', "attribute list may set only a heading's id"),
    "outside-image": ("![](https://tracker.example/p.png)\n", "images must come from this site"),
    "javascript-link": ("[x](javascript:alert(1))\n", "'javascript:' links are not allowed"),
    "split-scheme": ("[x](java\nscript:alert(1))\n", "'javascript:' links are not allowed"),
    "entity": ("Caf&eacute;\n", "HTML entities are not allowed"),
    "abbreviation": ("*[Zoom]: a different tooltip\n", "abbreviation definitions are not allowed"),
    "front-matter-title": ('---\ntitle: "</title><script>alert(1)</script>"\n---\n', "front matter title: '<'"),
    "front-matter-template": ("---\ntemplate: 404.html\n---\n", "front matter key 'template' is not allowed"),
    "stolen-heading-id": (
        "## Mine { #every-statement-is-a-record }\n",
        "heading id 'every-statement-is-a-record' is already",
    ),
    "same-heading-twice": ("## Every statement is a record\n", "heading id 'every-statement-is-a-record' is already"),
    # found by the independent attacker: front matter closed by '...', MultiMarkdown meta, '\<', deep nesting
    "front-matter-dots": (
        '---\ntitle: "Insider \\x3Cimg src=x onerror=alert(1)\\x3E"\nsubtitle: x\n...\n',
        "front matter title: '<' is not allowed",
    ),
    "multimarkdown-meta": ("subtitle: \\<script>alert(1)//\\</script>\n\n", "may not start with 'key: value' lines"),
    "escaped-html": ("## Topics \\<img src=x onerror=alert(1)>\n", "raw HTML is not allowed in pages"),
    "deep-quote": ("> " * 20 + '<img src="/\\evil.example/deep.png">\n', "raw HTML is not allowed in pages"),
    "deep-list": ("- " * 30 + "x\n", "nested too deeply"),
    "backslash-image": ("![a](/\\evil.example/x.png)\n", "images must come from this site"),
    "class-attribute": ("## Heading { .md-banner }\n", "attribute list may set only a heading's id"),
    "search-boost": ("---\nsearch: {boost: 1000000000}\n---\n", "front matter search: only 'exclude: true'"),
    "bracket-run": ("[" * 200 + "\n", "more than 150 '[' in one paragraph"),
    "bracket-page": (("[a] " * 100 + "\n\n") * 12, "page has more than 1,000 '['"),
    "shortcode-text": ("See [[fact:complaint-unsealed|a <b> c]].\n", "text: '<' is not allowed"),
    "broken-shortcode": ("See [[fact:complaint-unsealed|a](javascript:alert(1)]].\n", "is not a complete citation"),
    # found by the second attacker round
    "alt-in-title": ("# Topics ![&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;](index.md)\n", "HTML entities"),
    "image-in-heading": ("## Heading ![a](assets/a.png)\n", "a heading may not hold an image"),
    "html-in-alt": ("![<img src=x onerror=alert(3)>](index.md)\n", "raw HTML is not allowed in pages"),
    "unclosed-fence": ('```\n<a href="//evil.example/x">x</a>\n', "code fence is never closed"),
    "reference-in-admonition": (
        "!!! note\n    Body [click here][ev].\n    [ev]: //evil.example/ref\n",
        "link definition: links must use https://",
    ),
    "footnote-html": ("[^zz]: <img src=x onerror=alert(5)>\n", "raw HTML is not allowed in pages"),
    "escaped-entity": ("## H \\&lt;b\\&gt;\n", "HTML entities are not allowed"),
    "comment-front-matter": ("---\n# <img src=x onerror=alert(1)>\n---\n", "raw HTML is not allowed in pages"),
    "paragraph-id": ("A paragraph\n{ #every-statement-is-a-record }\n", "only a heading may set an id"),
}


@pytest.mark.parametrize("case", REFUSED_PAGES)
def test_hostile_page_is_refused_with_its_location(case: str, run, project: Path) -> None:
    page = project / "docs" / "about" / "method.md"
    text, expected = REFUSED_PAGES[case]
    front = text.startswith("---") or re.match(r"[a-z]+:", text) is not None  # metadata goes at the top
    page.write_text(
        text + page.read_text(encoding="utf-8") if front else page.read_text(encoding="utf-8") + "\n" + text
    )
    code, out, err = run("--content", project / "content", "validate", "--docs", project / "docs")
    assert code == 1, out + err
    assert re.search(rf"^docs/about/method\.md:\d+:\d+: .*{re.escape(expected)}", err, re.MULTILINE), err


# ---------------------------------------------------------------- inert on the page

NAME = "Xinjiang Jin { #zoom } *[Zoom]: x !!! danger [y](javascript:alert(1)) `a|b`"
# the citation is well formed, its text hostile (a broken one is refused: "broken-shortcode-link" above)
STATEMENT = (
    "[x](java\n  script:alert(1)) a < b & c | d \\*not emphasis\\* "
    '[[fact:zoom-cooperating|a" onmouseover="alert(1) *x* \\]]'
)
QUESTION = 'What is 0;url=https://evil.example" http-equiv="refresh?'
SOURCE_TITLE = 'Our Perspective" onmouseover="alert(1)'
DEFINITION = 'A sworn statement" onmouseover="alert(1)'
COMMIT = "<img src=x onerror=alert(1)> Add *[Zoom]: x"
DESCRIPTION = 'x" http-equiv="refresh" content="0;url=https://evil.example'


def _git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def hostile_site(project: Path, tmp_path: Path) -> Path:
    content = project / "content"
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Seed")  # the hostile values below come in a second commit: What's new lists them
    _replace(content, "people.yml", "name: Xinjiang Jin", "name: " + _yaml_quoted(NAME))
    _replace(content, FACT, STATEMENT_END, f"{STATEMENT_END} {STATEMENT}")
    _replace(
        content,
        "lessons/reading-a-complaint.yml",
        "  - What is the difference between an allegation and a fact on the record?",
        "  - " + _yaml_quoted(QUESTION),
    )
    _replace(content, SOURCE, "title: Our Perspective on the DOJ Complaint", "title: " + _yaml_quoted(SOURCE_TITLE))
    _replace(
        content,
        "glossary.yml",
        r"^  definition: A sworn written statement.*$",
        "  definition: " + _yaml_quoted(DEFINITION),
        regex=True,
    )
    method = project / "docs" / "about" / "method.md"
    method.write_text(f"---\ndescription: {_yaml_quoted(DESCRIPTION)}\n---\n" + method.read_text(encoding="utf-8"))
    _git(project, "add", "content")
    _git(project, "commit", "-qm", COMMIT)
    site = tmp_path / "site"
    built = mkdocs_build(project, site)
    assert built.returncode == 0, built.stderr
    return site


def test_hostile_values_are_inert_on_every_page(hostile_site: Path) -> None:
    findings = {}
    for page in sorted(hostile_site.rglob("*.html")):
        found = scan(page.read_text(encoding="utf-8"))
        if found:
            findings[page.relative_to(hostile_site).as_posix()] = found
    assert findings == {}
    people = (hostile_site / "case" / "people" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", people)
    assert "{ #zoom } *[Zoom]: x !!! danger [y](javascript:alert(1))" in text.replace("&amp;", "&")
    updates = (hostile_site / "updates" / "index.html").read_text(encoding="utf-8")
    # the changed records as readers know them, escaped; the commit subject (maintainers' words) nowhere
    assert "Source corrected: " in updates and "Our Perspective&quot; onmouseover" in updates.replace('"', "&quot;")
    assert "Person updated: " in updates
    assert "onerror" not in updates
    method = (hostile_site / "about" / "method" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in method
    lesson = (hostile_site / "lessons" / "reading-a-complaint" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in lesson


# ---------------------------------------------------------------- the two layers, directly


@pytest.mark.parametrize(
    "text",
    [
        "x {: onclick=alert(1) }",
        "*[Zoom]: x",
        '!!! danger "x"',
        "[[fact:a|x](javascript:alert(1)]]",
        "<svg/onload=alert(1)>",
        "- # heading\n- `code` | pipe",
        "2020-06-04 1. not a list \\",
    ],
)
def test_rebuilt_record_text_is_literal_for_python_markdown(text: str) -> None:
    import markdown

    md = markdown.Markdown(
        extensions=["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables"]
    )
    html = md.convert(markup.to_markdown(text, lambda code: "CITE"))
    assert not re.search(r"<(?!/?(p|ul|li|code|em|strong)>)[a-z]", html), html
    assert scan(f"<html><body>{html}</body></html>") == {}


def test_literal_treats_every_whitespace_but_the_space_as_needing_work() -> None:
    """``markup._OTHER_SPACES`` lists by hand what ``[^\\S ]`` matches (the quick test in ``literal``):
    a whitespace character missing from it would reach the page uncollapsed."""
    spaces = re.compile(r"[^\S ]")
    listed = re.compile(f"[{markup._OTHER_SPACES}]")
    differ = [hex(n) for n in range(0x110000) if bool(spaces.match(chr(n))) != bool(listed.match(chr(n)))]
    assert differ == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("", ""),
        ("ends with a space ", "ends with a space"),
        ("two  spaces", "two spaces"),
        ("tab\there", "tab here"),
        ("no\u2003break", "no break"),
        ("# start", "\\# start"),
        ("1. start", "1\\. start"),
        ("a*b", "a\\*b"),
    ],
)
def test_literal_escapes_and_collapses(text: str, expected: str) -> None:
    assert markup.literal(text) == expected


def test_allowlist_removes_what_the_site_never_emits() -> None:
    hostile = (
        '<p onclick="x">a</p><script>alert(1)</script><style>p{}</style><img src="https://t.example/p.png">'
        '<a href="javascript:alert(1)">b</a><iframe src="https://e.example"></iframe>'
        '<meta http-equiv="refresh" content="0;url=https://e.example"><td style="background:url(x)">c</td>'
    )
    cleaned = clean(hostile)
    assert scan(f"<html><body>{cleaned}</body></html>") == {}
    for gone in ("onclick", "<script", "alert(1)</", "<style", "tracker", "javascript:", "<iframe", "<meta", "url("):
        assert gone not in cleaned, gone
    for other_host in ('<a href="//evil.example/x">z</a>', '<a href=" /\\evil.example/x">z</a>'):
        assert "evil.example" not in clean(other_host)
    kept = '<p class="cb-x" id="a">t <a href="../b/#c" title="t">l</a> <abbr title="d">A</abbr></p>'
    assert clean(kept) == kept


def test_an_id_used_twice_fails_the_build_naming_the_page(project: Path, tmp_path: Path) -> None:
    """What the page rules cannot see (two ids made by Markdown itself) the build refuses."""
    from casebook.site import Site

    site = Site.__new__(Site)
    site.pages, site.trusted_html = {}, {}
    with pytest.raises(ValueError, match=re.escape("id 'x' is used twice on a.md")):
        site.content_html("a.md", '<h2 id="x">a</h2><p id="x">b</p>')


@pytest.mark.parametrize("name", ["evil.html", "assets/logo.svg", "assets/extra.js", "assets/extra.css", "notes.txt"])
def test_only_pages_and_pictures_are_published_from_docs(name: str, run, project: Path) -> None:
    path = project / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (project / "docs" / "assets").mkdir(exist_ok=True)
    (project / "docs" / "assets" / "fine.png").write_bytes(b"\x89PNG\r\n")
    code, out, err = run("--content", project / "content", "validate", "--docs", project / "docs")
    assert code == 1, out + err
    assert f"docs/{name}: file: this kind of file may not be published from docs/" in err
    assert "fine.png" not in err


def test_a_commit_subject_cannot_forge_a_history_record(project: Path) -> None:
    from casebook.outputs.feed import read_history

    forged = "Fix typo\x1eabc1234 .md-typeset title=T\x1f2020-01-02 <img src=x>\x1fForged"
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", forged)
    changes = read_history(project)
    assert len(changes) == 1
    assert changes[0].message == forged
    assert re.fullmatch(r"[0-9a-f]{7,40}", changes[0].commit)
    assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", changes[0].date)


def test_a_former_id_cannot_take_over_an_index_page(run, project: Path) -> None:
    lesson = project / "content" / "lessons" / "reading-a-complaint.yml"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("title:", "former_ids: [index]\ntitle:", 1))
    code, out, err = run("--content", project / "content", "validate", "--docs", project / "docs")
    assert code == 1, out + err
    assert re.search(r"reading-a-complaint\.yml:\d+:\d+: former_ids\[0\]: former id 'index' is the name of", err), err


def test_a_citation_inside_a_code_span_across_lines_is_refused() -> None:
    """The citation finder reads code spans within one line; CommonMark lets one cross a line break. A
    [[…]] there was taken for a citation inside the code (a wrong label, or a crash in the handouts)."""
    from casebook.core.markup import check

    problem = check("Probe: `code\n[[fact:jin-primary-liaison]]` end.")
    assert problem is not None and problem.message == "a [[…]] citation cannot sit inside a code span"
    assert check("Shown as syntax: `[[fact:x]]` on one line.") is None
