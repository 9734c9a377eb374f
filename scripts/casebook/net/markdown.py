"""Markdown for the network reports: safe table cells, tables, and a report's opening."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def md_cell(value: object) -> str:
    """Make a value safe inside a Markdown table cell."""
    text = str(value) if value is not None else ""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or " "


def md_table(header: list[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows)
    return lines


def md_head(title: str, sentence: str, summary: Mapping[str, Any], statuses: Sequence[str]) -> list[str]:
    """A report's title, its opening sentence and the table of counts by status."""
    return [
        f"# {title}",
        "",
        sentence,
        "",
        *md_table(["Status", "Count"], [[status, summary[status]] for status in statuses]),
        "",
    ]


def md_text(lines: Iterable[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"
