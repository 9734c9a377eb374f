"""Find the line and column of a value inside a YAML file, only when a diagnostic needs it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from casebook.core import files
from casebook.core.errors import Diagnostic
from casebook.core.load import MAX_FILE_BYTES


@lru_cache(maxsize=64)
def _read(abs_path: str) -> str | None:
    raw, _ = files.read_bytes(Path(abs_path), abs_path, MAX_FILE_BYTES)  # never through a symbolic link
    return None if raw is None else raw.decode("utf-8-sig", errors="replace")


@lru_cache(maxsize=64)
def _compose(abs_path: str) -> Any:
    text = _read(abs_path)
    if text is None:
        return None
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None


def _node(abs_path: Path, data_path: tuple[str | int, ...], at_key: bool) -> tuple[Any, bool]:
    """The node at ``data_path`` (or the deepest that exists) and whether the whole path was found."""
    node = _compose(str(abs_path))
    if node is None:
        return None, False
    target = node
    for depth, part in enumerate(data_path):
        child = None
        if isinstance(target, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in target.value:
                if key_node.value == part:
                    last = depth == len(data_path) - 1
                    child = key_node if (at_key and last) else value_node
                    break
        elif isinstance(target, yaml.SequenceNode) and isinstance(part, int) and part < len(target.value):
            child = target.value[part]
        if child is None:
            return target, False
        target = child
    return target, True


def position(abs_path: Path, data_path: tuple[str | int, ...], *, at_key: bool = False) -> tuple[int, int] | None:
    """1-based (line, column) of the node at ``data_path``.

    A path that runs out (a missing field) stops at the deepest node that exists, so "field
    missing" points at the record that lacks it.
    """
    target, _ = _node(abs_path, data_path, at_key)
    if target is None:
        return None
    mark = target.start_mark
    return mark.line + 1, mark.column + 1


def position_in_text(
    abs_path: Path, data_path: tuple[str | int, ...], needle: str, occurrence: int
) -> tuple[int, int] | None:
    """1-based (line, column) in the file of the ``occurrence``-th (0-based) ``needle`` inside the text
    value at ``data_path``, or None if it cannot be found there.

    The needle is searched in the file between the value's start and end, not computed from its
    offset in the loaded text: a folded (``>-``) or plain multi-line value has its line breaks
    folded into spaces, and a block value starts on the line after its ``|`` or ``>``. A needle
    without whitespace or YAML escapes (``[[kind:id``) is written in the file exactly as in the text,
    once per time it is in the text, in the same order.
    """
    node, found = _node(abs_path, data_path, False)
    text = _read(str(abs_path))
    if not found or not isinstance(node, yaml.ScalarNode) or text is None or not needle:
        return None
    lines = text.split("\n")
    start, end = node.start_mark, node.end_mark
    seen = 0
    # a block value's first line is its header ('>-', '|' and perhaps a comment), not its text
    top = start.line + 1 if node.style in ("|", ">") else start.line
    for number in range(top, min(end.line, len(lines) - 1) + 1):
        line = lines[number]
        first = start.column if number == start.line else 0
        last = end.column if number == end.line else len(line)
        at = line.find(needle, first, last)
        while at >= 0 and at + len(needle) <= last:
            if seen == occurrence:
                return number + 1, at + 1
            seen += 1
            at = line.find(needle, at + 1, last)
    return None


def fill_positions(diagnostics: list[Diagnostic], abs_paths: dict[str, Path]) -> None:
    """Give every diagnostic that lacks a line the position of its data path."""
    for diagnostic in diagnostics:
        if diagnostic.line is not None:
            continue
        abs_path = abs_paths.get(diagnostic.file)
        if abs_path is None:
            continue
        found = None
        if diagnostic.in_text is not None:
            found = position_in_text(abs_path, diagnostic.data_path, *diagnostic.in_text)
        if found is None:
            found = position(abs_path, diagnostic.data_path, at_key=diagnostic.at_key)
        if found:
            diagnostic.line, diagnostic.column = found


def clear_cache() -> None:
    _compose.cache_clear()
    _read.cache_clear()
