"""Keyboard only: the skip link, the search shortcut, and a visible focus on every stop of the tab order."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (or fails them under CI)
    expect = None

from .conftest import LocalSite

pytestmark = pytest.mark.browser

# What has the focus, and whether the reader can see it: the focused element (for a hidden radio or
# checkbox, its visible label) is rendered, not transparent, and has an outline or a shadow ring.
# The search field shows its focus by opening the search dialog around it.
FOCUS = """async () => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.dataset.tabbed) return null;  // round the page once: the tab order is done
  el.dataset.tabbed = "1";
  let shown = el;
  if (el.matches("input[type=radio], input[type=checkbox]")) {
    // Material draws a hidden option's focus on the label after it
    const next = el.nextElementSibling;
    const labels = [...(next && next.matches("label") ? [next] : []), ...document.querySelectorAll("label")]
      .filter(l => l === next || l.htmlFor === el.id);
    shown = labels.find(l => l.checkVisibility({opacityProperty: true, visibilityProperty: true})) || el;
  }
  const check = () => {
    const style = getComputedStyle(shown);
    const box = shown.getBoundingClientRect();
    const rendered = shown.isConnected && box.width > 0 && box.height > 0
      && shown.checkVisibility({opacityProperty: true, visibilityProperty: true});
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const searchOpen = el.matches(".md-search__input") && document.getElementById("__search").checked;
    return rendered && (outline || style.boxShadow !== "none" || searchOpen);
  };
  let visible = check();
  if (!visible) {  // give transitions under way (the skip link fades in) and one frame time to finish
    const finite = a => a.effect && a.effect.getComputedTiming().endTime !== Infinity;
    await Promise.all(document.getAnimations().filter(finite).map(a => a.finished.catch(() => null)));
    await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    visible = check();
  }
  const classes = [...el.classList].filter(c => c !== "focus-visible").map(c => "." + c).join("");
  const label = (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40);
  const style = getComputedStyle(shown);
  const why = `connected ${shown.isConnected}, outline ${style.outlineStyle} ${style.outlineWidth},`
    + ` shadow ${style.boxShadow}, opacity ${style.opacity}, visibility ${style.visibility}`;
  return {name: `${el.tagName.toLowerCase()}${classes} ${JSON.stringify(label)}`, visible, why};
}"""


def test_skip_link_reaches_the_main_content(page, server: LocalSite) -> None:
    page.goto(server.url("/topics/insider-risk/"))
    page.keyboard.press("Tab")
    skip = page.locator("a.md-skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    expect(skip).to_have_css("opacity", "1")
    page.keyboard.press("Enter")
    heading = page.locator("article h1")
    # the skip link moves the focus to the heading (casebook.js), so where the next Tab goes does not
    # depend on the browser's focus starting point or on Material's instant navigation
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    # the next Tab continues inside the main content, past the header and the navigation
    page.keyboard.press("Tab")
    page.wait_for_function("document.querySelector('.md-content').contains(document.activeElement)", timeout=5000)
    assert page.evaluate("document.activeElement !== document.querySelector('article h1')")


def test_search_opens_with_its_shortcut(page, server: LocalSite) -> None:
    page.goto(server.url("/case/facts/"))
    page.keyboard.press("/")
    expect(page.locator(".md-search__input")).to_be_focused()
    expect(page.locator("#__search")).to_be_checked()
    page.keyboard.press("Escape")
    expect(page.locator("#__search")).not_to_be_checked()


@pytest.mark.parametrize("path", ["/", "/lessons/insider-risk-tabletop/"], ids=["home", "lesson"])
def test_every_interactive_element_shows_focus(page, server: LocalSite, path: str) -> None:
    """Tab through the whole page, header to footer (a lesson has links, terms, footnotes, answers)."""
    page.goto(server.url(path))
    stops, invisible = [], []
    for _ in range(1000):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:  # back to the document, or to an element already seen: the tab order is done
            break
        stops.append(focus["name"])
        if not focus["visible"]:
            invisible.append(f"{focus['name']} ({focus['why']})")
    else:
        pytest.fail("the tab order never came back to the document")
    assert len(stops) > 20
    kinds = " ".join(stops)
    for kind in ("a.md-skip", "input.md-search__input", "a.md-nav__link"):
        assert kind in kinds
    assert invisible == []


def test_focus_check_catches_an_invisible_focus(page, server: LocalSite) -> None:
    page.goto(
        server.probe(
            "/__probe/no-focus/",
            '<!doctype html><html lang="en"><title>probe</title><link rel="icon" href="data:,">'
            "<style>a:focus { outline: none }</style>"
            '<main><a href="/">one</a> <a href="/" style="opacity: 0">two</a></main></html>',
        )
    )
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert (focus["name"], focus["visible"]) == ('a "one"', False)  # no outline
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert (focus["name"], focus["visible"]) == ('a "two"', False)  # transparent
