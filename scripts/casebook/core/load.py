"""Safe YAML loading: content files become plain Python data, or precise diagnostics.

Why this shape: the happy path uses libyaml (PyYAML's C parser), which is about ten times faster
than the pure-Python parser, and keeps no positions. Positions are recovered only for a file that
has a problem (see ``locate``), so a correct edit pays nothing for error reporting.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.cyaml import CParser  # type: ignore[attr-defined]  # not re-exported by the stubs
from yaml.resolver import BaseResolver, Resolver

from casebook.core import files
from casebook.core.errors import ContentError, Diagnostic

# The largest real content file is about 22 KB; the limit keeps a hostile file's checks to seconds.
MAX_FILE_BYTES = 250_000

# kind -> (glob under content/, "one" record per file or a "list" of records)
LAYOUT: dict[str, tuple[str, str]] = {
    "case": ("case.yml", "one"),
    "topic": ("topics.yml", "list"),
    "source": ("sources/*.yml", "one"),
    "fact": ("facts/*.yml", "one"),
    "quote": ("quotes.yml", "list"),
    "event": ("timeline.yml", "list"),
    "person": ("people.yml", "list"),
    "organisation": ("organisations.yml", "list"),
    "term": ("glossary.yml", "list"),
    "law": ("laws/*.yml", "one"),
    "lesson": ("lessons/*.yml", "one"),
    "disagreement": ("disagreements.yml", "list"),
    "misconception": ("misconceptions.yml", "list"),
}

# Files in content/ that are not records: discover() skips them without error; each has its own loader.
# the official hosts registry, read by core/hosts.py; the pictures of the case, read by core/diagrams.py
EXTRA_FILES = ("official-hosts.yml", "diagrams.yml")

# Non-record files allowed anywhere under content/, never read (each with its reason). Any other name
# is an error, so that a record saved as FACT.YML, x.yaml or x.json is reported instead of ignored.
IGNORED_NAMES = {
    ".gitkeep": "keeps an empty folder in git",
    ".DS_Store": "written by macOS Finder in every folder it opens",
}
SNAPSHOTS = "sources/snapshots"  # stored texts of public-domain sources (sources/snapshots/<id>.txt), read by rules


@dataclass
class RawRecord:
    """One record as loaded: its kind, its data and where it came from."""

    kind: str
    data: dict[str, Any]
    file: str  # display path, relative to the project root (for example content/facts/x.yml)
    abs_path: Path
    path: tuple[int, ...]  # () for a one-record file, (index,) inside a list file
    has_shortcodes: bool = True  # False when the file's text has no '[[' (saves a scan)

    @property
    def stem(self) -> str:
        return self.abs_path.stem


class ContentYAMLError(Exception):
    def __init__(self, problem: str, fix: str, mark: Any | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.mark = mark


class _Resolver(BaseResolver):
    """YAML 1.1 implicit types minus the surprising ones.

    Dates stay strings (a ``date`` would lose its precision: ``2020-06`` and ``2020-06-01`` are
    different claims), and only ``true``/``false`` are booleans, so ``no`` stays text.
    """


for _first, _resolvers in Resolver.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        if _tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:value"):
            continue
        _Resolver.add_implicit_resolver(_tag, _regexp, [_first] if _first else None)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
del _first, _resolvers, _tag, _regexp


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


_Resolvers = tuple[tuple[str, re.Pattern[str]], ...]


def _resolvers_by_first() -> tuple[_Resolvers, dict[str, _Resolvers]]:
    """The (tag, pattern) pairs a plain scalar is tried against: the wildcard ones, and by first
    character ('' when empty) those of that character followed by the wildcard ones."""
    wildcard = tuple(_Resolver.yaml_implicit_resolvers.get(None, []))
    return wildcard, {
        first: tuple(resolvers) + wildcard
        for first, resolvers in _Resolver.yaml_implicit_resolvers.items()
        if first is not None
    }


class _QuickResolver(_Resolver):
    """``_Resolver`` as libyaml calls it, once per node (300,000 times for 10,000 facts), with the
    same answers and less work per call: each first character's resolvers joined to the wildcard ones
    once, not on every call, and no path resolvers to track (there are none)."""

    _WILDCARD, _BY_FIRST = _resolvers_by_first()  # PyYAML's own patterns (YAML 1.1), as _Resolver has them

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        assert not self.yaml_path_resolvers

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._BY_FIRST.get(value[:1], self._WILDCARD):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


class _Constructor(SafeConstructor):
    # Aliases need no check here: an alias needs an anchor, an anchor needs '&', and any text with
    # '&' goes through ``_reject_anchors_and_tags`` first. So is every explicit tag ('!').

    def construct_document(self, node: Any) -> Any:
        return self._build(node)

    def _build(self, node: Any) -> Any:
        """The document as SafeConstructor builds it, without its per-node machinery (constructor
        lookup, a generator per collection): a tree with no aliases needs none of it. Text, lists and
        mappings are built here; every other scalar (numbers, true/false, null) as SafeConstructor does."""
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return [self._build(item) for item in node.value]
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node)
        return self.construct_object(node, deep=True)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:  # a plain field name, the usual case
                key = key_node.value
            elif key_node.tag == "tag:yaml.org,2002:merge":
                raise ContentYAMLError(
                    "YAML merge keys (<<) are not allowed", "write the fields out", key_node.start_mark
                )
            else:
                key = self._build(key_node)
                if not isinstance(key, str):
                    raise ContentYAMLError(
                        f"field names must be text, got {key!r}", "use a lower-case field name", key_node.start_mark
                    )
            if key in mapping:
                first = next(k for k, _ in node.value if k.value == key).start_mark.line + 1
                raise ContentYAMLError(
                    f"duplicate key '{key}' (first defined on line {first})",
                    "keep one of the two and delete the other",
                    key_node.start_mark,
                )
            if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
                mapping[key] = value_node.value
            else:
                mapping[key] = self._build(value_node)
        return mapping


class _Loader(CParser, _Constructor, _QuickResolver):
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Constructor.__init__(self)
        _QuickResolver.__init__(self)


def _reject_anchors_and_tags(text: str) -> None:
    """Walk the event stream for anchors, aliases and explicit tags.

    Only run when the text contains '&' or '!': without an '&' there can be no anchor (and so no
    alias), and without a '!' no tag, so most files skip this second pass.
    """
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise ContentYAMLError(
                "YAML aliases (*name) are not allowed", "write the value out in full", event.start_mark
            )
        if anchor is not None:
            raise ContentYAMLError(
                f"YAML anchors (&{anchor}) are not allowed", "delete the anchor and write values out", event.start_mark
            )
        tag = getattr(event, "tag", None)
        if tag is not None and isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            raise ContentYAMLError(
                f"YAML tags ({tag}) are not allowed",
                "remove the tag; quote the value if it must stay text",
                event.start_mark,
            )


_YAML_FIXES = (
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("while scanning a quoted scalar", "close the quotation mark"),
    ("found unexpected end of stream", "close the quotation mark or bracket"),
    ("mapping values are not allowed", "check the indentation, or quote a value that contains ': '"),
    ("did not find expected key", "check the indentation of this line against the one above"),
    ("expected <block end>", "check the indentation of this line against the one above"),
    ("while parsing a flow", "close the [ or { bracket"),
    ("expected a single document", "keep one document per file: remove the extra '---'"),
    ("found undefined alias", "YAML aliases are not allowed: write the value out in full"),
    ("special characters are not allowed", "remove control characters from the file"),
)


def _yaml_fix(message: str) -> str:
    for needle, fix in _YAML_FIXES:
        if needle in message:
            return fix
    return "check the indentation and quoting around this line"


def read_text(abs_path: Path, display: str) -> tuple[str | None, Diagnostic | None]:
    """Read a content file as UTF-8 (a BOM is tolerated), refusing oversized files, links and special files.

    The walk in ``discover`` already refuses links; this refuses them again (``lstat`` and
    ``O_NOFOLLOW``, see ``files.read_bytes``) for any caller that did not walk first.
    """
    raw, problem = files.read_bytes(abs_path, display, MAX_FILE_BYTES)
    if raw is None:
        return None, problem
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Diagnostic(
            display,
            "",
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8",
            line,
            column,
        )
    return text, None


def read_yaml_file(content_dir: Path, name: str) -> tuple[str, Path | None, Any, Diagnostic | None]:
    """One optional YAML file of ``content_dir`` (``official-hosts.yml``, ``diagrams.yml``): its display
    path, its absolute path (None when the file does not exist), its data (None when it is empty) and
    the problem that stopped it being read or parsed, if any."""
    abs_path = content_dir / name
    display = f"{content_dir.name}/{name}"
    if not abs_path.is_file():
        return display, None, None, None
    text, problem = read_text(abs_path, display)
    data: Any = None
    if problem is None and text is not None and text.strip():
        data, problem = parse_yaml(text, display)
    return display, abs_path, data, problem


def parse_yaml(text: str, display: str) -> tuple[Any, Diagnostic | None]:
    """Parse one YAML document safely; return its data or one diagnostic with a position."""
    try:
        if "&" in text or "!" in text:
            _reject_anchors_and_tags(text)
        loader = _Loader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except ContentYAMLError as exc:
        mark = exc.mark
        if mark is None:
            return None, Diagnostic(display, "", exc.problem, exc.fix)
        return None, Diagnostic(display, "", exc.problem, exc.fix, mark.line + 1, mark.column + 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if exc.context_mark and exc.context and "quoted scalar" in exc.context:
            # an unclosed quote is found only at the end of the file or the next one: point at its start
            mark = exc.context_mark
            problem = f"the quoted value that starts here is not closed ({problem})"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        fix = _yaml_fix(str(exc))
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            fix = "indent with spaces, not tabs"
        return None, Diagnostic(display, "", f"invalid YAML: {problem}", fix, line, column)
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no problem_mark
        mark = getattr(exc, "position", None)
        return None, Diagnostic(display, "", f"invalid YAML: {exc}", _yaml_fix(str(exc)))
    return data, None


def _display(root: Path, path: Path) -> str:
    base, text = str(root.parent).rstrip(os.sep) + os.sep, str(path)
    if text.startswith(base):  # the common case, without pathlib's per-call cost (10,000 files)
        return text[len(base) :].replace(os.sep, "/")
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


# file name -> kind for one-file registries; folder -> kind for one-record-per-file kinds
_FILES = {pattern: kind for kind, (pattern, _) in LAYOUT.items() if "*" not in pattern}
_FOLDERS = {pattern.split("/")[0]: kind for kind, (pattern, _) in LAYOUT.items() if "*" in pattern}
_KNOWN = ", ".join(p for p, _ in LAYOUT.values())


def _misplaced(rel_folder: str, name: str) -> tuple[str, str] | None:
    """(problem, fix) for a file that is not a record where the layout expects one; None if it may stay.

    Extensions are compared case-insensitively, so that ``FACT.YML`` or ``x.Yml`` is an error, not a
    file that is silently skipped.
    """
    lower = name.lower()
    if name in IGNORED_NAMES or (rel_folder == "." and name in EXTRA_FILES):
        return None
    if rel_folder == SNAPSHOTS and name.endswith(".txt"):
        return None
    stem, dot, extension = name.rpartition(".")
    here = "content" if rel_folder == "." else f"content/{rel_folder}"
    if lower.endswith((".yml", ".yaml")):
        fixed = f"{stem}.yml"
        placed = _FILES.get(fixed) if rel_folder == "." else _FOLDERS.get(rel_folder)
        if placed is not None and fixed != name:
            return "file is not part of the content layout", f"rename it to {fixed}"
        return "file is not part of the content layout", f"move it to one of: {_KNOWN}"
    if rel_folder == SNAPSHOTS and lower.endswith(".txt"):
        return "file is not part of the content layout", f"rename it to {stem}.txt"
    if lower.endswith(".json"):
        return (
            "JSON files are not read: content records are YAML",
            f"rewrite it as YAML in one of: {_KNOWN}, or move it out of {here}",
        )
    if lower.endswith(".txt"):
        return (
            "text files are only read in content/sources/snapshots/",
            f"move it to content/{SNAPSHOTS}/ if it is a source's stored text, or out of content/",
        )
    kind = f"'.{extension}' files" if dot and stem else "files like this"
    return f"{kind} are not read in content/", f"content/ holds YAML records: move it out of {here}"


def _walk_layout(content_dir: Path) -> tuple[list[tuple[str, str, str]], list[Diagnostic], list[Diagnostic]]:
    """(kind, shape, relative path) of every record file; links and special files; other misplaced files."""
    names, unsafe = files.walk(content_dir)
    found: list[tuple[str, str, str]] = []
    problems = []
    for rel in names:
        rel_folder, _, name = rel.rpartition("/")
        rel_folder = rel_folder or "."
        if name.endswith(".yml") and not (rel_folder == "." and name in EXTRA_FILES):
            kind = _FILES.get(rel) if rel_folder == "." else _FOLDERS.get(rel_folder)
            if kind is not None:
                found.append((kind, LAYOUT[kind][1], rel))
                continue
        misplaced = _misplaced(rel_folder, name)
        if misplaced is not None:
            problems.append(Diagnostic(files.display_path(content_dir, rel), "", *misplaced))
    order = {kind: index for index, kind in enumerate(LAYOUT)}
    found.sort(key=lambda item: (order[item[0]], item[2]))
    return found, unsafe, problems


def discover(content_dir: Path) -> tuple[list[tuple[str, str, Path]], list[Diagnostic]]:
    """List (kind, shape, path) for every content file, and flag every file outside the layout.

    One walk over plain strings: this runs on every build, over up to tens of thousands of files. The
    walk follows no symbolic link, and reports every link (file or folder) and special file it meets.
    """
    found, unsafe, problems = _walk_layout(content_dir)
    return [(kind, shape, content_dir / rel) for kind, shape, rel in found], unsafe + problems


@dataclass
class Loaded:
    records: list[RawRecord]
    diagnostics: list[Diagnostic]
    unreadable: list[tuple[str, str, Path]]  # (kind, shape, path) of files that did not parse


def load_content(content_dir: Path) -> Loaded:
    """Load every content file; return all records that parsed and every problem found.

    A symbolic link or special file anywhere under content/ stops the run here, before any file is
    read (raising ContentError with every such file and every misplaced one): later steps, such as the
    snapshot rules, read files by path and must never see a link.
    """
    if not content_dir.is_symlink():
        content_dir = content_dir.resolve()
    found, unsafe, diagnostics = _walk_layout(content_dir)
    if unsafe:
        raise ContentError(unsafe + diagnostics)
    records: list[RawRecord] = []
    unreadable: list[tuple[str, str, Path]] = []
    for kind, shape, rel in found:
        path = content_dir / rel
        display = _display(content_dir, path)
        text, problem = read_text(path, display)
        if problem is None:
            assert text is not None
            if not text.strip():
                problem = Diagnostic(display, "", "file is empty", "add a record or delete the file")
            else:
                data, problem = parse_yaml(text, display)
        if problem is not None:
            diagnostics.append(problem)
            unreadable.append((kind, shape, path))
            continue
        # once per file: asked once per record of a list file, it rescanned the whole file each time
        # (1,000 scans of a 190 KB timeline.yml for 1,000 events)
        has_shortcodes = "[[" in (text or "")
        if data is None:
            diagnostics.append(
                Diagnostic(display, "", "file holds no record, only comments", "add a record or delete the file")
            )
        elif shape == "one":
            if isinstance(data, dict):
                records.append(RawRecord(kind, data, display, path, (), has_shortcodes))
            else:
                diagnostics.append(
                    Diagnostic(
                        display,
                        "",
                        f"expected one {kind} record (a mapping of fields)",
                        "start the file with 'id: …' and one field per line",
                        1,
                        1,
                    )
                )
        elif not isinstance(data, list):
            diagnostics.append(
                Diagnostic(display, "", f"expected a list of {kind} records", "start each record with '- id: …'", 1, 1)
            )
        else:
            for index, item in enumerate(data):
                if isinstance(item, dict):
                    records.append(RawRecord(kind, item, display, path, (index,), has_shortcodes))
                else:
                    diagnostics.append(
                        Diagnostic(
                            display,
                            f"[{index}]",
                            f"expected a {kind} record (a mapping of fields)",
                            "start the record with '- id: …'",
                            data_path=(index,),
                        )
                    )
    return Loaded(records, diagnostics, unreadable)
