"""Flag sentences that state, without attribution, what the record does not support.

The person charged in this case was charged by complaint; he was not arrested, convicted,
indicted by a grand jury or extradited, and the company was not charged. A sentence that says
otherwise is acceptable only when it is attributed or negated ("Some outlets wrongly said…",
"He has not been arrested"), or when it is a misconception shown struck through as wrong.
"""

from __future__ import annotations

import re

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
# words that make such a sentence an attribution, a denial or a correction rather than a claim
QUALIFIERS = re.compile(
    r"\b(?:not|never|no|nor|neither|wrong(?:ly)?|misconception|myth|incorrect(?:ly)?|falsely|mistaken(?:ly)?|"
    r"claim(?:s|ed)?|if convicted|would|could|unless|whether|before|until|allege[sd]?|reportedly|"
    r"said|says|told|reported|called|described|if)\b",
    re.I,
)
_STRUCK = re.compile(r"<del>.*?</del>", re.S)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n{2,}")


def unattributed_claims(pages: dict[str, str]) -> list[tuple[str, str]]:
    """(page, sentence) for every sentence that states a forbidden claim as fact."""
    found = []
    for page, text in pages.items():
        for sentence in _SENTENCE.split(_STRUCK.sub(" ", text)):
            if any(p.search(sentence) for p in FORBIDDEN) and not QUALIFIERS.search(sentence):
                found.append((page, " ".join(sentence.split())))
    return found
