"""Walking and reading contributors' folders (content/, docs/) without ever following a symbolic link.

Why: contributors are untrusted, and git stores symbolic links. A link committed as
``content/facts/x.yml -> /etc/hostname`` or ``content/sources/snapshots/x.txt -> /etc/passwd`` would
otherwise be read, quoted, hashed or published as if it were content. So a link is refused wherever
it is (file or folder, broken or not) before anything is read, and the readers here open files with
``O_NOFOLLOW`` as a second line of defence. Special files (FIFOs, sockets, devices) are refused too:
reading a FIFO blocks for ever.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from casebook.core.errors import Diagnostic

LINK_PROBLEM = "is a symbolic link"
LINK_FIX = "replace it with the file itself"
FOLDER_LINK_FIX = "replace it with the folder itself"
SPECIAL_PROBLEM = "is not a regular file"
SPECIAL_FIX = "replace it with an ordinary file"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # absent on Windows, where git checks links out as text files
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO that slipped past lstat must not block


def display_path(root: Path, rel: str) -> str:
    """How a contributor sees a path: ``content/facts/x.yml`` (the root folder's name, then the relative path)."""
    return root.name if rel in ("", ".") else f"{root.name}/{rel}"


def _mode_problem(mode: int, *, folder: bool = False) -> tuple[str, str] | None:
    if stat.S_ISLNK(mode):
        return LINK_PROBLEM, FOLDER_LINK_FIX if folder else LINK_FIX
    if folder:
        return None if stat.S_ISDIR(mode) else (SPECIAL_PROBLEM, SPECIAL_FIX)
    return None if stat.S_ISREG(mode) else (SPECIAL_PROBLEM, SPECIAL_FIX)


def walk(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """Every regular file under ``root`` as a sorted relative POSIX path, and a diagnostic for every link.

    Nothing is followed: ``os.walk(followlinks=False)`` does not enter linked folders, and every file
    and folder name is checked with ``lstat`` (a linked folder is reported, not skipped in silence;
    a broken link is reported too). A folder that cannot be listed is reported rather than ignored.
    ``root`` itself must not be a link either; a missing ``root`` has no files and no problems.
    """
    problems: list[Diagnostic] = []
    try:
        root_mode = os.lstat(root).st_mode
    except FileNotFoundError:
        return [], []
    bad = _mode_problem(root_mode, folder=True)
    if bad is not None:
        return [], [Diagnostic(display_path(root, ""), "", *bad)]

    def unreadable(error: OSError) -> None:
        rel = os.path.relpath(error.filename or root, root).replace(os.sep, "/")
        problems.append(
            Diagnostic(display_path(root, rel), "", f"cannot be read ({error.strerror})", "fix its permissions")
        )

    found: list[str] = []
    for folder, dirs, names in os.walk(root, followlinks=False, onerror=unreadable):
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel_folder == "." else f"{rel_folder}/"
        kept = []
        for name in sorted(dirs):
            try:
                bad = _mode_problem(os.lstat(os.path.join(folder, name)).st_mode, folder=True)
            except FileNotFoundError:  # deleted while walking
                continue
            if bad is None:
                kept.append(name)
            else:
                problems.append(Diagnostic(display_path(root, prefix + name), "", *bad))
        dirs[:] = kept  # never descend into a link, even if a platform's os.walk would
        for name in sorted(names):
            try:
                mode = os.lstat(os.path.join(folder, name)).st_mode
            except FileNotFoundError:  # deleted while walking
                continue
            bad = _mode_problem(mode)
            if bad is None:
                found.append(prefix + name)
            else:
                problems.append(Diagnostic(display_path(root, prefix + name), "", *bad))
    found.sort()
    return found, problems


def refuse_symlinks(root: Path) -> list[Diagnostic]:
    """A diagnostic for every symbolic link (or special file) under ``root``, ``root`` included; [] if none.

    For docs/ (and any other contributor folder): call it before reading anything there, and stop if
    it returns problems.
    """
    return walk(root)[1]


def read_bytes(path: Path, display: str, limit: int) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of one regular file, opened without following a link; refused if over ``limit`` bytes.

    The file is checked with ``lstat`` first and opened with ``O_NOFOLLOW``, and at most ``limit + 1``
    bytes are read, so a file that grows (or is swapped) after the check cannot make it read more.
    """
    try:
        bad = _mode_problem(os.lstat(path).st_mode)
        if bad is not None:
            return None, Diagnostic(display, "", *bad)
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as error:
        if error.filename is not None and os.path.islink(path):  # replaced by a link after the check (ELOOP)
            return None, Diagnostic(display, "", LINK_PROBLEM, LINK_FIX)
        return None, Diagnostic(display, "", f"cannot be read ({error.strerror})", "check that the file exists")
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd)
        bad = _mode_problem(mode.st_mode)
        if bad is not None:
            return None, Diagnostic(display, "", *bad)
        data = handle.read(limit + 1) if mode.st_size <= limit else b""
    if mode.st_size > limit or len(data) > limit:
        size = max(mode.st_size, len(data))
        return None, Diagnostic(
            display, "", f"file is {size:,} bytes, over the {limit:,}-byte limit", "split it into smaller files"
        )
    return data, None
