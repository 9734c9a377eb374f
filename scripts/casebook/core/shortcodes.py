"""The one citation syntax of hand-written pages and text fields: ``[[kind:id]]`` or ``[[kind:id|text]]``."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Neither the id nor the text may contain '[', so a failed attempt ("[[a:b" repeated) stops at the
# next '[' instead of scanning to the end of the text (quadratic; tests/test_regex_budget.py).
SHORTCODE = re.compile(r"\[\[([a-z]+):([^\[\]|\s]+)(?:\|([^\[\]\n]+))?\]\]")
# Code is left alone, so documentation can show the syntax itself. Linear even on many unclosed
# fences: an opening fence is also a closing one, so only the last fence of each kind scans to the end.
_CODE = re.compile(r"(^|\n)(```|~~~)[^\n]*\n.*?\n\2[^\n]*(?=\n|$)|`[^`\n]+`", re.DOTALL)


# Blocks a hand-written page includes on a line of their own, each built from a record of a kind:
# ``[[glance:us-v-jin]]`` is the case's "At a glance" box (``render.glance``). Record text may not hold them.
BLOCKS: dict[str, str] = {"glance": "case"}


@dataclass(frozen=True)
class Shortcode:
    kind: str
    id: str
    text: str | None
    start: int  # offset in the text it was found in
    end: int


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each code span and fenced block, in order and not overlapping."""
    if "`" not in text and "~~~" not in text:
        return []
    return [m.span() for m in _CODE.finditer(text)]


def _in_code(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    index = bisect_right(starts, offset) - 1  # a binary search: a scan of all spans per shortcode is quadratic
    return index >= 0 and offset < spans[index][1]


def find(text: str) -> Iterator[Shortcode]:
    """Every shortcode in ``text`` outside code spans and fenced code."""
    if "[[" in text:
        yield from _find(text)


@lru_cache(maxsize=32_768)  # validation, the rules and rendering each look for the same texts' citations
def _find(text: str) -> tuple[Shortcode, ...]:
    spans = _code_spans(text)
    starts = [start for start, _ in spans]
    return tuple(
        Shortcode(match.group(1), match.group(2), match.group(3), match.start(), match.end())
        for match in SHORTCODE.finditer(text)
        if not (spans and _in_code(spans, starts, match.start()))
    )


def broken(text: str) -> list[int]:
    """The offset of each ``[[`` outside code that opens no well-formed shortcode: unclosed, split
    over two lines, a space in the id, no kind. Left alone it would be published as the literal
    text, and a page's rule that each statement cites something would take it for a citation."""
    at = text.find("[[")
    if at < 0:
        return []
    spans = _code_spans(text)
    code_starts = [start for start, _ in spans]
    opened = {code.start for code in _find(text)}
    found: list[int] = []
    while at >= 0:
        if at in opened or at + 1 in opened or (spans and _in_code(spans, code_starts, at)):
            at = text.find("[[", at + 2)
            continue
        found.append(at)
        end = at
        while end < len(text) and text[end] == "[":  # a run of brackets is one mistake
            end += 1
        at = text.find("[[", end)
    return found


def broken_problem(text: str, offset: int) -> tuple[str, str]:
    """(problem, fix) for the broken shortcode at ``offset`` of ``text``."""
    line_end = text.find("\n", offset)
    line = text[offset : len(text) if line_end < 0 else line_end]
    snippet = line[:40] + ("…" if len(line) > 40 else "")
    return (
        f"'{snippet}' is not a complete citation",
        "write [[kind:id]] or [[kind:id|link text]] on one line, with no space in the id (for example "
        "[[fact:jin-primary-liaison]]); to show the brackets themselves, put them in `code`",
    )


def replace(text: str, render: Callable[[Shortcode], str]) -> str:
    """Replace each shortcode with ``render(shortcode)``."""
    codes = list(find(text))
    if not codes:
        return text
    out, last = [], 0
    for code in codes:
        out.append(text[last : code.start])
        out.append(render(code))
        last = code.end
    out.append(text[last:])
    return "".join(out)


def line_of(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def texts_with_shortcodes(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(data path, text) for every string inside dumped record data that contains a ``[[``."""
    return ((at, text) for at, text in strings_in(value, path) if "[[" in text)


Path_ = tuple[str | int, ...]


def strings_in(value: Any, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """(data path, text) of every string inside dumped record data (dicts and lists), in order.

    A list built by plain recursion, not nested generators: validation reads every record's texts,
    and a generator per level cost more than the reading."""
    if isinstance(value, str):
        return [(path, value)]
    out: list[tuple[Path_, str]] = []

    def walk(items: Iterable[tuple[str | int, Any]], path: Path_) -> None:
        # a text is added where it is met, without a call of its own: most values are texts
        for key, item in items:
            if isinstance(item, str):
                out.append(((*path, key), item))
            elif isinstance(item, dict):
                walk(item.items(), (*path, key))
            elif isinstance(item, list):
                walk(enumerate(item), (*path, key))

    if isinstance(value, dict):
        walk(value.items(), path)
    elif isinstance(value, list):
        walk(enumerate(value), path)
    return out
