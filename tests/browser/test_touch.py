"""Phones and tablets: citations open a popover on a tap (and on Enter), every page has a table of
contents where it needs one, nothing is wider than the screen, and the timeline's labels can be read.

The phone is 390 × 844 CSS px with touch (`has_touch`, `is_mobile`), as in the readers' review.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

from .conftest import PHONE, LocalSite

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "case": "/case/",
    "facts": "/case/facts/",
    "facts-topic": "/case/facts/charges-2020/",
    "timeline": "/case/timeline/",
    "law": "/laws/prc-national-intelligence-law/",
    "lesson": "/lessons/insider-risk-tabletop/",
    "sources": "/sources/",
    "sources-kind": "/sources/press/",
    "glossary": "/glossary/",
}


def words(text: str) -> str:
    return " ".join(text.replace("↩", "").split())


def test_a_tap_on_a_citation_opens_its_popover_with_the_source_and_excerpt(phone, server: LocalSite) -> None:
    phone.goto(server.url("/case/"))
    ref = phone.locator("article a.footnote-ref").first
    note = phone.locator(f'[id="{ref.get_attribute("href").split("#")[-1]}"]')
    title = words(note.locator(".cb-cite__title").first.text_content())
    excerpt = words(note.locator(".cb-cite__excerpt").first.text_content())
    assert title and excerpt
    ref.scroll_into_view_if_needed()
    box = ref.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box  # a tap target of at least 24 × 24 px
    before = phone.evaluate("scrollY")
    ref.tap()
    popover = phone.get_by_role("dialog", name=re.compile(r"^Citation \d+$"))
    expect(popover).to_be_visible()
    expect(popover).to_be_in_viewport(ratio=1)
    shown = words(popover.inner_text())
    assert title in shown and excerpt in shown, shown
    expect(popover.get_by_role("link", name="Original").first).to_have_attribute("href", re.compile("^https://"))
    expect(popover.get_by_role("link", name="Archived copy").first).to_have_attribute("href", re.compile("^https://"))
    expect(popover.locator(".cb-badge")).to_have_text("On the record")  # the statement's status
    assert phone.evaluate("scrollY") == before  # no jump to the foot of the page
    expect(ref).to_have_attribute("aria-expanded", "true")
    # a tap elsewhere closes it
    phone.locator("article h1").tap()
    expect(popover).to_have_count(0)
    expect(ref).to_have_attribute("aria-expanded", "false")


def test_enter_opens_a_citation_popover_and_escape_closes_it_and_returns_focus(page, server: LocalSite) -> None:
    page.goto(server.url("/case/facts/charges-2020/"))
    ref = page.locator("article .cb-fact a.footnote-ref").first
    ref.focus()
    page.keyboard.press("Enter")
    popover = page.get_by_role("dialog", name=re.compile(r"^Citation \d+$"))
    expect(popover).to_be_focused()
    expect(popover.locator(".cb-popover__source-title")).not_to_be_empty()
    expect(popover.locator(".cb-badge")).to_have_count(1)  # the status, from the fact's own badge
    assert "#fn:" not in page.url  # the page did not jump to the footnote
    page.keyboard.press("Tab")  # the popover's controls are reachable with the keyboard
    assert page.evaluate("document.activeElement.closest('.cb-popover') !== null")
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(ref).to_be_focused()
    expect(ref).to_have_attribute("aria-expanded", "false")


def test_a_citation_without_javascript_jumps_to_its_footnote(new_context, server: LocalSite) -> None:
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(server.url("/case/"))
    ref = page.locator("article a.footnote-ref").first
    target = ref.get_attribute("href").split("#")[-1]
    ref.tap()
    note = page.locator(f'[id="{target}"]')
    expect(note).to_be_in_viewport()
    expect(note.locator(".cb-cite__excerpt").first).not_to_be_empty()  # the same information as the popover
    expect(note.locator("a.cb-cite__archive").first).to_have_attribute("href", re.compile("^https://"))


def test_the_popover_never_prints_and_the_footnotes_do(page, server: LocalSite) -> None:
    page.goto(server.url("/case/"))
    page.locator("article a.footnote-ref").first.click()
    popover = page.locator(".cb-popover")
    expect(popover).to_be_visible()
    page.emulate_media(media="print")
    expect(popover).to_be_hidden()
    expect(page.locator(".footnote li").first).to_be_visible()
    expect(page.locator(".cb-toc")).to_be_hidden()


# A page whose footnote holds hostile text and addresses: the popover shows the text as text and drops
# every address that is not https or this site's. Material's document$ is stubbed: only casebook.js runs.
HOSTILE = """<!doctype html><html lang="en"><head><title>probe</title><link rel="icon" href="data:,"></head>
<body><main><article>
<h1>Probe</h1><p>A claim.<sup id="fnref:x"><a class="footnote-ref" href="#fn:x">1</a></sup></p>
<div class="footnote"><ol><li id="fn:x"><p>
<span class="cb-cite__status cb-cite__status--x&quot;onclick=&quot;alert(1)">
<strong>&lt;b&gt;Bold&lt;/b&gt;.</strong></span>
<span class="cb-cite"><span class="cb-cite__publisher">&lt;img src=x onerror="window.__pwned=1"&gt;</span>,
<span class="cb-cite__title">
<a href="javascript:window.__pwned=2">&lt;script&gt;window.__pwned=3&lt;/script&gt;</a></span>,
<span class="cb-cite__date">2020</span>. <span class="cb-cite__excerpt">“&lt;svg onload=window.__pwned=4&gt;”</span>
<a class="cb-url cb-cite__original" href="javascript:window.__pwned=5">Original</a> ·
<a class="cb-url cb-cite__archive" href="data:text/html,hi">Archived copy</a></span></p></li></ol></div>
</article></main>
<script>window.document$ = {subscribe: (f) => f()};</script>
<script src="/assets/javascripts/casebook.js"></script></body></html>"""


def test_the_popover_writes_record_text_as_text_and_drops_unsafe_addresses(phone, server: LocalSite) -> None:
    phone.goto(server.probe("/__probe/hostile-footnote/", HOSTILE))
    phone.locator("a.footnote-ref").tap()
    popover = phone.locator(".cb-popover")
    expect(popover).to_be_visible()
    shown = popover.inner_text()
    assert '<img src=x onerror="window.__pwned=1">' in shown and "<script>window.__pwned=3</script>" in shown
    assert "<svg onload=window.__pwned=4>" in shown
    assert popover.locator("img, script, svg, [onclick], [onerror], [onload]").count() == 0
    hrefs = popover.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["#fn:x"], hrefs  # only the way to the footnote; javascript: and data: are dropped
    assert popover.locator(".cb-badge").get_attribute("class") == "cb-badge"  # an unknown status gets no class
    assert phone.evaluate("window.__pwned") is None


def headings(page) -> list[str]:
    return page.locator("article h2[id], article h3[id]").evaluate_all("hs => hs.map(h => h.id)")


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_every_page_has_a_table_of_contents_on_a_phone(phone, server: LocalSite, path: str) -> None:
    phone.goto(server.url(path))
    ids = headings(phone)
    toc = phone.locator("article .cb-toc")
    if len(ids) < 2:
        expect(toc).to_have_count(0)  # none needed
        return
    expect(toc).to_be_visible()
    expect(toc).to_be_in_viewport()  # near the top, under the title
    toc.locator("summary").tap()
    links = toc.get_by_role("navigation", name="On this page").get_by_role("link")
    expect(links.first).to_be_visible()
    listed = [h.split("#")[-1] for h in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    assert listed == ids
    last = links.last
    last.tap()
    expect(phone.locator(f'[id="{ids[-1]}"]')).to_be_in_viewport()
    expect(toc).not_to_have_attribute("open", "")  # the list closes once a heading is chosen


def test_the_table_of_contents_list_is_for_narrow_screens_only(page, server: LocalSite) -> None:
    page.goto(server.url("/lessons/insider-risk-tabletop/"))  # 1280 px: Material's sidebar has the contents
    expect(page.locator(".cb-toc")).to_be_hidden()
    expect(page.locator(".md-sidebar--secondary")).to_be_visible()


# The page does not scroll sideways, and every element of its content and footer fits across the
# screen, or sits in a box that scrolls sideways and itself fits (a wide table). The navigation drawer,
# off the screen's edge until it is opened, is not content.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const fits = (r) => r.left >= -1 && r.right <= width + 1;
  const clipped = (el) => {  // by an ancestor that scrolls (or clips) sideways and fits on the screen
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const clips = ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(a).overflowX);
      if (clips && fits(a.getBoundingClientRect())) return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll(".md-content *, .md-footer *")) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || fits(r) || !el.checkVisibility()) continue;
    if (clipped(el)) continue;
    const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
    wide.push(`${name} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {page: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_nothing_is_wider_than_a_phone_screen(phone, server: LocalSite, path: str) -> None:
    phone.goto(server.url(path))
    phone.locator("article h1").first.wait_for()
    found = phone.evaluate(TOO_WIDE)
    assert found["page"] <= found["width"] and found["wide"] == [], found


def test_a_wide_table_scrolls_in_its_box_with_a_cue(phone, server: LocalSite) -> None:
    phone.goto(server.url("/lessons/"))
    box = phone.locator("article .md-typeset__scrollwrap.cb-scrolls").first
    expect(box).to_be_visible()
    expect(box).to_have_attribute("role", "region")  # named, and focusable for the arrow keys
    expect(box).to_have_attribute("tabindex", "0")
    assert "gradient" in box.evaluate("b => getComputedStyle(b).backgroundImage")  # the shadow on the hidden side
    expect(phone.locator("article .cb-scroll-hint").first).to_be_visible()


def test_timeline_labels_are_at_least_12px_on_a_phone(phone, server: LocalSite) -> None:
    phone.goto(server.url("/case/timeline/"))
    sizes = phone.evaluate(
        """() => [...document.querySelectorAll('.cb-timeline-figure svg')].filter(s => s.checkVisibility())
          .map(svg => {
            const scale = svg.getScreenCTM().a;
            const px = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
            return {width: svg.getBoundingClientRect().width, smallest: Math.min(...px), labels: px.length};
          })"""
    )
    [shown] = sizes  # one layout at a time
    assert shown["labels"] > 20 and shown["smallest"] >= 12, shown
    assert shown["width"] <= 390


def test_status_boxes_use_body_size_text(phone, server: LocalSite) -> None:
    phone.goto(server.url("/case/"))
    body = phone.locator("article").evaluate("a => parseFloat(getComputedStyle(a).fontSize)")  # .md-typeset
    box = phone.locator("article .admonition", has_text="Where things stand").first
    expect(box).to_be_visible()
    assert box.locator("p").last.evaluate("p => parseFloat(getComputedStyle(p).fontSize)") == body


def test_a_tap_on_the_search_icon_fetches_the_index_and_search_answers(phone, server: LocalSite) -> None:
    """On a phone the index is fetched when the search icon is tapped (``search-on-demand.js``)."""
    index = "/search/search_index.json"
    asked: list[str] = []
    phone.on("request", lambda request: asked.append(request.url))
    phone.goto(server.url("/case/timeline/"))
    phone.wait_for_load_state("networkidle")
    assert not [url for url in asked if url.endswith(index)]
    with phone.expect_request(lambda request: request.url.endswith(index)):
        phone.locator("label.md-header__button[for=__search]").tap()
    expect(phone.locator(".md-search__input")).to_be_focused()
    expect(phone.locator(".md-search-result__meta")).to_have_text(re.compile("Type to start searching"))
    phone.keyboard.type("liaison")
    expect(phone.locator(".md-search-result__meta")).to_have_text(re.compile(r"\d+ matching documents"))
