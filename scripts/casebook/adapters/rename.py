"""`casebook rename KIND OLD NEW`: give a record a new id without breaking a link to it.

It moves the record's file (one-record kinds: ``content/<folder>/<id>.yml``, and a source's snapshot
when the snapshot is named after the id), changes ``id:``, appends the old id to ``former_ids``
(which keeps the old anchor, and for laws and lessons a redirect from the old page), rewrites every
reference to the old id (the model's reference fields, and ``[[kind:old]]`` / ``[[kind:old|text]]``
in any text field of ``content/`` and in ``docs/**/*.md``), and adds the new addresses to
``tests/published-urls.txt`` beside the old ones, which stay.

YAML is edited as text, at the positions ``locate`` finds, so comments, quoting and layout survive;
each edited file is parsed again and must hold exactly the data expected, or nothing is written.
All files are written to temporary files first and then renamed into place; if anything fails,
or the content does not validate afterwards, every file is put back as it was.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebook.core import locate, shortcodes
from casebook.core.book import Casebook
from casebook.core.errors import ContentError, dotted
from casebook.core.load import LAYOUT, parse_yaml
from casebook.core.model import ID_PATTERN, MODELS, Record, Source
from casebook.core.urls import OWN_PAGES, page_of, public_url
from casebook.core.validate import build_and_check, field_references
from casebook.outputs.permalinks import LIST_FILE

KINDS = tuple(kind for kind in MODELS if kind != "case")  # the case is one record with no id to link
BOM = "\ufeff"
DataPath = tuple[str | int, ...]


class RenameError(Exception):
    """The rename was refused or could not be done; nothing was changed."""


@dataclass
class Edit:
    start: int  # offsets in the file's original text
    end: int
    text: str
    what: str  # the report line after "file:line: "


@dataclass
class _File:
    """One file to change: what it held, where it goes, and the edits to make in it."""

    path: Path  # where it is now
    display: str
    original: bytes
    bom: bool
    text: str  # without the BOM
    edits: list[Edit] = field(default_factory=list)
    target: Path | None = None  # where it moves to (None: it stays)
    target_display: str | None = None

    @classmethod
    def read(cls, path: Path, display: str) -> _File:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        bom = text.startswith(BOM)
        return cls(path, display, raw, bom, text.removeprefix(BOM))

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column (as ``locate`` gives them)."""
        start = 0
        for _ in range(line - 1):
            start = self.text.index("\n", start) + 1
        return start + column - 1

    def new_text(self) -> tuple[str, list[tuple[int, str]]]:
        """The text with every edit made, and (line in the new text, what) for each edit."""
        out: list[str] = []
        report: list[tuple[int, str]] = []
        last = 0
        for edit in sorted(self.edits, key=lambda e: e.start):
            if edit.start < last:
                raise RenameError(f"{self.display}: two edits overlap; edit it by hand")
            out.append(self.text[last : edit.start])
            # the line of the edit's first character that is not a line break (an inserted line)
            line = "".join(out).count("\n") + 1 + len(edit.text) - len(edit.text.lstrip("\n"))
            out.append(edit.text)
            report.append((line, edit.what))
            last = edit.end
        out.append(self.text[last:])
        return "".join(out), report

    def new_bytes(self) -> bytes:
        """What the file will hold: its bytes as they were when nothing in it changes (a moved snapshot)."""
        if not self.edits:
            return self.original
        return ((BOM if self.bom else "") + self.new_text()[0]).encode("utf-8")


@dataclass
class Renamed:
    """What a rename did: one line per change, ``file:line: what``."""

    kind: str
    old: str
    new: str
    changes: list[str]
    files: int
    book: Casebook  # the content after the rename (valid)


# ---------------------------------------------------------------- finding the edits


