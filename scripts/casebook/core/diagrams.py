"""The pictures of the case, ``content/diagrams.yml``: what each one draws, as references to records.

A diagram holds no claim of its own. Each element names the records it rests on, and the picture
takes its words from them:

- a **flow** (who asked whom): tiers of boxes, each box a person, organisation, fact or event, and
  arrows between boxes of neighbouring tiers, each resting on one fact, drawn and labelled with that
  fact's status (alleged, reported, on the record);
- a **locks** diagram (why extradition fails): a chain of locks, each one provision of a law record,
  with a short label in the provision's own terms and, where it needs one, a fact;
- a **matrix** (which law reaches which data): laws by kinds or places of data, each mark in a cell
  citing the provision it rests on. Whether a law reaches some data is the site's reasoning, so the
  page shows it as this site's analysis.

The file is read here and checked by the rule ``rules.diagrams_rest_on_records``: a field of the wrong
shape, or an id, law or provision that does not exist, is an error with its file, line and field, and a fix.
A hand-written page places a diagram with ``[[diagram:<id>]]`` (and ``page`` says which page that is).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casebook.core import locate
from casebook.core.book import Casebook
from casebook.core.errors import Diagnostic, dotted
from casebook.core.load import read_yaml_file
from casebook.core.model import Fact, Id, Law, Plain

FILE_NAME = "diagrams.yml"

NODE_KINDS = ("person", "organisation", "fact", "event")
MAX_TIER_NODES = 3  # boxes side by side: three fit a phone's column with labels of at least 12 px
Reach = Literal["compels", "blocks", "localises", "limits", "extends"]
REACH_LABELS: dict[str, str] = {
    "compels": "Compels",
    "blocks": "Blocks",
    "localises": "Localises",
    "limits": "Limits",
    "extends": "Abroad too",
}
"""How a mark reads in a matrix cell (a word or two: three columns fit a phone)."""
REACH_WORDS: dict[str, str] = {
    "compels": "can require a company or person to hand data over or to assist",
    "blocks": "bars handing the data to foreign authorities without approval",
    "localises": "requires the data to be stored in the country",
    "limits": "restricts when or how a government may obtain the data",
    "extends": "lets the authorities act outside the country too",
}
"""What each mark means, in words: the picture's tooltips, its legend and its text version."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Node(_Strict):
    record: Id  # a person, organisation, fact or event
    label: Plain | None = None  # a shorter name for the box; the record's own label if absent


class Tier(_Strict):
    label: Plain  # what the boxes of this row are, e.g. "PRC officials"
    nodes: list[Node] = Field(min_length=1, max_length=MAX_TIER_NODES)


class Arrow(_Strict):
    source: Id = Field(alias="from")  # a node's record
    target: Id = Field(alias="to")
    fact: Id  # the fact the arrow rests on: its status labels and draws the arrow


class _Diagram(_Strict):
    """What every diagram has: an id, a title, and the page it is shown on."""

    id: Id
    title: Plain
    page: Annotated[str, Field(pattern=r"^[a-z0-9/_-]+\.md$")]  # where it is shown


class Flow(_Diagram):
    type: Literal["flow"]
    tiers: list[Tier] = Field(min_length=2, max_length=6)
    arrows: list[Arrow] = Field(min_length=1, max_length=24)


class Lock(_Strict):
    law: Id
    provision: Plain  # the ``ref`` of one of the law's provisions, e.g. "Art. 8(1)"
    label: Plain  # the lock in a few words, in the provision's own terms
    fact: Id | None = None  # a fact the lock also rests on (that no treaty exists is a fact, not a law)


class Locks(_Diagram):
    type: Literal["locks"]
    locks: list[Lock] = Field(min_length=1, max_length=12)


class Column(_Strict):
    id: Id
    label: Plain


class Mark(_Strict):
    reach: Reach
    provision: Plain  # the ``ref`` of one of the row's law's provisions


class Row(_Strict):
    law: Id
    cells: dict[Id, list[Mark]]  # column id -> marks; a column left out is a cell with nothing in it


class Matrix(_Diagram):
    type: Literal["matrix"]
    columns: list[Column] = Field(min_length=1, max_length=4)
    rows: list[Row] = Field(min_length=1, max_length=16)


Diagram = Flow | Locks | Matrix
TYPES: dict[str, type[Flow] | type[Locks] | type[Matrix]] = {"flow": Flow, "locks": Locks, "matrix": Matrix}


