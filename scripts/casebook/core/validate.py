"""From raw records to a validated, cross-linked Casebook, or every problem at once.

Order of checks: schema (pydantic, per record) -> ids (format, uniqueness, file name) ->
references (fields and [[shortcodes]]) -> sourcing rules (``rules``) -> hand-written pages. Every
problem of a run is collected, in content/ and docs/ alike; nothing is built unless there are none.

A ``[[kind:old-id]]`` that names a former id of a renamed record still resolves, with a warning
(``Casebook.warnings``), so a link in a pull request made before the rename still builds.
"""

from __future__ import annotations

import difflib
import functools
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from casebook.core import diagrams, files, heap, locate, pages, present, prose, rules, shortcodes, teaching, wording
from casebook.core.book import Casebook, Origin
from casebook.core.errors import ContentError, Diagnostic, dotted
from casebook.core.load import LAYOUT, MAX_FILE_BYTES, RawRecord, load_content
from casebook.core.model import MODELS, Event, Record, Source
from casebook.core.urls import paginate_sources, paginate_timeline

# ---------------------------------------------------------------- schema errors


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside list[X], X | None, Annotated[X, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str):
            info = current.model_fields.get(part)
            current = _inner_model(info.annotation) if info else None
    return current


def article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return "text"


_LIST = ("expected a list, got {given}", "write each item on its own line starting with '- '")
_MAPPING = ("expected a mapping of fields, got {given}", "write 'field: value' lines")
_WHOLE_NUMBER = ("expected a whole number, got {given}", "write digits only, without quotes")

MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("required field is missing", "add '{name}: …' to the {record} record"),
    "string_type": ("expected text, got {given}", "write the value as text; put it in quotes"),
    "list_type": _LIST,
    "tuple_type": _LIST,
    "model_type": _MAPPING,
    "dict_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "int_type": _WHOLE_NUMBER,
    "int_parsing": _WHOLE_NUMBER,
    "int_from_float": _WHOLE_NUMBER,
    "bool_type": ("expected true or false, got {given}", "write true or false"),
    "too_short": ("needs at least {min_length} item(s)", "add at least one entry"),
    "string_too_long": ("is longer than {max_length} characters", "shorten it"),
    "string_pattern_mismatch": ("'{input}' is not in the expected form", "match the pattern {pattern}"),
    "greater_than": ("input should be greater than {gt}", "change the number"),
    "greater_than_equal": ("input should be greater than or equal to {ge}", "change the number"),
    "less_than": ("input should be less than {lt}", "change the number"),
    "less_than_equal": ("input should be less than or equal to {le}", "change the number"),
}
"""pydantic error type -> (problem, fix) templates, formatted with the error's ctx plus ``input``
(the value given), ``given`` (what kind of value that is), ``name`` (the field) and ``record``
(the record kind). ``extra_forbidden`` and ``literal_error`` suggest the nearest name instead;
the project's own errors (``casebook_*``, from ``model``) carry their fix in ``ctx["fix"]``."""


# names other sites and tools use for a field this model calls otherwise (spelling alone would not find them)
_SYNONYMS = {
    "tags": "topics",
    "tag": "topics",
    "categories": "topics",
    "category": "topics",
    "keywords": "topics",
    "citations": "sources",
    "references": "sources",
    "author": "authors",
    "link": "url",
    "href": "url",
    "headline": "title",
    "quote": "excerpt",
    # a law's dates belong to its versions now (each version's adopted and in_force)
    "adopted": "versions",
    "in_force": "versions",
}


def _unknown_field(model: type[BaseModel], loc: tuple[Any, ...], name: str) -> tuple[str, str]:
    parent = _model_at(model, loc[:-1])
    allowed = sorted(parent.model_fields) if parent else []
    synonym = _SYNONYMS.get(name.lower())
    close = [synonym] if synonym in allowed else difflib.get_close_matches(name, allowed, n=1)
    fix = (f"did you mean '{close[0]}'? " if close else "") + f"allowed fields: {', '.join(allowed)}"
    return f"unknown field '{name}'", fix


