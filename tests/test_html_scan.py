"""The page scanner (tests/support/html_scan.py) finds nothing on the real site, and each of its
checks finds what it is for on a planted page."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from casebook.core.validate import build_case
from casebook.site import redirects

from .conftest import ROOT
from .support.html_scan import scan


def _redirect_stubs(site: Path) -> set[Path]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    maps: dict[str, str] = {}
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "redirects" in plugin:
            maps.update(plugin["redirects"].get("redirect_maps") or {})
    maps.update(redirects(build_case(ROOT / "content")))
    stubs = set()
    for old in maps:
        stem = old.removesuffix(".md")
        stubs.add(site / (f"{stem}.html" if stem.endswith("index") else f"{stem}/index.html"))
    return stubs


def test_real_site_has_nothing_the_scanner_refuses(real_site: Path) -> None:
    stubs = _redirect_stubs(real_site)
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 50
    findings = {}
    for page in pages:
        found = scan(page.read_text(encoding="utf-8"), redirect_stub=page in stubs)
        if page.name.endswith("-slides.html"):
            # a lesson's slide deck (a download, not a page): Marp inlines its own player script;
            # tests/test_handouts.py checks the deck loads nothing and takes no markup from a record
            found.pop("inline_scripts", None)
        if found:
            findings[page.relative_to(real_site).as_posix()] = found
    assert findings == {}


PAGE = "<!doctype html><html><head><title>t</title>{head}</head><body><main>{body}</main></body></html>"

# check -> (planted HTML that must be found, similar HTML that must not be)
PLANTED = {
    "event_handlers": ('<p onclick="alert(1)">x</p>', '<p class="onclick">onclick=alert(1)</p>'),
    "script_urls": ('<a href="&#106;ava&#x09;script:alert(1)">x</a>', '<a href="https://a.example/javascript:">x</a>'),
    "outside_images": ('<img src="https://tracker.example/p.png" alt="">', '<img src="../assets/p.png" alt="">'),
    "duplicate_ids": ('<h2 id="zoom">a</h2><p id="zoom">b</p>', '<h2 id="zoom">a</h2><p id="zoom-2">b</p>'),
    "broken_jsonld": (
        '<script type="application/ld+json">{"name": "x</script><script>alert(1)//"}</script>',
        '<script type="application/ld+json">{"name": "x\\u003c/script\\u003e"}</script>',
    ),
    "bidi_controls": ("<p>evil\u202ecod.exe</p>", "<p>Arabic \u200f mark</p>"),
    "inline_scripts": ("<script>alert(1)</script>", '<script>var palette=__md_get("__palette");</script>'),
    "protocol_relative": ('<a href="//evil.example/x">x</a>', '<a href="../x/">x</a>'),
}


@pytest.mark.parametrize("check", PLANTED)
def test_each_check_finds_its_planted_page(check: str) -> None:
    planted, harmless = PLANTED[check]
    head = planted if "ld+json" in planted else ""
    body = "" if head else planted
    assert check in scan(PAGE.format(head=head, body=body))
    head = harmless if "ld+json" in harmless else ""
    assert scan(PAGE.format(head=head, body="" if head else harmless)) == {}


def test_refresh_is_found_except_on_a_same_site_redirect_stub() -> None:
    outside = PAGE.format(head='<meta http-equiv="refresh" content="0;url=https://evil.example/">', body="")
    same_site = PAGE.format(head='<meta http-equiv="refresh" content="0; url=../laws/new/">', body="")
    assert "refreshes" in scan(outside)
    assert "refreshes" in scan(outside, redirect_stub=True)
    assert "refreshes" in scan(same_site)  # an ordinary page never refreshes
    assert scan(same_site, redirect_stub=True) == {}
