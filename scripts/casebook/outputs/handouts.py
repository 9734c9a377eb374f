"""Printable lesson materials from the records: per lesson a student handout, an instructor guide, an
answer key and class cards (PDF, WeasyPrint), and a slide deck (``outputs.slides``).

Run as ``casebook handouts OUTDIR`` (``make handouts``), never inside an MkDocs build: a PDF takes a
second or more, and ``mkdocs serve`` must rebuild in less. The files land in OUTDIR at the paths they
are published under (``outputs.lesson_files``); the plugin publishes whatever is there. Each lesson's
files are remade only when what they are built from changed: a hash of the lesson record, every record
it cites (and their sources), the templates and this code, kept in ``OUTDIR/manifest.json``.

What is printed where is decided by ``core.lesson_views``: the handout holds the student parts only.
Every value is encoded for HTML by Jinja's autoescape, record text by ``printable.Printer`` (see there),
and WeasyPrint fetches nothing but this package's own files (``LocalFetcher``): readers may be watched,
and a PDF maker that follows a URL would tell a server who printed what.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from casebook.core import lesson_views, licence, shortcodes
from casebook.core.book import Casebook
from casebook.core.model import Fact, Lesson, Quote, Record
from casebook.core.text import human_date
from casebook.core.urls import page_of, page_url, site_base
from casebook.outputs.lesson_files import published_path
from casebook.outputs.printable import Printer
from casebook.render.labels import STATUS_LABELS

TEMPLATES = Path(__file__).parent / "templates"
PACKAGE = Path(__file__).resolve().parent.parent  # scripts/casebook: the only files a PDF may load
MANIFEST = "manifest.json"
FORMAT = 1  # bump to remake every file when the output changes in a way the hash cannot see

KINDS = {
    "student-handout.pdf": ("student.html.j2", "Student handout"),
    "instructor-guide.pdf": ("guide.html.j2", "Instructor guide"),
    "answer-key.pdf": ("answers.html.j2", "Answer key"),
    "debrief-sheet.pdf": ("debrief.html.j2", "Debrief sheet"),  # only where the debrief is held back
}


class RefusedFetch(Exception):
    """A document asked for something that is not a file of this package."""


def local_fetcher(roots: Iterable[Path] = (PACKAGE,)) -> Any:
    """A WeasyPrint URL fetcher that serves files under ``roots`` and refuses everything else (http,
    https, ftp, data and files elsewhere), stopping the render: a document that tries to fetch from
    the network is a bug, not something to print around."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    allowed = [root.resolve() for root in roots]

    class LocalFetcher(URLFetcher):
        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.refused = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
            if path is None or not path.is_file() or not any(path.is_relative_to(root) for root in allowed):
                self.refused.append(url)
                raise FatalURLFetchingError(f"casebook: refused to fetch {url[:200]!r} (only files of the package)")
            return super().fetch(url, headers)

    return LocalFetcher()


