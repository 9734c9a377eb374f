"""Permalink signs, the "→" fact links, citation numbers and the timeline picture's text have at least
4.5:1 contrast (WCAG AA) in both palettes.

axe-core reports a one-character link as "incomplete" ("too short to determine if it is actual text
content"), never as a violation, so ``test_pages`` cannot catch a faded sign: here the contrast is
computed from the computed styles, with every ancestor's opacity and background blended in.
(third-party-clients: pa11y's axe 4.11 found 588 such signs at 1.3:1 to 2.8:1.)
"""

from __future__ import annotations

import pytest

from .conftest import DRAW_ALL, LocalSite, in_each_palette, settle

pytestmark = pytest.mark.browser

AA = 4.5
# (page, selector, what): every kind of sign, on pages that have it
SIGNS = (
    ("/case/facts/", "a.headerlink", "section permalink"),
    ("/case/facts/charges-2020/", "a.cb-permalink", "record permalink"),
    ("/case/allegations/", 'a[title="The fact and its sources"]', "fact link"),
    # axe (and so pa11y) leaves these as "needs review" too: a citation number is one or two characters,
    # and text in an SVG picture is not measured (tests/browser/test_pa11y.py lists them for that reason)
    ("/topics/insider-risk/", "article a.footnote-ref", "citation number"),
    ("/case/timeline/", ".cb-timeline-figure svg text", "timeline picture text"),
    ("/case/", "#diagram-who-asked-whom svg text", "who-asked-whom diagram text"),
    # a lock's number is the same pair of colours reversed (background-coloured text on a block of the
    # text colour), which this measure, blending CSS backgrounds only, cannot see: the rest of the text
    ("/topics/extradition/", "#diagram-extradition-locks svg text:not(.cb-dg-fill)", "chain-of-locks diagram text"),
    ("/topics/data-sovereignty/", "#diagram-law-reaches-data svg text", "law-and-data matrix text"),
)

# The colour a reader sees: the text colour with its alpha and the product of every ancestor's
# opacity, over the blend of the backgrounds behind it (white under all). WCAG 2 relative luminance.
CONTRASTS = """(selector) => {
  const rgba = (s) => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    const layers = []; let opacity = 1;
    for (let n = el; n; n = n.parentElement) {
      const style = getComputedStyle(n); opacity *= Number(style.opacity);
      const bg = rgba(style.backgroundColor); if (bg[3] > 0) layers.push(bg);
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    // SVG text is painted with its fill (the pictures use currentColor, resolved here)
    const paint = el instanceof SVGElement ? getComputedStyle(el).fill : getComputedStyle(el).color;
    const fg = rgba(paint); fg[3] *= opacity;
    const [a, b] = [lum(over(fg, bg)), lum(bg)].sort((x, y) => y - x);
    out.push((a + 0.05) / (b + 0.05));
  }
  return out;
}"""


def _ratios(page: object, selector: str) -> list[float]:
    return page.evaluate(CONTRASTS, selector)


@pytest.mark.parametrize(("path", "selector", "what"), SIGNS, ids=[s[2] for s in SIGNS])
def test_signs_have_aa_contrast_in_both_palettes(new_context, server: LocalSite, path: str, selector: str, what: str):
    page = new_context(color_scheme="light").new_page()
    page.goto(server.url(path), wait_until="load")
    page.evaluate(DRAW_ALL)  # records off the screen are not drawn until the reader nears them (casebook.css)
    lowest = {}
    for scheme in in_each_palette(page):
        settle(page)
        ratios = _ratios(page, selector)
        assert ratios, f"no {what} shown on {path}"
        lowest[scheme] = round(min(ratios), 2)
    assert all(ratio >= AA for ratio in lowest.values()), f"{what} on {path}: lowest contrast {lowest}"


def test_contrast_measure_catches_a_faded_sign(new_context, server: LocalSite) -> None:
    page = new_context().new_page()
    page.goto(
        server.probe(
            "/__probe/faded/",
            '<!doctype html><html lang="en"><head><title>probe</title></head><body style="background:#fff">'
            '<p style="opacity:0.5"><a id="a" style="color:#757575" href="#">¶</a></p>'
            '<p><a id="b" style="color:#757575" href="#">¶</a></p></body></html>',
        ),
        wait_until="load",
    )
    [faded], [whole] = _ratios(page, "#a"), _ratios(page, "#b")
    assert faded < AA <= whole