def _token(file: _File, at: tuple[int, int] | None, token: str, new: str, what: str, *, prefix: str = "") -> Edit:
    """Replace ``token`` in the scalar that starts at ``at`` (plain, 'single' or "double" quoted);
    ``prefix`` is text of the scalar before the token (a folder, for a snapshot path)."""
    if at is None:
        raise RenameError(f"{file.display}: cannot find where '{token}' is; edit it by hand")
    start = file.offset(*at)
    if file.text[start : start + 1] in ("'", '"'):
        start += 1
    start += len(prefix)
    if file.text[start : start + len(token)] != token:
        raise RenameError(f"{file.display}:{at[0]}: expected '{prefix}{token}' here; edit it by hand")
    return Edit(start, start + len(token), new, what)


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _former_ids_edit(file: _File, record: Record, data_path: DataPath, old: str) -> Edit:
    """Append ``old`` to the record's ``former_ids``, written the way the file writes lists."""
    what = f"former_ids: added '{old}'"
    if "former_ids" not in record.model_fields_set:  # a new line after the id's line
        key = locate.position(file.path, (*data_path, "id"), at_key=True)
        value = locate.position(file.path, (*data_path, "id"))
        if key is None or value is None or key[0] != value[0]:
            raise RenameError(f"{file.display}: cannot find the line of the id; edit it by hand")
        end = _line_end(file.text, file.offset(*value))
        return Edit(end, end, f"\n{' ' * (key[1] - 1)}former_ids: [{old}]", what)
    at = locate.position(file.path, (*data_path, "former_ids"))
    if at is None:
        raise RenameError(f"{file.display}: cannot find former_ids; edit it by hand")
    start = file.offset(*at)
    if file.text[start] == "[":  # a flow list: [a, b]
        close = file.text.find("]", start)
        if close < 0:
            raise RenameError(f"{file.display}:{at[0]}: cannot read former_ids; edit it by hand")
        inside = file.text[start + 1 : close]
        end = start + 1 + len(inside.rstrip())
        return Edit(end, end, f", {old}" if inside.strip() else old, what)
    if file.text[start] != "-":
        raise RenameError(f"{file.display}:{at[0]}: cannot read former_ids; edit it by hand")
    last = locate.position(file.path, (*data_path, "former_ids", len(record.former_ids) - 1))
    if last is None:
        raise RenameError(f"{file.display}: cannot find the last former id; edit it by hand")
    end = _line_end(file.text, file.offset(*last))
    return Edit(end, end, f"\n{' ' * (at[1] - 1)}- {old}", what)


def _shortcode_edits(text: str, kind: str, olds: tuple[str, ...], new: str, base: int = 0) -> Iterator[Edit]:
    """The id of each ``[[kind:old]]`` / ``[[kind:old|text]]`` in ``text`` (outside code), for each id in
    ``olds`` (the record's id and its former ids: a citation made before an earlier rename), and of each
    block built from a record of that kind (``[[glance:old]]`` for a case, ``shortcodes.BLOCKS``)."""
    for code in shortcodes.find(text):
        if shortcodes.BLOCKS.get(code.kind, code.kind) == kind and code.id in olds:
            start = base + code.start + len(f"[[{code.kind}:")
            tail = "|…]]" if code.text else "]]"
            yield Edit(start, start + len(code.id), new, f"[[{code.kind}:{code.id}{tail} -> [[{code.kind}:{new}{tail}")


def _yaml_shortcode_edits(file: _File, kind: str, olds: tuple[str, ...], new: str) -> Iterator[Edit]:
    """Shortcodes in a YAML file, line by line: a [[…]] is written on one line."""
    base = 0
    for line in file.text.splitlines(keepends=True):
        if "[[" in line:
            yield from _shortcode_edits(line, kind, olds, new, base)
        base += len(line)


def _rewrite_shortcodes(value: Any, kind: str, olds: tuple[str, ...], new: str) -> Any:
    """``value`` (YAML data) with every ``[[kind:old…`` (each of ``olds``) naming ``new`` instead: what
    the edits must give."""
    if isinstance(value, str):
        out, last = [], 0
        for edit in _shortcode_edits(value, kind, olds, new):
            out += [value[last : edit.start], new]
            last = edit.end
        return "".join(out) + value[last:]
    if isinstance(value, list):
        return [_rewrite_shortcodes(v, kind, olds, new) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_shortcodes(v, kind, olds, new) for k, v in value.items()}
    return value


