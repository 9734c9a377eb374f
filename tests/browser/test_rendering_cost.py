"""Long pages skip the rendering work of what is off the screen, and lose nothing by it.

The footnotes and the record blocks carry `content-visibility: auto` (casebook.css): the browser
leaves their style, layout and paint until they come near the screen, which is what brought the
mobile Lighthouse scores of the long pages up (scripts/bench/RESULTS.md, "Issue 15: Lighthouse").
These tests check that the skipping happens, and that a reader still reaches, prints and reads
everything: a link to a record deep in the page lands on it, printing draws every block, and a
citation's popover still shows its source from a footnote that has not been drawn.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

from .conftest import LocalSite

pytestmark = pytest.mark.browser


# For each selector: how many blocks, and how many the browser is skipping (their contents not drawn:
# a skipped block itself keeps its place on the page, what is inside it is left out).
SKIPPED = """(selector) => {
  const all = [...document.querySelectorAll(selector)];
  const skipped = (el) => el.firstElementChild && !el.firstElementChild.checkVisibility({contentVisibilityAuto: true});
  return {count: all.length, skipped: all.filter(skipped).length};
}"""


# the longest page of facts (one topic's), the timeline and the longest page of sources (one kind's)
FACTS, SOURCES = "/case/facts/charges-2020/", "/sources/press/"


@pytest.mark.parametrize(
    ("path", "blocks"),
    [(FACTS, ".cb-record"), ("/case/timeline/", ".cb-record"), (SOURCES, ".cb-record"), ("/glossary/", ".cb-term")],
)
def test_off_screen_records_and_footnotes_are_not_drawn_at_load(
    phone, server: LocalSite, path: str, blocks: str
) -> None:
    phone.goto(server.url(path))
    phone.locator("article h1").first.wait_for()
    records = phone.evaluate(SKIPPED, f"article {blocks}")
    assert records["count"] > 10 and records["skipped"] > records["count"] // 2, records
    if path != SOURCES:  # the bibliography cites nothing
        notes = phone.evaluate(SKIPPED, "article .footnote")
        assert notes == {"count": 1, "skipped": 1}, notes


def test_a_link_to_a_record_deep_in_the_page_lands_on_it(phone, server: LocalSite) -> None:
    last = phone.context.new_page()
    last.goto(server.url(FACTS))
    target = last.locator("article .cb-record").last.get_attribute("id")
    last.close()
    phone.goto(server.url(f"{FACTS}#{target}"))
    record = phone.locator(f'[id="{target}"]')
    expect(record).to_be_in_viewport()
    drawn = "(el) => el.firstElementChild.checkVisibility({contentVisibilityAuto: true})"
    assert phone.evaluate(drawn, record.element_handle())


@pytest.mark.parametrize("path", [FACTS, "/glossary/"])
def test_printing_draws_every_block(phone, server: LocalSite, path: str) -> None:
    phone.goto(server.url(path))
    phone.emulate_media(media="print")
    styles = phone.evaluate(
        """() => [...document.querySelectorAll("article .cb-record, article .cb-term, article .footnote")]
            .map(el => getComputedStyle(el).contentVisibility)"""
    )
    assert styles and set(styles) == {"visible"}, set(styles)


def test_a_citation_popover_reads_a_footnote_that_was_never_drawn(phone, server: LocalSite) -> None:
    phone.goto(server.url("/case/timeline/"))
    assert phone.evaluate(SKIPPED, "article .footnote")["skipped"] == 1
    ref = phone.locator("article a.footnote-ref").first
    note = phone.locator(f'[id="{ref.get_attribute("href").split("#")[-1]}"]')
    title = " ".join(note.locator(".cb-cite__title").first.text_content().split())
    ref.tap()
    popover = phone.get_by_role("dialog", name=re.compile(r"^Citation \d+$"))
    expect(popover).to_be_visible()
    assert title in " ".join(popover.text_content().split())


def test_a_jump_within_the_page_lands_on_its_heading_below_undrawn_records(phone, server: LocalSite) -> None:
    """The "On this page" list's last heading on the timeline (a year) sits below a dozen undrawn records.
    (A topic's page of facts has no headings to jump to: its facts are one list.)"""
    phone.goto(server.url("/case/timeline/"))
    assert phone.evaluate(SKIPPED, "article .cb-record")["skipped"] > 10
    toc = phone.locator("article .cb-toc")
    toc.locator("summary").tap()
    last = toc.get_by_role("navigation", name="On this page").get_by_role("link").last
    target = last.get_attribute("href").split("#")[-1]
    last.tap()
    expect(phone.locator(f'[id="{target}"]')).to_be_in_viewport()
