"""The validated case: every record by id and kind, where it came from, and who cites it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, overload

from casebook.core import shortcodes
from casebook.core.errors import Diagnostic, dotted
from casebook.core.model import Fact, Law, Quote, Record, Source

if TYPE_CHECKING:
    from casebook.core.diagrams import Diagrams

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Origin:
    file: str  # display path, for example content/facts/x.yml
    abs_path: Path
    data_path: tuple[int, ...]
    has_shortcodes: bool = True


@dataclass
class Casebook:
    content_dir: Path
    records: dict[str, Record] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    by_kind: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    # id -> ids of the records that reference it (fields or [[shortcodes]]), in content order
    cited_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _linked: set[tuple[str, str]] = field(default_factory=set, repr=False)  # the pairs in cited_by
    # Records that exist but failed to load or validate: references to them are not reported
    # again, so one broken file gives one error rather than a cascade.
    broken_ids: dict[str, str] = field(default_factory=dict)  # id -> kind
    broken_kinds: set[str] = field(default_factory=set)  # kinds with a list file that did not parse
    # former id -> current id: a renamed record still answers to its old ids (with a warning)
    former: dict[str, str] = field(default_factory=dict)
    # problems that do not stop a build, such as a [[fact:old-id]] that resolves through former_ids
    warnings: list[Diagnostic] = field(default_factory=list)
    # id -> every text of the record, as ``texts`` gives them, read once for all the checks of a run
    _texts: dict[str, list[tuple[tuple[str | int, ...], str]]] = field(default_factory=dict, repr=False)
    # the pictures of content/diagrams.yml (``core.diagrams``), read with the records
    diagrams: Diagrams | None = None

    def is_broken(self, record_id: str, kinds: tuple[str, ...]) -> bool:
        return self.broken_ids.get(record_id) in kinds or any(k in self.broken_kinds for k in kinds)

    def add(self, record: Record, origin: Origin) -> None:
        self.records[record.id] = record
        self.origins[record.id] = origin
        self.by_kind[record.kind].append(record)
        for former in record.former_ids:
            self.former.setdefault(former, record.id)

    def current_id(self, record_id: str) -> str:
        """The id a record has now: ``record_id`` itself, or the id of the record that had it before a rename."""
        if record_id in self.records:
            return record_id
        return self.former.get(record_id, record_id)

    def renamed(self, record_id: str) -> Record | None:
        """The record that ``record_id`` is a former id of, or None."""
        current = self.former.get(record_id)
        return self.records.get(current) if current is not None and record_id not in self.records else None

    @overload
    def of_kind(self, kind: type[R]) -> list[R]: ...
    @overload
    def of_kind(self, kind: str) -> list[Record]: ...
    def of_kind(self, kind: type[R] | str) -> list[R] | list[Record]:
        """The records of one kind, in content order: ``of_kind(Fact)`` is typed, ``of_kind("fact")`` is not."""
        if isinstance(kind, str):
            return list(self.by_kind.get(kind, []))
        return [record for record in self.by_kind.get(kind.kind, []) if isinstance(record, kind)]

    def get(self, record_id: str) -> Record:
        """A record by id, or by a former id (validation has warned about those)."""
        return self.records[self.current_id(record_id)]

    def get_as(self, record_id: str, cls: type[R]) -> R:
        """A record that must be of ``cls`` (references were checked by validation, so this is a bug if not)."""
        record = self.get(record_id)
        if not isinstance(record, cls):
            raise TypeError(f"'{record_id}' is a {record.kind}, not a {cls.kind}")
        return record

    def texts(self, record: Record) -> list[tuple[tuple[str | int, ...], str]]:
        """(data path, text) of every text a record sets (its fields at their defaults are left out),
        in field order; the reference check and the wording rules each read them."""
        found = self._texts.get(record.id)
        if found is None or found is not self._texts.get(record.id):
            found = self._texts[record.id] = shortcodes.strings_in(record.model_dump(exclude_defaults=True))
        return found

    def label_of(self, record_id: str) -> str | None:
        """A record's human label (title, name, term …), or None for an unknown id (a former id resolves)."""
        record = self.records.get(self.current_id(record_id))
        return record.label if record is not None else None

    def diagnostic(self, record_id: str, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
        """A problem at ``path`` inside the record ``record_id``, located in its file (by the rules)."""
        origin = self.origins[record_id]
        return Diagnostic(origin.file, dotted(path), problem, fix, data_path=origin.data_path + path)

    def link_back(self, target: str, source: str) -> None:
        # a set beside the ordered list: a source cited by thousands of facts made `in list` quadratic
        if source != target and (target, source) not in self._linked:
            self._linked.add((target, source))
            self.cited_by[target].append(source)

    def sources_behind(self, ids: Iterable[str]) -> list[Source]:
        """The sources a set of records rests on: sources themselves, and those cited by facts, quotes, laws."""
        found: dict[str, None] = {}
        for record_id in ids:
            record = self.records.get(self.current_id(record_id))
            if isinstance(record, Source):
                found[record.id] = None
            elif isinstance(record, Fact):
                found.update(dict.fromkeys(c.source for c in record.sources))
            elif isinstance(record, Quote):
                found[record.source] = None
            elif isinstance(record, Law):
                found.update(dict.fromkeys(record.sources))
        return [s for s in (self.records.get(i) for i in found) if isinstance(s, Source)]
