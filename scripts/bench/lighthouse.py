"""Lighthouse 12.2.3 on the page types (`python -m bench.lighthouse`): figures to record, not tests.

Each page type is measured `--runs` times (default 3) in mobile mode (Lighthouse's default: simulated
4x CPU slowdown, 150 ms RTT, 1.6 Mbps), served gzipped on 127.0.0.1 as a static host would. The
median of the runs is reported for the performance score and for each metric it is made of (FCP, LCP,
TBT, CLS, Speed Index); `--diagnose` prints what Lighthouse says about the median run (the
largest-contentful-paint element, render-blocking resources, unused CSS and JavaScript, DOM size,
main-thread work by kind and by script, long tasks), which is where the causes of a low score show.

Mobile scores vary from run to run on a shared machine, because the simulation scales what it
observes: record the load average (`uptime`) beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: tests.support is shared

from tests.support.servers import serve
from tests.support.weights import PAGE_TYPES

ROOT = Path(__file__).resolve().parents[2]
NODE_PROJECT = ROOT / "tests" / "browser"
CHROMIUM_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"

# Lighthouse's metric audits, by the short names the figures use.
METRICS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "si_ms": "speed-index",
}


# The audits `diagnostics` reads; one that failed in Lighthouse is listed with its error.
DIAGNOSTIC_AUDITS = (
    "largest-contentful-paint-element",
    "render-blocking-resources",
    "unused-css-rules",
    "unused-javascript",
    "dom-size",
    "mainthread-work-breakdown",
    "bootup-time",
    "long-tasks",
)


def run_lighthouse(url: str, desktop: bool, categories: str) -> dict[str, Any]:
    """One Lighthouse run: the whole JSON report."""
    exe = NODE_PROJECT / "node_modules" / ".bin" / "lighthouse"
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [
            str(exe),
            url,
            f"--chrome-flags={CHROMIUM_FLAGS} --user-data-dir={tmp}/profile",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--only-categories={categories}",
        ]
        if desktop:
            cmd.append("--preset=desktop")
        result = subprocess.run(
            cmd, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0 or not out.is_file():
            raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
        report: dict[str, Any] = json.loads(out.read_text())
    return report


def scores(report: dict[str, Any]) -> dict[str, int]:
    return {key: round(cat["score"] * 100) for key, cat in report["categories"].items() if cat["score"] is not None}


def metrics(report: dict[str, Any]) -> dict[str, float]:
    audits = report["audits"]
    return {name: float(audits[audit_id].get("numericValue") or 0) for name, audit_id in METRICS.items()}


def failing_audits(report: dict[str, Any]) -> list[str]:
    """Weighted audits below full marks, outside performance (whose figures are reported apart)."""
    return sorted(
        ref["id"]
        for key, cat in report["categories"].items()
        if key != "performance"
        for ref in cat["auditRefs"]
        if ref["weight"] > 0
        and report["audits"][ref["id"]].get("score") is not None
        and report["audits"][ref["id"]]["score"] < 1
    )


def _items(report: dict[str, Any], audit_id: str) -> list[dict[str, Any]]:
    details = report["audits"].get(audit_id, {}).get("details") or {}
    if details.get("type") == "list":  # Lighthouse 12 wraps some tables in a list
        return [item for table in details.get("items", []) for item in table.get("items", [])]
    return list(details.get("items", []))


def diagnostics(report: dict[str, Any]) -> dict[str, Any]:
    """What Lighthouse found about one run: the places to look for a low score's causes."""
    audits = report["audits"]
    lcp = next((i["node"] for i in _items(report, "largest-contentful-paint-element") if "node" in i), {})
    phases = {
        i["phase"]: round(i["timing"]) for i in _items(report, "largest-contentful-paint-element") if "phase" in i
    }
    # Lighthouse 12.2.3 with Debian's Chromium 156 cannot name the element: its TraceElements gatherer
    # fails ("Cannot read properties of undefined (reading 'frame_sequence')"); the error is kept.
    lcp_error = audits.get("largest-contentful-paint-element", {}).get("errorMessage", "")
    return {
        "lcp_element": {"selector": lcp.get("selector", ""), "snippet": lcp.get("snippet", "")[:160]},
        "lcp_element_error": lcp_error[:200],
        "lcp_phases_ms": phases,
        "render_blocking": [
            {"url": i["url"], "wasted_ms": round(i.get("wastedMs", 0))}
            for i in _items(report, "render-blocking-resources")
        ],
        "unused_css_kib": [
            {"url": i["url"], "wasted_kib": round(i.get("wastedBytes", 0) / 1024, 1)}
            for i in _items(report, "unused-css-rules")
        ],
        "unused_js_kib": [
            {"url": i["url"], "wasted_kib": round(i.get("wastedBytes", 0) / 1024, 1)}
            for i in _items(report, "unused-javascript")
        ],
        "dom_elements": audits.get("dom-size", {}).get("numericValue"),
        "main_thread_ms": {i["groupLabel"]: round(i["duration"]) for i in _items(report, "mainthread-work-breakdown")},
        "scripts_ms": [
            {"url": i["url"], "total": round(i["total"]), "scripting": round(i.get("scripting", 0))}
            for i in _items(report, "bootup-time")
        ],
        "long_tasks": [
            {"url": i.get("url", ""), "start_ms": round(i["startTime"]), "ms": round(i["duration"])}
            for i in _items(report, "long-tasks")
        ],
        "transfer_bytes": audits.get("total-byte-weight", {}).get("numericValue"),
        "audit_errors": {
            audit_id: audits[audit_id]["errorMessage"][:200]
            for audit_id in DIAGNOSTIC_AUDITS
            if audits.get(audit_id, {}).get("errorMessage")
        },
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose performance score is the median (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: scores(r).get("performance", 0))
    return ordered[(len(ordered) - 1) // 2]


def summarise(name: str, path: str, mobile: list[dict[str, Any]]) -> dict[str, Any]:
    """The median mobile figures of one page type's runs, and the median run's diagnostics."""
    return {
        "page": name,
        "path": path,
        "performance_mobile": statistics.median(scores(r)["performance"] for r in mobile),
        "runs_performance_mobile": [scores(r)["performance"] for r in mobile],
        **{key: round(statistics.median(metrics(r)[key] for r in mobile), 3 if key == "cls" else 0) for key in METRICS},
        "runs_metrics": [metrics(r) for r in mobile],
        "diagnostics": diagnostics(_median_run(mobile)),
    }


def measure_page(origin: str, name: str, path: str, runs: int, desktop: bool, full: bool) -> dict[str, Any]:
    categories = "performance,accessibility,best-practices,seo" if full else "performance"
    mobile = [run_lighthouse(origin + path, False, categories) for _ in range(runs)]
    row = summarise(name, path, mobile)
    if full:
        row.update(
            accessibility=min(scores(r)["accessibility"] for r in mobile),
            best_practices=min(scores(r)["best-practices"] for r in mobile),
            seo=min(scores(r)["seo"] for r in mobile),
            failing_audits=sorted({a for r in mobile for a in failing_audits(r)}),
        )
    if desktop:
        desk = [run_lighthouse(origin + path, True, "performance") for _ in range(runs)]
        row["performance_desktop"] = statistics.median(scores(r)["performance"] for r in desk)
        row["runs_performance_desktop"] = [scores(r)["performance"] for r in desk]
    return row


def bench_lighthouse(
    site: Path, runs: int, pages: list[str] | None = None, desktop: bool = True, full: bool = True
) -> list[dict[str, Any]]:
    rows = []
    with serve(site) as origin:
        for name, path in PAGE_TYPES.items():
            if pages and name not in pages:
                continue
            row = measure_page(origin, name, path, runs, desktop, full)
            rows.append(row)
            _print_row(row)
    return rows


def compare_lighthouse(baseline: Path, site: Path, runs: int, pages: list[str] | None = None) -> list[dict[str, Any]]:
    """Mobile performance of two builds, their runs interleaved (baseline, site, baseline, ...) so
    that load on a shared machine weighs on both alike. Rows are labelled "page (before)" and "page"."""
    rows = []
    with serve(baseline) as before_origin, serve(site) as after_origin:
        for name, path in PAGE_TYPES.items():
            if pages and name not in pages:
                continue
            before: list[dict[str, Any]] = []
            after: list[dict[str, Any]] = []
            for _ in range(runs):
                before.append(run_lighthouse(before_origin + path, False, "performance"))
                after.append(run_lighthouse(after_origin + path, False, "performance"))
            for label, reports in ((f"{name} (before)", before), (name, after)):
                row = summarise(label, path, reports)
                rows.append(row)
                _print_row(row)
    return rows


def _print_row(row: dict[str, Any]) -> None:
    print(json.dumps({k: v for k, v in row.items() if k not in ("diagnostics", "runs_metrics")}), flush=True)


def print_table(rows: list[dict[str, Any]]) -> None:
    print("\nLighthouse 12.2.3, mobile, median of the runs (served gzipped on 127.0.0.1)")
    print("| page | performance (runs) | FCP (s) | LCP (s) | TBT (ms) | CLS | SI (s) |", end="")
    print(" desktop | accessibility | best practices | SEO | failing audits |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        runs = ", ".join(str(s) for s in r["runs_performance_mobile"])
        print(
            f"| {r['page']} | **{r['performance_mobile']:g}** ({runs}) | {r['fcp_ms'] / 1000:.2f} | "
            f"{r['lcp_ms'] / 1000:.2f} | {r['tbt_ms']:.0f} | {r['cls']:.3f} | {r['si_ms'] / 1000:.2f} | "
            f"{r.get('performance_desktop', '-')} | {r.get('accessibility', '-')} | {r.get('best_practices', '-')} | "
            f"{r.get('seo', '-')} | {', '.join(r.get('failing_audits', [])) or '-'} |"
        )


def print_diagnostics(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        d = r["diagnostics"]
        print(f"\n## {r['page']} ({r['path']}): median run")
        if d["lcp_element_error"]:
            print(f"LCP element: not available ({d['lcp_element_error']})")
        else:
            print(f"LCP element: {d['lcp_element']['selector']}  {d['lcp_element']['snippet']}")
        print(f"LCP phases (ms): {d['lcp_phases_ms']}")
        print(f"DOM elements: {d['dom_elements']}; transfer: {d['transfer_bytes']} B")
        print(f"render-blocking: {d['render_blocking']}")
        print(f"unused CSS: {d['unused_css_kib']}")
        print(f"unused JS: {d['unused_js_kib']}")
        print(f"main thread (ms): {d['main_thread_ms']}")
        print(f"scripts (ms): {d['scripts_ms']}")
        print(f"long tasks: {d['long_tasks']}")
        if d["audit_errors"]:
            print(f"audits Lighthouse could not run: {d['audit_errors']}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__)
    parser.add_argument("--site", type=Path, required=True, help="a built site (mkdocs build --site-dir ...)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page type (the median is reported)")
    parser.add_argument("--pages", default="", help="page types to measure, comma-separated (default: all)")
    parser.add_argument("--mobile-only", action="store_true", help="skip the desktop runs")
    parser.add_argument("--performance-only", action="store_true", help="skip accessibility, best practices, SEO")
    parser.add_argument("--diagnose", action="store_true", help="print the median run's diagnostics")
    parser.add_argument("--json", type=Path, help="write the rows here")
    parser.add_argument(
        "--baseline", type=Path, help="another build to compare with, runs interleaved (mobile performance only)"
    )
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    unknown = sorted(set(pages) - set(PAGE_TYPES))
    if unknown:
        parser.error(f"unknown page types {unknown}; known: {', '.join(PAGE_TYPES)}")
    if args.baseline:
        rows = compare_lighthouse(args.baseline, args.site, args.runs, pages)
    else:
        rows = bench_lighthouse(args.site, args.runs, pages, not args.mobile_only, not args.performance_only)
    print_table(rows)
    if args.diagnose:
        print_diagnostics(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
