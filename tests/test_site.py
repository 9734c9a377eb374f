"""The page registry and build_site(): one set of pages for MkDocs and the CLI, titles and
descriptions defined once, and no record id in any published description."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from casebook.core.shortcodes import SHORTCODE
from casebook.core.urls import public_url
from casebook.core.validate import build_case
from casebook.site import GENERATED, SiteOptions, build_site

from .conftest import ROOT, mkdocs_build

_DESCRIPTION = re.compile(r'<meta (?:name="description"|property="og:description") content="([^"]*)"')
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def _descriptions(value: object) -> list[str]:
    """Every "description" string inside a JSON-LD object."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k == "description" and isinstance(v, str)]
        return found + [d for v in value.values() for d in _descriptions(v)]
    if isinstance(value, list):
        return [d for v in value for d in _descriptions(v)]
    return []


def leaked_ids(text: str, ids: set[str]) -> set[str]:
    """Record ids (those with a hyphen: single words cannot be told from prose) that appear as tokens."""
    return {token for token in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text) if token in ids}


def _published_descriptions(site: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        found = [html.unescape(d) for d in _DESCRIPTION.findall(text)]
        for block in _JSON_LD.findall(text):
            found += _descriptions(json.loads(block))
        out[page.relative_to(site).as_posix()] = found
    return out


@pytest.fixture(scope="module")
def record_ids() -> set[str]:
    """Ids with a hyphen that never appear in the content's own prose (so 'data-sovereignty law' is not a leak)."""
    book = build_case(ROOT / "content")
    prose = " ".join(
        SHORTCODE.sub(" ", f.read_text(encoding="utf-8"))
        for f in [*(ROOT / "docs").rglob("*.md"), *(ROOT / "content").rglob("*.yml"), ROOT / "mkdocs.yml"]
    )
    # a record's own id appears in its file as `id: …`; prose means anything but those lines and references
    prose = re.sub(
        r"^\s*-?\s*(?:id|source|speaker|former_ids|\w+_id)\s*:.*$|^\s*-\s+[a-z0-9-]+\s*$", " ", prose, flags=re.M
    )
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", prose))
    return {i for i in book.records if "-" in i and i not in words}


def test_no_record_id_in_any_published_description(real_site: Path, record_ids: set[str]) -> None:
    descriptions = _published_descriptions(real_site)
    assert sum(len(d) for d in descriptions.values()) > 100  # the check reads what it should
    leaks = {
        page: found for page, texts in descriptions.items() if (found := set().union(*map(_leak(record_ids), texts)))
    }
    assert leaks == {}


def _strings(value: object) -> list[str]:
    """Every string inside a JSON-LD object."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_json_ld_descriptions_are_never_empty_and_no_text_holds_a_shortcode(real_site: Path) -> None:
    """third-party-clients §4: five Article blocks had "description": "", and citation shortcodes became
    record ids. Every page's JSON-LD, every description in it at any depth, and every string value."""
    empty, shortcodes, blocks = [], [], 0
    for page in sorted(real_site.rglob("*.html")):
        rel = page.relative_to(real_site).as_posix()
        for block in _JSON_LD.findall(page.read_text(encoding="utf-8")):
            blocks += 1
            data = json.loads(block)
            empty += [rel for d in _descriptions(data) if not d.strip()]
            shortcodes += [f"{rel}: {s[:80]}" for s in _strings(data) if "[[" in s or "]]" in s or SHORTCODE.search(s)]
    assert blocks > 60  # every page but the 404 and redirect stubs has one
    assert empty == [] and shortcodes == []


def test_the_shortcode_check_sees_one_in_json_ld() -> None:
    data = json.loads('{"@graph": [{"description": "Jin was charged [[fact:two-conspiracy-charges]]."}]}')
    assert any(SHORTCODE.search(s) for s in _strings(data))


def _leak(ids: set[str]) -> Callable[[str], set[str]]:
    return lambda text: leaked_ids(text, ids)


def test_the_id_check_catches_a_leak(record_ids: set[str]) -> None:
    # the kind of sentence the old plain-text function produced
    some_id = sorted(record_ids)[0]
    assert leaked_ids(f"The complaint was unsealed in December 2020 {some_id}.", record_ids) == {some_id}
    assert leaked_ids("Zoom said it had cooperated.", record_ids) == set()


def test_plugin_and_render_publish_the_same_pages(real_site: Path, tmp_path: Path) -> None:
    site = build_site(ROOT / "content", ROOT / "docs", SiteOptions(repo_root=ROOT))
    built = {
        page.relative_to(real_site).as_posix()
        for page in real_site.rglob("index.html")
        if 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")[:2000]
        and not page.relative_to(real_site).as_posix().startswith(("assets/", "search/"))
    }
    declared = {public_url(path) + "index.html" for path in site.pages}
    assert built == declared  # every page MkDocs published is in the registry, and nothing more
    # `casebook render` writes every generated page and every data file the site publishes
    from casebook.adapters import cli

    assert cli.main(["--content", str(ROOT / "content"), "render", "--out", str(tmp_path / "out")]) == 0
    rendered = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert rendered == set(site.generated) | set(site.files)
    for name in site.files:
        assert (real_site / name).is_file(), name
    assert {"downloads.md", "updates.md"} <= rendered


def test_each_page_title_is_its_heading_and_its_json_ld_name(real_site: Path) -> None:
    site = build_site(ROOT / "content", ROOT / "docs", SiteOptions(repo_root=ROOT))
    for path, page in site.pages.items():
        text = (real_site / public_url(path) / "index.html").read_text(encoding="utf-8")
        heading = html.unescape(re.sub(r"<[^>]+>", "", _H1.search(text).group(1))).replace("¶", "").strip()
        assert heading == page.title, path
        assert page.description, f"{path} has no description"
        if page.jsonld and page.jsonld.get("@type") == "Article":
            assert page.jsonld["headline"] == page.title
            assert page.jsonld["description"] == page.description


def test_titles_are_declared_once() -> None:
    # templates print the registry's title; none writes a page title of its own
    templates = ROOT / "scripts" / "casebook" / "render" / "templates"
    for spec in GENERATED:
        first = next(line for line in (templates / spec.template).read_text().splitlines() if line.startswith("# "))
        assert first.startswith("# {{ title }}"), spec.template


def test_head_values_are_escaped_for_html_and_script(project: Path) -> None:
    case = project / "content" / "case.yml"
    # raw HTML is refused at load; what passes must still not break out of an attribute or a script
    hostile = '0;url=https://evil.example" http-equiv="refresh & more'
    text = re.sub(r"^title: .*$", f"title: '{hostile}'", case.read_text(encoding="utf-8"), count=1, flags=re.M)
    case.write_text(text, encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "case" / "index.html").read_text(encoding="utf-8")
    head = page.split("</head>", 1)[0]
    metas = BeautifulSoup(head, "html.parser").find_all("meta")
    assert not [m for m in metas if m.has_attr("http-equiv")]
    assert hostile in [m.get("content") for m in metas]  # the value arrives whole, as an attribute's text
    assert "evil.example&#34; http-equiv=&#34;refresh &amp; more" in head
    for block in _JSON_LD.findall(head):
        assert json.loads(block)["headline"] == hostile  # escaped inside the script, intact once parsed


def test_no_two_pages_share_a_description() -> None:
    """Link previews and search engines show a page's description: four views of one lesson with the
    same one, or two index pages alike, read as duplicates (third-party-clients §7)."""
    site = build_site(ROOT / "content", ROOT / "docs", SiteOptions(repo_root=ROOT))
    seen: dict[str, str] = {}
    shared = []
    for path, page in site.pages.items():
        if page.description in seen:
            shared.append((seen[page.description], path))
        seen.setdefault(page.description, path)
    assert shared == []
