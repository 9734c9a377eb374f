"""The home page's "At a glance" box and the rows of "Allegations and answers", on a 390 × 844 phone
with touch and on a wide screen: body-size text, no element wider than the screen (not even inside a
box that scrolls), a table on a wide screen and labelled cards on a phone."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

from .conftest import LocalSite
from .test_touch import TOO_WIDE

pytestmark = pytest.mark.browser

# Every element of the block fits across the screen: a card that only fits because a box around it
# scrolls sideways (Material wraps tables in one) is still too wide for a phone.
OUTSIDE = """(selector) => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll(`${selector}, ${selector} *`)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !el.checkVisibility()) continue;
    const name = `${el.tagName.toLowerCase()}.${el.className}`;
    if (r.left < -1 || r.right > width + 1) wide.push(`${name} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  const scrolls = [...document.querySelectorAll(`${selector} *`)].filter(e => e.scrollWidth > e.clientWidth + 1
    && ["auto", "scroll"].includes(getComputedStyle(e).overflowX)).length;
  return {width, wide: wide.slice(0, 10), scrolls};
}"""


def _body_size(page) -> float:
    return page.locator("article").evaluate("a => parseFloat(getComputedStyle(a).fontSize)")


def test_the_glance_box_fits_a_phone_in_body_size_text(phone, server: LocalSite) -> None:
    phone.goto(server.url("/"))
    box = phone.locator("article .cb-glance")
    expect(box).to_be_visible()
    expect(box.locator("dt")).to_have_count(5)
    expect(box.locator("dd .cb-as-of")).to_have_text("As of April 2023, the latest source found.")
    body = _body_size(phone)
    sizes = box.locator("dd p").evaluate_all("ps => ps.map(p => parseFloat(getComputedStyle(p).fontSize))")
    assert sizes and all(size == body for size in sizes), (sizes, body)
    found = phone.evaluate(OUTSIDE, ".cb-glance")
    assert found["wide"] == [] and found["scrolls"] == 0, found
    page = phone.evaluate(TOO_WIDE)
    assert page["page"] <= page["width"], page


def test_allegations_are_labelled_cards_on_a_phone(phone, server: LocalSite) -> None:
    phone.goto(server.url("/case/allegations/"))
    row = phone.locator("#jin-primary-liaison").locator("xpath=ancestor::tr")
    expect(row).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    expect(phone.locator(".cb-pairs thead").first).to_be_hidden()
    labels = row.locator(".cb-pair__label")
    expect(labels).to_have_text(["Prosecutors allege:", "What Zoom said:", "On the record:"])
    cell = row.locator("td").first.evaluate("c => parseFloat(getComputedStyle(c).fontSize)")
    assert cell == _body_size(phone)
    found = phone.evaluate(OUTSIDE, ".cb-pairs")
    assert found["wide"] == [] and found["scrolls"] == 0, found
    page = phone.evaluate(TOO_WIDE)
    assert page["page"] <= page["width"] and page["wide"] == [], page


def test_allegations_are_a_table_with_column_headings_on_a_wide_screen(page, server: LocalSite) -> None:
    page.goto(server.url("/case/allegations/"))
    table = page.locator(".cb-pairs table").first
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    headings = ["What prosecutors allege", "What Zoom said", "What is on the record"]
    expect(table.locator("thead th")).to_have_text(headings)
    expect(table.locator(".cb-pair__label").first).to_be_hidden()  # the column heading says it
    cells = table.locator("tbody tr").first.locator("td")
    tops = cells.evaluate_all("cs => cs.map(c => Math.round(c.getBoundingClientRect().top))")
    assert len(set(tops)) == 1  # side by side


def test_the_glance_box_and_the_rows_print(page, server: LocalSite) -> None:
    page.emulate_media(media="print")
    page.goto(server.url("/"))
    box = page.locator("article .cb-glance")
    expect(box).to_be_visible()
    assert box.evaluate("b => getComputedStyle(b).borderTopColor") == "rgb(0, 0, 0)"  # black on paper
    page.goto(server.url("/case/allegations/"))
    expect(page.locator("#jin-primary-liaison").locator("xpath=ancestor::tr")).to_be_visible()
