"""What a reader does: search offline, switch the palette, read a term's tooltip, print a lesson."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

from .conftest import LocalSite

pytestmark = pytest.mark.browser


def test_search_works_offline_and_lands_on_the_match(page, server: LocalSite) -> None:
    page.goto(server.url("/"))
    meta = page.locator(".md-search-result__meta")
    page.keyboard.press("/")  # the search shortcut
    expect(page.locator(".md-search__input")).to_be_focused()
    expect(meta).to_have_text(re.compile("Type to start searching"))  # the index is loaded
    page.context.set_offline(True)  # from here on, search runs on what the page already has
    page.keyboard.type("extradition")
    expect(meta).to_have_text(re.compile(r"\d+ matching documents"))
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    expect(results.first).to_be_visible()
    assert results.count() > 0
    page.context.set_offline(False)
    # a result for a section of a page (an anchor), so the landing point is checked too
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    target = next((h for h in hrefs if "#" in h), hrefs[0])
    page.locator(f'.md-search-result__item > a.md-search-result__link[href="{target}"]').click()
    page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(target).path)
    highlight = page.locator("article mark[data-md-highlight]").first
    expect(highlight).to_have_text(re.compile("extradition", re.IGNORECASE))
    fragment = urlsplit(target).fragment
    if fragment:
        expect(page.locator(f'[id="{fragment}"]')).to_be_in_viewport()


def test_the_search_index_is_fetched_when_search_is_used_not_with_every_page(page, server: LocalSite) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    index = "/search/search_index.json"
    page.goto(server.url("/case/"))
    page.wait_for_load_state("networkidle")
    assert index not in asked  # a reader who never searches never downloads it
    assert "/sitemap.xml" in asked or "/assets/javascripts/bundle" in " ".join(asked)  # the page did load its scripts
    with page.expect_request(lambda request: urlsplit(request.url).path == index):
        page.locator(".md-search__input").click()  # the search box
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile("Type to start searching"))
    page.keyboard.type("extradition")
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile(r"\d+ matching documents"))
    assert asked.count(index) == 1
    # an address from a search result highlights its words at once: the index is fetched straight away
    with page.expect_request(lambda request: urlsplit(request.url).path == index):
        page.goto(server.url("/glossary/?h=extradition"))
    expect(page.locator("article mark[data-md-highlight]").first).to_be_visible()


def test_palette_switch_changes_scheme_and_survives_reload(page, server: LocalSite) -> None:
    page.goto(server.url("/case/"))
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")  # follows the (light) system
    # the toggle cycles through the palettes of mkdocs.yml: system preference -> light -> dark;
    # Material keeps the reader's choice in local storage
    toggle = page.locator("form[data-md-component=palette] label:visible")
    chosen = "() => (__md_get('__palette') || {}).index"
    toggle.click()
    page.wait_for_function(f"({chosen})() === 1")
    toggle.click()
    page.wait_for_function(f"({chosen})() === 2")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate(chosen) == 2
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background != "rgb(255, 255, 255)"


def tooltip(page):
    return page.locator(".md-tooltip2--active .md-tooltip2__inner")


# The text of the visible tooltip that belongs to an element: Material links a term to its tooltip
# by aria-describedby, a footnote reference to its own by aria-controls.
TOOLTIP_OF = """el => {
  const id = el.getAttribute("aria-describedby") || el.getAttribute("aria-controls");
  const tip = id && document.getElementById(id);
  return tip && tip.classList.contains("md-tooltip2--active") ? tip.textContent.trim() : null;
}"""


def test_glossary_term_shows_tooltip_on_hover_and_on_keyboard_focus(page, server: LocalSite) -> None:
    page.goto(server.url("/case/"))
    definitions = dict(
        page.evaluate("[...document.querySelectorAll('article abbr')].map(a => [a.textContent, a.title])")
    )
    term = page.locator("article abbr").first
    definition = definitions[term.text_content()]
    assert definition and len(definition) > 20
    term.hover()
    page.wait_for_function(f"({TOOLTIP_OF})(document.querySelector('article abbr')) !== null")
    assert term.evaluate(TOOLTIP_OF) == definition
    page.mouse.move(0, 0)
    expect(tooltip(page)).to_have_count(0)
    # keyboard: Tab from the top of the page until a glossary term has the focus
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ABBR":
            break
    else:
        pytest.fail("no glossary term is reachable with Tab")
    page.wait_for_function(f"({TOOLTIP_OF})(document.activeElement) !== null")
    focused = page.evaluate("document.activeElement.textContent")
    assert page.evaluate(f"({TOOLTIP_OF})(document.activeElement)") == definitions[focused]


def test_citation_footnote_shows_its_source_on_hover(page, server: LocalSite) -> None:
    """With a mouse, resting on a citation shows its popover without taking the focus; the pointer
    can move onto it; leaving both closes it; a click pins it. Material's footnote tooltips are off,
    so the page mounts nothing per footnote number."""
    page.goto(server.url("/case/"))
    ref = page.locator("article a.footnote-ref").first
    note = page.locator(f'[id="{ref.get_attribute("href").split("#")[-1]}"]')
    title = " ".join((note.locator(".cb-cite__title").first.text_content() or "").split())  # undrawn: no inner_text
    popover = page.locator(".cb-popover")
    ref.hover()
    expect(popover).to_be_visible()
    assert title and title in " ".join(popover.inner_text().split())
    assert page.evaluate("document.activeElement.closest('.cb-popover') === null")  # the focus stayed
    expect(page.locator(".md-tooltip2")).to_have_count(0)  # no second copy from Material
    popover.locator(".cb-popover__source-title").first.hover()  # onto the popover: it stays
    page.wait_for_timeout(700)
    expect(popover).to_be_visible()
    page.locator("article h1").hover()  # off both: it goes
    expect(popover).to_have_count(0)
    ref.hover()
    expect(popover).to_be_visible()
    ref.click()  # pinned, with the focus in it, as a tap would
    expect(popover).to_be_focused()
    page.locator("article h1").hover()
    page.wait_for_timeout(700)
    expect(popover).to_be_visible()
    page.locator("article a.footnote-ref").nth(1).hover()  # another number does not replace a pinned one
    page.wait_for_timeout(700)
    expect(popover).to_have_count(1)
    expect(popover).to_be_focused()
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(ref).to_be_focused()


def test_lesson_print_view_hides_navigation_and_expands_notes(page, server: LocalSite) -> None:
    # the student page has nothing collapsed to open: its answers and notes are not in it at all
    page.goto(server.url("/lessons/insider-risk-tabletop/"))
    expect(page.locator("article details:not(.cb-toc)")).to_have_count(0)  # "On this page" is no answer
    # the instructor view prints with its collapsed parts (the "Cite this page" box) opened
    page.goto(server.url("/lessons/insider-risk-tabletop/instructor/"))
    notes = page.locator("details", has=page.locator("> summary", has_text="Cite this page"))
    expect(notes).to_have_count(1)
    body = notes.locator("> :not(summary)").first
    expect(body).to_be_hidden()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-search"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(body).to_be_visible()  # print CSS shows a closed <details>' content
    # Printing for real (page.pdf) fires beforeprint: print.js opens every <details> for the print.
    page.evaluate(
        "window.__openWhenPrinting = null; addEventListener('beforeprint', () => {"
        " window.__openWhenPrinting = [...document.querySelectorAll('article details')].every(d => d.open) })"
    )
    assert len(page.pdf()) > 10_000
    assert page.evaluate("window.__openWhenPrinting") is True
    assert notes.evaluate("d => d.open") is False  # afterprint puts them back


# Facts and sources moved to a page per topic and per kind; their old addresses were published.
OLD_FACT = "/case/facts/#complaint-unsealed-2020-12-18"
NEW_FACT = "/case/facts/charges-2020/#complaint-unsealed-2020-12-18"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (OLD_FACT, NEW_FACT),
        ("/sources/#doj-2020-12-18-release", "/sources/government/#doj-2020-12-18-release"),
        # a topic's page, named with a fact that is on another topic's page: on through the index
        ("/case/facts/background/#complaint-unsealed-2020-12-18", NEW_FACT),
    ],
    ids=["fact", "source", "fact-on-another-topic"],
)
def test_an_old_record_address_goes_on_to_the_record(page, server: LocalSite, old: str, new: str) -> None:
    page.goto(server.url(old))
    page.wait_for_url(lambda url: urlsplit(url).path + "#" + urlsplit(url).fragment == new)
    record = page.locator(f'[id="{urlsplit(new).fragment}"]')
    expect(record).to_have_class(re.compile(r"\bcb-record\b"))
    expect(record).to_be_in_viewport()
    page.go_back()  # the old address was replaced in the history, not added to it
    assert urlsplit(page.url).path + "#" + urlsplit(page.url).fragment != old


def test_an_old_record_address_without_javascript_shows_a_link_to_the_record(new_context, server: LocalSite) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server.url(OLD_FACT))
    stub = page.locator('[id="complaint-unsealed-2020-12-18"]')
    expect(stub).to_be_visible()  # the browser opened the collapsed list to show it
    expect(stub).to_be_in_viewport()
    stub.click()
    page.wait_for_url(re.compile(re.escape(NEW_FACT) + "$"))
    expect(page.locator('[id="complaint-unsealed-2020-12-18"]')).to_have_class(re.compile(r"\bcb-fact\b"))
