"""The page-weight budget, checked on the built files (no browser): no page above 150 KB gzip,
the search index excepted (it is reported by `make bench`)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from ..support.weights import BUDGET_GZIP, PAGE_TYPES, all_pages, page_weight


def test_every_page_within_the_weight_budget(site_dir: Path) -> None:
    pages = all_pages(site_dir)
    assert set(PAGE_TYPES.values()) <= set(pages)
    weights = {page: page_weight(site_dir, page) for page in pages}
    over = {page: w["total_gzip"] for page, w in weights.items() if w["total_gzip"] > BUDGET_GZIP}
    assert over == {}, f"pages above {BUDGET_GZIP} bytes gzip: {over}"
    # third-party fetches (which the weight would not count) are tests/test_build.py's and test_pages.py's


def test_page_weight_counts_what_a_first_visit_fetches(site_dir: Path) -> None:
    w = page_weight(site_dir, "/lessons/insider-risk-tabletop/")
    html = (site_dir / "lessons/insider-risk-tabletop/index.html").stat().st_size
    assert w["html_raw"] == html
    assert w["css_raw"] > 100_000 and w["js_raw"] > 100_000  # Material's stylesheet, bundle and search worker
    assert w["css_gzip"] < w["css_raw"]
    assert w["fonts_raw"] == 0  # theme.font: false
    assert w["search_index_raw"] == (site_dir / "search/search_index.json").stat().st_size
    assert w["total_raw"] == sum(w[f"{k}_raw"] for k in ("html", "css", "js", "fonts", "other"))


def test_weight_budget_catches_a_heavy_page(tmp_path: Path, site_dir: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(site_dir, site, ignore=shutil.ignore_patterns("laws", "lessons", "case", "sources", "glossary"))
    page = site / "index.html"
    page.write_text(
        page.read_text().replace("</article>", f"<p>{random.Random(7).randbytes(100_000).hex()}</p></article>")
    )
    assert page_weight(site, "/")["total_gzip"] > BUDGET_GZIP
