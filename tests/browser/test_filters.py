"""Narrowing the long lists (filters.js): a topic's facts by status and words, a kind's sources by words
(each topic and each kind has its own page: the split pages are the topic and kind filters); the
choice is kept in the address; a linked record is never left hidden; without JavaScript every record
is on the page and no control is shown."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

from .conftest import LocalSite, run_axe

pytestmark = pytest.mark.browser

FACTS = "/case/facts/charges-2020/"  # the topic with the most facts, of more than one status
SOURCES = "/sources/press/"
SHOWN_FACTS = "article > .cb-fact:not(.cb-filtered-out)"
COUNT = re.compile(r"Showing (\d+) of (\d+) facts\.")


def _count(page: object) -> tuple[int, int]:
    match = COUNT.search(page.locator(".cb-filter__count").inner_text())
    assert match, page.locator(".cb-filter__count").inner_text()
    return int(match.group(1)), int(match.group(2))


def test_status_filter_shows_only_that_kind_of_statement_and_keeps_it_in_the_address(page, server: LocalSite):
    page.goto(server.url(FACTS))
    total = page.locator("article > .cb-fact").count()
    expect(page.locator(".cb-filter__count")).to_have_text(f"Showing all {total} facts.")
    page.get_by_role("button", name=re.compile(r"^Alleged \(\d+\)$")).click()
    shown, of = _count(page)
    assert of == total and 0 < shown < total
    classes = page.locator(SHOWN_FACTS).evaluate_all("els => els.map(e => e.className)")
    assert len(classes) == shown and all("cb-fact--alleged" in c for c in classes)
    assert "status=alleged" in page.url
    # the same address, opened afresh, shows the same list: a teacher can link it
    page.goto(page.url)
    assert _count(page) == (shown, total)
    expect(page.get_by_role("button", name=re.compile(r"^Alleged"))).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Show all").click()
    assert page.locator(SHOWN_FACTS).count() == total and "status=" not in page.url


def test_words_narrow_the_facts(page, server: LocalSite):
    page.goto(server.url(FACTS))
    assert page.locator("#cb-filter-section").count() == 0  # one topic: no topic choice on its page
    page.locator("#cb-filter-words").fill("complaint")
    shown, total = _count(page)
    assert 0 < shown < total
    texts = page.locator(SHOWN_FACTS).evaluate_all("els => els.map(e => e.textContent.toLowerCase())")
    assert all("complaint" in t for t in texts)
    assert "words=complaint" in page.url


def test_a_linked_record_is_shown_whatever_the_filter(page, server: LocalSite):
    page.goto(server.url(f"{FACTS}?status=alleged"))
    hidden = page.locator("article > .cb-fact.cb-filtered-out").first.get_attribute("id")
    page.goto(server.url(f"{FACTS}?status=alleged#{hidden}"))
    expect(page.locator(f'[id="{hidden}"]')).to_be_visible()
    expect(page.locator(".cb-filter__count")).to_have_text(re.compile(r"^Showing all \d+ facts\.$"))


def test_sources_of_a_kind_narrow_by_words(page, server: LocalSite):
    page.goto(server.url(SOURCES))
    total = page.locator("article > .cb-source").count()
    expect(page.locator(".cb-filter__count")).to_have_text(f"Showing all {total} sources.")
    page.locator("#cb-filter-words").fill("zoom")
    expect(page.locator(".cb-filter__count")).to_have_text(re.compile(r"^Showing \d+ of \d+ sources\.$"))
    texts = page.locator("article > .cb-source:not(.cb-filtered-out)").evaluate_all(
        "els => els.map(e => e.textContent.toLowerCase())"
    )
    assert 0 < len(texts) < total and all("zoom" in t for t in texts)


def test_the_controls_pass_axe_in_both_palettes(new_context, server: LocalSite):
    for scheme in ("light", "dark"):
        page = new_context(color_scheme=scheme).new_page()
        page.goto(server.url(f"{FACTS}?status=reported"))
        expect(page.locator(".cb-filter")).to_be_visible()
        assert run_axe(page) == []


def test_without_javascript_every_record_is_listed_and_no_control_is_shown(new_context, server: LocalSite):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server.url(f"{FACTS}?status=alleged"))
    assert page.locator(".cb-filter").count() == 0
    assert page.locator("article > .cb-fact").count() == page.locator("article .cb-fact").count() > 8
    assert page.locator(".cb-filtered-out").count() == 0


@pytest.mark.parametrize("path", [FACTS, "/case/facts/"])
def test_an_address_with_a_broken_escape_raises_no_error(page, server: LocalSite, path: str) -> None:
    """A hand-typed or truncated link (#%E0%A4) names no record: the page shows whole, with no script
    error (the `page` fixture fails on any), and stays where it is."""
    page.goto(server.url(f"{path}#%E0%A4"))
    page.locator("article h1").first.wait_for()
    page.wait_for_timeout(300)  # the hash handlers run after Material mounts the page
    assert page.url.endswith(f"{path}#%E0%A4")
