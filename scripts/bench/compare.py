"""Before and after in one run: another commit of this project against the working tree.

    PYTHONPATH=scripts .venv/bin/python -m bench.compare REF [--repeats 7]

REF (a commit, tag or branch) is checked out into a temporary git worktree; nothing is fetched. Each
measurement runs in a fresh process, and the two checkouts take turns, so drift in the machine's
load hits both alike. It prints, as JSON lines, the median of each: the pipeline (load, validate,
render, in CPU seconds) on the same synthetic content at 100, 1,000 and 10,000 facts, beside the bare C-loader parse
of the same files; each checkout's real-site `mkdocs build --strict` of its own content, beside a
plain Material build (no plugin) of the same Markdown; and each checkout's `mkdocs serve` answer to
a one-word edit (bench.serve).
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
from pathlib import Path

from bench.pipeline import _static_project
from bench.synthetic import generate

ROOT = Path(__file__).resolve().parents[2]


# This checkout's bench package, copied beside the other checkout's scripts/ so both are measured by
# the same code: each measurement's PYTHONPATH is this copy, then the measured checkout's scripts/.
BENCH_COPY = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
shutil.copytree(ROOT / "scripts" / "bench", BENCH_COPY / "bench", ignore=shutil.ignore_patterns("__pycache__"))


def _measure(root: Path, what: str, content: Path) -> float:
    """CPU seconds of one measurement in a fresh process (wall time on a busy machine counts the wait
    for a core too; both are in bench.pipeline's output)."""
    env = {**os.environ, "PYTHONPATH": f"{BENCH_COPY}{os.pathsep}{root / 'scripts'}"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.pipeline", "--measure", what, str(content)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout)["cpu_seconds"])


def _cpu_of(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """CPU seconds (user + system) the command and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _build(root: Path, site: Path, pythonpath: Path | None = None) -> float:
    """CPU seconds of a strict build of ``root`` (its own package, unless the project has none)."""
    env = {**os.environ, "PYTHONPATH": str(pythonpath or root / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)]
    return _cpu_of(command, root, env)


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
    # The real site: each checkout's strict build, and a plain Material build (no plugin) of the
    # working tree's Markdown, the yardstick that load on the machine slows alike.
    builds: dict[str, list[float]] = {"before": [], "after": [], "plain": []}
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain"
        _static_project(plain)
        for _ in range(repeats):
            for name, root in roots.items():
                builds[name].append(_build(root, Path(tmp) / name))
            builds["plain"].append(_build(plain, Path(tmp) / "plain-site", ROOT / "scripts"))
    med = {name: statistics.median(values) for name, values in builds.items()}
    rows.append(
        {
            "real_site_build_before_s": round(med["before"], 2),
            "real_site_build_after_s": round(med["after"], 2),
            "plain_material_build_s": round(med["plain"], 2),
            "ratio_before": round(med["before"] / med["plain"], 2),
            "ratio_after": round(med["after"] / med["plain"], 2),
            "change": f"{(med['after'] / med['before'] - 1) * 100:+.1f}%",
            "runs": {name: [round(v, 2) for v in values] for name, values in builds.items()},
        }
    )
    print(json.dumps(rows[-1]), flush=True)
    # `mkdocs serve`: a one-word edit until the page shows it (bench.serve), the checkouts in turns
    edits: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(2):
        for name, root in roots.items():
            out = subprocess.run(
                [sys.executable, "-m", "bench.serve", "--edits", str(max(3, repeats))],
                env={**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "CASEBOOK_BENCH_ROOT": str(root)},
                capture_output=True,
                text=True,
                check=True,
            )
            edits[name] += json.loads(out.stdout.splitlines()[-1])["rebuild_runs_s"]
    med = {name: statistics.median(values) for name, values in edits.items()}
    rows.append(
        {
            "serve_rebuild_before_s": round(med["before"], 2),
            "serve_rebuild_after_s": round(med["after"], 2),
            "change": f"{(med['after'] / med['before'] - 1) * 100:+.1f}%",
            "runs": edits,
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
            shutil.rmtree(BENCH_COPY, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
