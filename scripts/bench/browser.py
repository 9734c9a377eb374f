"""Browser-side figures (`python -m bench.browser`): numbers to record, not timed tests.

1. Page weight of each page type: what a first visit fetches (HTML, CSS, JS, fonts, other), raw and
   gzip, and the search index (fetched by every first visit too, reported apart). Budget: no page
   above 150 KB gzip without the search index; tests/browser/test_weight.py enforces it on every page.
2. Lighthouse 12.2.3 (npm, tests/browser/package.json; bench/lighthouse.py) on each page type,
   served gzipped on 127.0.0.1 as a static host would, median of 3 runs: mobile performance and its
   metrics (FCP, LCP, TBT, CLS, Speed Index), desktop performance, accessibility, best practices,
   SEO. Budgets: accessibility 100 and best practices >= 95 everywhere; mobile performance >= 95 on
   every page type (issue 15).
3. Build growth: strict builds of the real docs/ over synthetic content of 75, 750 and 7,500
   facts (1x, 10x, 100x the real fact count), each in a fresh process: wall time and peak memory,
   and the search index raw and gzip.
4. Search (``bench.search``), on the real site and each synthetic one: what a reader's first query
   transfers with Material's search, and with Pagefind indexing the same content (``--search-sizes``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: tests.support is shared


from tests.support.weights import BUDGET_GZIP, PAGE_TYPES, SEARCH_INDEX, all_pages, page_weight

from bench.lighthouse import bench_lighthouse, print_table

ROOT = Path(__file__).resolve().parents[2]

# --- build growth -------------------------------------------------------------------------------

_MEASURE = """
import resource, subprocess, sys, time, json
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
if code.returncode:
    sys.exit(code.stderr[-3000:])
