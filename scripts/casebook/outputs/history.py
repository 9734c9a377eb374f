"""The git history of content/ and docs/, read once per build with one `git log` call.

It gives two things: when each file last changed ("last updated" dates, "Cite this page") and
what changed in the records (the What's new page and feed, see ``updates``). Outside a git
checkout there is no history, and callers fall back to the build date.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Commit:
    short: str
    date: str  # YYYY-MM-DD, committer date
    subject: str
    files: list[tuple[str, str]] = field(default_factory=list)  # (status letter, path)
    time: str = ""  # committer time in UTC, YYYY-MM-DDTHH:MM:SSZ
    # the oldest commit of a shallow clone: git lists every file it holds as added, which is not a change
    boundary: bool = False
    renamed: dict[str, str] = field(default_factory=dict)  # new path -> old path, for files git saw renamed


_HEAD = re.compile(r"[0-9a-f]{7,40} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{1,12}")


def read_log(root: Path, folders: tuple[str, ...] = ("content", "docs")) -> list[Commit]:
    """Commits touching ``folders``, newest first; empty outside a git checkout.

    Anyone can write a commit subject, so nothing in one may shape the parse: records are split on
    NUL (which git never puts in a subject) and the hash and date come first, on their own line,
    checked against their format; the subject is the next line (``%s`` has no line breaks).

    In a shallow clone (CI's default checkout) the oldest commit is marked ``boundary``: git shows
    every file it holds as added there, so it says nothing about what changed (``feed`` skips it),
    and its date is only an upper bound for the files' last changes.
    """
    try:
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%x00%h %cs %ct%n%s", "--name-status", "--", *folders],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    shallow = _shallow(root)
    commits = []
    for chunk in log.split("\x00")[1:]:
        head, _, rest = chunk.partition("\n")
        subject, _, body = rest.partition("\n")
        if not _HEAD.fullmatch(head):
            continue  # not a record git wrote
        short, day, seconds = head.split(" ")
        lines = [line.split("\t") for line in body.splitlines()]
        files = [(parts[0][:1], parts[-1]) for parts in lines if len(parts) > 1]
        renamed = {parts[2]: parts[1] for parts in lines if len(parts) == 3 and parts[0][:1] in "RC"}
        time = datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cut = any(full.startswith(short) for full in shallow)
        commits.append(Commit(short, day, subject, files, time, cut, renamed))
    return commits


def _shallow(root: Path) -> set[str]:
    """The full hashes where a shallow clone's history is cut (``.git/shallow``); empty in a full clone."""
    try:
        path = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--path-format=absolute", "--git-path", "shallow"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        return set(Path(path).read_text(encoding="ascii").split()) if path and Path(path).is_file() else set()
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return set()


def read_blobs(root: Path, specs: list[str]) -> dict[str, str]:
    """{``commit:path`` or ``commit^:path``: the file's text at that commit}, read with one
    ``git cat-file --batch``; a spec git has no file for (a file added, deleted, or before the first
    commit) is left out. Empty outside a git checkout."""
    if not specs:
        return {}
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"],
            input="".join(spec + "\n" for spec in specs).encode("utf-8"),
            capture_output=True,
            timeout=120,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    blobs: dict[str, str] = {}
    at = 0
    for spec in specs:  # git answers each line in order: "<oid> <type> <size>\n<data>\n" or "<spec> missing\n"
        end = out.find(b"\n", at)
        if end == -1:
            break
        header = out[at:end].split(b" ")
        at = end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            if header[1] == b"blob":
                blobs[spec] = out[at : at + size].decode("utf-8", errors="replace")
            at += size + 1
    return blobs


def last_changed(commits: list[Commit]) -> dict[str, str]:
    """{path: YYYY-MM-DD of the newest commit that touched it}."""
    dates: dict[str, str] = {}
    for commit in commits:  # newest first: the first date seen for a path is its latest
        for _, path in commit.files:
            dates.setdefault(path, commit.date)
    return dates


def updated(dates: dict[str, str], target: str, fallback: str) -> str:
    """Last change of a file, or of any file under a folder (``target`` ending in '/')."""
    if target.endswith("/"):
        found = [d for path, d in dates.items() if path.startswith(target)]
        return max(found) if found else fallback
    return dates.get(target, fallback)