def _is_required(model: type[BaseModel], loc: tuple[Any, ...]) -> bool:
    """Whether the field at ``loc`` must be there (an empty optional field can just be deleted)."""
    names = [p for p in loc if isinstance(p, str)]
    if not names or not isinstance(loc[-1], str):
        return False  # an item of a list: the list's own rules say whether it may be empty
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(names[-1]) if parent else None
    return field is not None and field.is_required()


def _not_allowed(given: Any, expected: str) -> tuple[str, str]:
    """``literal_error``: ``expected`` is pydantic's "'a', 'b' or 'c'"."""
    choices = re.findall(r"'([^']*)'", expected)
    close = difflib.get_close_matches(given, choices, n=1) if isinstance(given, str) else []
    fix = (f"did you mean '{close[0]}'? " if close else "") + f"use one of: {expected.replace(' or ', ', ')}"
    return f"'{given}' is not an allowed value", fix


def _problem_and_fix(item: ErrorDetails, loc: tuple[Any, ...], model: type[BaseModel], record: str) -> tuple[str, str]:
    kind, given, ctx = item["type"], item.get("input"), item.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, name)
    if kind == "literal_error":
        return _not_allowed(given, str(ctx.get("expected", "")))
    if kind == "casebook_text" and item["msg"] == "text is empty" and _is_required(model, loc):
        return "text is empty", "write the text: this field is required"
    templates = MESSAGES.get(kind)
    if templates is None:  # the project's own errors, and any pydantic error without a template
        return item["msg"].removeprefix("Value error, "), str(ctx.get("fix", ""))
    values = {**ctx, "input": given, "given": _describe(given), "name": name, "record": record}
    problem, fix = templates
    return problem.format(**values), fix.format(**values)


def schema_diagnostics(raw: RawRecord, model: type[Record], error: ValidationError) -> list[Diagnostic]:
    """One diagnostic per pydantic error, worded for a contributor (see ``MESSAGES``)."""
    out = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and ("[" in p or "(" in p)))
        problem, fix = _problem_and_fix(item, loc, model, raw.kind)
        at_key = item["type"] == "extra_forbidden"  # point at the unknown name, not its value
        out.append(Diagnostic(raw.file, dotted(loc), problem, fix, data_path=raw.path + loc, at_key=at_key))
    return out


# ---------------------------------------------------------------- references


