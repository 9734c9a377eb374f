"""The reviewed list of official hosts, ``content/official-hosts.yml``.

A source may call itself ``court``, ``government`` or ``company`` (a primary record) only when its
``url`` is on a host that the site has checked is run by such a publisher: a snapshot is a stored
copy of a document on such a host and never replaces it. This module reads that list; the rules
that use it are in ``rules``.

The file is a YAML list of ``{host, runs, reason}`` entries: ``runs`` is who runs the host
(``court``, ``government`` or ``company``) and ``reason`` names them. A ``court`` or ``government``
source needs a host run by a court or a government; a ``company`` source may be on any listed host
(a company's own domain, or a government register of filings such as sec.gov), but a company's
domain never makes a document ``court`` or ``government``. A URL's
host matches an entry when it is the listed host exactly or a subdomain of it (``www.justice.gov``
and ``www.fbi.gov`` match ``justice.gov`` and ``fbi.gov``), label by label, so ``notjustice.gov``
does not match ``justice.gov``. ``www.`` is not special: list the registrable name (``justice.gov``),
not ``www.justice.gov``, which would match only that name and names under it. A missing file
means that no host is official.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casebook.core import locate
from casebook.core.errors import Diagnostic, dotted
from casebook.core.load import read_yaml_file

FILE_NAME = "official-hosts.yml"

# A lower-case DNS name of at least two labels: no scheme, path, port, trailing dot or wildcard.
# Two labels at least, so that a bare top-level domain ("gov", "eu") can never be listed.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST_PATTERN = rf"^{_LABEL}(?:\.{_LABEL})+$"


class OfficialHost(BaseModel):
    """One reviewed host and who runs it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    host: str = Field(pattern=HOST_PATTERN, max_length=253)
    runs: Literal["court", "government", "company"]
    reason: str = Field(min_length=3, max_length=200)


@dataclass(frozen=True)
class OfficialHosts:
    """The hosts of ``content/official-hosts.yml`` and any problem found reading it."""

    hosts: tuple[OfficialHost, ...] = ()
    file: str = f"content/{FILE_NAME}"
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)

    def match(self, url: str, runs: Collection[str] | None = None) -> OfficialHost | None:
        """The entry whose host is the URL's host or a parent domain of it, or None; with ``runs``,
        only an entry run by one of those (``("court", "government")``)."""
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            return None
        for entry in self.hosts:
            if runs is not None and entry.runs not in runs:
                continue
            if host == entry.host or host.endswith("." + entry.host):
                return entry
        return None


_FIXES = {
    "missing": "write each entry as '- host: example.gov' with 'runs: government' and 'reason:' lines under it",
    "extra_forbidden": "an entry has only 'host', 'runs' and 'reason'",
    "literal_error": "write court, government or company: who runs the host",
    "string_pattern_mismatch": (
        "write the bare lower-case host name, for example justice.gov (no https://, path or port)"
    ),
    "string_type": "write the value as text",
    "string_too_short": "say who runs the host, for example 'US Department of Justice'",
    "string_too_long": "shorten it",
}


def _diagnostic(display: str, abs_path: Path, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
    found = locate.position(abs_path, path)
    line, column = found if found else (None, None)
    return Diagnostic(display, dotted(path), problem, fix, line, column, data_path=path)


def _entry_problems(error: ValidationError, index: int) -> list[tuple[tuple[str | int, ...], str, str]]:
    out = []
    for item in error.errors():
        loc = (index, *item["loc"])
        kind = item["type"]
        if kind == "missing":
            problem = "required field is missing"
        elif kind == "extra_forbidden":
            problem = f"unknown field '{item['loc'][-1]}'"
        elif kind == "string_pattern_mismatch":
            problem = f"'{item['input']}' is not a host name"
        else:
            problem = item["msg"]
        out.append((loc, problem, _FIXES.get(kind, "see the entries above for the form")))
    return out


def load(content_dir: Path) -> OfficialHosts:
    """Read ``content/official-hosts.yml``; every problem is a Diagnostic with its line."""
    display, abs_path, data, problem = read_yaml_file(content_dir, FILE_NAME)
    if problem is not None:
        return OfficialHosts(file=display, diagnostics=(problem,))
    if abs_path is None or data is None:  # no file, or an empty one
        return OfficialHosts(file=display)
    if not isinstance(data, list):
        fix = "start each entry with '- host: …'"
        return OfficialHosts(
            file=display, diagnostics=(Diagnostic(display, "", "expected a list of hosts", fix, 1, 1),)
        )
    hosts: list[OfficialHost] = []
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(
                _diagnostic(
                    display, abs_path, (index,), "expected a host entry (host, runs and reason)", _FIXES["missing"]
                )
            )
            continue
        try:
            entry = OfficialHost.model_validate(item)
        except ValidationError as error:
            for loc, message, fix in _entry_problems(error, index):
                problems.append(_diagnostic(display, abs_path, loc, message, fix))
            continue
        if entry.host in seen:
            problems.append(
                _diagnostic(
                    display,
                    abs_path,
                    (index, "host"),
                    f"host '{entry.host}' is already listed (entry {seen[entry.host]})",
                    "keep one of the two entries",
                )
            )
            continue
        seen[entry.host] = index
        hosts.append(entry)
    return OfficialHosts(tuple(hosts), display, tuple(problems))
