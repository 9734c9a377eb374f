"""The offline classroom edition, opened from file:// as a teacher would after unzipping it: search works."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

pytestmark = pytest.mark.browser


def test_offline_edition_searches_from_file_urls(browser, offline_zip: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(tmp_path)
    home = (tmp_path / "casebook" / "index.html").as_uri()
    context = browser.new_context()
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(home)
        page.keyboard.press("/")
        page.keyboard.type("extradition")
        meta = page.locator(".md-search-result__meta")
        expect(meta).to_have_text(re.compile(r"\d+ matching documents"))
        result = page.locator(".md-search-result__item > a.md-search-result__link").first
        target = result.get_attribute("href")
        result.click()
        page.wait_for_url(re.compile(r"^file://.*\.html"))
        assert page.url.startswith("file://") and target
        expect(page.locator("article h1")).to_be_visible()
    finally:
        browser.close(context)
    assert errors == []
    assert [u for u in requests if not u.startswith(("file://", "data:", "blob:"))] == []
