"""Shared fixtures: a writable copy of the seed content and helpers to run the CLI."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casebook.adapters import cli
from casebook.core.shortcodes import SHORTCODE

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).parent / "fixtures" / "seed"


SEED_IDS = set(
    re.findall(
        r"^-? *id: *([a-z0-9-]+)", "\n".join(p.read_text(encoding="utf-8") for p in SEED.rglob("*.yml")), re.MULTILINE
    )
)


def _keep_seed_citations(match: re.Match[str]) -> str:
    """A citation of a record the seed has stays; any other becomes a citation of a seed fact (after
    the link's own text, if it had some), so a paragraph that cited something still cites something
    (validate holds pages to that: core.prose)."""
    if match.group(2) in SEED_IDS:
        return match.group(0)
    text = match.group(3)
    return f"{text} [[fact:complaint-unsealed]]" if text else "[[fact:complaint-unsealed]]"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project: mkdocs.yml, the real docs/ and a copy of the small seed content.

    Citations in the real pages of records the seed does not have cite a seed fact instead, so the pages build
    against the seed; the real pages with the real content are built once per run by the real_site fixture.
    """
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    theme = ROOT / "scripts" / "casebook" / "theme"  # mkdocs.yml's theme.custom_dir
    if theme.is_dir():
        shutil.copytree(theme, tmp_path / "scripts" / "casebook" / "theme")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for page in (tmp_path / "docs").rglob("*.md"):
        page.write_text(SHORTCODE.sub(_keep_seed_citations, page.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(SEED, tmp_path / "content")
    return tmp_path


@pytest.fixture
def content(project: Path) -> Path:
    return project / "content"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the casebook CLI in-process; return (exit code, stdout, stderr)."""

    def _run(*args: str | Path) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


SITE_URL = "https://casebook-project.github.io/casebook/"  # mkdocs.yml's site_url, as `make handouts` prints it
SHIM = "build/vendor/iframe-worker/shim/index.js"  # the Makefile fetches it from npm, once


@pytest.fixture(scope="session")
def lesson_files() -> Path:
    """build/handouts as `make handouts` leaves it: each lesson's PDFs and slides, remade only where the
    records changed (so a run after `make handouts` costs a second). The real-site builds publish them."""
    from casebook.core.validate import build_case
    from casebook.outputs import handouts

    out = ROOT / "build" / "handouts"
    handouts.build(build_case(ROOT / "content"), out, site_url=SITE_URL, makers=handouts.makers())
    return out


@pytest.fixture(scope="session")
def offline_zip(tmp_path_factory: pytest.TempPathFactory, lesson_files: Path) -> Path:
    """The offline edition, built as `make offline` builds it, but into a temporary folder, not build/."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    shim = subprocess.run(
        ["make", "--no-print-directory", SHIM], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert shim.returncode == 0, shim.stdout + shim.stderr
    folder = tmp_path_factory.mktemp("offline")
    site, archive = folder / "site", folder / "casebook-offline.zip"
    built = mkdocs_build(ROOT, site, CASEBOOK_OFFLINE="true")
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    packed = subprocess.run(
        [sys.executable, "-m", "casebook.outputs.offline", str(site), str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert packed.returncode == 0, packed.stdout + packed.stderr
    return archive


def mkdocs_build(project: Path, site: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """A strict MkDocs build of ``project`` into ``site``, in a fresh process (``environ`` added to its environment)."""
    # Never pass -v: in MkDocs 1.6.1 it turns anchor validation off.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **environ}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory, lesson_files: Path) -> Path:
    """The real site, built once per test run from the repository's own content and shared by every test."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


# <link rel=…> values a browser does not fetch by itself
NOT_FETCHED_RELS = {"canonical", "alternate", "author", "license", "next", "prev", "me", "help", "bookmark", "search"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class _Fetched(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("href") and not set(a.get("rel", "").lower().split()) <= NOT_FETCHED_RELS:
            self.urls.append(a["href"])
        self.urls += [a[name] for name in ("src", "poster") if a.get(name)]
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])
        for candidate in a.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        self.urls += [u for pair in CSS_URL.findall(a.get("style", "")) for u in pair if u]
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += [u for pair in CSS_URL.findall(data) for u in pair if u]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def third_party_fetches(text: str, *, css: bool = False, own: str | None = None) -> list[str]:
    """Absolute URLs that an HTML page (or, with ``css``, a stylesheet) makes the browser fetch by itself:
    scripts, stylesheets, icons, preloads and preconnects, images, frames, media, CSS url() and @import.
    Links the reader follows (<a href>) and <link rel=canonical|alternate…> are not fetches. ``own``: a
    prefix of the site's own address, allowed."""
    if css:
        urls = [u for pair in CSS_URL.findall(text) for u in pair if u]
    else:
        parser = _Fetched()
        parser.feed(text)
        urls = parser.urls
    external = [u for u in urls if u.lower().startswith(("http:", "https:", "//"))]
    return [u for u in external if not (own and u.startswith(own))]


BUILDING_FIXTURES = {"lesson_files", "real_site", "site_dir", "offline_zip"}


def _calls_mkdocs_build(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    try:
        return function is not None and "mkdocs_build(" in inspect.getsource(function)
    except (OSError, TypeError):
        return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that builds a site carries the `build` marker, so `-m "not build"` (`make test-fast`)
    stays fast: those that use a built-site fixture, and those that call mkdocs_build() themselves
    (every MkDocs build of the tests goes through it)."""
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())) or _calls_mkdocs_build(item):
            item.add_marker(pytest.mark.build)
