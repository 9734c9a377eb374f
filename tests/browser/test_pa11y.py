"""pa11y (WCAG2AA: HTML_CodeSniffer and axe-core) finds nothing from this project's markup on any page
type, in the light palette and the dark one (third-party-clients §8).

pa11y is the outside tool the review ran (npm ``pa11y``, pinned in tests/browser/package.json). It runs
in Node, through tests/browser/pa11y_pages.cjs, which opens each page in Debian's Chromium (Puppeteer
never downloads a browser), emulates the colour scheme Material's palette follows, waits until no colour
transition runs, and hands the page to pa11y. Unlike tests/browser/test_pages.py, pa11y counts axe's
"needs review" results (axe could not decide) as errors, as the review saw them.

Every issue pa11y reports fails the test unless it is in KNOWN: each entry names the runner, the rule,
the exact message and a pattern for the element (selector, and where that is too general, its HTML),
and says why it is not a defect of this project's markup. Material's own markup (header forms, its
table-of-contents toggle) is listed as it is; the only issue from our markup that is listed is axe's
"needs review" on text it does not measure (the SVG text of the timeline picture and the diagrams), which
tests/browser/test_contrast.py measures instead. A new issue, or a definite violation on a listed
element, fails; a listed issue no page shows any more fails too, so the list cannot rot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import CHROMIUM_ARGS, HERE, PAGE_TYPES, PALETTES, LocalSite, chromium_path, unavailable

pytestmark = pytest.mark.browser

RUNNER = HERE / "pa11y_pages.cjs"
PA11Y = HERE / "node_modules" / "pa11y" / "package.json"
SCHEMES = dict(PALETTES)  # emulated prefers-color-scheme -> Material's palette
VIEWPORT = {"width": 1280, "height": 800}  # as the axe tests
PAGE_TIMEOUT_MS = 180_000  # per page: htmlcs on the longest pages, on a loaded 2-core machine


@dataclass(frozen=True)
class Known:
    """An issue pa11y reports that is not a defect of this project's markup, and why."""

    runner: str
    code: str
    message: str  # exact
    selector: str  # regular expression, matched whole
    why: str
    context: str = r"(?s).*"  # regular expression over the element's HTML, matched from its start
    needs_review: bool | None = None  # True: only axe's "needs review", never a definite violation

    def explains(self, issue: dict) -> bool:
        return (
            issue["runner"] == self.runner
            and issue["code"] == self.code
            and issue["message"] == self.message
            and re.fullmatch(self.selector, issue["selector"]) is not None
            and re.match(self.context, issue["context"]) is not None
            and (self.needs_review is None or issue["review"] is self.needs_review)
        )


NO_SUBMIT = (
    "This form does not contain a submit button, which creates issues for those who cannot submit the form using"
    ' the keyboard. Submit buttons are INPUT elements with type attribute "submit" or "image", or BUTTON elements'
    ' with type "submit" or omitted/invalid.'
)
CONTRAST = (
    "Elements must meet minimum color contrast ratio thresholds"
    " (https://dequeuniversity.com/rules/axe/4.11/color-contrast?application=axeAPI)"
)
MEASURED = "measured from computed styles by tests/browser/test_contrast.py instead"

KNOWN = (
    Known(
        "htmlcs",
        "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2",
        NO_SUBMIT,
        r"html > body > header > nav > form",
        "Material's palette toggle (partials/palette.html): radio buttons that act at once, nothing to submit",
        context=r'<form class="md-header__option" data-md-component="palette">',
    ),
    Known(
        "htmlcs",
        "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2",
        NO_SUBMIT,
        r"html > body > header > nav > div:nth-child\(\d+\) > div > form",
        "Material's search box (partials/search.html): results appear as one types; Enter opens the first",
        context=r'<form class="md-search__form" name="search">',
    ),
    Known(
        "htmlcs",
        "WCAG2AA.Principle4.Guideline4_1.4_1_2.H91.InputCheckbox.Name",
        "This checkboxinput element does not have a name available to an accessibility API. Valid names are: label"
        " element, title , aria-label , aria-labelledby .",
        r"#__toc",
        "Material's hidden table-of-contents toggle (partials/toc.html) on a page whose contents list is empty",
    ),
    Known(
        "htmlcs",
        "WCAG2AA.Principle1.Guideline1_3.1_3_1.F68",
        'This form field should be labelled in some way. Use the label element (either with a "for" attribute or'
        ' wrapped around the form field), or "title", "aria-label" or "aria-labelledby" attributes as appropriate.',
        r"#__toc",
        "the same toggle of Material's",
    ),
    Known(
        "axe",
        "color-contrast",
        CONTRAST,
        r"html > body > .* > article > figure[^ ]* > div[^ ]* > svg > (?:.* > )?(?:text|tspan)(?::nth-child\(\d+\))?",
        f"axe needs review: text in the timeline picture, which axe does not measure ('imgNode'); {MEASURED}",
        context=r"<t(?:ext|span)\b",
        needs_review=True,
    ),
    Known(
        "axe",
        "color-contrast",
        CONTRAST,
        r"#diagram-[a-z0-9-]+ > svg > (?:.* > )?(?:text|tspan)(?::nth-child\(\d+\))?",
        f"axe needs review: text in the case's diagrams (render/diagram_svg.py), not measured by axe; {MEASURED}",
        context=r"<t(?:ext|span)\b",
        needs_review=True,
    ),
)