def write_pdf(html: str) -> bytes:
    """The PDF of a document built here; nothing outside the package is fetched."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=local_fetcher())
    return document.write_pdf()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is HTML-escaped unless it is Markup from printable.Printer
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = human_date
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATES / "print.css").read_text(encoding="utf-8")


def lesson_address(lesson: Lesson, site_url: str) -> str:
    return page_url(page_of(lesson)[0], site_base(site_url)) if site_url else ""


def context(book: Casebook, lesson: Lesson, kind: str, site_url: str) -> dict[str, Any]:
    """What every printed document of a lesson gets (a fresh ``Printer``: each has its own source list)."""
    return {
        "lesson": lesson,
        "p": Printer(book),
        "kind": kind,
        "licence": licence.notice(),
        "author": licence.ATTRIBUTION,
        "address": lesson_address(lesson, site_url),
        "css": Markup(_css()),  # the package's own stylesheet, not a value: printed as it is
        "activities": lesson_views.student_activities(lesson),
        "card_keys": [lesson_views.card_key(book, lesson, i) for i in range(len(lesson.activities))],
        "assessed": lesson_views.assessed_by(lesson),
        "held": lesson_views.debrief_held_back(lesson),
        # the debrief sheet's "record behind the game": the facts and quotes among the lesson's materials
        "behind": [r for r in map(book.get, lesson.materials) if isinstance(r, Fact | Quote)],
    }


def document_html(book: Casebook, lesson: Lesson, key: str, site_url: str = "") -> str:
    """The HTML of one printed document (``key``: a file kind of ``KINDS``)."""
    template, kind = KINDS[key]
    return environment().get_template(template).render(**context(book, lesson, kind, site_url))


# ---------------------------------------------------------------- what a lesson's files are built from


def _cited(record: Record) -> list[str]:
    ids = [
        code.id for _, text in shortcodes.texts_with_shortcodes(record.model_dump()) for code in shortcodes.find(text)
    ]
    if isinstance(record, Lesson):
        ids += [e for o in record.objectives for e in o.evidence]
        ids += [card.fact for a in record.activities for card in a.cards if card.fact]
        ids += [v.term for v in record.vocabulary if v.term]
    if isinstance(record, Fact):
        ids += [c.source for c in record.sources]
    if isinstance(record, Quote):
        ids += [record.speaker, record.source]
    return ids


def inputs_hash(book: Casebook, lesson: Lesson, site_url: str, code: str) -> str:
    """A hash of everything a lesson's files show: the lesson, the records it cites and theirs, the site
    address, and ``code`` (the templates and modules that draw them)."""
    seen: dict[str, None] = {}
    todo = [lesson.id]
    while todo:
        record_id = book.current_id(todo.pop())
        if record_id in seen or record_id not in book.records:
            continue
        seen[record_id] = None
        todo.extend(_cited(book.records[record_id]))
    digest = hashlib.sha256(f"{FORMAT}\n{site_url}\n{code}\n".encode())
    for record_id in sorted(seen):
        digest.update(json.dumps(book.records[record_id].model_dump(mode="json"), sort_keys=True).encode())
    return digest.hexdigest()


def code_hash(extra: Iterable[Path] = ()) -> str:
    """A hash of the templates and the modules that draw the files (a change to one remakes them all)."""
    here = Path(__file__).parent
    files = [
        *sorted(TEMPLATES.rglob("*")),
        *(here / name for name in ("handouts.py", "printable.py", "cards.py", "slides.py", "lesson_files.py")),
        PACKAGE / "core" / "lesson_views.py",
        PACKAGE / "core" / "licence.py",
        *extra,
    ]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------- building the folder


@dataclass
class Report:
    built: list[str] = field(default_factory=list)  # lesson ids remade
    cached: list[str] = field(default_factory=list)  # lesson ids whose files were up to date
    files: dict[str, float] = field(default_factory=dict)  # published path -> seconds it took
    removed: list[str] = field(default_factory=list)


def _remove(out: Path, path: str, report: Report) -> None:
    """Delete a file the manifest lists, only if it is a lesson file inside ``out`` (the manifest is a
    file on disk, not something to trust with deletions)."""
    target = (out / path).resolve()
    if target.is_relative_to((out / "lessons").resolve()) and not (out / path).is_symlink():
        target.unlink(missing_ok=True)
        report.removed.append(path)


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, target)  # a reader (or the plugin) sees the old file or the new one, never half


Maker = Callable[[Casebook, list[Lesson], str], dict[str, dict[str, bytes]]]
"""Makes the files of some lessons at once: {lesson id: {file kind: bytes}} (slides share one browser)."""


def pdf_files(book: Casebook, lessons: list[Lesson], site_url: str) -> dict[str, dict[str, bytes]]:
    """Each lesson's handout, guide and answer key, its debrief sheet when it holds the debrief back
    (a tabletop), and its cards when its activities use any."""
    from casebook.outputs import cards

    made: dict[str, dict[str, bytes]] = {}
    for lesson in lessons:
        held = lesson_views.debrief_held_back(lesson)
        keys = [key for key in KINDS if held or key != "debrief-sheet.pdf"]
        files = {key: write_pdf(document_html(book, lesson, key, site_url)) for key in keys}
        sheet = cards.cards_html(book, lesson, site_url)
        if sheet is not None:
            files["cards.pdf"] = write_pdf(sheet)
        made[lesson.id] = files
    return made


def makers(*, slides: bool = True) -> list[Maker]:
    """The makers ``casebook handouts`` runs: the PDFs, and the slide decks unless ``slides`` is false."""
    if not slides:
        return [pdf_files]
    from casebook.outputs.slides import slide_files

    return [pdf_files, slide_files]


def build(
    book: Casebook,
    out: Path,
    *,
    site_url: str = "",
    makers: Iterable[Maker] = (pdf_files,),
    code: str | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Report:
    """Make the files of every lesson whose inputs changed in ``out``; keep the others; remove the files of
    lessons that no longer exist. A lesson's files are recorded in the manifest only once all are written."""
    makers = list(makers)
    code = code if code is not None else code_hash()
    code += "".join(f"\n{make.__module__}.{make.__qualname__}" for make in makers)  # --no-slides: other files
    manifest_path = out / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    report = Report()
    new: dict[str, Any] = {}
    stale: list[Lesson] = []
    digests: dict[str, str] = {}
    for lesson in book.of_kind(Lesson):
        digests[lesson.id] = digest = inputs_hash(book, lesson, site_url, code)
        entry = manifest.get(lesson.id) or {}
        paths = entry.get("files", [])
        if entry.get("hash") == digest and paths and all((out / p).is_file() for p in paths):
            report.cached.append(lesson.id)
            new[lesson.id] = entry
        else:
            stale.append(lesson)
    written: dict[str, list[str]] = {lesson.id: [] for lesson in stale}
    for make in makers if stale else []:
        start = time.perf_counter()
        made = make(book, stale, site_url)
        seconds = (time.perf_counter() - start) / max(1, sum(len(files) for files in made.values()))
        for lesson_id, files in made.items():
            for key, data in files.items():
                path = published_path(lesson_id, key)
                _write(out / path, data)
                written[lesson_id].append(path)
                report.files[path] = seconds
    for lesson in stale:
        old = (manifest.get(lesson.id) or {}).get("files", [])
        for gone in sorted(set(old) - set(written[lesson.id])):
            _remove(out, gone, report)
        new[lesson.id] = {"hash": digests[lesson.id], "files": written[lesson.id]}
        report.built.append(lesson.id)
        log(f"{lesson.id}: {len(written[lesson.id])} files")
    for lesson_id in sorted(set(manifest) - set(new)):
        for gone in manifest[lesson_id].get("files", []):
            _remove(out, gone, report)
    out.mkdir(parents=True, exist_ok=True)
    _write(manifest_path, json.dumps(new, indent=1, sort_keys=True).encode())
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m casebook.outputs.handouts CONTENT OUTDIR``: what ``casebook handouts`` runs."""
    from casebook.core.validate import build_case

    args = sys.argv[1:] if argv is None else argv
    content, out = Path(args[0]), Path(args[1])  # CONTENT OUTDIR [--no-slides]
    book = build_case(content)
    report = build(book, out, makers=makers(slides="--no-slides" not in args), log=print)
    print(f"{out}: {len(report.built)} lessons built, {len(report.cached)} up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
