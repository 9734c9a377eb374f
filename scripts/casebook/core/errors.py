"""Diagnostics: every problem found in the content, with where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]


@dataclass
class Diagnostic:
    """One problem, formatted as ``path:line:column: field: problem (fix)``.

    ``data_path`` is the location of the offending value inside the YAML document; the line and
    column are looked up from it lazily (see ``locate``) so that the happy path never pays for
    position tracking.
    """

    file: str
    field: str
    problem: str
    fix: str = ""
    line: int | None = None
    column: int | None = None
    data_path: Path = ()
    at_key: bool = False  # point at the field name rather than its value (unknown fields)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.field or '(file)'}: {self.problem}"
        if self.fix:
            text += f" ({self.fix})"
        return text

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.problem)


@dataclass
class ContentError(Exception):
    """Raised when the content cannot be turned into a case; carries every diagnostic of the run."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        count = len(self.diagnostics)
        lines = [str(d) for d in sorted(self.diagnostics, key=lambda d: d.sort_key)]
        lines.append(f"{count} error{'s' if count != 1 else ''} in the content; nothing was written.")
        return "\n".join(lines)


def dotted(path: Path) -> str:
    """Render a data path as a contributor reads it: ``sources[0].excerpt``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