print(json.dumps({"seconds": seconds, "max_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure_build(project: Path, site: Path) -> dict[str, float]:
    """A strict build of `project` in a fresh process: wall time and peak memory of the build alone."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"build of {project} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def synthetic_project(dest: Path, facts: int, shape: object = None) -> None:
    """mkdocs.yml, the theme, the real docs/ and synthetic content. The real pages cite and link records
    the synthetic content does not have: each citation or law link becomes a citation of a synthetic fact (a paragraph
    must cite something or be marked as analysis), each link its own text or nothing."""
    from bench.synthetic import generate
    from casebook.core.shortcodes import SHORTCODE
    from casebook.core.text import CITATIONS

    def stand_in(code: re.Match[str]) -> str:
        text = code.group(3) or ""
        return text + "[[fact:fact-00000]]" if code.group(1) in (*CITATIONS, "law") else text

    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    for page in (dest / "docs").rglob("*.md"):
        page.write_text(SHORTCODE.sub(stand_in, page.read_text(encoding="utf-8")), encoding="utf-8")
    theme = dest / "scripts" / "casebook" / "theme"
    theme.parent.mkdir(parents=True)
    shutil.copytree(ROOT / "scripts" / "casebook" / "theme", theme)
    generate(dest / "content", facts, shape=shape)  # shape: a bench.synthetic.Shape, or the default


def bench_growth(sizes: list[int], repeats: int, search_sizes: set[int]) -> list[dict[str, object]]:
    """Build growth rows; for the real site (size 0 in ``search_sizes``) and each size in it, the
    first-query figures of ``bench.search`` too (row key "search")."""
    from bench.search import measure

    rows = []
    real_facts = len(list((ROOT / "content" / "facts").glob("*.yml")))
    with tempfile.TemporaryDirectory() as tmp:
        runs = [measure_build(ROOT, Path(tmp) / "real-site") for _ in range(repeats)]
        site = Path(tmp) / "real-site"
        rows.append(_growth_row("real", real_facts, runs, site))
        if 0 in search_sizes:
            rows[-1]["search"] = measure(site)
        for size in sizes:
            project = Path(tmp) / f"n{size}"
            project.mkdir()
            synthetic_project(project, size)
            runs = [measure_build(project, project / "site") for _ in range(repeats)]
            rows.append(_growth_row(f"synthetic ({size / real_facts:.1f}x real)", size, runs, project / "site"))
            if size in search_sizes:
                rows[-1]["search"] = measure(project / "site")
            shutil.rmtree(project)
    return rows


def _growth_row(label: str, facts: int, runs: list[dict[str, float]], site: Path) -> dict[str, object]:
    html = list(site.rglob("*.html"))
    row = {
        "content": label,
        "facts": facts,
        "build_s": round(statistics.median(r["seconds"] for r in runs), 2),
        "max_rss_mib": round(max(r["max_rss_mib"] for r in runs), 1),
        "runs_s": [round(r["seconds"], 2) for r in runs],
        "html_pages": len(html),
        "site_mib": round(sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20, 1),
        "search_index_kib": round((site / SEARCH_INDEX).stat().st_size / 1024, 1),
        "search_index_gzip_kib": round(len(gzip.compress((site / SEARCH_INDEX).read_bytes(), 9)) / 1024, 1),
        "largest_page": max(((p.stat().st_size, p.relative_to(site).as_posix()) for p in html), default=(0, ""))[1],
        "largest_page_kib": round(max((p.stat().st_size for p in html), default=0) / 1024, 1),
    }
    print(json.dumps(row), flush=True)
    return row


# --- main ---------------------------------------------------------------------------------------


def build_real_site(dest: Path) -> Path:
    measure_build(ROOT, dest)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__)
    parser.add_argument("--site", type=Path, help="a built site to measure (default: build the real one)")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="runs per page type and preset, median reported (0: skip)"
    )
    parser.add_argument("--sizes", default="75,750,7500", help="synthetic fact counts for build growth ('': skip)")
    parser.add_argument("--repeats", type=int, default=1, help="builds per size")
    parser.add_argument(
        "--search-sizes", default="0,75,750", help="sizes (0: the real site) whose first search is measured"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_real_site(Path(tmp) / "site")
        weights = [{"name": name, **page_weight(site, path)} for name, path in PAGE_TYPES.items()]
        heaviest = max((page_weight(site, p) for p in all_pages(site)), key=lambda w: w["total_gzip"])
        lh = bench_lighthouse(site, args.lighthouse_runs) if args.lighthouse_runs else []
    search_sizes = {int(s) for s in args.search_sizes.split(",") if s}
    growth = (
        bench_growth([int(s) for s in args.sizes.split(",") if s], args.repeats, search_sizes) if args.sizes else []
    )

    args.out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H%M%S")
    results = {"weights": weights, "heaviest_page": heaviest, "lighthouse": lh, "build_growth": growth}
    (args.out / f"bench-browser-{stamp}.json").write_text(json.dumps(results, indent=2))

    kib = lambda n: f"{n / 1024:.1f}"  # noqa: E731
    print("\nPage weight, first visit (KiB, raw / gzip); the search index is fetched too and counted apart")
    print("| page | HTML | CSS | JS | fonts | other | total | search index |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for w in weights:
        cells = [
            f"{kib(w[f'{k}_raw'])} / {kib(w[f'{k}_gzip'])}" for k in ("html", "css", "js", "fonts", "other", "total")
        ]
        print(
            f"| {w['name']} | "
            + " | ".join(cells)
            + f" | {kib(w['search_index_raw'])} / {kib(w['search_index_gzip'])} |"
        )
    print(
        f"\nHeaviest page of the site: {heaviest['page']}, {kib(heaviest['total_gzip'])} KiB gzip "
        f"(budget {kib(BUDGET_GZIP)} KiB)"
    )
    if lh:
        print_table(lh)
    if growth:
        print("\nBuild growth (strict build of the real docs/ over the content; fresh process each)")
        print("| content | facts | build (s) | peak RSS (MiB) | HTML pages | site (MiB) |", end="")
        print(" search index raw / gzip (KiB) | largest page |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for g in growth:
            print(
                f"| {g['content']} | {g['facts']:,} | {g['build_s']} | {g['max_rss_mib']} | {g['html_pages']} | "
                f"{g['site_mib']} | {g['search_index_kib']} / {g['search_index_gzip_kib']} | "
                f"{g['largest_page']} ({g['largest_page_kib']} KiB) |"
            )
        searched = [(str(g["content"]), g["search"]) for g in growth if "search" in g]
        if searched:
            from bench.search import table

            print("\nFirst search: bytes transferred (served gzipped on 127.0.0.1), Material and Pagefind")
            print(table(searched))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