def _set(data: Any, path: DataPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _setter(path: DataPath, value: Any) -> Callable[[Any], None]:
    return lambda data: _set(data, path, value)


def _get(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _new_urls(lines: list[str], kind: str, old: str, new: str, showing: set[str]) -> list[str]:
    """The address, under the new id, of each listed address of the record: its anchor ``#old`` on a
    page that shows the record (``showing``), and for a law or lesson every address of its own pages
    (``/laws/old/…``, whose ``#anchors`` are headings and stay as they are)."""
    folder = OWN_PAGES.get(kind)
    found: list[str] = []
    for line in lines:
        if not line.startswith("/"):
            continue
        path, hash_, anchor = line.partition("#")
        parts = path.split("/")
        if folder is not None and len(parts) > 2 and parts[1] == folder and parts[2] == old:
            parts[2] = new  # its own page: the anchors there are its headings' (the title's slug), kept
        elif hash_ and anchor == old and path in showing:
            anchor = new
        moved = "/".join(parts) + (f"#{anchor}" if hash_ else "")
        if moved != line and moved not in found:
            found.append(moved)
    return found


# ---------------------------------------------------------------- the plan


@dataclass
class _Plan:
    book: Casebook
    kind: str
    old: str
    new: str
    root: Path
    files: dict[Path, _File] = field(default_factory=dict)
    expected: dict[Path, Callable[[Any], Any]] = field(default_factory=dict)  # YAML data changes, per file
    added: list[Path] = field(default_factory=list)  # new files that are copies (a moved snapshot)
    notes: list[str] = field(default_factory=list)  # what was deliberately not done, for the report

    @property
    def olds(self) -> tuple[str, ...]:
        """The ids a citation of the record may use: its id, and its former ids (they still resolve)."""
        return (self.old, *self.book.records[self.old].former_ids)

    def file(self, path: Path, display: str) -> _File:
        if path not in self.files:
            self.files[path] = _File.read(path, display)
        return self.files[path]

    def expect(self, path: Path, change: Callable[[Any], None]) -> None:
        before = self.expected.get(path)

        def both(data: Any) -> Any:
            if before is not None:
                before(data)
            change(data)

        self.expected[path] = both


def _plan(book: Casebook, kind: str, old: str, new: str, docs_dir: Path | None) -> _Plan:
    root = book.content_dir.parent
    plan = _Plan(book, kind, old, new, root)
    record = book.records[old]
    origin = book.origins[old]
    here = plan.file(origin.abs_path, origin.file)
    dp = origin.data_path

    # the record itself: its id, its former ids, its file and its snapshot
    here.edits.append(_token(here, locate.position(here.path, (*dp, "id")), old, new, f"id: '{old}' -> '{new}'"))
    keep_old = was_published(root, record)
    if keep_old:
        here.edits.append(_former_ids_edit(here, record, dp, old))
    else:
        plan.notes.append(
            f"former_ids: '{old}' not added: it has no address in {LIST_FILE.as_posix()}, so it was never published"
        )

    def renamed(data: Any) -> None:
        item = _get(data, dp)
        item["id"] = new
        if keep_old:
            item["former_ids"] = [*item.get("former_ids", []), old]

    plan.expect(here.path, renamed)
    if LAYOUT[kind][1] == "one":
        here.target = here.path.with_name(f"{new}.yml")
        here.target_display = origin.file.rsplit("/", 1)[0] + f"/{new}.yml"
        if here.target.exists():
            raise RenameError(f"{here.target_display} already exists")
    if isinstance(record, Source) and record.snapshot is not None:
        _move_snapshot(plan, record, here)

    # references in fields, and [[kind:old]] in text, in every content file
    for other in book.records.values():
        place = book.origins[other.id]
        for path, target, kinds in field_references(other):
            if target != old or kind not in kinds:
                continue
            file = plan.file(place.abs_path, place.file)
            at = locate.position(file.path, place.data_path + path)
            owner = f"{other.kind} '{other.id}' " if place.data_path else ""
            file.edits.append(_token(file, at, old, new, f"{owner}{dotted(path)}: '{old}' -> '{new}'"))
            plan.expect(file.path, _setter(place.data_path + path, new))
    for place in {o.abs_path: o for o in book.origins.values()}.values():
        text = place.abs_path.read_text(encoding="utf-8-sig")
        if any(f"[[{kind}:{name}" in text for name in plan.olds):
            file = plan.file(place.abs_path, place.file)
            file.edits.extend(_yaml_shortcode_edits(file, kind, plan.olds, new))

    # hand-written pages
    if docs_dir is not None and docs_dir.is_dir():
        for page in sorted(docs_dir.rglob("*.md")):
            if page.is_symlink():
                continue
            text = page.read_text(encoding="utf-8-sig")
            if not any(f"[[{kind}:{name}" in text for name in plan.olds):
                continue
            file = plan.file(page, _display(root, page))
            file.edits.extend(_shortcode_edits(file.text, kind, plan.olds, new))

    return plan


def was_published(root: Path, record: Record) -> bool:
    """Whether the record has an address in the published list: its anchor on a shared page, or its
    own page. A record added on a branch and renamed before it was merged has none, and needs no
    former id (an old id can never be reused, so a needless one would reserve a name for ever).
    Without the list, every record counts as published."""
    listed = root / LIST_FILE
    if not listed.is_file():
        return True
    lines = {line.strip() for line in listed.read_text(encoding="utf-8").splitlines()}
    page, anchor = page_of(record)
    url = "/" + public_url(page)
    if anchor is not None:
        return f"{url}#{anchor}" in lines
    return any(line.startswith(url) for line in lines)  # its own page, /laws/<id>/ or /lessons/<id>/…


def _url_edits(file: _File, book: Casebook, kind: str, old: str, new: str) -> None:
    """Add to the published list the new address of each listed address of the record, in sorted place.

    ``book`` is the content after the rename: a generated page shows the record where it writes the
    record's former-id anchor ``<a id="old">``, so only those pages get ``#new`` (an ``#old`` on
    another page is another thing's anchor, such as a heading that happens to have the same slug).
    """
    from casebook.site import render_site

    marker = f'<a id="{old}"></a>'
    showing = {"/" + public_url(path) for path, markdown in render_site(book).items() if marker in markdown}
    lines = file.text.splitlines(keepends=True)
    listed = {line.strip() for line in lines}
    offset, at = 0, []
    for line in lines:
        at.append(offset)
        offset += len(line)
    body = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    ending = "" if file.text.endswith("\n") or not file.text else "\n"
    for url in sorted(set(_new_urls([line.strip() for line in lines], kind, old, new, showing)) - listed):
        after = next((i for i in body if lines[i].strip() > url), None)  # before the first that sorts after it
        where = at[after] if after is not None else len(file.text)
        text, what = f"{url}\n", f"added {url}"
        if after is None:
            text, ending = ending + text, ""
        file.edits.append(Edit(where, where, text, what))


def _move_snapshot(plan: _Plan, source: Source, here: _File) -> None:
    """A snapshot named after the source's id moves with it; one named otherwise, or shared, stays."""
    assert source.snapshot is not None
    folder, name = source.snapshot.file.rsplit("/", 1)
    shared = any(
        s.snapshot and s.snapshot.file == source.snapshot.file and s.id != source.id for s in plan.book.of_kind(Source)
    )
    if name != f"{plan.old}.txt" or shared:
        return
    old_path = plan.book.content_dir / source.snapshot.file
    new_path = old_path.with_name(f"{plan.new}.txt")
    content = plan.book.content_dir.name
    if new_path.exists():
        raise RenameError(f"{content}/{folder}/{plan.new}.txt already exists")
    dp = plan.book.origins[source.id].data_path
    at = locate.position(here.path, (*dp, "snapshot", "file"))
    here.edits.append(
        _token(here, at, plan.old, plan.new, f"snapshot.file: {folder}/{plan.new}.txt", prefix=f"{folder}/")
    )
    plan.expect(here.path, lambda data: _set(data, (*dp, "snapshot", "file"), f"{folder}/{plan.new}.txt"))
    snapshot = plan.file(old_path, f"{content}/{source.snapshot.file}")
    snapshot.target = new_path
    snapshot.target_display = f"{content}/{folder}/{plan.new}.txt"


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _check_yaml(plan: _Plan, file: _File) -> None:
    """The edited YAML must parse to exactly the original data with the rename made."""
    if file.path.suffix != ".yml":
        return
    before, problem = parse_yaml(file.text, file.display)
    after, problem_after = parse_yaml(file.new_text()[0], file.display)
    if problem is not None or problem_after is not None:
        raise RenameError(f"{file.display}: the edited YAML does not parse ({problem_after}); edit it by hand")
    expected = _rewrite_shortcodes(copy.deepcopy(before), plan.kind, plan.olds, plan.new)
    change = plan.expected.get(file.path)
    if change is not None:
        change(expected)
    if after != expected:
        raise RenameError(f"{file.display}: the edited file does not hold what was expected; edit it by hand")


# ---------------------------------------------------------------- writing


def _write_all(files: list[_File]) -> Callable[[], None]:
    """Write every file to a temporary file beside it, then rename them all into place (a moved file's
    old name is removed last). Return a function that puts everything back; on failure, put back now."""
    staged: list[tuple[_File, Path]] = []
    done: list[_File] = []
    removed: list[_File] = []

    def undo() -> None:
        for file in removed:
            file.path.write_bytes(file.original)
        for file in done:
            if file.target is not None:
                file.target.unlink(missing_ok=True)
            else:
                file.path.write_bytes(file.original)

    try:
        for file in files:
            target = file.target or file.path
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((file, Path(name)))
            with os.fdopen(handle, "wb") as out:
                out.write(file.new_bytes())
            os.chmod(name, file.path.stat().st_mode & 0o777)
        for file, temporary in staged:
            os.replace(temporary, file.target or file.path)
            done.append(file)
        for file in files:
            if file.target is not None:
                file.path.unlink()
                removed.append(file)
    except BaseException:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        undo()
        raise
    return undo


# ---------------------------------------------------------------- the command


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def origin_path(book: Casebook, record_id: str) -> Path:
    return book.origins[record_id].abs_path


def check_new_id(book: Casebook, old: str, new: str) -> None:
    if new == old:
        raise RenameError(f"'{new}' is already its id")
    if not ID_PATTERN.fullmatch(new) or len(new) > 80:
        raise RenameError(
            f"'{new}' is not a valid id (use lower-case letters, digits and single hyphens, at most 80 characters)"
        )
    if new in book.records:
        raise RenameError(f"'{new}' is already the id of {_a(book.records[new].kind)}")
    if new in book.former:
        raise RenameError(f"'{new}' is a former id of '{book.former[new]}' (an old id can never be reused)")


def rename(content_dir: Path, docs_dir: Path | None, kind: str, old: str, new: str) -> Renamed:
    """Rename the record ``old`` of ``kind`` to ``new`` everywhere; raise RenameError (nothing changed)
    when it is refused, or ContentError when the content is not valid before the rename."""
    if kind not in KINDS:
        raise RenameError(f"cannot rename {_a(kind)}: use one of {', '.join(KINDS)}")
    book = build_and_check(content_dir, docs_dir)  # ContentError: fix the content first
    found = book.records.get(old)
    if found is None:
        renamed_to = book.renamed(old)
        if renamed_to is not None:
            raise RenameError(f"'{old}' was already renamed: it is a former id of '{renamed_to.id}'")
        raise RenameError(f"there is no {kind} '{old}'")
    if found.kind != kind:
        raise RenameError(f"'{old}' is {_a(found.kind)}, not {_a(kind)}")
    check_new_id(book, old, new)
    plan = _plan(book, kind, old, new, docs_dir)
    # the record's own file first, then the others by name
    files = sorted(plan.files.values(), key=lambda f: (f.path != origin_path(book, old), f.display))
    for file in files:
        _check_yaml(plan, file)
    changes: list[str] = list(plan.notes)
    for file in files:
        shown = file.target_display or file.display
        if file.target is not None:
            changes.append(f"{file.display}: moved to {shown}")
        changes += [f"{shown}:{line}: {what}" for line, what in file.new_text()[1]]
    undo = _write_all(files)
    try:
        after = build_and_check(content_dir, docs_dir)
        urls = book.content_dir.parent / LIST_FILE
        if urls.is_file():
            listed = _File.read(urls, LIST_FILE.as_posix())
            _url_edits(listed, after, kind, old, new)
            if listed.edits:
                undo_urls = _write_all([listed])
                changes += [f"{listed.display}:{line}: {what}" for line, what in listed.new_text()[1]]
                files.append(listed)
                undo = _both(undo_urls, undo)
    except ContentError as error:
        undo()
        raise RenameError(
            "the rename would leave the content invalid, so it was undone:\n" + "\n".join(error.lines())
        ) from None
    except BaseException:
        undo()
        raise
    return Renamed(kind, old, new, changes, len(files), after)


def _both(first: Callable[[], None], then: Callable[[], None]) -> Callable[[], None]:
    def undo() -> None:
        first()
        then()

    return undo
