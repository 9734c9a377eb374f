"""Every page type loads cleanly, asks nothing of any other host, and passes axe-core in both palettes."""

from __future__ import annotations

import pytest

from .conftest import PAGE_TYPES, LocalSite, in_each_palette, run_axe

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_page_loads_without_errors_or_third_party_requests(new_context, server: LocalSite, path: str) -> None:
    context = new_context()
    page = context.new_page()
    response = page.goto(server.url(path), wait_until="load")
    assert response is not None and response.status == 200
    # late requests too: the sitemap, anything a script fetches after load (the search index waits
    # until search is used: search-on-demand.js)
    page.wait_for_load_state("networkidle")
    page.locator("article h1").first.wait_for()
    recorder = context.recorder
    assert any(url.endswith("/sitemap.xml") for url in recorder.requests), "requests were not recorded"
    assert not any(url.endswith("/search/search_index.json") for url in recorder.requests)
    assert recorder.external() == [], f"requests to other hosts: {recorder.external()}"
    assert recorder.errors == []


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_no_serious_accessibility_violation_in_either_palette(new_context, server: LocalSite, path: str) -> None:
    # The first palette follows the system's preference, so the emulated scheme picks the palette.
    page = new_context(color_scheme="light").new_page()
    page.goto(server.url(path), wait_until="load")
    found = {}
    for scheme in in_each_palette(page):
        found[scheme] = run_axe(page)
    assert found == {"light": [], "dark": []}


# The checks above can fail: pages that break the rules are caught.

THIRD_PARTY = """<!doctype html><html lang="en"><head><title>probe</title>
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"></head>
<body><main><h1>Probe</h1><img src="http://tracker.invalid/pixel.gif" alt="">
<script>fetch("https://api.github.com/repos/casebook-project/casebook").catch(() => {});</script>
</main></body></html>"""

INACCESSIBLE = """<!doctype html><html lang="en"><head><title>probe</title>
<style>body { color: #222; background: #fff; } a { color: #333; text-decoration: none; }</style></head>
<body><main><h1>Probe</h1>
<p style="color: #bbb">Pale grey text on white.</p>
<p>Running text with <a href="/">a link told apart by colour alone</a> in the middle of it.</p>
<div role="dialog">A dialog without a name</div></main></body></html>"""


def test_privacy_check_catches_third_party_requests(new_context, server: LocalSite) -> None:
    context = new_context()
    page = context.new_page()
    page.goto(server.probe("/__probe/third-party/", THIRD_PARTY), wait_until="load")
    page.wait_for_load_state("networkidle")
    hosts = {url.split("/")[2] for url in context.recorder.external()}
    assert hosts == {"fonts.googleapis.com", "tracker.invalid", "api.github.com"}


def test_axe_check_catches_violations(new_context, server: LocalSite) -> None:
    page = new_context().new_page()
    page.goto(server.probe("/__probe/inaccessible/", INACCESSIBLE), wait_until="load")
    rules = {v["rule"] for v in run_axe(page)}
    assert {"color-contrast", "link-in-text-block", "aria-dialog-name"} <= rules
