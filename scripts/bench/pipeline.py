"""Benchmarks (`make bench`): numbers to record, not timed tests.

1. Pipeline: load + validate + render of 100, 1,000 and 10,000 synthetic facts, against the
   time PyYAML's C loader alone takes to parse the same files in the same run. Each measurement
   runs in a fresh process, so its peak memory (max RSS) is its own.
2. Plugin overhead: `mkdocs build` of the real site with the plugin, against `mkdocs build` of
   the same Markdown written to disk with the plugin removed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

# The project measured: this checkout, or another one (for a before/after comparison in one run).
ROOT = Path(os.environ.get("CASEBOOK_BENCH_ROOT") or Path(__file__).resolve().parents[2]).resolve()


def _bare_parse(content: Path) -> None:
    for path in sorted(content.rglob("*.yml")):
        with path.open("rb") as handle:
            yaml.load(handle.read().decode("utf-8-sig"), Loader=yaml.CSafeLoader)


def _pipeline(content: Path) -> None:
    from casebook.core.validate import build_case
    from casebook.site import render_site

    render_site(build_case(content))


def _measure_here(what: str, content: Path) -> dict[str, float]:
    from casebook import site  # noqa: F401 - imports are not part of what is measured (nor is `_pipeline`'s)
    from casebook.core import validate  # noqa: F401 - imports are not part of what is measured
    from casebook.render import markdown  # noqa: F401 - imports are not part of what is measured

    start, cpu = time.perf_counter(), time.process_time()
    {"parse": _bare_parse, "pipeline": _pipeline}[what](content)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time beside wall time: on a busy machine, waiting for a core inflates only the wall time
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _measure(what: str, content: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.pipeline", "--measure", what, str(content)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")},
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"measuring {what} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def bench_pipeline(sizes: list[int], repeats: int) -> list[dict[str, object]]:
    from bench.synthetic import generate

    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            content = Path(tmp) / "content"
            generate(content, size)
            parse, pipeline = [], []
            for _ in range(repeats):  # interleaved, so drift in machine load hits both alike
                parse.append(_measure("parse", content))
                pipeline.append(_measure("pipeline", content))
            p, q = _median(parse), _median(pipeline)
            rows.append(
                {
                    "facts": size,
                    "files": sum(1 for _ in content.rglob("*.yml")),
                    "parse_s": round(p["seconds"], 3),
                    "pipeline_s": round(q["seconds"], 3),
                    "ratio": round(q["seconds"] / p["seconds"], 2),
                    "parse_rss_mib": round(p["max_rss_mib"], 1),
                    "pipeline_rss_mib": round(q["max_rss_mib"], 1),
                    "runs_parse_s": [round(r["seconds"], 3) for r in parse],
                    "runs_pipeline_s": [round(r["seconds"], 3) for r in pipeline],
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def _static_project(dest: Path) -> None:
    """The real site as plain files on disk: what the plugin feeds MkDocs (pages, data files), plugin removed.

    The plugin's own preparation (on_config, ``build_site``) produces the pages, so both builds get the
    same Markdown; what remains is the plugin's per-page work (the HTML allowlist, head tags).
    """
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    plugin = config.plugins["casebook"]
    plugin.on_config(config)
    site = plugin.site
    shutil.copytree(ROOT / "docs", dest / "docs")
    shutil.copytree(ROOT / "scripts" / "casebook" / "theme", dest / "scripts" / "casebook" / "theme")
    trusted = getattr(site, "trusted_html", {})  # pictures the plugin puts in after the allowlist
    pictures = getattr(site, "pictures", {})  # the diagrams, drawn for the page they are on
    for path, page in site.pages.items():
        source = dest / "docs" / path
        markdown = page.markdown if page.markdown is not None else source.read_text(encoding="utf-8")
        text = site.page_markdown(path, markdown)
        for slot, html in trusted.items():
            text = text.replace(slot, html)
        for slot, draw in pictures.items():
            if slot in text:
                text = text.replace(slot, draw(path, True))
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(text, encoding="utf-8")
    for rel, data in {**site.files, **getattr(plugin, "extra_files", {})}.items():  # exports, handouts …
        target = dest / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("  - casebook:\n      content_dir: content\n", "")
    text = text.replace("watch:\n  - content\n", "")
    text += "\nnot_in_nav: |\n  /laws/**\n  /lessons/**\n"
    glossary = getattr(site, "abbreviations", None)
    if isinstance(glossary, dict):  # the tooltips the plugin gives the abbr extension (JSON is YAML)
        text = text.replace("  - abbr\n", "  - abbr:\n      glossary: " + json.dumps(glossary) + "\n", 1)
    (dest / "mkdocs.yml").write_text(text, encoding="utf-8")


def _time_build(project: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(project / "site-out")],
        cwd=project,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def bench_plugin(repeats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        static = Path(tmp) / "static"
        _static_project(static)
        with_plugin, without = [], []
        for _ in range(repeats):
            with_plugin.append(_time_build(ROOT))
            without.append(_time_build(static))
        shutil.rmtree(ROOT / "site-out", ignore_errors=True)
    a, b = statistics.median(with_plugin), statistics.median(without)
    row = {
        "plugin_build_s": round(a, 3),
        "static_build_s": round(b, 3),
        "overhead": f"{(a / b - 1) * 100:.1f}%",
        "runs_plugin_s": [round(x, 3) for x in with_plugin],
        "runs_static_s": [round(x, 3) for x in without],
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "CONTENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure_here(args.measure[0], Path(args.measure[1]))))
        return 0
    pipeline = bench_pipeline([int(s) for s in args.sizes.split(",")], args.repeats)
    plugin = bench_plugin(args.repeats)
    args.out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H%M%S")
    (args.out / f"bench-{stamp}.json").write_text(json.dumps({"pipeline": pipeline, "plugin": plugin}, indent=2))
    print(
        "\n| facts | files | C-loader parse (s) | pipeline (s) | ratio | parse max RSS (MiB) | pipeline max RSS (MiB) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in pipeline:
        print(
            f"| {r['facts']:,} | {r['files']:,} | {r['parse_s']} | {r['pipeline_s']} | {r['ratio']}x | "
            f"{r['parse_rss_mib']} | {r['pipeline_rss_mib']} |"
        )
    print(
        f"\nReal site: with plugin {plugin['plugin_build_s']} s, static Markdown {plugin['static_build_s']} s, "
        f"overhead {plugin['overhead']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
