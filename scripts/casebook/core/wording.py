"""Sentences that state, without attribution, what the record does not support.

The person charged in this case was charged by complaint; he was not arrested, convicted,
indicted by a grand jury or extradited, and the company was not charged. A sentence that says
otherwise is acceptable only when it is attributed or negated ("Some outlets wrongly said…",
"He has not been arrested"), or when it is a misconception shown struck through as wrong.

Both the claim and its qualifiers are looked for in the sentence's own words: citations
(``[[fact:complaint-not-indictment]]``), footnote labels (``[^complaint-not-indictment-1]``) and
link addresses are removed first, so an id that happens to contain "not" or "no" neither hides a
claim nor makes one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

FORBIDDEN = (
    re.compile(
        r"\b(?:Jin|he|the employee|the executive)\b[^.;:]{0,60}?\b(?:was|is|has been|had been|were)\s+"
        r"(?:arrested|convicted|extradited|indicted|sentenced|found guilty|in (?:US |U\.S\. )?custody)\b",
        re.I,
    ),
    re.compile(r"\bgrand jury (?:indicted|returned an indictment)\b", re.I),
    re.compile(r"\b(?:Jin|he)\b[^.;:]{0,30}\b(?:pleaded|pled) guilty\b", re.I),
    re.compile(
        r"\bZoom\b[^.;:]{0,30}\b(?:was|has been|were)\s+(?:criminally\s+)?(?:charged|indicted|prosecuted)\b", re.I
    ),
)
# a word each claim above needs (most texts have none): plain substring tests of the lower-cased text
# are far faster than a case-insensitive regex over every text of 10,000 records
_KEYWORDS = ("arrested", "convicted", "extradited", "indict", "sentenced", "guilty", "custody", "charged", "prosecuted")
# words that make such a sentence an attribution, a denial or a correction rather than a claim
QUALIFIERS = re.compile(
    r"\b(?:not|never|no|nor|neither|wrong(?:ly)?|misconception|myth|incorrect(?:ly)?|falsely|mistaken(?:ly)?|"
    r"claim(?:s|ed)?|if convicted|would|could|unless|whether|before|until|allege[sd]?|reportedly|"
    r"said|says|told|reported|called|described|if)\b",
    re.I,
)
FIX = 'attribute it ("prosecutors allege…", "X reported…") or state what the record shows (he was charged)'

_STRUCK = re.compile(r"<del>[^<]*</del>|~~[^~]*~~")  # a misconception shown struck through as wrong
# not the sentence's words: citations, footnote labels and definitions, link addresses
_NOT_WORDS = re.compile(r"\[\[[^\[\]]*\]\]|\[\^[^\[\]\s]*\]:?|\]\([^()\s]*\)|<https?://[^<>\s]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def _words(sentence: str) -> str:
    return _NOT_WORDS.sub(lambda m: "]" if m.group(0).startswith("](") else " ", sentence)


def claims(text: str) -> Iterator[tuple[int, str]]:
    """(line, sentence) of each sentence of ``text`` that states a forbidden claim as fact; the
    line is 1-based within ``text``."""
    lower = text.lower()
    if not any(word in lower for word in _KEYWORDS) or not any(p.search(text) for p in FORBIDDEN):
        return  # most texts: nothing to split
    start = 0
    ends = [m.span() for m in _SENTENCE_END.finditer(text)] + [(len(text), len(text))]
    for end, after in ends:
        raw = text[start:end]
        sentence = _words(_STRUCK.sub(" ", raw))
        if any(p.search(sentence) for p in FORBIDDEN) and not QUALIFIERS.search(sentence):
            offset = start + len(raw) - len(raw.lstrip())
            yield text.count("\n", 0, offset) + 1, " ".join(raw.split())  # as written, to search for
        start = after


def problem(sentence: str) -> str:
    shown = sentence if len(sentence) <= 80 else sentence[:77] + "…"
    return f"states as fact what the record does not show ('{shown}')"
