"""Every built page of the real site passes the Nu Html Checker (vnu.jar, pinned in tests/browser/package.json),
except for the exact messages listed here, which come from markup this project does not write.

A message not listed fails, so a new error from the project's own markup (third-party-clients §1: an
unescaped quote in a meta description, 13 errors on one page) cannot hide among Material's. Warnings
and info messages (such as "Trailing slash on void elements" from Python-Markdown's ``<hr />``) do not
fail. Needs Java (Debian's default-jre-headless, installed by .ci/run) and the node tools
(`make tests/browser/node_modules/.package-lock.json`); without them the test is skipped locally, but
fails under CI. The check takes about 15 s for the whole site on one core.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from .conftest import ROOT

VNU = ROOT / "tests" / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors from Material for MkDocs' own templates, unchanged by this project (on every page)
MATERIAL = {
    # base.html: the drawer and search toggles are <input type="checkbox" autocomplete="off">
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, "
    "“email”, “hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
    # partials/nav-item.html: a section's <label … tabindex=""> when the section is not navigable
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.",
    # partials/toc.html: <label class="md-nav__title" for="__toc">, whose checkbox (partials/nav-item.html)
    # is on the page only when the table of contents is integrated in the navigation
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.",
}
# Errors in the CSS that Marp CLI writes into each lesson's slides (<name>-slides.html): its bespoke
# HTML template and the default theme (from github-markdown-css), newer CSS than the checker knows
MARP = {
    "CSS: Parse Error.",
    'CSS: “--borderColor-neutral-muted”: Cannot invoke "org.w3c.css.values.CssValue.getType()" because "val" is null.',
    "CSS: “--color-prettylights-syntax-invalid-illegal-bg”: Cannot invoke "
    '"org.w3c.css.values.CssValue.getType()" because "val" is null.',
    "CSS: “--color-prettylights-syntax-invalid-illegal-text”: Cannot invoke "
    '"org.w3c.css.values.CssValue.getType()" because "val" is null.',
    'CSS: “--focus-outlineColor”: Cannot invoke "org.w3c.css.values.CssValue.getType()" because "val" is null.',
    "CSS: “background-image”: too few values for the property “conic-gradient”.",
    "CSS: “container-type”: Property “container-type” doesn't exist.",
    "CSS: “interactivity”: Property “interactivity” doesn't exist.",
    "CSS: “mix-blend-mode”: “plus-lighter” is not a “mix-blend-mode” value.",
    "CSS: “view-transition-name”: Property “view-transition-name” doesn't exist.",
}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the Nu Html Checker may not be skipped)", pytrace=False)
    pytest.skip(reason)


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        _unavailable("Java is not installed (apt-get install default-jre-headless)")
    if not VNU.is_file():
        _unavailable("vnu.jar is not installed: run `make tests/browser/node_modules/.package-lock.json`")
    return [str(java), "-jar", str(VNU)]


def check(files: list[Path]) -> list[dict]:
    """The Nu Html Checker's messages on ``files`` (HTML, and SVG by extension), as it gives them."""
    result = subprocess.run(
        [*_checker(), "--format", "json", "--exit-zero-always", "--also-check-svg", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]


def unexpected(messages: list[dict], site: Path) -> Counter[tuple[str, str]]:
    """(page, message) of each error that is not Material's (or Marp's, in a slides file), counted."""
    found: Counter[tuple[str, str]] = Counter()
    for message in messages:
        if message["type"] not in ("error", "non-document-error"):
            continue
        page = message.get("url", "").removeprefix("file:")
        page = Path(page).relative_to(site).as_posix() if page.startswith(str(site)) else page
        allowed = MATERIAL | (MARP if page.endswith("-slides.html") else set())
        if message.get("message") not in allowed:
            found[page, message.get("message", "")] += 1
    return found


def test_every_page_passes_the_nu_html_checker_but_for_material(real_site: Path) -> None:
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 60 and any(p.name.endswith("-slides.html") for p in pages)
    messages = check([*pages, real_site / "timeline.svg"])
    checked = {m.get("url", "") for m in messages}
    assert len(checked) > 60  # the checker read the pages (every page has Material's errors)
    assert unexpected(messages, real_site) == Counter()


def test_the_checker_fails_on_project_markup(tmp_path: Path) -> None:
    """The unescaped quote of third-party-clients §1 is caught; a Material message alone is not."""
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
    broken = tmp_path / "broken.html"
    broken.write_text(head + '<meta name="description" content="a "covered person" b"></head><body></body></html>')
    material = tmp_path / "material.html"
    material.write_text(head + '</head><body><input type="checkbox" autocomplete="off" id="x"></body></html>')
    found = unexpected(check([broken, material]), tmp_path)
    assert {page for page, _ in found} == {"broken.html"}
    assert sum(found.values()) >= 3
