"""Teaching rules: what makes a lesson record something a teacher can run, checked by ``casebook validate``.

Each rule is one function of a ``Context`` that yields Diagnostics (file:line, field, problem,
fix), registered in order in ``TEACHING_RULES`` by ``@teaching_rule``; its docstring states the rule.
``validate`` runs them after the sourcing rules. tests/test_teaching.py breaks each rule alone on a
copy of the real content and checks its exact message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from casebook.core import shortcodes
from casebook.core.book import Casebook
from casebook.core.errors import Diagnostic
from casebook.core.lesson_views import is_open
from casebook.core.model import Event, Fact, Lesson

CLASS_SIZE = 30
"""The class every lesson's timings are checked against."""
RUBRIC_LEVELS = (3, 4)
"""A rubric has this many levels, fewest and most."""
BACKGROUND_SENTENCES = 5
"""The quick-start's background: this many sentences, each citing a record."""
SCENARIO_TYPES = ("role-play", "tabletop")


@dataclass(frozen=True)
class Context:
    """What the teaching rules read: the book (no stored source texts: these rules never need them)."""

    book: Casebook

    def diag(self, record_id: str, path: tuple[str | int, ...], problem: str, fix: str) -> Diagnostic:
        """A problem at ``path`` inside the record ``record_id``."""
        return self.book.diagnostic(record_id, path, problem, fix)


TeachingRule = Callable[[Context], Iterator[Diagnostic]]
TEACHING_RULES: list[TeachingRule] = []


def teaching_rule(func: TeachingRule) -> TeachingRule:
    TEACHING_RULES.append(func)
    return func


def check(book: Casebook) -> list[Diagnostic]:
    """Every teaching problem of the book's lessons, rule by rule, in content order."""
    ctx = Context(book)
    return [diagnostic for each in TEACHING_RULES for diagnostic in each(ctx)]


def _lessons(ctx: Context) -> list[Lesson]:
    return ctx.book.of_kind(Lesson)


# ---------------------------------------------------------------- the rules


@teaching_rule
def lessons_have_a_quick_start(ctx: Context) -> Iterator[Diagnostic]:
    """Every lesson has what its instructor view's "Preparing to teach" page and the lessons index
    print: ``needs`` (group size, devices, what to print) and ``preparing`` with the case in
    BACKGROUND_SENTENCES sentences, each citing a record."""
    for lesson in _lessons(ctx):
        if lesson.needs is None:
            yield ctx.diag(
                lesson.id,
                ("title",),
                "the lesson does not say what it needs",
                "add needs: {group_size: …, devices: …, print: [...]} (the lessons index shows it)",
            )
        if lesson.preparing is None:
            yield ctx.diag(
                lesson.id,
                ("title",),
                "the lesson has no 'Preparing to teach' quick-start",
                f"add preparing: with background ({BACKGROUND_SENTENCES} sourced sentences) and watch_for",
            )
            continue
        background = lesson.preparing.background
        if len(background) != BACKGROUND_SENTENCES:
            yield ctx.diag(
                lesson.id,
                ("preparing", "background"),
                f"the background has {len(background)} sentences, not {BACKGROUND_SENTENCES}",
                f"give the case in {BACKGROUND_SENTENCES} short sentences, one list item each",
            )
        for index, sentence in enumerate(background):
            if not any(code.kind in ("fact", "quote", "source", "law") for code in shortcodes.find(sentence)):
                yield ctx.diag(
                    lesson.id,
                    ("preparing", "background", index),
                    "background sentence cites no record",
                    "cite the fact, quote, law or source it rests on, e.g. [[fact:jin-at-large-in-china]]",
                )


@teaching_rule
def objectives_are_assessed(ctx: Context) -> Iterator[Diagnostic]:
    """Every objective names, in ``assessed_by``, at least one activity or assessment item of the same
    lesson that assesses it (or such an item names the objective's number in ``assesses``); those ids
    exist and are unique within the lesson, and those numbers are objectives of the lesson."""
    for lesson in _lessons(ctx):
        items: dict[str, tuple[str | int, ...]] = {}
        numbered = [("activities", i, a.id) for i, a in enumerate(lesson.activities)]
        numbered += [("assessment", i, q.id) for i, q in enumerate(lesson.assessment)]
        for field, index, item_id in numbered:
            if item_id is None:
                continue
            if item_id in items:
                yield ctx.diag(
                    lesson.id,
                    (field, index, "id"),
                    f"item id '{item_id}' is used twice in this lesson",
                    "give each activity and assessment item its own id",
                )
            items.setdefault(item_id, (field, index))
        claimed: set[int] = set()
        every = [("activities", i, a.assesses) for i, a in enumerate(lesson.activities)]
        every += [("assessment", i, q.assesses) for i, q in enumerate(lesson.assessment)]
        for field, index, numbers in every:
            for position, number in enumerate(numbers):
                if not 1 <= number <= len(lesson.objectives):
                    yield ctx.diag(
                        lesson.id,
                        (field, index, "assesses", position),
                        f"the lesson has no objective {number}",
                        f"use a number from 1 to {len(lesson.objectives)}",
                    )
                claimed.add(number)
        for index, objective in enumerate(lesson.objectives):
            if not objective.assessed_by and index + 1 not in claimed:
                yield ctx.diag(
                    lesson.id,
                    ("objectives", index),
                    f"objective {index + 1} is assessed by no item",
                    "add assessed_by: [the id of an activity or assessment item that tests it] (give that item an id)",
                )
            for position, item_id in enumerate(objective.assessed_by):
                if item_id not in items:
                    known = ", ".join(sorted(items)) or "none yet"
                    yield ctx.diag(
                        lesson.id,
                        ("objectives", index, "assessed_by", position),
                        f"'{item_id}' is not the id of an activity or assessment item of this lesson",
                        f"use one of: {known}",
                    )


