"""One lesson record, three views: the student page has no answer, note, inject or private card (absent
from the HTML, not hidden), the instructor view has everything, the answer key has the answers.

The probes (``lesson_views.probes``) are six-word phrases of every answer and instructor-only text that
no student text contains; the tests below also check that each probe is found where it belongs, so a
probe that could never match would fail here rather than pass silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from casebook.core import lesson_views
from casebook.core.model import Lesson
from casebook.core.text import plain
from casebook.core.validate import build_case
from casebook.site import render_site

from .conftest import ROOT


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return build_case(ROOT / "content")


def _lessons(book) -> list[Lesson]:  # type: ignore[no-untyped-def]
    return book.of_kind(Lesson)


def _article(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article") or soup
    return article.get_text(" ")


def test_every_text_of_every_lesson_has_an_audience(book) -> None:  # type: ignore[no-untyped-def]
    for lesson in _lessons(book):
        parts = lesson_views.parts(lesson)
        assert {p.audience for p in parts} == {"student", "instructor", "answer"}, lesson.id
        assert lesson_views.secret_parts(lesson) == [p for p in parts if p.audience != "student"]


def test_every_secret_part_has_a_probe(book) -> None:  # type: ignore[no-untyped-def]
    """Every answer and note has at least one phrase no student text contains, so a leak of any of them is seen."""
    for lesson in _lessons(book):
        probed = {part.field for part, _ in lesson_views.probes(lesson, book.label_of)}
        short = [p.field for p in lesson_views.secret_parts(lesson) if p.field not in probed]
        # a part of fewer than six words (a rubric's level name) has no probe of its own
        assert all(
            len(p.text.split()) < lesson_views.PROBE_WORDS
            for p in lesson_views.secret_parts(lesson)
            if p.field in short
        ), (lesson.id, short)


def test_the_student_markdown_holds_no_answer_or_note(book) -> None:  # type: ignore[no-untyped-def]
    pages = render_site(book)
    for lesson in _lessons(book):
        student = pages[f"lessons/{lesson.id}/index.md"]
        assert lesson_views.leaks(lesson, student, book.label_of, book) == [], lesson.id
        instructor = pages[f"lessons/{lesson.id}/instructor.md"]
        assert len(lesson_views.leaks(lesson, instructor, book.label_of, book)) > 0  # the probes do find text


def test_a_leak_is_caught(book) -> None:  # type: ignore[no-untyped-def]
    """The check is not vacuous: a student page with one model answer pasted in fails it."""
    lesson = next(lesson for lesson in _lessons(book) if lesson.id == "insider-risk-tabletop")
    page = render_site(book)[f"lessons/{lesson.id}/index.md"]
    inject = lesson.activities[0].injects[5]
    found = lesson_views.leaks(lesson, page + "\n" + inject, book.label_of, book)
    assert found and {part.field for part, _ in found} == {"activities.0.injects.5"}


def test_cards_are_shuffled_the_same_way_every_time(book) -> None:  # type: ignore[no-untyped-def]
    lesson = book.get("cross-border-video-calls")
    order = lesson_views.card_order(lesson, 0)
    assert sorted(order) == [0, 1, 2, 3, 4] and order != [0, 1, 2, 3, 4]
    assert order == lesson_views.card_order(book.get("cross-border-video-calls"), 0)
    key = lesson_views.card_key(book, lesson, 0)
    # the answer order comes from the facts' dates; the last two cards happened on the same day
    by_record = {k.fact: k.position for k in key}
    assert by_record["humanitarian-china-event-2020-05-31"] == 1
    assert by_record["complaint-unsealed-2020-12-18"] == by_record["zoom-fired-employee"] == 4
    assert [k.sheet_number for k in key] == [1, 2, 3, 4, 5]


# ---------------------------------------------------------------- the built site


def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_student_pages_in_the_built_site_hold_no_answer_or_note(real_site: Path, book) -> None:  # type: ignore[no-untyped-def]
    for lesson in _lessons(book):
        html = _page(real_site, f"lessons/{lesson.id}")
        text = _article(html)
        leaks = lesson_views.leaks(lesson, text, book.label_of, book)
        assert leaks == [], (lesson.id, [(p.label, phrase) for p, phrase in leaks[:5]])
        soup = BeautifulSoup(html, "html.parser")
        article = soup.find("article")
        assert article is not None
        links = [a.get("href", "") for a in article.find_all("a")]
        assert not [h for h in links if not h.startswith("#") and ("instructor" in h or "answers" in h)], lesson.id
        # no collapsed answer or note: the only <details> is the "On this page" list of headings
        assert "Cite this page" not in text and not article.select("details:not(.cb-toc)"), lesson.id
        for activity in lesson.activities:
            if activity.invented:
                assert "Invented scenario" in text, lesson.id
        assert "CC BY 4.0" in text, lesson.id


def test_the_instructor_view_and_the_answer_key_hold_what_they_should(real_site: Path, book) -> None:  # type: ignore[no-untyped-def]
    for lesson in _lessons(book):
        instructor = _article(_page(real_site, f"lessons/{lesson.id}/instructor"))
        answers = _article(_page(real_site, f"lessons/{lesson.id}/answers"))
        probes = list(lesson_views.probes(lesson, book.label_of, book))
        haystack = lesson_views.normalised_words(instructor)
        missing = {p.field for p, phrase in probes if f" {phrase} " not in haystack}
        found = {p.field for p, phrase in probes if f" {phrase} " in haystack}
        # every secret part shows in the instructor view (a phrase may break across a footnote number)
        assert missing <= found, (lesson.id, sorted(missing - found))
        key = lesson_views.normalised_words(answers)
        answer_fields = {p.field for p in lesson_views.answer_parts(lesson)}
        in_key = {p.field for p, phrase in probes if f" {phrase} " in key}
        assert {f for f in answer_fields if any(p.field == f for p, _ in probes)} <= in_key, lesson.id
        assert ("Preparing to teach" in instructor and "Safety" in instructor) or not lesson.preparing.safety


def test_a_tabletop_student_page_points_to_its_debrief_page(real_site: Path, book) -> None:  # type: ignore[no-untyped-def]
    """The student page keeps the debrief's headings (their addresses are published) but not its text."""
    lesson = book.get("insider-risk-tabletop")
    student = lesson_views.normalised_words(_article(_page(real_site, f"lessons/{lesson.id}")))
    debrief = lesson_views.normalised_words(_article(_page(real_site, f"lessons/{lesson.id}/debrief")))
    for text in [*lesson.discussion, *lesson.key_points]:
        phrase = " ".join(lesson_views.normalised_words(plain(text, book.label_of)).split()[:6])
        assert f" {phrase} " in debrief and f" {phrase} " not in student, phrase
    assert student.count("on the debrief sheet") == 5  # discussion, checks, materials, key points, reading
    # nor the files and pages that tell the game's outcome: the cards (injects), the slides (debrief),
    # the case pages and the lesson's topics
    article = BeautifulSoup(_page(real_site, f"lessons/{lesson.id}"), "html.parser").find("article")
    links = [str(a.get("href", "")) for a in article.find_all("a")]
    assert not any("-cards.pdf" in href or "-slides." in href for href in links), links
    case_pages = [page.removesuffix(".md") + "/" for page in lesson.pages if page.startswith("case/")]
    assert case_pages and not any(page in href for page in case_pages for href in links), links
    # nor what the facts behind the game say (an objective's evidence footnotes, the materials list)
    behind = {*(e for o in lesson.objectives for e in o.evidence), *lesson.materials}
    for record_id in behind:
        record = book.get(record_id)
        text = getattr(record, "statement", None) or getattr(record, "text", None)
        if record.kind in ("fact", "quote") and text:
            phrase = " ".join(lesson_views.normalised_words(plain(text, book.label_of)).split()[:8])
            assert f" {phrase} " not in student, (record_id, phrase)


def test_students_download_only_the_handout(real_site: Path, book) -> None:  # type: ignore[no-untyped-def]
    """The cards may hold private cards and injects, and the slides an ordering task's answer or a
    tabletop's debrief: a student page links no lesson file but the student handout."""
    for lesson in _lessons(book):
        article = BeautifulSoup(_page(real_site, f"lessons/{lesson.id}"), "html.parser").find("article")
        hrefs = [str(a["href"]) for a in article.find_all("a", href=True)]
        files = [href for href in hrefs if href.startswith(f"{lesson.id}-") or f"/{lesson.id}-" in href]
        assert files and all(href.endswith("-student-handout.pdf") for href in files), (lesson.id, files)
