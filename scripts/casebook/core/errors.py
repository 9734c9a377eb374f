"""Diagnostics: every problem found in the content, with where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]

YAML_SYNTAX = "YAML syntax"
"""The label of a problem with a file's YAML or its encoding, which belongs to no field."""
_YAML_PROBLEMS = ("invalid YAML", "duplicate key", "YAML ", "field names must be text", "not valid UTF-8")
"""How the loader's YAML and encoding problems begin (``load.parse_yaml``, ``load.read_text``)."""


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
    # point inside a text value: at the ``occurrence``-th (0-based) ``needle`` in it, such as a
    # [[kind:id]] in a folded block, which is lines below the field's '>-' (see ``locate``)
    in_text: tuple[str, int] | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.label}: {self.problem}"
        if self.fix:
            text += f" ({self.fix})"
        return text

    @property
    def label(self) -> str:
        """What the problem is in: the field, or for a whole file "YAML syntax" (its YAML or encoding) or "file"."""
        if self.field:
            return self.field
        return YAML_SYNTAX if self.problem.startswith(_YAML_PROBLEMS) else "file"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.problem)


@dataclass
class ContentError(Exception):
    """Raised when the content cannot be turned into a case; carries every diagnostic of the run."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    warnings: list[Diagnostic] = field(default_factory=list)  # found in the same run; they alone stop nothing

    def lines(self) -> list[str]:
        """Every problem as one line, sorted by file and position."""
        return [str(d) for d in sorted(self.diagnostics, key=lambda d: d.sort_key)]

    def summary(self) -> str:
        """'1 error', '3 errors'."""
        count = len(self.diagnostics)
        return f"{count} error{'s' if count != 1 else ''}"

    def __str__(self) -> str:
        # the build's and `casebook render`'s wording: they stop before writing anything
        return "\n".join([*self.lines(), f"{self.summary()} in the content; nothing was written."])


def dotted(path: Path) -> str:
    """Render a data path as a contributor reads it: ``sources[0].excerpt``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