_GROUP_WORDS = re.compile(r"\b(in pairs|pairs of|groups? of|each group|in groups|teams? of|each team|in teams)\b", re.I)


@teaching_rule
def timings_fit_a_class_of_30(ctx: Context) -> Iterator[Diagnostic]:
    """A step done in groups says how big the groups are (``group_size``) and how many groups its minutes
    assume (``groups``) for a class of CLASS_SIZE, and that many groups of that size seat the class
    (fewer than one group's worth of students over or under); a step whose ``timing`` is broken down
    adds up to its minutes, counting each ``each_group`` part once per group."""
    for lesson in _lessons(ctx):
        for index, step in enumerate(lesson.sequence):
            path: tuple[str | int, ...] = ("sequence", index)
            if step.group_size is None and _GROUP_WORDS.search(step.activity):
                yield ctx.diag(
                    lesson.id,
                    (*path, "activity"),
                    f"step '{step.title}' is done in groups but does not say how many",
                    f"add group_size and groups (the number of groups its minutes assume for a class of {CLASS_SIZE})",
                )
            if step.group_size is not None and step.group_size > 1:
                if step.groups is None:
                    yield ctx.diag(
                        lesson.id,
                        (*path, "group_size"),
                        f"step '{step.title}' says the group size but not how many groups its minutes assume",
                        f"add groups: {math.ceil(CLASS_SIZE / step.group_size)} (a class of {CLASS_SIZE})",
                    )
                elif abs(step.groups * step.group_size - CLASS_SIZE) >= step.group_size:
                    yield ctx.diag(
                        lesson.id,
                        (*path, "groups"),
                        f"{step.groups} groups of {step.group_size} seat {step.groups * step.group_size} students, "
                        f"not a class of {CLASS_SIZE}",
                        f"use groups: {math.ceil(CLASS_SIZE / step.group_size)}, or change the group size",
                    )
            if step.timing:
                per_group = [t for t in step.timing if t.each_group]
                if per_group and step.groups is None:
                    yield ctx.diag(
                        lesson.id,
                        (*path, "timing"),
                        "a part happens once per group, but the step does not say how many groups",
                        "add group_size and groups to the step",
                    )
                    continue
                total = sum(t.minutes * ((step.groups or 1) if t.each_group else 1) for t in step.timing)
                if total != step.minutes:
                    shown = " + ".join(
                        f"{t.minutes}×{step.groups}" if t.each_group else str(t.minutes) for t in step.timing
                    )
                    yield ctx.diag(
                        lesson.id,
                        (*path, "minutes"),
                        f"step '{step.title}' takes {shown} = {total} minutes with {step.groups or 1} groups, "
                        f"but is given {step.minutes}",
                        "give the step the minutes its parts need, or shorten a part",
                    )


@teaching_rule
def open_tasks_have_rubrics(ctx: Context) -> Iterator[Diagnostic]:
    """Every open task (an activity with no single right answer: ``open: true``, or a discussion,
    role-play, tabletop or case analysis unless ``open: false``) has a rubric of 3 or 4 levels, and so
    has every assessment item that gives one."""
    low, high = RUBRIC_LEVELS
    for lesson in _lessons(ctx):
        for index, activity in enumerate(lesson.activities):
            levels = len(activity.rubric)
            if is_open(activity) and not activity.rubric:
                yield ctx.diag(
                    lesson.id,
                    ("activities", index),
                    f"open task '{activity.title}' has no rubric",
                    f"add rubric: {low} to {high} levels, each {{level: …, descriptor: …}} (or open: false if it "
                    "has one right answer)",
                )
            elif activity.rubric and not low <= levels <= high:
                yield ctx.diag(
                    lesson.id,
                    ("activities", index, "rubric"),
                    f"the rubric has {levels} level{'s' if levels != 1 else ''}, not {low} to {high}",
                    f"describe {low} or {high} levels of work",
                )
        for index, item in enumerate(lesson.assessment):
            if item.rubric and not low <= len(item.rubric) <= high:
                yield ctx.diag(
                    lesson.id,
                    ("assessment", index, "rubric"),
                    f"the rubric has {len(item.rubric)} levels, not {low} to {high}",
                    f"describe {low} or {high} levels of work",
                )


