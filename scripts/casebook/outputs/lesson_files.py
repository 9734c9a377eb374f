"""Where each lesson's printables and slides are published, and which of them a build has.

The files themselves are made by ``casebook handouts OUTDIR`` (``outputs.handouts``), outside the MkDocs
build: PDFs and slides take seconds each, and the site rebuilds in less. The plugin publishes what that
command left in its folder, like the offline zip, and pages link only to files that are published in
the same build (``materials_for``), so a fresh clone that has not made them builds with no broken link.

This module imports nothing heavy: every page build uses it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path("build") / "handouts"  # what `make handouts` fills, mirroring the published paths


@dataclass(frozen=True)
class Kind:
    key: str  # the end of the file name
    label: str
    description: str


KINDS: tuple[Kind, ...] = (
    Kind("student-handout.pdf", "Student handout (PDF)", "questions and tasks with space to write; no answers"),
    Kind(
        "debrief-sheet.pdf",
        "Debrief sheet (PDF)",
        "the discussion, check questions and key points, handed out after the game",
    ),
    Kind("instructor-guide.pdf", "Instructor guide (PDF)", "the whole lesson with timings, notes and answers"),
    Kind("answer-key.pdf", "Answer key (PDF)", "model answers and card keys, for the teacher"),
    Kind("cards.pdf", "Class cards (PDF)", "timeline, sorting, role and inject cards to cut out; no answers"),
    Kind("slides.html", "Slides (HTML, works offline)", "a 16:9 deck to project from a browser"),
    Kind("slides.pdf", "Slides (PDF)", "the same deck as a PDF, one slide a page"),
)
BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Material:
    """One published file of a lesson, as a page links it."""

    key: str
    label: str
    description: str
    path: str  # from the site root, e.g. lessons/<id>/<id>-student-handout.pdf


def published_path(lesson_id: str, key: str) -> str:
    """The file's path from the site root: beside the lesson's own pages, named for the lesson."""
    return f"lessons/{lesson_id}/{lesson_id}-{key}"


def materials_for(lesson_id: str, available: Collection[str]) -> list[Material]:
    """The lesson's files that this build publishes (``available``: published paths), in a fixed order."""
    found = []
    for kind in KINDS:
        path = published_path(lesson_id, kind.key)
        if path in available:
            found.append(Material(kind.key, kind.label, kind.description, path))
    return found


def by_lesson(lesson_ids: Collection[str], available: Collection[str]) -> dict[str, list[Material]]:
    """``materials_for`` of every lesson: what the page templates get as ``materials``."""
    return {lesson_id: materials_for(lesson_id, available) for lesson_id in lesson_ids}


def published_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(published path, file) for every lesson file in ``folder`` (the output of ``casebook handouts``).
    Anything else there (the cache manifest, a half-written file) is not published."""
    lessons = folder / "lessons"
    if not lessons.is_dir():
        return
    for path in sorted(lessons.glob("*/*")):
        lesson_id = path.parent.name
        key = path.name.removeprefix(f"{lesson_id}-")
        if path.is_file() and not path.is_symlink() and key in BY_KEY and path.name != key:
            yield path.relative_to(folder).as_posix(), path
