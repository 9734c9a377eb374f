"""Before and after in one run: another commit of this project against the working tree.

    PYTHONPATH=scripts .venv/bin/python -m bench.compare REF [--repeats 7]

REF (a commit, tag or branch) is checked out into a temporary git worktree; nothing is fetched. Each
measurement runs in a fresh process, and the two checkouts take turns, so drift in the machine's
load hits both alike. It prints, as JSON lines, the median of each: the pipeline (load, validate,
render) on the same synthetic content at 100, 1,000 and 10,000 facts, beside the bare C-loader parse
of the same files; and each checkout's real-site `mkdocs build --strict` of its own content.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import generate

ROOT = Path(__file__).resolve().parents[2]


def _measure(root: Path, what: str, content: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(root / "scripts")}
    out = subprocess.run(
        [sys.executable, "-m", "bench.pipeline", "--measure", what, str(content)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout)["seconds"])


def _build(root: Path, site: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=root,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def compare(before: Path, after: Path, repeats: int) -> list[dict[str, object]]:
    roots = {"before": before, "after": after}
    rows: list[dict[str, object]] = []
    for size in (100, 1_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            content = Path(tmp) / "content"
            generate(content, size)
            runs: dict[str, list[float]] = {"parse": [], "before": [], "after": []}
            for _ in range(repeats):
                runs["parse"].append(_measure(after, "parse", content))
                for name, root in roots.items():
                    runs[name].append(_measure(root, "pipeline", content))
            med = {name: statistics.median(values) for name, values in runs.items()}
            rows.append(
                {
                    "facts": size,
                    **{f"{name}_s": round(value, 3) for name, value in med.items()},
                    "ratio_before": round(med["before"] / med["parse"], 2),
                    "ratio_after": round(med["after"] / med["parse"], 2),
                    "change": f"{(med['after'] / med['before'] - 1) * 100:+.1f}%",
                    "runs": {name: [round(v, 3) for v in values] for name, values in runs.items()},
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    builds: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for name, root in roots.items():
                builds[name].append(_build(root, Path(tmp) / name))
    med = {name: statistics.median(values) for name, values in builds.items()}
    rows.append(
        {
            "real_site_build_before_s": round(med["before"], 2),
            "real_site_build_after_s": round(med["after"], 2),
            "change": f"{(med['after'] / med['before'] - 1) * 100:+.1f}%",
            "runs": {name: [round(v, 2) for v in values] for name, values in builds.items()},
        }
    )
    print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("ref", help="the commit to compare the working tree with")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(worktree), args.ref], check=True
        )
        try:
            compare(worktree, ROOT, args.repeats)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
