"""The wording rule (``casebook.core.wording``) over whole rendered pages: what records and templates
say together, as a reader sees it. ``casebook validate`` runs the same rule on each record's text and
each hand-written page, with file and line."""

from __future__ import annotations

from casebook.core import wording


def unattributed_claims(pages: dict[str, str]) -> list[tuple[str, str]]:
    """(page, sentence) for every sentence that states a forbidden claim as fact."""
    return [(page, sentence) for page, text in pages.items() for _, sentence in wording.claims(text)]
