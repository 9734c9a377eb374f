"""The lessons' printables and slides (outputs/handouts.py, cards.py, slides.py), read back from the files.

The tests that need the real files use the `lesson_files` fixture (build/handouts, as `make handouts` leaves
it; marked `build`); the others build small documents or run the cache with stand-in makers.
"""

from __future__ import annotations

import re
import socket
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from casebook.core import lesson_views
from casebook.core.book import Casebook
from casebook.core.model import Fact, Lesson
from casebook.core.text import human_date, plain
from casebook.core.validate import build_case
from casebook.outputs import handouts, slides
from casebook.outputs.lesson_files import KINDS, materials_for, published_files, published_path
from casebook.outputs.printable import Printer

from .conftest import ROOT, SEED, third_party_fetches

STATUS_WORDS = ("Alleged", "Reported", "On the record", "Disputed")


@pytest.fixture(scope="module")
def book() -> Casebook:
    return build_case(ROOT / "content")


def lessons(book: Casebook) -> list[Lesson]:
    return book.of_kind(Lesson)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def file_of(folder: Path, lesson: Lesson, key: str) -> Path:
    return folder / published_path(lesson.id, key)


def without_sources(text: str) -> str:
    """A document's text before its source list (source titles may share words with an answer)."""
    cut = text.rfind("\nSources\n")
    return text if cut < 0 else text[:cut]


def leaks(book: Casebook, lesson: Lesson, text: str) -> list[tuple[str, str]]:
    """``lesson_views.leaks``, less phrases that the student texts hold once their list markers are gone
    (``plain`` keeps a list's "- ", which ``probes`` reads as a word, so a phrase that spans two items of a
    student list counts as secret)."""
    student = lesson_views.normalised_words(
        " ".join(plain(p.text, book.label_of) for p in lesson_views.student_parts(lesson))
    ).replace(" - ", " ")
    found = lesson_views.leaks(lesson, text, book.label_of)
    return [(part.field, phrase) for part, phrase in found if f" {phrase} " not in student]


def answer_probes(book: Casebook, lesson: Lesson) -> list[tuple[lesson_views.Part, str]]:
    return [(p, phrase) for p, phrase in lesson_views.probes(lesson, book.label_of) if p.audience == "answer"]


# ---------------------------------------------------------------- no network, ever


