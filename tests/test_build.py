"""Whole-site builds with MkDocs: strict, with link and anchor validation, and all-or-nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.build
MKDOCS = [sys.executable, "-m", "mkdocs"]


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    # Never pass -v: in MkDocs 1.6.1 it turns anchor validation off.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test run from the repository's own content."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def test_real_site_builds_strict(real_site: Path) -> None:
    assert (real_site / "index.html").is_file()
    assert (real_site / "case" / "facts" / "index.html").is_file()
    assert (real_site / "sitemap.xml").is_file()


def test_seed_site_builds_with_anchors_and_edit_links(project: Path) -> None:
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    facts = (project / "site/case/facts/index.html").read_text()
    assert 'id="complaint-unsealed"' in facts
    assert 'class="footnote-ref"' in facts
    # aggregate pages open their folder; single-file pages open the file
    assert 'href="https://github.com/casebook-project/casebook/tree/main/content/facts"' in facts
    quotes = (project / "site/case/quotes/index.html").read_text()
    assert 'href="https://github.com/casebook-project/casebook/edit/main/content/quotes.yml"' in quotes
    lesson = (project / "site/lessons/reading-a-complaint/index.html").read_text()
    assert "edit/main/content/lessons/reading-a-complaint.yml" in lesson
    # the nav lists kinds, not records: the lesson page is reachable but not in the nav
    assert "reading-a-complaint/" not in (project / "site/index.html").read_text()


def test_glossary_terms_show_as_tooltips(project: Path) -> None:
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + "\nA criminal complaint is not an indictment.\n")
    assert mkdocs_build(project, project / "site").returncode == 0
    html = (project / "site/index.html").read_text()
    assert '<abbr title="A sworn written statement of the facts' in html


def test_no_third_party_requests_in_pages(project: Path) -> None:
    assert mkdocs_build(project, project / "site").returncode == 0
    for page in (project / "site").rglob("*.html"):
        html = page.read_text()
        # anything the browser fetches by itself: scripts, styles, fonts, images, preconnects
        fetched = re.findall(r'<(?:script|img|source|iframe)[^>]*\ssrc="([^"]+)"', html)
        fetched += re.findall(r'<link[^>]*\shref="([^"]+)"', html)
        external = [url for url in fetched if url.startswith(("http:", "https:", "//"))]
        external = [url for url in external if not url.startswith("https://casebook-project.github.io/casebook/")]
        assert external == [], f"{page}: {external}"


def test_invalid_content_aborts_build_and_keeps_previous_site(project: Path) -> None:
    site = project / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    fact = project / "content/facts/complaint-unsealed.yml"
    fact.write_text(fact.read_text().replace("status: established", "status: proven"))
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert (
        "content/facts/complaint-unsealed.yml:5:9: status: 'proven' is not an allowed value "
        "(use one of: 'established', 'alleged', 'reported', 'disputed')"
    ) in result.stderr
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == before


def test_unknown_citation_in_docs_aborts_build(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_text("# Home\n\nSee [[quote:nope]].\n")
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert "docs/index.md:3:5: (file): [[quote:nope]]: unknown quote 'nope'" in result.stderr
    assert not (project / "site").exists()


def test_broken_link_in_docs_fails_strict_build(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\n[x](case/facts.md#no-such-fact)\n")
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert "does not contain an anchor '#no-such-fact'" in result.stderr


def test_console_script_reports_errors_on_stderr(content: Path) -> None:
    exe = shutil.which("casebook", path=str(Path(sys.executable).parent))
    assert exe is not None, "the casebook console script is not installed"
    fact = content / "facts/zoom-cooperating.yml"
    fact.write_text(fact.read_text().replace('date: "2020-12-18"', 'date: "2020-02-30"'))
    result = subprocess.run([exe, "--content", str(content), "validate"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "content/facts/zoom-cooperating.yml:4:7: date: '2020-02-30' is not a real day" in result.stderr
