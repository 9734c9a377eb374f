"""Class cards from the records: cut-out timeline and sorting cards (their text only, in the seeded
shuffled order of ``lesson_views.card_order``), role cards, private cards and inject cards one a page,
and a decision-log template for each set of injects.

No card carries its own answer: a timeline card has no date, a sorting card no status label or source
(``Card.text`` is one line of plain text, checked at load), and the order and the labels are printed
on the answer key (``handouts``, from ``lesson_views.card_key``). Role and inject cards are record text,
printed like the handouts: encoded, with each case statement labelled.
"""

from __future__ import annotations

from casebook.core.book import Casebook
from casebook.core.model import Lesson


def has_cards(lesson: Lesson) -> bool:
    return any(a.cards or a.roles or a.private_cards or a.injects for a in lesson.activities)


def cards_html(book: Casebook, lesson: Lesson, site_url: str = "") -> str | None:
    """The HTML of the lesson's card sheet, or None when its activities use no cards."""
    if not has_cards(lesson):
        return None
    from casebook.outputs.handouts import context, environment

    return environment().get_template("cards.html.j2").render(**context(book, lesson, "Class cards", site_url))
