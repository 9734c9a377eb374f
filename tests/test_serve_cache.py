"""`mkdocs serve` keeps pages' conversions, search entries and compiled templates between rebuilds
(adapters/serve_cache.py). A rebuild through them must publish exactly what a fresh build publishes,
convert again what changed, and log a page's warnings on every rebuild."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

pytestmark = pytest.mark.build

FACT = "content/facts/complaint-unsealed.yml"


def _build(project: Path, site: Path, command: str) -> object:
    """One build as `mkdocs serve` (command "serve") or `mkdocs build` runs it, in this process: MkDocs
    keeps one plugin instance for every load of the config, as it does across serve's rebuilds."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command=command, dirty=False)  # type: ignore[arg-type]
    build(config)
    return config.plugins["casebook"]


def _published(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_rebuild_from_the_caches_publishes_what_a_fresh_build_does(project: Path, tmp_path: Path) -> None:
    plugin = _build(project, tmp_path / "first", "serve")
    fact = project / FACT
    fact.write_text(fact.read_text(encoding="utf-8").replace("were unsealed", "were made public", 1), encoding="utf-8")
    _build(project, tmp_path / "rebuilt", "serve")
    cache = plugin.page_cache  # type: ignore[attr-defined]
    assert cache.hits > 0, "no page was reused"
    assert cache.misses > 0, "the edited fact's pages were not converted again"
    rebuilt = _published(tmp_path / "rebuilt")
    assert "were made public" in rebuilt["case/facts/charges-2020/index.html"].decode()

    _build(project, tmp_path / "fresh", "build")
    fresh = _published(tmp_path / "fresh")
    assert rebuilt.keys() == fresh.keys()
    different = [name for name in fresh if rebuilt[name] != fresh[name]]
    assert different == []


def test_a_page_that_warns_is_converted_and_warns_on_every_rebuild(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = project / "docs" / "about" / "method.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [this page](no-such-page.md).\n", encoding="utf-8")
    caplog.set_level(logging.INFO)
    for n in range(2):
        caplog.clear()
        plugin = _build(project, tmp_path / f"site{n}", "serve")
        warned = [r for r in caplog.records if r.levelno >= logging.WARNING and "no-such-page.md" in r.getMessage()]
        assert warned, f"build {n + 1} did not warn about the broken link"
    assert plugin.page_cache.misses >= 1  # type: ignore[attr-defined]


def test_the_rebuild_that_fixes_an_error_reuses_the_pages_converted_before_it(project: Path, tmp_path: Path) -> None:
    """A build stopped by a content error converts nothing; the fix after it must still find the pages
    converted before the error (the newcomer walk-through saw "93 pages converted, 0 unchanged pages
    reused" on every fix)."""
    plugin = _build(project, tmp_path / "good", "serve")
    converted = plugin.page_cache.misses  # type: ignore[attr-defined]
    fact = project / FACT
    good = fact.read_text(encoding="utf-8")
    fact.write_text(good.replace("status: established", "status: proven"), encoding="utf-8")
    _build(project, tmp_path / "broken", "serve")  # every page shows the errors; none is converted
    assert plugin.page_cache.hits == 0  # type: ignore[attr-defined]
    fact.write_text(good, encoding="utf-8")
    _build(project, tmp_path / "fixed", "serve")
    cache = plugin.page_cache  # type: ignore[attr-defined]
    assert (cache.hits, cache.misses) == (converted, 0)
