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
def _compose(abs_path: str) -> Any:
    raw, _ = files.read_bytes(Path(abs_path), abs_path, MAX_FILE_BYTES)  # never through a symbolic link
    if raw is None:
        return None
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None


def position(abs_path: Path, data_path: tuple[str | int, ...], *, at_key: bool = False) -> tuple[int, int] | None:
    """1-based (line, column) of the node at ``data_path``.

    A path that runs out (a missing field) stops at the deepest node that exists, so "field
    missing" points at the record that lacks it.
    """
    node = _compose(str(abs_path))
    if node is None:
        return None
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
            break
        target = child
    mark = target.start_mark
    return mark.line + 1, mark.column + 1


def fill_positions(diagnostics: list[Diagnostic], abs_paths: dict[str, Path]) -> None:
    """Give every diagnostic that lacks a line the position of its data path."""
    for diagnostic in diagnostics:
        if diagnostic.line is not None:
            continue
        abs_path = abs_paths.get(diagnostic.file)
        if abs_path is None:
            continue
        found = position(abs_path, diagnostic.data_path, at_key=diagnostic.at_key)
        if found:
            diagnostic.line, diagnostic.column = found


def clear_cache() -> None:
    _compose.cache_clear()