def test_the_fetcher_refuses_everything_but_the_packages_own_files(tmp_path: Path) -> None:
    from weasyprint.urls import FatalURLFetchingError

    fetcher = handouts.local_fetcher()
    outside = tmp_path / "x.css"
    outside.write_text("p{}")
    for url in (
        "https://example.invalid/font.woff2",
        "http://127.0.0.1:9/x.css",
        "ftp://example.invalid/x",
        "data:text/css,p{}",
        outside.as_uri(),
        "file:///etc/passwd",
        "file://evil.example/etc/passwd",
        (handouts.TEMPLATES / ".." / ".." / ".." / ".." / "README.md").resolve().as_uri(),
    ):
        with pytest.raises(FatalURLFetchingError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8
    response = fetcher.fetch((handouts.TEMPLATES / "print.css").as_uri())
    assert b"@page" in response.read()


def test_a_document_that_asks_for_the_network_is_not_printed_and_nothing_connects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from weasyprint.urls import FatalURLFetchingError

    connections: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    for html in (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"><p>x</p>',
        '<p><img alt="" src="http://tracker.invalid/pixel.gif"></p>',
        "<style>@font-face{font-family:X;src:url(https://cdn.invalid/x.woff2)}p{font-family:X}</style><p>x</p>",
    ):
        with pytest.raises(FatalURLFetchingError):
            handouts.write_pdf(html)
    assert connections == []


def test_record_text_is_printed_as_text_with_its_addresses(book: Casebook) -> None:
    printer = Printer(book)
    html = printer.text("A <b>bold</b> & [a page](https://example.org/a?b=1) `x<y`")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<a" not in html and "(https://example.org/a?b=1)" in html
    fact = next(f for f in book.of_kind(Fact) if f.status == "alleged")
    marked = printer.text(f"Prosecutors allege it [[fact:{fact.id}]].")
    assert "Alleged" in marked and "[1" in marked
    assert printer.sources.listed()[0][1].id == fact.sources[0].source


# ---------------------------------------------------------------- the cache


def test_unchanged_lessons_are_not_remade(tmp_path: Path) -> None:
    seed = build_case(SEED)
    calls: list[list[str]] = []

    def fake(book: Casebook, todo: list[Lesson], site_url: str) -> dict[str, dict[str, bytes]]:
        calls.append([lesson.id for lesson in todo])
        return {lesson.id: {"student-handout.pdf": lesson.id.encode()} for lesson in todo}

    ids = [lesson.id for lesson in seed.of_kind(Lesson)]
    assert ids
    first = handouts.build(seed, tmp_path, makers=[fake], code="v1")
    assert first.built == ids and calls == [ids]
    again = handouts.build(seed, tmp_path, makers=[fake], code="v1")
    assert again.built == [] and again.cached == ids and len(calls) == 1
    file_of(tmp_path, seed.of_kind(Lesson)[0], "student-handout.pdf").unlink()
    assert handouts.build(seed, tmp_path, makers=[fake], code="v1").built == ids[:1]
    assert handouts.build(seed, tmp_path, makers=[fake], code="v2").built == ids  # the templates changed
    assert dict(published_files(tmp_path)).keys() == {published_path(i, "student-handout.pdf") for i in ids}


def test_a_change_to_a_cited_fact_remakes_the_lessons_that_cite_it(book: Casebook) -> None:
    lesson = next(x for x in lessons(book) if x.objectives[0].evidence)
    before = {x.id: handouts.inputs_hash(book, x, "", "c") for x in lessons(book)}
    fact_id = next(e for o in lesson.objectives for e in o.evidence if isinstance(book.get(e), Fact))
    fact = book.get_as(fact_id, Fact)
    book.records[fact_id] = fact.model_copy(update={"statement": fact.statement + " Corrected."})
    try:
        after = {x.id: handouts.inputs_hash(book, x, "", "c") for x in lessons(book)}
    finally:
        book.records[fact_id] = fact
    assert after[lesson.id] != before[lesson.id]
    citing = {x.id for x in lessons(book) if fact_id in str(x.model_dump())}
    assert {i for i in before if before[i] != after[i]} == citing


def test_pages_link_only_the_files_a_build_publishes() -> None:
    assert materials_for("a-lesson", set()) == []
    path = published_path("a-lesson", "answer-key.pdf")
    assert [m.path for m in materials_for("a-lesson", {path, "lessons/other/other-slides.pdf"})] == [path]


# ---------------------------------------------------------------- the real files


def test_every_lesson_has_its_files(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        for kind in KINDS:
            if kind.key == "cards.pdf" and not any(
                a.cards or a.roles or a.injects or a.private_cards for a in lesson.activities
            ):
                continue
            path = file_of(lesson_files, lesson, kind.key)
            if kind.key == "debrief-sheet.pdf":  # a tabletop's only
                assert path.is_file() == lesson_views.debrief_held_back(lesson), lesson.id
                continue
            assert path.is_file(), (lesson.id, kind.key)


def test_student_handouts_are_one_to_four_pages_without_answers(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        pages = pdf_pages(file_of(lesson_files, lesson, "student-handout.pdf"))
        assert 1 <= len(pages) <= 4, (lesson.id, len(pages))
        text = without_sources("\n".join(pages))
        leaked = leaks(book, lesson, text)
        assert leaked == [], f"{lesson.id}: {leaked[:5]}"


def test_a_tabletop_keeps_its_debrief_for_the_debrief_sheet(book: Casebook, lesson_files: Path) -> None:
    """A lesson with injects: its discussion, check questions and key points (which say what the injects
    test) are on the debrief sheet and not on the student handout."""
    held = [lesson for lesson in lessons(book) if lesson_views.debrief_held_back(lesson)]
    assert "insider-risk-tabletop" in [lesson.id for lesson in held]
    for lesson in held:
        handout = lesson_views.normalised_words(
            " ".join(pdf_pages(file_of(lesson_files, lesson, "student-handout.pdf")))
        )
        sheet = lesson_views.normalised_words(" ".join(pdf_pages(file_of(lesson_files, lesson, "debrief-sheet.pdf"))))
        debrief = [*lesson.discussion, *(item.question for item in lesson.assessment), *lesson.key_points]
        for text in debrief:
            phrase = " ".join(lesson_views.normalised_words(plain(text, book.label_of)).split()[:6])
            assert f" {phrase} " in sheet, (lesson.id, phrase)
            assert f" {phrase} " not in handout, (lesson.id, phrase)


def test_answers_are_in_the_answer_key_and_the_guide(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        for key in ("answer-key.pdf", "instructor-guide.pdf"):
            words = lesson_views.normalised_words(" ".join(pdf_pages(file_of(lesson_files, lesson, key))))
            by_part: dict[str, list[bool]] = {}
            for part, phrase in answer_probes(book, lesson):
                by_part.setdefault(part.field, []).append(f" {phrase} " in words)
            missing = [field for field, found in by_part.items() if not any(found)]
            assert missing == [], f"{lesson.id} {key}: answers missing: {missing}"


def test_every_page_has_the_title_the_page_number_and_the_licence(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        for key in ("student-handout.pdf", "instructor-guide.pdf", "answer-key.pdf", "cards.pdf"):
            path = file_of(lesson_files, lesson, key)
            if not path.is_file():
                continue
            pages = pdf_pages(path)
            title = " ".join(lesson.title.split()[:4])
            for number, text in enumerate(pages, 1):
                flat = " ".join(text.split())
                assert f"Page {number} of {len(pages)}" in flat, (path.name, number)
                assert "CC BY 4.0" in flat and title in flat, (path.name, number)


def test_handouts_label_each_case_statement_and_print_its_source_address(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        # what students are given: the handout, and where the debrief is held back, the debrief sheet
        keys = ["student-handout.pdf"] + (["debrief-sheet.pdf"] if lesson_views.debrief_held_back(lesson) else [])
        text = "\n".join(page for key in keys for page in pdf_pages(file_of(lesson_files, lesson, key)))
        squeezed = "".join(text.split())
        for part in lesson_views.student_parts(lesson):
            for fact_id in re.findall(r"\[\[fact:([a-z0-9-]+)\]\]", part.text):
                fact = book.get_as(fact_id, Fact)
                label = {"established": "On the record"}.get(fact.status, fact.status.capitalize())
                assert label in text, (lesson.id, fact_id)
                for citation in fact.sources:
                    url = book.records[citation.source].url  # type: ignore[attr-defined]
                    assert url in squeezed, (lesson.id, fact_id, url)


def test_cards_carry_no_answer_and_big_cards_are_one_a_page(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        path = file_of(lesson_files, lesson, "cards.pdf")
        if not path.is_file():
            continue
        pages = pdf_pages(path)
        text = without_sources("\n".join(pages))
        leaked = [(p.field, phrase) for p, phrase in answer_probes(book, lesson) if phrase in text.casefold()]
        assert leaked == [], (lesson.id, leaked[:5])
        for page in pages:
            heads = re.findall(r"(Role card \d+ of|Private card ·|Inject \d+ of)", page)
            assert len(heads) <= 1, (lesson.id, heads)
        for index, activity in enumerate(lesson.activities):
            roles = [p for p in pages if f"Activity {index + 1}:" in p and "Role card" in p]
            injects = [p for p in pages if re.search(rf"Inject \d+ of \d+ · Activity {index + 1}:", p)]
            assert len(roles) == len(activity.roles) and len(injects) == len(activity.injects), lesson.id
            if activity.injects:
                assert any("Decision log" in p and f"Activity {index + 1}" in p for p in pages)
            if not activity.cards:
                continue
            sheet = next(p for p in pages if f"{len(activity.cards)} cards. Cut along" in p)
            for card in activity.cards:
                fact = book.get_as(card.fact, Fact) if card.fact else None
                if fact is not None and activity.cards_task == "order":
                    assert human_date(fact.date) not in sheet, (lesson.id, card.text)
            if activity.cards_task == "sort":
                assert not any(word in sheet for word in ("Alleged", "Reported", "On the record")), lesson.id
            printed = [" ".join(c.text.split()[:5]) for _, c in lesson_views.shuffled_cards(lesson, index)]
            flat = " ".join(sheet.split())
            assert [flat.find(p) for p in printed] == sorted(flat.find(p) for p in printed), lesson.id


def test_the_answer_key_gives_the_card_order(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        for index, activity in enumerate(lesson.activities):
            if activity.cards_task != "order":
                continue
            keys = lesson_views.card_key(book, lesson, index)
            order = ", ".join(str(k.sheet_number) for k in sorted(keys, key=lambda k: k.position or 0))
            text = " ".join(" ".join(pdf_pages(file_of(lesson_files, lesson, "answer-key.pdf"))).split())
            assert f"Answer order (card numbers as printed): {order}." in text, lesson.id


def test_slides_are_16_9_offline_and_one_pdf_page_a_slide(book: Casebook, lesson_files: Path) -> None:
    for lesson in lessons(book):
        html = file_of(lesson_files, lesson, "slides.html").read_text(encoding="utf-8")
        assert third_party_fetches(html) == [], lesson.id
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.sub(r'<a [^>]*href="[^"]*"', "", html))
        assert "twemoji" not in html.lower() and "googleapis" not in html
        _, count = slides.deck_markdown(book, lesson, "")
        assert len(re.findall(r"<section\b", html)) == count, lesson.id
        # the deck says its language itself: Marp's default is the build machine's locale ("C" in CI)
        assert re.search(r'<html\b[^>]*\blang="en"', html), lesson.id
        assert set(re.findall(r'<section\b[^>]*\blang="([^"]*)"', html)) <= {"en"}, lesson.id
        reader = PdfReader(file_of(lesson_files, lesson, "slides.pdf"))
        assert len(reader.pages) == count, lesson.id
        box = reader.pages[0].mediabox
        assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
        text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
        assert "The timeline" in text and "CC BY 4.0" in text
        leaked = leaks(book, lesson, text)
        assert leaked == [], (lesson.id, leaked[:5])
        if slides.teaches_extradition(lesson):
            assert "The chain of locks" in text and "Art. 8(1)" in text, lesson.id


def test_a_deck_cannot_be_given_markup_by_a_record(book: Casebook) -> None:
    lesson = lessons(book)[0]
    hostile = lesson.model_copy(
        update={
            "title": "<!-- _class: lead --> --- ![bg](https://tracker.invalid/p.png) $x$",
            "questions": ["<script>alert(1)</script>\n\n---\n\n![x](https://tracker.invalid/p.png) :smile:"],
        }
    )
    markdown, count = slides.deck_markdown(book, hostile, "")
    body = markdown.split("---\n", 2)[2]
    own = body.count("<!-- _class: small -->") + body.count("<!-- _class: lead -->")
    assert body.count("<!--") == own  # only the deck's own directives
    assert "<script>" not in body and "![" not in body and "&lt;script&gt;" in body
    # the title also goes into the front matter (JSON-quoted YAML), which Marp prints escaped in <title>
    assert 'title: "<!-- _class: lead --> --- ![bg]' in markdown.split("---\n", 2)[1]
    assert markdown.count("\n---\n") == count  # front matter's closing line plus one break between slides


def test_the_offline_zip_holds_every_lesson_file(lesson_files: Path, offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        names = set(archive.namelist())
    expected = {f"casebook/{path}" for path, _ in published_files(lesson_files)}
    assert expected and expected <= names


def test_lesson_files_are_published_and_linked_from_the_downloads_page(lesson_files: Path, real_site: Path) -> None:
    published = dict(published_files(lesson_files))
    assert published
    for path, file in published.items():
        assert (real_site / path).read_bytes() == file.read_bytes()
    downloads = (real_site / "downloads/index.html").read_text(encoding="utf-8")
    for path in published:
        assert f'href="../{path}"' in downloads, path


# ---------------------------------------------------------------- what a hostile record cannot do


def test_a_deck_shows_addresses_as_text_and_makes_no_link_of_them(book: Casebook) -> None:
    """Marp's linkify would make links of plain addresses (http:, ftp:, mailto:, //host) and show them
    decoded (punycode as look-alike letters); and a link's target would hide in the PDF."""
    lesson = lessons(book)[0]
    hostile = lesson.model_copy(
        update={
            "questions": [
                "See http://127.0.0.1:9/a and mailto:spy@127.0.0.1, or [the statement](https://127.0.0.1:9/hidden)."
            ]
        }
    )
    markdown, _ = slides.deck_markdown(book, hostile, "")
    assert "the statement (https://127.0.0.1:9/hidden)" in markdown.replace("\\", "")
    assert "](" not in markdown.split("---\n", 2)[2]  # no Markdown link left on any slide
    assert slides.CONFIG["options"]["markdown"] == {"linkify": False}
    marp = slides.MARP
    if not marp.is_file():
        pytest.skip("Marp CLI is not installed (make slide-tools)")
    html = slides.slide_files(book, [hostile], "")[hostile.id]["slides.html"].decode("utf-8")
    assert (
        "127.0.0.1:9/a" in html
        and 'href="http://127.0.0.1' not in html
        and "mailto:spy" not in html.split("<a ", 1)[-1].split(">")[0]
    )
    assert not re.search(r'<a [^>]*href="(?:http|ftp|mailto|//)', html)


def test_an_ordering_task_needs_a_fact_behind_each_card(tmp_path: Path) -> None:
    import shutil

    import yaml

    from casebook.core.errors import ContentError

    content = tmp_path / "content"
    shutil.copytree(SEED, content)
    path = content / "lessons" / "reading-a-complaint.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["activities"] = [
        *record.get("activities", []),
        {
            "title": "Order these",
            "type": "exercise",
            "instructions": "Put the cards in order.",
            "cards_task": "order",
            "cards": [{"text": "First"}, {"text": "Second", "fact": "complaint-unsealed"}],
        },
    ]
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build_case(content)
    assert "card 1 of an ordering task has no fact (give it the fact whose date places it" in str(caught.value)
    record["activities"][-1]["cards"] = [{"text": f"c{n}", "fact": "complaint-unsealed"} for n in range(41)]
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build_case(content)
    assert "cards: " in str(caught.value) and "40" in str(caught.value)


def test_a_manifest_cannot_make_the_build_delete_files_outside_its_folder(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "keep.txt"
    outside.write_text("mine", encoding="utf-8")
    out.mkdir()
    (out / handouts.MANIFEST).write_text('{"gone-lesson": {"hash": "x", "files": ["../keep.txt"]}}')
    book = build_case(SEED)
    handouts.build(book, out, makers=[lambda b, lessons, url: {lesson.id: {} for lesson in lessons}])
    assert outside.read_text(encoding="utf-8") == "mine"
