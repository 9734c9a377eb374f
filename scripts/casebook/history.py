"""When each content or docs file last changed, from git; used for "last updated" dates.

Read once per build with one `git log` call. Outside a git checkout, or for a file with
uncommitted changes, there is no committed date and callers fall back to the build date.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def last_changed(root: Path, folders: tuple[str, ...] = ("content", "docs")) -> dict[str, str]:
    """{path relative to root: YYYY-MM-DD of the newest commit that touched it}."""
    try:
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--format=@%cs", "--name-only", "--", *folders],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    current = ""
    for line in log.splitlines():
        if line.startswith("@"):
            current = line[1:]
        elif line and line not in dates:
            dates[line] = current  # the log runs newest first: the first date seen is the latest
    return dates


def updated(dates: dict[str, str], target: str, fallback: str) -> str:
    """Last change of a file, or of any file under a folder (``target`` ending in '/')."""
    if target.endswith("/"):
        found = [d for path, d in dates.items() if path.startswith(target)]
        return max(found) if found else fallback
    return dates.get(target, fallback)
