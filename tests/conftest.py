"""Shared fixtures: a writable copy of the seed content and helpers to run the CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
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
    return match.group(0) if match.group(2) in SEED_IDS else ""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project: mkdocs.yml, the real docs/ and a copy of the small seed content.

    Citations in the real pages of records the seed does not have are dropped, so the pages build
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


@pytest.fixture(scope="session")
def offline_zip() -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        ["make", "--no-print-directory", "offline"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return ROOT / "build" / "casebook-offline.zip"


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """A strict MkDocs build of ``project`` into ``site``, in a fresh process."""
    # Never pass -v: in MkDocs 1.6.1 it turns anchor validation off.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test run from the repository's own content and shared by every test."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


BUILDING_FIXTURES = {"real_site", "site_dir", "offline_zip"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs a built site carries the `build` marker, so `-m "not build"` stays fast."""
    for item in items:
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)
