"""`make bench`'s Lighthouse figures: the median of the runs, per metric, and the median run's
diagnostics, read from Lighthouse's JSON report (fake reports here: no browser is started)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from bench import lighthouse  # noqa: E402 (needs scripts/ on the path)


def report(score: float, fcp: float, lcp: float, tbt: float, cls: float, si: float) -> dict[str, Any]:
    values = {
        "first-contentful-paint": fcp,
        "largest-contentful-paint": lcp,
        "total-blocking-time": tbt,
        "cumulative-layout-shift": cls,
        "speed-index": si,
    }
    audits: dict[str, Any] = {name: {"numericValue": value} for name, value in values.items()}
    audits["largest-contentful-paint-element"] = {
        "details": {
            "type": "list",
            "items": [
                {"type": "table", "items": [{"node": {"selector": "article > p", "snippet": f"<p> run {score}"}}]},
                {"type": "table", "items": [{"phase": "TTFB", "timing": 600.4}]},
            ],
        }
    }
    audits["dom-size"] = {"numericValue": 1500 + score}
    audits["long-tasks"] = {"details": {"items": [{"url": "bundle.js", "startTime": 10.2, "duration": 120.6}]}}
    return {"categories": {"performance": {"score": score}}, "audits": audits}


def test_each_figure_is_the_median_of_its_runs_and_diagnostics_come_from_the_median_run() -> None:
    runs = [
        report(0.91, 1000, 2600, 300, 0.01, 1500),
        report(0.97, 900, 1800, 40, 0.0, 1200),
        report(0.95, 1100, 2000, 90, 0.02, 1300),
    ]
    row = lighthouse.summarise("glossary", "/glossary/", runs)
    assert row["performance_mobile"] == 95
    assert row["runs_performance_mobile"] == [91, 97, 95]
    assert (row["fcp_ms"], row["lcp_ms"], row["tbt_ms"], row["cls"], row["si_ms"]) == (1000, 2000, 90, 0.01, 1300)
    found = row["diagnostics"]
    assert found["lcp_element"] == {"selector": "article > p", "snippet": "<p> run 0.95"}
    assert found["lcp_phases_ms"] == {"TTFB": 600}
    assert found["dom_elements"] == 1500.95
    assert found["long_tasks"] == [{"url": "bundle.js", "start_ms": 10, "ms": 121}]


def test_a_report_without_diagnostics_still_gives_its_figures() -> None:
    bare = {
        "categories": {"performance": {"score": 0.5}},
        "audits": {audit: {"numericValue": 1.0} for audit in lighthouse.METRICS.values()},
    }
    row = lighthouse.summarise("home", "/", [bare])
    assert row["performance_mobile"] == 50
    assert row["diagnostics"]["lcp_element"] == {"selector": "", "snippet": ""}
    assert row["diagnostics"]["render_blocking"] == []


def test_an_element_lighthouse_could_not_name_is_reported_with_its_error() -> None:
    failed = report(0.9, 1, 1, 1, 0, 1)
    failed["audits"]["largest-contentful-paint-element"] = {"score": None, "errorMessage": "gatherer failed"}
    found = lighthouse.summarise("home", "/", [failed])["diagnostics"]
    assert found["lcp_element"] == {"selector": "", "snippet": ""}
    assert found["lcp_element_error"] == "gatherer failed"
    assert found["audit_errors"] == {"largest-contentful-paint-element": "gatherer failed"}
