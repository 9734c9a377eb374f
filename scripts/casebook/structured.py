"""schema.org JSON-LD for pages, as plain dicts (the MkDocs plugin writes them into <head>)."""

from __future__ import annotations

from .casebook import Casebook
from .model import Lesson
from .render import plain
from .urls import instructor_page, page_of, public_url


def lesson_resource(lesson: Lesson, url: str, *, instructor: bool) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "name": lesson.title + (" (instructor view)" if instructor else ""),
        "description": " ".join(plain(q) for q in lesson.questions),
        "url": url,
        "inLanguage": "en",
        "learningResourceType": "lesson plan",
        "educationalLevel": lesson.level,
        "audience": {
            "@type": "EducationalAudience",
            "educationalRole": "teacher" if instructor else "student",
            "audienceType": lesson.audience,
        },
        "timeRequired": f"PT{lesson.minutes}M",
        "teaches": [objective.text for objective in lesson.objectives],
        "isAccessibleForFree": True,
    }


def structured_data(book: Casebook, site_url: str = "") -> dict[str, dict[str, object]]:
    """{page path: JSON-LD object} for the pages that have one."""
    base = site_url.rstrip("/") + "/" if site_url else "/"
    out: dict[str, dict[str, object]] = {}
    for lesson in book.of_kind("lesson"):
        assert isinstance(lesson, Lesson)
        for path, instructor in ((page_of(lesson)[0], False), (instructor_page(lesson), True)):
            out[path] = lesson_resource(lesson, base + public_url(path), instructor=instructor)
    return out