_INVENTED_WORDS = re.compile(r"\b(invented|in-game|fictional|made up)\b", re.I)


@teaching_rule
def scenario_material_is_labelled(ctx: Context) -> Iterator[Diagnostic]:
    """Every role-play and tabletop, and every activity with roles, injects or private cards, says
    ``invented: true`` or ``invented: false`` (true puts a visible "Invented scenario" label on it);
    an activity whose text calls itself invented, in-game or fictional says ``invented: true``."""
    for lesson in _lessons(ctx):
        for index, activity in enumerate(lesson.activities):
            scenario = activity.type in SCENARIO_TYPES or activity.roles or activity.injects or activity.private_cards
            if scenario and activity.invented is None:
                yield ctx.diag(
                    lesson.id,
                    ("activities", index),
                    f"'{activity.title}' is scenario material but does not say whether it is invented",
                    "add invented: true (it gets a visible label) or invented: false",
                )
            elif activity.invented is not True and _INVENTED_WORDS.search(activity.instructions):
                yield ctx.diag(
                    lesson.id,
                    ("activities", index, "instructions"),
                    f"'{activity.title}' says it is invented, but is not labelled so",
                    "add invented: true, so the page and the handout label it",
                )


@teaching_rule
def secondary_lessons_have_vocabulary(ctx: Context) -> Iterator[Diagnostic]:
    """A secondary-school lesson has a vocabulary list (printed on the handout: the glossary's hover
    tooltips vanish on touch screens and on paper)."""
    for lesson in _lessons(ctx):
        if lesson.level == "secondary" and not lesson.vocabulary:
            yield ctx.diag(
                lesson.id,
                ("level",),
                "a secondary lesson needs a vocabulary list",
                "add vocabulary: [{word: …, meaning: …, term: <glossary id, if there is one>}, …]",
            )


@teaching_rule
def sensitive_lessons_have_a_safety_box(ctx: Context) -> Iterator[Diagnostic]:
    """A lesson with a role-play or tabletop, or that ``involves`` real dissidents or participants who
    may live under the requesting state's law, has a safety box in ``preparing.safety`` (voluntary
    roles never cast by heritage, no recording or posting, de-roling, a content note)."""
    for lesson in _lessons(ctx):
        reasons = list(dict.fromkeys(lesson.involves))
        if any(a.type in SCENARIO_TYPES or a.roles for a in lesson.activities) and "role-play" not in reasons:
            reasons.append("role-play")
        if reasons and (lesson.preparing is None or lesson.preparing.safety is None):
            yield ctx.diag(
                lesson.id,
                ("preparing",) if lesson.preparing is not None else ("title",),
                f"the lesson involves {', '.join(reasons)} but has no safety box",
                "add preparing.safety with voluntary_roles, no_recording, de_roling and content_note",
            )


_SPOILING_PAGES = re.compile(r"\b(timeline|allegations and answers|facts by topic)\b", re.I)


def _shown_with(book: Casebook, fact_id: str) -> set[str]:
    """The records whose page section shows the fact: the fact, its topics, the events that list it."""
    fact = book.records.get(fact_id)
    shown = {fact_id}
    if isinstance(fact, Fact):
        shown |= set(fact.topics)
    shown |= {e.id for e in book.of_kind(Event) if fact_id in e.facts}
    return shown


@teaching_rule
def prereading_keeps_the_injects_secret(ctx: Context) -> Iterator[Diagnostic]:
    """The pre-reading (``prerequisites``) of a lesson with injects cites or links nothing that shows
    what an inject cites (the fact, its topic, its timeline event) and does not send students to the
    case timeline, the facts by topic or the allegations page, which list the real outcome of every inject."""
    for lesson in _lessons(ctx):
        cited = {c.id for a in lesson.activities for i in a.injects for c in shortcodes.find(i) if c.kind == "fact"}
        if not cited:
            continue
        spoilers = set().union(*(_shown_with(ctx.book, f) for f in cited))
        for index, text in enumerate(lesson.prerequisites):
            found = [c for c in shortcodes.find(text) if c.id in spoilers]
            if found:
                code = found[0]
                yield ctx.diag(
                    lesson.id,
                    ("prerequisites", index),
                    f"the pre-reading links [[{code.kind}:{code.id}]], which shows what an inject reveals",
                    "give students reading that does not tell them the injects (a glossary entry, a law page)",
                )
            elif match := _SPOILING_PAGES.search(shortcodes.SHORTCODE.sub("", text)):
                yield ctx.diag(
                    lesson.id,
                    ("prerequisites", index),
                    f"the pre-reading sends students to the {match.group(1).lower()}, which gives away the injects",
                    "give students reading that does not tell them the injects (a glossary entry, a law page)",
                )
