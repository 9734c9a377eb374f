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

    Nothing is followed: every entry's own type is read from the folder listing (``os.scandir``,
    never following a link), so a linked folder is reported, not entered or skipped in silence, and
    a broken link is reported too. A folder that cannot be listed is reported rather than ignored.
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
    pending = [(str(root), "")]
    while pending:  # os.scandir: each entry's type comes with the listing (no extra system call)
        folder, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            unreadable(error)
            continue
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_symlink():
                    fix = FOLDER_LINK_FIX if os.path.isdir(entry.path) else LINK_FIX
                    problems.append(Diagnostic(display_path(root, rel), "", LINK_PROBLEM, fix))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, rel + "/"))
                elif entry.is_file(follow_symlinks=False):
                    found.append(rel)
                else:
                    problems.append(Diagnostic(display_path(root, rel), "", SPECIAL_PROBLEM, SPECIAL_FIX))
            except FileNotFoundError:  # deleted while walking
                continue
    found.sort()
    problems.sort(key=lambda problem: problem.file)
    return found, problems


def refuse_symlinks(root: Path) -> list[Diagnostic]:
    """A diagnostic for every symbolic link (or special file) under ``root``, ``root`` included; [] if none.

    For docs/ (and any other contributor folder): call it before reading anything there, and stop if
    it returns problems.
    """
    return walk(root)[1]


def read_bytes(path: Path, display: str, limit: int) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of one regular file, opened without following a link; refused if over ``limit`` bytes.

    The file is opened with ``O_NOFOLLOW`` (a link fails to open) and checked with ``fstat`` on what
    was opened (a FIFO or device is refused; ``O_NONBLOCK`` keeps a FIFO from blocking the open), and
    at most ``limit + 1`` bytes are read, so a file that grows after the check cannot make it read more.
    """
    try:
        if not _NOFOLLOW:  # without O_NOFOLLOW, look before opening
            bad = _mode_problem(os.lstat(path).st_mode)
            if bad is not None:
                return None, Diagnostic(display, "", *bad)
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as error:
        if error.filename is not None and os.path.islink(path):  # replaced by a link after the check (ELOOP)
            return None, Diagnostic(display, "", LINK_PROBLEM, LINK_FIX)
        return None, Diagnostic(display, "", f"cannot be read ({error.strerror})", "check that the file exists")
    try:
        mode = os.fstat(fd)
        bad = _mode_problem(mode.st_mode)
        if bad is not None:
            return None, Diagnostic(display, "", *bad)
        chunks: list[bytes] = []
        size = 0
        while mode.st_size <= limit and size <= limit:  # what fstat said, then until the end or the limit
            wanted = max(mode.st_size + 1 - size, 65_536)
            chunk = os.read(fd, wanted)
            chunks.append(chunk)
            size += len(chunk)
            if len(chunk) < wanted:  # a short read of a regular file is its end: no empty read to confirm it
                break
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if mode.st_size > limit or len(data) > limit:
        size = max(mode.st_size, len(data))
        return None, Diagnostic(
            display, "", f"file is {size:,} bytes, over the {limit:,}-byte limit", "split it into smaller files"
        )
    return data, None