def _walk(value: Any, pattern: tuple[str, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    """Values at a dotted pattern such as 'sources.*.source' inside record data, in order: one level
    of the pattern at a time over lists, not a generator per value (this runs for every record)."""
    if len(pattern) == 2 and pattern[1] == "*":  # a list of ids ('people.*'), most reference fields
        items = getattr(value, pattern[0], None) if isinstance(value, BaseModel) else None
        return [((pattern[0], i), item) for i, item in enumerate(items)] if isinstance(items, list) else []
    found: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    for head in pattern:
        if head == "*":
            found = [((*at, i), item) for at, items in found if isinstance(items, list) for i, item in enumerate(items)]
        else:
            found = [((*at, head), getattr(item, head, None)) for at, item in found if isinstance(item, BaseModel)]
        if not found:
            break
    return found


@functools.cache
def _patterns(model: type[Record]) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    return tuple((tuple(pattern.split(".")), kinds) for pattern, kinds in model.references.items())


def field_references(record: Record) -> Iterator[tuple[tuple[str | int, ...], str, tuple[str, ...]]]:
    """(path inside the record, id, kinds it may name) for every id in a reference field of ``record``
    (its ``references``: dotted paths, '*' for each list item)."""
    for pattern, kinds in _patterns(type(record)):
        for path, target in _walk(record, pattern):
            if isinstance(target, str):
                yield path, target, kinds


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _unknown(book: Casebook, target: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    existing = book.records.get(target)
    if existing is not None:
        wanted = " or ".join(kinds)
        return (f"'{target}' is {_a(existing.kind)}, not {_a(wanted)}", f"point to {_a(wanted)} id")
    renamed = book.renamed(target)
    if renamed is not None and renamed.kind in kinds:
        return (f"'{target}' is a former id of the {renamed.kind} '{renamed.id}'", f"use '{renamed.id}'")
    candidates = [r.id for kind in kinds for r in book.of_kind(kind)]
    close = difflib.get_close_matches(target, candidates, n=1, cutoff=0.6)
    problem = f"unknown {' or '.join(kinds)} '{target}'"
    if close:
        return problem, f"did you mean '{close[0]}'?"
    # where the record would go: content/facts/<id>.yml, or the list file of its kind
    where = " or ".join(sorted({f"{book.content_dir.name}/{LAYOUT[k][0].replace('*', target)}" for k in kinds}))
    return problem, f"add it as {where}, or fix the id"


def resolve_references(book: Casebook) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for record in list(book.records.values()):
        origin = book.origins[record.id]
        for path, target, kinds in field_references(record):
            found = book.records.get(target)
            if found is not None and found.kind in kinds:
                book.link_back(target, record.id)
                continue
            if book.is_broken(target, kinds):
                continue
            problem, fix = _unknown(book, target, kinds)
            problems.append(Diagnostic(origin.file, dotted(path), problem, fix, data_path=origin.data_path + path))
        if not origin.has_shortcodes:
            continue
        for path, text in book.texts(record):
            if "[[" not in text:  # no shortcode (``shortcodes.find`` would find none)
                continue
            for code in shortcodes.find(text):
                wrong = check_shortcode(book, code)
                said = wrong or shortcode_warning(book, code)
                if said is not None:
                    at = origin.data_path + path
                    needle = f"[[{code.kind}:{code.id}"  # located in the file at the shortcode itself
                    in_text = (needle, text.count(needle, 0, code.start))
                    diagnostic = Diagnostic(origin.file, dotted(path), said[0], said[1], data_path=at, in_text=in_text)
                    (problems if wrong else book.warnings).append(diagnostic)
                if wrong is None:
                    book.link_back(book.current_id(code.id), record.id)
    return problems


def check_shortcode(book: Casebook, code: shortcodes.Shortcode, *, page: bool = False) -> tuple[str, str] | None:
    """None when ``[[kind:id]]`` names an existing record of that kind, else (problem, fix). A block
    (``shortcodes.BLOCKS``: ``[[glance:<case id>]]``) names a record of its kind, in a page only."""
    kind = shortcodes.BLOCKS.get(code.kind, code.kind) if page else code.kind
    if kind not in MODELS:
        blocks = f" (a hand-written page may also include: {', '.join(sorted(shortcodes.BLOCKS))})"
        return (
            f"unknown record kind '{code.kind}' in [[{code.kind}:{code.id}]]",
            f"use one of: {', '.join(sorted(MODELS))}" + ("" if page else blocks),
        )
    if code.kind in shortcodes.BLOCKS and code.text:
        return (f"[[{code.kind}:{code.id}|{code.text}]]: a block takes no text", f"write [[{code.kind}:{code.id}]]")
    found = book.records.get(code.id) or book.renamed(code.id)  # a former id resolves (``shortcode_warning``)
    if (found is not None and found.kind == kind) or book.is_broken(code.id, (kind,)):
        return None
    problem, fix = _unknown(book, code.id, (kind,))
    return f"[[{code.kind}:{code.id}]]: {problem}", fix


def block_problem(text: str, code: shortcodes.Shortcode) -> tuple[str, str] | None:
    """(problem, fix) when a block shortcode does not stand on a line of its own, with blank lines around."""
    if code.kind not in shortcodes.BLOCKS:
        return None
    line_start = text.rfind("\n", 0, code.start) + 1
    line_end = text.find("\n", code.end)
    line_end = len(text) if line_end < 0 else line_end
    alone = text[line_start:line_end].strip() == text[code.start : code.end]
    before, after = text[:line_start], text[line_end:]
    blank_around = (not before.strip() or before.endswith("\n\n")) and (not after.strip() or after.startswith("\n\n"))
    if alone and blank_around:
        return None
    return (
        f"[[{code.kind}:{code.id}]] is a block: it must stand alone on its line, with a blank line before and after",
        f"put [[{code.kind}:{code.id}]] on a line of its own between blank lines",
    )


def shortcode_warning(book: Casebook, code: shortcodes.Shortcode) -> tuple[str, str] | None:
    """(problem, fix) when ``[[kind:id]]`` names a record by a former id: it still resolves, so that a
    pull request made before a rename still builds, but it should name the current id."""
    renamed = book.renamed(code.id)
    if renamed is None or renamed.kind != code.kind:
        return None
    return (
        f"[[{code.kind}:{code.id}]]: '{code.id}' was renamed to '{renamed.id}'",
        f"write [[{code.kind}:{renamed.id}]]",
    )


# ---------------------------------------------------------------- the whole run


def build_case(content_dir: Path) -> Casebook:
    """Load, validate and cross-link the content; raise ContentError listing every problem."""
    return build_and_check(content_dir, None)


def _load_book(content_dir: Path) -> tuple[Casebook, list[Diagnostic], dict[str, Path]]:
    """The book of every record that loaded and validated, every problem found on the way, and
    each content file's absolute path (for positions). References to records that failed to load
    are not reported (``Casebook.is_broken``), so one broken file gives one error."""
    locate.clear_cache()
    loaded = load_content(content_dir)
    raw_records, problems = loaded.records, loaded.diagnostics
    book = Casebook(content_dir.resolve())
    for kind, shape, path in loaded.unreadable:
        if shape == "one":
            book.broken_ids[path.stem] = kind  # one-record files are named after their id
        else:
            book.broken_kinds.add(kind)
    abs_paths: dict[str, Path] = {}
    first_seen: dict[str, RawRecord] = {}
    for raw in raw_records:
        abs_paths[raw.file] = raw.abs_path
        model = MODELS[raw.kind]
        try:
            record = model.model_validate(raw.data)
        except ValidationError as error:
            problems.extend(schema_diagnostics(raw, model, error))
            # still register a well-formed id, so references to it do not cascade into more errors
            record_id = raw.data.get("id")
            if isinstance(record_id, str):
                book.broken_ids.setdefault(record_id, raw.kind)
                first_seen.setdefault(record_id, raw)
            continue
        if LAYOUT[raw.kind][1] == "one" and raw.kind != "case" and raw.stem != record.id:
            problems.append(
                Diagnostic(
                    raw.file,
                    "id",
                    f"id '{record.id}' does not match the file name '{raw.stem}'",
                    f"rename the file to {record.id}.yml or change the id",
                    data_path=("id",),
                )
            )
        if record.id in first_seen:
            other = first_seen[record.id]
            at = locate.position(other.abs_path, (*other.path, "id"))
            where = f"{other.file}:{at[0]}" if at else other.file
            problems.append(
                Diagnostic(
                    raw.file,
                    "id",
                    f"id '{record.id}' is already used by {article(other.kind)} {other.kind} in {where}",
                    "ids are unique across all files: choose another id",
                    data_path=(*raw.path, "id"),
                )
            )
            continue
        first_seen[record.id] = raw
        book.add(record, Origin(raw.file, raw.abs_path, raw.path, raw.has_shortcodes))
    paginate_timeline(book.of_kind(Event))  # where each event and source is published, before anything links one
    paginate_sources(book.of_kind(Source))
    book.diagrams = diagrams.load(content_dir)  # checked against the records by a rule (``rules``)
    problems.extend(_check_former_ids(book))
    problems.extend(resolve_references(book))
    problems.extend(rules.check(book))
    problems.extend(teaching.check(book))  # lessons a teacher can run (core/teaching.py)
    return book, problems, abs_paths


PAGE_KINDS = ("law", "lesson")  # records with pages of their own, whose old addresses redirect
RESERVED_PAGE_NAMES = ("index",)


def _check_former_ids(book: Casebook) -> list[Diagnostic]:
    """A former id stays reserved for ever: it may not be reused, by the same or another record."""
    problems: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for record in book.records.values():
        for index, former in enumerate(record.former_ids):
            origin = book.origins[record.id]
            path = ("former_ids", index)
            if former in book.records:
                problem = f"former id '{former}' is the id of a current {book.records[former].kind}"
            elif record.kind in PAGE_KINDS and former in RESERVED_PAGE_NAMES:
                # a law's or lesson's old page redirects to its new one: 'index' would redirect the index
                problem = f"former id '{former}' is the name of the {record.kind}s index page"
            elif former in seen:
                problem = f"former id '{former}' is also a former id of '{seen[former]}'"
            else:
                seen[former] = record.id
                continue
            problems.append(
                Diagnostic(
                    origin.file,
                    dotted(path),
                    problem,
                    "an old id can never be reused: pick a new id",
                    data_path=origin.data_path + path,
                )
            )
    return problems


PAGE = "page"
"""The field label of a problem in a hand-written page."""


def check_pages(book: Casebook, docs_dir: Path) -> list[Diagnostic]:
    """Hand-written Markdown pages follow the page rules (``core.pages``), and every [[kind:id]]
    in them names an existing record."""
    # Every file under docs/ is published by MkDocs, so a link anywhere there is refused (MkDocs
    # would copy what it points to), and no page is read through one.
    names, problems = files.walk(docs_dir)
    for rel in names:
        if not rel.endswith(".md"):
            kind = pages.published_file_problem(rel)
            if kind is not None:
                problems.append(Diagnostic(files.display_path(docs_dir, rel), "", *kind))
            continue
        display = files.display_path(docs_dir, rel)
        raw, unreadable = files.read_bytes(docs_dir / rel, display, MAX_FILE_BYTES)
        if raw is None:
            problems.extend([unreadable] if unreadable else [])
            continue
        text = raw.decode("utf-8-sig", errors="replace")
        for found in pages.check_page(text):
            problems.append(Diagnostic(display, PAGE, found.message, found.fix, found.line, 1))
        for line, sentence in wording.claims(text):
            problems.append(Diagnostic(display, PAGE, wording.problem(sentence), wording.FIX, line, 1))
        for line, sentence in present.undated(text):
            problems.append(Diagnostic(display, PAGE, present.problem(sentence), present.FIX, line, 1))
        if prose.checks_prose(rel):
            for block in prose.uncited(text):
                problems.append(Diagnostic(display, PAGE, block.problem(), prose.FIX, block.line, 1))
        for code in shortcodes.find(text):
            if code.kind == DIAGRAM:
                wrong = check_diagram(book, code, rel)
                if wrong is not None:
                    line, column = shortcodes.line_of(text, code.start)
                    problems.append(Diagnostic(display, PAGE, *wrong, line, column))
                continue
            wrong = check_shortcode(book, code, page=True) or block_problem(text, code)
            said = wrong or shortcode_warning(book, code)
            if said is not None:
                line, column = shortcodes.line_of(text, code.start)
                diagnostic = Diagnostic(display, PAGE, said[0], said[1], line, column)
                (problems if wrong else book.warnings).append(diagnostic)
    return problems


DIAGRAM = "diagram"
"""The shortcode kind that places a picture of ``content/diagrams.yml`` on a hand-written page."""


def check_diagram(book: Casebook, code: shortcodes.Shortcode, page: str) -> tuple[str, str] | None:
    """None when ``[[diagram:id]]`` names a diagram whose ``page`` is this page, else (problem, fix)."""
    loaded = book.diagrams
    found = loaded.get(code.id) if loaded is not None else None
    if found is None:
        known = ", ".join(d.id for d in loaded.diagrams) if loaded is not None else ""
        fix = f"use one of: {known}" if known else "define the diagram in content/diagrams.yml first"
        return f"[[diagram:{code.id}]]: unknown diagram '{code.id}'", fix
    if found.page != page:
        return (
            f"[[diagram:{code.id}]]: the diagram belongs on {found.page}, not {page}",
            f"set its page to {page} in content/diagrams.yml, or move the shortcode",
        )
    return None


def build_and_check(content_dir: Path, docs_dir: Path | None) -> Casebook:
    """Load, validate and cross-link the content and check the hand-written pages in ``docs_dir``
    (if given) against the records that loaded, as one run: raise ContentError listing every
    problem of both. Warnings are left in ``Casebook.warnings`` for the caller to show."""
    with heap.few_full_collections():
        book, problems, abs_paths = _load_book(content_dir)
        if docs_dir is not None and docs_dir.is_dir():
            problems.extend(check_pages(book, docs_dir))
    locate.fill_positions(book.warnings, abs_paths)
    if problems:
        locate.fill_positions(problems, abs_paths)
        raise ContentError(problems, book.warnings)
    return book