def run_pa11y(server: LocalSite, targets: list[tuple[str, str]]) -> list[dict]:
    """pa11y's errors on each (path, scheme), with the palette Material showed."""
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed (apt-get install nodejs npm)")
    if not PA11Y.is_file():
        unavailable(
            f"pa11y is not installed: run `PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix {HERE.parent.name}/browser`"
        )
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    request = {
        "chromeLaunchConfig": {"executablePath": executable, "headless": True, "args": CHROMIUM_ARGS},
        "viewport": VIEWPORT,
        "timeoutMs": PAGE_TIMEOUT_MS,
        "pages": [{"url": server.url(path), "scheme": scheme} for path, scheme in targets],
    }
    result = subprocess.run(
        [node, str(RUNNER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=PAGE_TIMEOUT_MS / 1000 * (len(targets) + 1),
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout)


def unexplained(issues: list[dict]) -> list[dict]:
    return [issue for issue in issues if not any(known.explains(issue) for known in KNOWN)]


def _brief(issue: dict) -> str:
    return f"{issue['runner']} {issue['code']}{' (needs review)' if issue['review'] else ''}: {issue['selector']}"


@pytest.fixture(scope="module")
def reports(server: LocalSite) -> dict[tuple[str, str], dict]:
    """pa11y over every page type in both palettes, once (one Chromium for all)."""
    targets = [(path, scheme) for path in PAGE_TYPES.values() for scheme in SCHEMES]
    found = run_pa11y(server, targets)
    if os.environ.get("CASEBOOK_PA11Y_REPORT"):  # pa11y's whole answer, to read when a test fails
        Path(os.environ["CASEBOOK_PA11Y_REPORT"]).write_text(json.dumps(found, indent=1), encoding="utf-8")
    return {(path, scheme): report for (path, scheme), report in zip(targets, found, strict=True)}


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_pa11y_finds_nothing_from_our_markup_in_either_palette(reports: dict, path: str) -> None:
    for scheme, palette in SCHEMES.items():
        report = reports[(path, scheme)]
        assert report["palette"] == palette, f"{path}: the {scheme} scheme showed palette {report['palette']!r}"
    found = {scheme: [_brief(i) for i in unexplained(reports[(path, scheme)]["issues"])] for scheme in SCHEMES}
    assert found == {"light": [], "dark": []}


def test_every_listed_issue_is_still_seen(reports: dict) -> None:
    """A listed issue that no page shows any more is taken off the list (it must not excuse a new one)."""
    issues = [issue for report in reports.values() for issue in report["issues"]]
    unused = [known.why for known in KNOWN if not any(known.explains(issue) for issue in issues)]
    assert unused == []


# The check can fail: a page with faults of our own kind is caught, also where it looks like a listed one.

FAULTY = """<!doctype html><html><head><title>probe</title>
<style>body { color: #222; background: #fff; }</style></head>
<body><main><h1>Probe</h1>
<p style="color: #bbb">Pale grey text on white.</p>
<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"></p>
<form><input type="text" aria-label="Search the probe"></form>
<p><sup id="fnref:x"><a class="footnote-ref" href="#fn:x" style="color: #ccc">faint citation text</a></sup></p>
</main></body></html>"""


def test_pa11y_check_catches_violations(server: LocalSite) -> None:
    [report] = run_pa11y(server, [(server.probe("/__probe/pa11y/", FAULTY).removeprefix(server.origin), "light")])
    codes = {issue["code"] for issue in unexplained(report["issues"])}
    assert "WCAG2AA.Principle3.Guideline3_1.3_1_1.H57.2" in codes  # no lang on <html>
    assert "WCAG2AA.Principle1.Guideline1_1.1_1_1.H37" in codes  # an image without alt
    assert {"color-contrast", "WCAG2AA.Principle1.Guideline1_4.1_4_3.G18.Fail"} <= codes  # pale text
    # a form without a submit button outside Material's header is ours, and is not excused
    forms = [i["selector"] for i in unexplained(report["issues"]) if i["code"].endswith("H32.2")]
    assert forms == ["html > body > main > form"]
    # a definite contrast violation on a citation number is not excused as axe's "needs review"
    faint = [
        i for i in unexplained(report["issues"]) if i["code"] == "color-contrast" and i["selector"] == "#fnref:x > a"
    ]
    assert faint and not faint[0]["review"]
