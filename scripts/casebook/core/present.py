"""Statements about the present carry the date they hold as of.

The sources of this site end in April 2023. A sentence such as "he remains at large" or "the appeal
is pending", read in 2026, claims something nobody here checked. A sentence that states a status
in the present tense must say when it held ("as of April 2023, the latest source found, he
remained at large"), or belong to a fact record whose ``as_of`` says so (the fact is shown with it).

What counts as a statement of status is a short list of phrases (``PRESENT_STATUS``): custody and
"at large", being tried, a law in force, an appeal pending, a status that "remains". A sentence
with one of them is dated when it names a year or says "as of" (a question states nothing): "In
April 2023 the Justice Department said they remain at large" is dated by its year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from casebook.core.text import MONTHS

PRESENT_STATUS = re.compile(
    r"\b(?:remains? (?:at large|in|outside|beyond|free|pending|unresolved|valid|uncharged|under)|"
    r"(?:is|are)(?: still)?(?: not)? (?:at large|pending|in force|in custody|in (?:US |U\.S\. )?custody|"
    r"valid|unresolved|under way)|(?:has|have) (?:not|never|yet to) (?:been|be) (?:tried|arrested|extradited|"
    r"convicted|sentenced)|currently|to date|is now|are now|now (?:lives?|based|living))\b",
    re.I,
)
# A word each present status above needs. In a text of ASCII characters, where the case-insensitive
# pattern matches what lower-casing matches, these substring tests tell in one pass over the text
# (most texts have none) what the pattern, tried at every character, takes over twice as long to say.
_NEEDED = (
    "remain",
    "at large",
    "pending",
    "in force",
    "custody",
    "valid",
    "unresolved",
    "under way",
    "tried",
    "arrested",
    "extradited",
    "convicted",
    "sentenced",
    "currently",
    "to date",
    "now",
)


def may_state_a_status(text: str) -> bool:
    """False only when ``PRESENT_STATUS`` cannot match ``text`` (an ASCII text without the words it needs)."""
    if not text.isascii():
        return True
    lower = text.lower()
    return any(word in lower for word in _NEEDED)


_DATED = re.compile(r"\b(?:19|20)\d\d\b|\bas of\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
# not the sentence's own words: citations, footnote labels, link addresses
_NOT_WORDS = re.compile(r"\[\[[^\[\]]*\]\]|\[\^[^\[\]\s]*\]:?|\]\([^()\s]*\)")

FIX = (
    'say when it held: "as of <Month Year>, the latest source found, …" (the date of the newest source '
    "that supports it), or put it in a fact with as_of"
)
STALE_AFTER_DAYS = 365


def undated(text: str) -> Iterator[tuple[int, str]]:
    """(line, sentence) of each sentence of ``text`` that states a present status without a date."""
    if not may_state_a_status(text) or not PRESENT_STATUS.search(text):
        return
    start = 0
    line, counted = 1, 0  # the line of position ``counted``: counted on as the sentences go
    ends = [m.span() for m in _SENTENCE_END.finditer(text)] + [(len(text), len(text))]
    for end, after in ends:
        raw = text[start:end]
        if PRESENT_STATUS.search(raw):
            words = _NOT_WORDS.sub(" ", raw)
            if PRESENT_STATUS.search(words) and not _DATED.search(words) and not words.rstrip().endswith("?"):
                offset = start + len(raw) - len(raw.lstrip())
                line, counted = line + text.count("\n", counted, offset), offset
                yield line, " ".join(raw.split())
        start = after


def problem(sentence: str) -> str:
    shown = sentence if len(sentence) <= 80 else sentence[:77] + "…"
    return f"states a present status without saying when it held ('{shown}')"


_AS_OF_TEXT = re.compile(
    r"\b(?i:as of) (?:(?P<day>\d{1,2}) )?(?P<month>January|February|March|April|May|June|July|August|September|"
    r"October|November|December)? ?(?P<year>(?:19|20)\d\d)\b"
)


def as_of_dates(text: str) -> Iterator[tuple[int, str]]:
    """(line, ISO partial date) of each "as of <date>" written in ``text``."""
    line, counted = 1, 0
    for match in _AS_OF_TEXT.finditer(text):
        iso = match.group("year")
        if match.group("month"):
            iso += f"-{MONTHS.index(match.group('month')) + 1:02d}"
            if match.group("day"):
                iso += f"-{int(match.group('day')):02d}"
        line, counted = line + text.count("\n", counted, match.start()), match.start()
        yield line, iso


def is_stale(as_of: str, today: date) -> bool:
    """Whether a partial ISO date is more than STALE_AFTER_DAYS before ``today`` (a year or a month
    counts from its last day: '2023-04' is stale from May 2024)."""
    parts = [int(p) for p in as_of.split("-")]
    year, month, day = [*parts, 12, 31][:3] if len(parts) == 1 else [*parts, 28][:3]
    return (today - date(year, month, day)).days > STALE_AFTER_DAYS