@dataclass(frozen=True)
class Diagrams:
    """The diagrams of ``content/diagrams.yml`` and any problem found reading it."""

    diagrams: tuple[Diagram, ...] = ()
    file: str = f"content/{FILE_NAME}"
    abs_path: Path | None = None
    positions: tuple[int, ...] = ()  # each diagram's index in the file (a diagram that failed to load is skipped)
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)

    def get(self, diagram_id: str) -> Diagram | None:
        return next((d for d in self.diagrams if d.id == diagram_id), None)

    def diagnostic(self, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
        found = locate.position(self.abs_path, path) if self.abs_path is not None else None
        line, column = found if found else (None, None)
        return Diagnostic(self.file, dotted(path), problem, fix, line, column, data_path=path)


_FIXES = {
    "missing": "add the field (see the other diagrams in the file for the form)",
    "literal_error": "use one of the values the field allows",
    "too_short": "add at least one item",
    "too_long": "split it: a longer list does not fit a phone's screen",
    "string_pattern_mismatch": "write the page's path under docs/, for example topics/extradition.md",
    "string_type": "write the value as text",
    "dict_type": "write the cells as 'column-id:' lines, each with a list of marks",
    "list_type": "write a list: one '- ' line per item",
}


def _problems(error: ValidationError, index: int, kind: type[BaseModel]) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    for item in error.errors():
        loc = (index, *item["loc"])
        name = item["loc"][-1] if item["loc"] else ""
        problem, fix = item["msg"].removeprefix("Value error, "), (item.get("ctx") or {}).get("fix", "")
        if item["type"] == "extra_forbidden":
            problem, fix = f"unknown field '{name}'", "delete it, or check its spelling and indentation"
        elif item["type"] == "missing":
            problem = "required field is missing"
        if not fix:
            fix = next((f for key, f in _FIXES.items() if item["type"].endswith(key)), "")
        yield loc, problem, fix or f"see the {kind.__name__.lower()} diagrams in the file for the form"


def load(content_dir: Path) -> Diagrams:
    """Read ``content/diagrams.yml``; every problem of shape is a Diagnostic with its line. A missing
    file means that there are no diagrams."""
    display, abs_path, data, problem = read_yaml_file(content_dir, FILE_NAME)
    if abs_path is None:
        return Diagrams(file=display)
    if problem is not None:
        return Diagrams(file=display, diagnostics=(problem,))
    empty = Diagrams(file=display, abs_path=abs_path)
    if data is None:
        return empty
    if not isinstance(data, list):
        fix = "start each diagram with '- id: …'"
        return Diagrams(file=display, diagnostics=(Diagnostic(display, "", "expected a list of diagrams", fix, 1, 1),))
    found: list[Diagram] = []
    positions: list[int] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        given = item.get("type") if isinstance(item, dict) else None
        kind = TYPES.get(given) if isinstance(given, str) else None
        if kind is None:
            said = f"'{given}' is not a type of diagram" if given is not None else "the diagram has no type"
            path: tuple[str | int, ...] = (index, "type") if given is not None else (index,)
            problems.append(empty.diagnostic(path, said, f"write type: {', '.join(TYPES)}"))
            continue
        try:
            diagram = kind.model_validate(item)
        except ValidationError as error:
            problems.extend(empty.diagnostic(loc, p, f) for loc, p, f in _problems(error, index, kind))
            continue
        if diagram.id in seen:
            problems.append(empty.diagnostic((index, "id"), f"diagram '{diagram.id}' is defined twice", "rename one"))
            continue
        seen.add(diagram.id)
        found.append(diagram)
        positions.append(index)
    return Diagrams(tuple(found), display, abs_path, tuple(positions), tuple(problems))


# ---------------------------------------------------------------- references to records


def _unknown(book: Casebook, given: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    record = book.records.get(given)
    wanted = " or ".join(kinds)
    if record is not None:
        return f"'{given}' is a {record.kind}, not a {wanted}", f"name a {wanted} id"
    close = difflib.get_close_matches(given, [r.id for k in kinds for r in book.of_kind(k)], n=1, cutoff=0.6)
    fix = f"did you mean '{close[0]}'?" if close else f"use the id of an existing {wanted}, or add the record first"
    return f"unknown {wanted} '{given}'", fix


def _record(book: Casebook, given: str, kinds: tuple[str, ...]) -> bool:
    record = book.records.get(book.current_id(given))
    return (record is not None and record.kind in kinds) or book.is_broken(given, kinds)


def _provision(book: Casebook, law_id: str, ref: str) -> tuple[str, str] | None:
    """None when ``ref`` is a provision of the law ``law_id`` (or the law is missing: reported apart)."""
    law = book.records.get(book.current_id(law_id))
    if not isinstance(law, Law):
        return None
    refs = [p.ref for p in law.provisions]
    if ref in refs:
        return None
    close = difflib.get_close_matches(ref, refs, n=1, cutoff=0.5)
    listed = ", ".join(f"'{r}'" for r in refs) or "none"
    fix = (f"did you mean '{close[0]}'? " if close else "") + f"the provisions of {law_id} are: {listed}"
    return f"'{ref}' is not a provision of the law '{law_id}'", fix


def _check_flow(book: Casebook, diagrams: Diagrams, at: int, flow: Flow) -> Iterator[Diagnostic]:
    tier_of: dict[str, int] = {}
    for t, tier in enumerate(flow.tiers):
        for n, node in enumerate(tier.nodes):
            path = (at, "tiers", t, "nodes", n, "record")
            if node.record in tier_of:
                yield diagrams.diagnostic(path, f"'{node.record}' is drawn twice", "keep one box per record")
            elif not _record(book, node.record, NODE_KINDS):
                yield diagrams.diagnostic(path, *_unknown(book, node.record, NODE_KINDS))
            tier_of.setdefault(node.record, t)
    for a, arrow in enumerate(flow.arrows):
        for end, given in (("from", arrow.source), ("to", arrow.target)):
            if given not in tier_of:
                boxes = ", ".join(tier_of) or "none"
                yield diagrams.diagnostic(
                    (at, "arrows", a, end), f"'{given}' is not a box of this diagram", f"use one of: {boxes}"
                )
        if (
            arrow.source in tier_of
            and arrow.target in tier_of
            and abs(tier_of[arrow.source] - tier_of[arrow.target]) != 1
        ):
            yield diagrams.diagnostic(
                (at, "arrows", a),
                f"the arrow from '{arrow.source}' to '{arrow.target}' does not join neighbouring tiers",
                "an arrow joins a box to one in the tier just above or below it: move one of the boxes",
            )
        if not _record(book, arrow.fact, ("fact",)):
            yield diagrams.diagnostic((at, "arrows", a, "fact"), *_unknown(book, arrow.fact, ("fact",)))


def _check_locks(book: Casebook, diagrams: Diagrams, at: int, locks: Locks) -> Iterator[Diagnostic]:
    for n, lock in enumerate(locks.locks):
        if not _record(book, lock.law, ("law",)):
            yield diagrams.diagnostic((at, "locks", n, "law"), *_unknown(book, lock.law, ("law",)))
        wrong = _provision(book, lock.law, lock.provision)
        if wrong:
            yield diagrams.diagnostic((at, "locks", n, "provision"), *wrong)
        if lock.fact is not None and not _record(book, lock.fact, ("fact",)):
            yield diagrams.diagnostic((at, "locks", n, "fact"), *_unknown(book, lock.fact, ("fact",)))


def _check_matrix(book: Casebook, diagrams: Diagrams, at: int, matrix: Matrix) -> Iterator[Diagnostic]:
    columns = [c.id for c in matrix.columns]
    for r, row in enumerate(matrix.rows):
        if not _record(book, row.law, ("law",)):
            yield diagrams.diagnostic((at, "rows", r, "law"), *_unknown(book, row.law, ("law",)))
        for column, marks in row.cells.items():
            if column not in columns:
                yield diagrams.diagnostic(
                    (at, "rows", r, "cells", column),
                    f"'{column}' is not a column of this matrix",
                    f"use one of: {', '.join(columns)}",
                )
            for m, mark in enumerate(marks):
                wrong = _provision(book, row.law, mark.provision)
                if wrong:
                    yield diagrams.diagnostic((at, "rows", r, "cells", column, m, "provision"), *wrong)


def check(book: Casebook, diagrams: Diagrams) -> Iterator[Diagnostic]:
    """Every problem of ``diagrams``: its shape (from ``load``), then each reference to a record or a
    provision that does not exist."""
    yield from diagrams.diagnostics
    for at, diagram in zip(diagrams.positions, diagrams.diagrams, strict=True):
        if isinstance(diagram, Flow):
            yield from _check_flow(book, diagrams, at, diagram)
        elif isinstance(diagram, Locks):
            yield from _check_locks(book, diagrams, at, diagram)
        else:
            yield from _check_matrix(book, diagrams, at, diagram)


def facts_of(diagram: Diagram) -> list[str]:
    """The facts a diagram rests on, in order."""
    if isinstance(diagram, Flow):
        return [a.fact for a in diagram.arrows]
    if isinstance(diagram, Locks):
        return [lock.fact for lock in diagram.locks if lock.fact]
    return []


def laws_of(diagram: Diagram) -> list[str]:
    """The laws a diagram rests on, in order."""
    if isinstance(diagram, Locks):
        return list(dict.fromkeys(lock.law for lock in diagram.locks))
    if isinstance(diagram, Matrix):
        return [row.law for row in diagram.rows]
    return []


def fact_status(book: Casebook, fact_id: str) -> str:
    return book.get_as(book.current_id(fact_id), Fact).status
