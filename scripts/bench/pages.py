"""The heaviest pages of a built site by first-visit weight (HTML, CSS and JS, gzip; the search index
apart), against the 150 KB budget: the figures of RESULTS.md's "Issue 15: page splitting".

    PYTHONPATH=scripts:. python -m bench.pages --site site            # a site already built
    PYTHONPATH=scripts:. python -m bench.pages --facts 750            # build the real docs/ over synthetic content
    PYTHONPATH=scripts:. python -m bench.pages --like-real            # ten times the real facts, proportioned like them
    PYTHONPATH=scripts:. python -m bench.pages                        # build the real site
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from tests.support.weights import BUDGET_GZIP, all_pages, page_weight

from bench.browser import ROOT, measure_build, synthetic_project
from bench.synthetic import Shape


def heaviest(site: Path, count: int) -> list[dict[str, object]]:
    """The ``count`` heaviest pages of ``site``: path, first-visit gzip and HTML bytes, and whether over budget."""
    rows = []
    for page in all_pages(site):
        weight = page_weight(site, page)
        rows.append(
            {
                "page": page,
                "total_gzip_kib": round(int(weight["total_gzip"]) / 1024, 1),
                "html_kib": round(int(weight["html_raw"]) / 1024, 1),
                "over_budget": int(weight["total_gzip"]) > BUDGET_GZIP,
            }
        )
    rows.sort(key=lambda row: -float(row["total_gzip_kib"]))
    return rows[:count]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument(
        "--facts", type=int, default=0, help="build over this many synthetic facts (0: the real content)"
    )
    parser.add_argument(
        "--like-real",
        action="store_true",
        help="proportion the synthetic records like the real content (bench.synthetic.Shape.of_real);"
        " without --facts, ten times the real number of facts",
    )
    parser.add_argument("--top", type=int, default=8, help="how many pages to list")
    args = parser.parse_args()
    if args.like_real and not args.facts:
        args.facts = 10 * len(list((ROOT / "content" / "facts").glob("*.yml")))
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            project = ROOT
            if args.facts:
                project = Path(tmp) / "project"
                project.mkdir()
                shape = Shape.of_real(ROOT / "content") if args.like_real else None
                synthetic_project(project, args.facts, shape)
            site = Path(tmp) / "site"
            measure_build(project, site)
        pages = all_pages(site)
        rows = heaviest(site, args.top)
        over = sum(1 for page in pages if int(page_weight(site, page)["total_gzip"]) > BUDGET_GZIP)
        for row in rows:
            print(json.dumps(row))
        print(json.dumps({"pages": len(pages), "over_budget": over, "budget_gzip_kib": BUDGET_GZIP / 1024}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
