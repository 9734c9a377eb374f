"""Which parts of a lesson record are for students, which for the instructor only, and which are answers.

One record gives three views: the student page and handout (``student_parts``: no answer, no note,
no inject, no private card: absent, not hidden), the instructor view (everything) and the answer key
(``answer_parts``). This module is the one place that decides; the page templates, the handouts, the
cards and the leak tests all ask it. ``FIELDS`` is the table: every text field of ``Lesson`` has one
audience, and a test fails when a field of the model is missing from it.

Every function returns plain data (``Part``: audience, dotted field path, label, record text) or the
record's own sub-models; nothing here renders.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from casebook.core import shortcodes
from casebook.core.book import Casebook
from casebook.core.model import Activity, Card, Fact, Lesson
from casebook.core.text import plain

Audience = Literal["student", "instructor", "answer"]
STUDENT: Audience = "student"
INSTRUCTOR: Audience = "instructor"  # the instructor view only (notes, facilitator directions, injects)
ANSWER: Audience = "answer"  # the answer key and the instructor view

# dotted field path ('*': each list item) -> who may read it. Fields that hold no text of their own
# (ids, numbers, flags, lists of record ids) are for everyone and are not listed.
FIELDS: dict[str, Audience] = {
    "title": STUDENT,
    "audience": STUDENT,
    "prerequisites.*": STUDENT,
    "questions.*": STUDENT,
    "objectives.*.text": STUDENT,
    "vocabulary.*.word": STUDENT,
    "vocabulary.*.meaning": STUDENT,
    "sequence.*.title": STUDENT,
    "sequence.*.activity": INSTRUCTOR,  # the facilitator's directions ("reveal … in the debrief")
    "sequence.*.timing.*.what": INSTRUCTOR,
    "activities.*.title": STUDENT,
    "activities.*.instructions": STUDENT,
    "activities.*.cards.*.text": STUDENT,
    "activities.*.cards.*.answer": ANSWER,
    "activities.*.roles.*": STUDENT,
    "activities.*.private_cards.*.role": INSTRUCTOR,
    "activities.*.private_cards.*.text": INSTRUCTOR,
    "activities.*.injects.*": INSTRUCTOR,
    "activities.*.solution": ANSWER,
    "activities.*.rubric.*.level": ANSWER,
    "activities.*.rubric.*.descriptor": ANSWER,
    "discussion.*": STUDENT,
    "assessment.*.question": STUDENT,
    "assessment.*.answer": ANSWER,
    "assessment.*.rubric.*.level": ANSWER,
    "assessment.*.rubric.*.descriptor": ANSWER,
    "instructor_notes.*": INSTRUCTOR,
    "key_points.*": STUDENT,
    "takeaway.*": STUDENT,
    "extension.*": STUDENT,
    "needs.group_size": STUDENT,
    "needs.devices": STUDENT,
    "needs.print.*": STUDENT,
    "preparing.background.*": INSTRUCTOR,
    "preparing.read_first.*": INSTRUCTOR,
    "preparing.support.*": INSTRUCTOR,
    "preparing.watch_for.*": INSTRUCTOR,
    "preparing.safety.voluntary_roles": INSTRUCTOR,
    "preparing.safety.no_recording": INSTRUCTOR,
    "preparing.safety.de_roling": INSTRUCTOR,
    "preparing.safety.content_note": INSTRUCTOR,
    "preparing.safety.other.*": INSTRUCTOR,
}

OPEN_TYPES = ("discussion", "role-play", "tabletop", "case-analysis")
"""Activity types that are open tasks (no single right answer) unless the record says ``open: false``."""


@dataclass(frozen=True)
class Part:
    """One text of a lesson record and who may read it."""

    audience: Audience
    field: str  # dotted path in the record: "activities.1.solution" (0-based, as validate reports)
    label: str  # for people: "Activity 2 (The liaison tabletop): model answer"
    text: str  # the record text: the Markdown subset with [[kind:id]] shortcodes


def _walk(value: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, str(index)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))


def _pattern(path: tuple[str, ...]) -> str:
    return ".".join("*" if part.isdigit() else part for part in path)


def _label(lesson: Lesson, path: tuple[str, ...]) -> str:
    if path[0] == "activities" and len(path) > 1:
        number = int(path[1])
        activity = lesson.activities[number]
        what = " ".join(p for p in path[2:] if not p.isdigit()).replace("_", " ")
        return f"Activity {number + 1} ({activity.title}): {what or 'activity'}"
    if path[0] == "assessment" and len(path) > 1:
        return f"Question {int(path[1]) + 1}: {' '.join(p for p in path[2:] if not p.isdigit())}"
    return " ".join(p if not p.isdigit() else str(int(p) + 1) for p in path).replace("_", " ")


def parts(lesson: Lesson) -> list[Part]:
    """Every text of the lesson with its audience, in record order. A text field missing from
    ``FIELDS`` is an error (a new field must be given an audience before it can be published)."""
    found: list[Part] = []
    for path, text in _walk(lesson.model_dump(exclude={"id", "former_ids", "level", "themes", "topics"}), ()):
        pattern = _pattern(path)
        if pattern in ("involves.*", "materials.*", "pages.*", "objectives.*.evidence.*"):
            continue  # ids and page paths: links, not text
        if pattern.endswith(("assessed_by.*", "assesses.*")) or pattern.endswith(".id") or pattern.endswith(".type"):
            continue
        if pattern in ("vocabulary.*.term", "activities.*.cards.*.fact", "activities.*.cards_task"):
            continue
        audience = FIELDS.get(pattern)
        if audience is None:
            raise KeyError(f"lesson field '{pattern}' has no audience in lesson_views.FIELDS")
        found.append(Part(audience, ".".join(path), _label(lesson, path), text))
    return found


def student_parts(lesson: Lesson) -> list[Part]:
    """What a student may read: the student page and the student handout hold these and nothing else."""
    return [p for p in parts(lesson) if p.audience == STUDENT]


def answer_parts(lesson: Lesson) -> list[Part]:
    """Model answers, card answers and rubrics: the answer key (and the instructor view)."""
    return [p for p in parts(lesson) if p.audience == ANSWER]


def instructor_only_parts(lesson: Lesson) -> list[Part]:
    """Notes, the quick-start, facilitator directions, injects and private cards: the instructor view only."""
    return [p for p in parts(lesson) if p.audience == INSTRUCTOR]


def secret_parts(lesson: Lesson) -> list[Part]:
    """Every answer and instructor-only text: none may appear on a student page or handout."""
    return [p for p in parts(lesson) if p.audience != STUDENT]


# ---------------------------------------------------------------- activities as students see them


def is_open(activity: Activity) -> bool:
    """Whether an activity is an open task (and so needs a rubric)."""
    return activity.open if activity.open is not None else activity.type in OPEN_TYPES


def card_order(lesson: Lesson, activity_index: int) -> list[int]:
    """The order students get an activity's cards in: the record's card indexes (0-based), shuffled
    with a seed made from the lesson id and the activity's position, so the web page, the handout and
    the answer key agree, build after build. Never the record's order when there are three or more
    cards (the record's order is the answer of an ordering task)."""
    count = len(lesson.activities[activity_index].cards)
    order = list(range(count))
    if count < 2:
        return order
    seed = int.from_bytes(hashlib.sha256(f"{lesson.id}/{activity_index}".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    for _ in range(100):
        rng.shuffle(order)
        if count < 3 or order != sorted(order):
            break
    return order


def shuffled_cards(lesson: Lesson, activity_index: int) -> list[tuple[int, Card]]:
    """(record index, card) in the students' order (``card_order``); print only ``card.text``."""
    cards = lesson.activities[activity_index].cards
    return [(i, cards[i]) for i in card_order(lesson, activity_index)]


@dataclass(frozen=True)
class CardKey:
    """The answer for one card, for the answer key only."""

    sheet_number: int  # the card's number as students get it (1-based, in ``card_order``)
    text: str
    fact: str | None
    date: str | None  # the fact's date (ordering tasks)
    status: str | None  # the fact's status: established (shown "On the record"), alleged, reported, disputed
    position: int | None  # ordering tasks: 1-based place in date order (cards on one date share a place)
    answer: str | None  # the record's explanation


def card_key(book: Casebook, lesson: Lesson, activity_index: int) -> list[CardKey]:
    """The answer key of an activity's cards, in the order students got them."""
    activity = lesson.activities[activity_index]
    facts = {c.fact: book.get(c.fact) for c in activity.cards if c.fact}
    dates = sorted({f.date for f in facts.values() if isinstance(f, Fact) and f.date})
    keys = []
    for number, (_, card) in enumerate(shuffled_cards(lesson, activity_index), 1):
        fact = facts.get(card.fact) if card.fact else None
        date = fact.date if isinstance(fact, Fact) else None
        keys.append(
            CardKey(
                number,
                card.text,
                card.fact,
                date,
                fact.status if isinstance(fact, Fact) else None,
                dates.index(date) + 1 if activity.cards_task == "order" and date else None,
                card.answer,
            )
        )
    return keys


@dataclass(frozen=True)
class StudentActivity:
    """An activity as a student may see it: no solution, rubric, inject, private card or card answer."""

    number: int  # 1-based, as the page's #activity-N anchor
    title: str
    type: str
    invented: bool
    instructions: str
    cards: tuple[str, ...]  # card texts in the shuffled order of ``card_order``
    roles: tuple[str, ...]
    injects: int  # how many injects the facilitator will hand out
    private_cards: int  # how many players get a private card


def student_activities(lesson: Lesson) -> list[StudentActivity]:
    return [
        StudentActivity(
            number=index + 1,
            title=activity.title,
            type=activity.type,
            invented=bool(activity.invented),
            instructions=activity.instructions,
            cards=tuple(card.text for _, card in shuffled_cards(lesson, index)),
            roles=tuple(activity.roles),
            injects=len(activity.injects),
            private_cards=len(activity.private_cards),
        )
        for index, activity in enumerate(lesson.activities)
    ]


# ---------------------------------------------------------------- leak probes

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
PROBE_WORDS = 6
"""A probe is a run of at least this many words: long enough to be distinctive, short enough to
survive a line break or a footnote number in rendered output."""


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text.casefold())


def _shown_with_student_parts(book: Casebook, lesson: Lesson) -> list[str]:
    """The texts a student page legitimately shows besides the lesson's own student text: what the
    records its student parts cite, its objectives' evidence and its materials say (their footnotes and links)."""
    ids = [c.id for p in student_parts(lesson) for c in shortcodes.find(p.text)]
    ids += [e for o in lesson.objectives for e in o.evidence] + list(lesson.materials)
    shown: list[str] = []
    for record_id in dict.fromkeys(ids):
        record = book.records.get(book.current_id(record_id))
        if record is None:
            continue
        shown.append(record.label)
        for name in ("statement", "text", "definition", "summary", "title", "correction"):
            value = getattr(record, name, None)
            if isinstance(value, str):
                shown.append(value)
    return shown


def probes(lesson: Lesson, label_of: Callable[[str], str], book: Casebook | None = None) -> Iterator[tuple[Part, str]]:
    """(part, phrase) for distinctive phrases of every answer and instructor-only text: plain-text
    runs of PROBE_WORDS words, lower-cased, with punctuation dropped, that appear in no student text
    of the same lesson (nor, given ``book``, in the records those texts cite, which the page shows in
    its footnotes). A student page or handout whose words contain one of them leaks that part.
    Search a page's text with ``normalised_words``."""
    texts_ = [plain(p.text, label_of) for p in student_parts(lesson)]
    if book is not None:
        texts_ += [plain(t, label_of) for t in _shown_with_student_parts(book, lesson)]
    student = " " + " ".join(" ".join(_words(t)) for t in texts_) + " "
    for part in secret_parts(lesson):
        # a cited record's label is the record's, not the answer's: phrases never run across a citation
        own = shortcodes.SHORTCODE.sub(" . ", part.text)
        for sentence in _SENTENCE.split(plain(own, label_of)):
            words = _words(sentence)
            for start in range(0, max(len(words) - PROBE_WORDS + 1, 0), PROBE_WORDS):
                phrase = " ".join(words[start : start + PROBE_WORDS])
                if f" {phrase} " not in student:
                    yield part, phrase


def normalised_words(text: str) -> str:
    """A page's or handout's text as ``probes`` phrases are written: lower-case words joined by one space."""
    return " " + " ".join(_words(text)) + " "


def leaks(
    lesson: Lesson, text: str, label_of: Callable[[str], str], book: Casebook | None = None
) -> list[tuple[Part, str]]:
    """The (part, phrase) of ``probes`` found in ``text`` (a student page's or handout's plain text).
    Pass ``book`` when the text has the footnotes of the records it cites."""
    haystack = normalised_words(text)
    return [(part, phrase) for part, phrase in probes(lesson, label_of, book) if f" {phrase} " in haystack]


def texts(parts_: Iterable[Part]) -> list[str]:
    return [p.text for p in parts_]


def assessed_by(lesson: Lesson) -> list[str]:
    """For each objective, the items that assess it, named as a teacher finds them ("activity 2,
    question 3"), not by their ids: the instructor view and the instructor guide print these."""
    names = {a.id: f"activity {i}" for i, a in enumerate(lesson.activities, 1) if a.id}
    names |= {q.id: f"question {i}" for i, q in enumerate(lesson.assessment, 1) if q.id}
    return [", ".join(names.get(i, i) for i in o.assessed_by) for o in lesson.objectives]


DEBRIEF_FIELDS = ("discussion", "assessment", "key_points")
"""The parts a lesson with injects keeps for the debrief sheet (``debrief_held_back``)."""


def debrief_held_back(lesson: Lesson) -> bool:
    """Whether the lesson's discussion, check questions and key points wait for the debrief. In a
    tabletop they say what the injects test, so the student page and handout do not carry them; a
    separate debrief page and sheet, handed out after the last inject, do."""
    return any(activity.injects for activity in lesson.activities)
