"""Which records a commit added, changed, removed or renamed: the content of each file it touched,
before and after, compared record by record.

A file-level history says only "quotes.yml changed"; readers want "Quote added: …". So each record
file a commit touched is read at the commit and at its parent (``history.read_blobs``, one git call
for the whole history), parsed, and its records compared by id. A change that leaves every record's
data as it was (a comment, the order of keys, re-wrapped lines) is no change. A record whose new
version names the old id in ``former_ids``, or a one-record file that git saw renamed, is *renamed*.

The files are contributors' text from any commit, valid or not: they are parsed with the safe YAML
loader, and whatever is not a record (unparsable YAML, a list item without a string id) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from casebook.core.load import LAYOUT
from casebook.outputs.history import Commit

try:  # the C parser where PyYAML has it; both are the safe loader
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Data = dict[str, Any]


@dataclass(frozen=True)
class RecordChange:
    kind: str
    record_id: str
    action: str  # "added", "changed", "removed" or "renamed"
    old: Data | None  # the record before (None when added)
    new: Data | None  # the record after (None when removed)
    former_id: str = ""  # renamed: the id it had


def record_kind(path: str) -> tuple[str, bool] | None:
    """(kind, whether the file holds one record) of a path under content/, or None for a file that
    holds no records."""
    rel = path.removeprefix("content/")
    for kind, (pattern, shape) in LAYOUT.items():
        if "*" in pattern:
            folder = pattern.split("*")[0]
            if rel.startswith(folder) and rel.endswith(".yml") and "/" not in rel[len(folder) :]:
                return kind, shape == "one"
        elif rel == pattern:
            return kind, shape == "one"
    return None


def parse_records(text: str | None, one: bool) -> dict[str, Data]:
    """{id: data} of the records in a file's text; empty for no text or text that holds no records."""
    if not text:
        return {}
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    items = [data] if one else data if isinstance(data, list) else []
    return {item["id"]: item for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}


def compare(kind: str, old: dict[str, Data], new: dict[str, Data]) -> list[RecordChange]:
    """What happened to each record between two versions of the records of ``kind``."""
    changes = []
    gone = {rid: data for rid, data in old.items() if rid not in new}
    for rid, data in new.items():
        if rid in old:
            if old[rid] != data:
                changes.append(RecordChange(kind, rid, "changed", old[rid], data))
            continue
        formers = data.get("former_ids")
        former = next((f for f in formers if f in gone), None) if isinstance(formers, list) else None
        if former is not None:
            changes.append(RecordChange(kind, rid, "renamed", gone.pop(former), data, former))
        else:
            changes.append(RecordChange(kind, rid, "added", None, data))
    changes += [RecordChange(kind, rid, "removed", data, None) for rid, data in gone.items()]
    return changes


def blob_specs(commits: list[Commit]) -> list[str]:
    """The file versions ``commit_changes`` reads: each record file at each commit and at its parent."""
    specs = []
    for commit in commits:
        if commit.boundary:
            continue
        for status, path in commit.files:
            if record_kind(path) is None or "\n" in path:
                continue
            old_path = commit.renamed.get(path, path)
            if status != "A":
                specs.append(f"{commit.short}^:{old_path}")
            if status != "D":
                specs.append(f"{commit.short}:{path}")
    return specs


def commit_changes(commit: Commit, blobs: dict[str, str]) -> list[RecordChange]:
    """The records ``commit`` changed, from the file versions in ``blobs`` (``history.read_blobs``)."""
    old: dict[str, dict[str, Data]] = {}
    new: dict[str, dict[str, Data]] = {}
    for status, path in commit.files:
        found = record_kind(path)
        if found is None:
            continue
        kind, one = found
        old_path = commit.renamed.get(path, path)
        if status != "A":
            old.setdefault(kind, {}).update(parse_records(blobs.get(f"{commit.short}^:{old_path}"), one))
        if status != "D":
            new.setdefault(kind, {}).update(parse_records(blobs.get(f"{commit.short}:{path}"), one))
    changes = []
    for kind in dict.fromkeys([*new, *old]):  # the kinds in the order the commit lists their files
        changes += compare(kind, old.get(kind, {}), new.get(kind, {}))
    return changes
