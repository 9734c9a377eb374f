"""The three diagrams on a phone (390 × 844 with touch): inside the screen, labels of at least 12 px, text
inside its picture, no serious axe finding in either palette, and black in print."""

from __future__ import annotations

import pytest

from .conftest import LocalSite, in_each_palette, run_axe, settle

pytestmark = pytest.mark.browser

PICTURES = {
    "who-asked-whom": "/case/",
    "extradition-locks": "/topics/extradition/",
    "law-reaches-data": "/topics/data-sovereignty/",
}

MEASURE = """(id) => {
  const figure = document.getElementById('diagram-' + id);
  const svg = figure.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('text')];
  const px = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const width = document.documentElement.clientWidth;
  const name = e => `${e.tagName.toLowerCase()} "${(e.textContent || '').trim().slice(0, 30)}"`;
  const outside = [...figure.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < -0.5 || r.right > width + 0.5);
  }).map(name);
  const spilling = texts.filter(t => {
    const r = t.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5;
  }).map(name);
  return {width: box.width, screen: width, page: document.documentElement.scrollWidth,
          smallest: Math.min(...px), labels: px.length, outside: outside.slice(0, 5), spilling: spilling.slice(0, 5)};
}"""


@pytest.mark.parametrize(("diagram", "path"), PICTURES.items(), ids=PICTURES.keys())
def test_a_diagram_fits_a_phone_with_labels_of_at_least_12px(phone, server: LocalSite, diagram: str, path: str) -> None:
    phone.goto(server.url(path))
    phone.locator(f"#diagram-{diagram} svg").wait_for()
    found = phone.evaluate(MEASURE, diagram)
    assert found["labels"] >= 10 and found["smallest"] >= 12, found
    assert found["width"] <= found["screen"] and found["page"] <= found["screen"], found
    assert found["outside"] == [] and found["spilling"] == [], found


@pytest.mark.parametrize(("diagram", "path"), PICTURES.items(), ids=PICTURES.keys())
def test_a_diagram_passes_axe_in_both_palettes_and_prints_black(
    new_context, server: LocalSite, diagram: str, path: str
) -> None:
    page = new_context(color_scheme="light").new_page()
    page.goto(server.url(path), wait_until="load")
    found = {}
    for scheme in in_each_palette(page):
        found[scheme] = run_axe(page)
        # the picture's lines and labels are the page's text colour, not the link colour
        colours = page.evaluate(
            "id => { const svg = document.querySelector('#diagram-' + id + ' svg');"
            " const text = svg.querySelector('a text.cb-dg-link');"
            " return [getComputedStyle(text).fill, getComputedStyle(document.querySelector('article')).color]; }",
            diagram,
        )
        assert colours[0] == colours[1], (scheme, colours)
    assert found == {"light": [], "dark": []}
    page.emulate_media(media="print", color_scheme="dark")
    settle(page)  # links fade to their new colour (Material's transition)
    fill = page.evaluate(f"getComputedStyle(document.querySelector('#diagram-{diagram} svg a text.cb-dg-link')).fill")
    assert fill == "rgb(0, 0, 0)"
