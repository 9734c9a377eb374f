"""Structured data, link previews and "Cite this page" on every built page."""

from __future__ import annotations

import json
import re
from pathlib import Path

from casebook.core.model import Lesson
from casebook.core.validate import build_case

from .conftest import ROOT

REQUIRED = {
    "Article": ("headline", "url", "dateModified"),
    "LearningResource": ("name", "url", "educationalLevel", "timeRequired", "teaches", "inLanguage"),
    "Legislation": ("name", "url", "legislationIdentifier", "legislationJurisdiction"),
    "CreativeWork": ("name", "url"),
    "ItemList": ("name", "url", "itemListElement"),
    "DefinedTermSet": ("name", "url", "hasDefinedTerm"),
    "Dataset": ("name", "url", "description", "license", "distribution"),
    "Person": ("name", "url"),
    "Organization": ("name", "url"),
}
EXPECTED_TYPE = {
    "case/index.html": "Article",
    "case/facts/index.html": "Article",
    "topics/insider-risk/index.html": "Article",
    "case/timeline/index.html": "ItemList",
    "glossary/index.html": "DefinedTermSet",
    "sources/index.html": "Dataset",
    "laws/prc-national-intelligence-law/index.html": "Legislation",
    "lessons/insider-risk-tabletop/index.html": "LearningResource",
}


def _blocks(html: str) -> list[dict]:
    return [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def _check(item: dict, where: str) -> None:
    kind = item["@type"]
    for key in REQUIRED.get(kind, ()):
        assert item.get(key) not in (None, "", []), f"{where}: {kind} lacks {key}"
    if kind == "ItemList":
        for element in item["itemListElement"]:
            _check(element["item"], where)


def test_every_json_ld_block_parses_and_has_its_required_properties(real_site: Path) -> None:
    seen = set()
    for page in real_site.rglob("index.html"):
        rel = page.relative_to(real_site).as_posix()
        if rel.startswith(("assets/", "search/")):
            continue
        html = page.read_text(encoding="utf-8")
        blocks = _blocks(html)
        if 'http-equiv="refresh"' in html:
            continue  # redirect stubs carry nothing
        assert len(blocks) == 1, f"{rel}: expected one JSON-LD block, found {len(blocks)}"
        block = blocks[0]
        assert block["@context"] == "https://schema.org"
        for item in block.get("@graph", [block]):
            _check(item, rel)
            seen.add(item["@type"])
        if rel in EXPECTED_TYPE:
            assert block["@type"] == EXPECTED_TYPE[rel], rel
    assert {
        "Article",
        "LearningResource",
        "Legislation",
        "ItemList",
        "DefinedTermSet",
        "Person",
        "Organization",
    } <= seen
    for cited in (
        "case/index.html",
        "case/facts/charges-2020/index.html",
        "topics/insider-risk/index.html",
        "topics/data-sovereignty/index.html",
        "topics/extradition/index.html",
    ):
        block = _blocks((real_site / cited).read_text())[0]
        assert block["citation"] and all(c["url"].startswith("https://") for c in block["citation"]), cited
    timeline = _blocks((real_site / "case/timeline/index.html").read_text())[0]
    assert all(e["item"]["@type"] == "Event" and e["item"]["startDate"] for e in timeline["itemListElement"])


def test_pages_carry_link_preview_meta_and_a_citation_box(real_site: Path) -> None:
    html = (real_site / "case/facts/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:title" content="Facts by topic">' in html
    assert '<meta property="og:description" content="Every fact about the case' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "Cite this page (last updated " in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "@online{casebook-" in text and "Casebook contributors" in text


def test_lesson_json_ld_says_what_the_lesson_record_says(real_site: Path) -> None:
    """The one JSON-LD test of lessons beyond the required properties: the values come from the record."""
    book = build_case(ROOT / "content")
    lessons = book.of_kind("lesson")
    assert lessons
    for lesson in lessons:
        assert isinstance(lesson, Lesson)
        [block] = _blocks((real_site / "lessons" / lesson.id / "index.html").read_text(encoding="utf-8"))
        assert block["@type"] == "LearningResource", lesson.id
        assert block["timeRequired"] == f"PT{lesson.minutes}M", lesson.id
        assert block["educationalLevel"] == lesson.level and block["inLanguage"] == "en", lesson.id
        assert block["teaches"], lesson.id


def test_legislation_json_ld_dates_the_version_in_force(real_site: Path) -> None:
    """legislationDate is when the law was first adopted; legislationDateVersion is when the version in force
    (the one the page describes) came into force, not the superseded text's date."""
    html = (real_site / "laws/prc-counter-espionage-law/index.html").read_text(encoding="utf-8")
    block = _blocks(html)[0]
    assert (block["legislationDate"], block["legislationDateVersion"]) == ("2014-11-01", "2023-07-01")


def test_sitemap_lastmod_is_the_last_change_to_what_each_page_is_built_from(real_site: Path) -> None:
    """Not the build date (third-party-clients §5): the date of the last commit that touched the page's
    records or docs page, the one its "last updated" line and JSON-LD dateModified give."""
    from casebook.core.urls import page_url, site_base
    from casebook.site import SiteOptions, build_site

    base = "https://casebook-project.github.io/casebook/"  # mkdocs.yml's site_url
    site = build_site(ROOT / "content", ROOT / "docs", SiteOptions(site_url=base, repo_root=ROOT))
    expected = {page_url(path, site_base(base)): page.modified for path, page in site.pages.items()}
    sitemap = (real_site / "sitemap.xml").read_text(encoding="utf-8")
    found = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    assert found == expected
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) for day in found.values())


def test_the_home_page_link_preview_carries_the_site_name(real_site: Path) -> None:
    html = (real_site / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:title" content="Casebook">' in html  # the site's name, not the nav's "Home"


def test_the_bibliography_page_describes_its_downloads_as_a_dataset(real_site: Path) -> None:
    """The bibliography's JSON-LD points at the exports (each file exists in the built site), instead
    of listing every source again."""
    block = _blocks((real_site / "sources/index.html").read_text(encoding="utf-8"))[0]
    assert block["@type"] == "Dataset"
    base = "https://casebook-project.github.io/casebook/"  # mkdocs.yml's site_url
    files = [d["contentUrl"].removeprefix(base) for d in block["distribution"]]
    assert files == ["bibliography.csl.json", "bibliography.bib", "bibliography.ris", "sources.csv"]
    assert all((real_site / f).is_file() for f in files)
    assert str(len(build_case(ROOT / "content").of_kind("source"))) in block["description"]
