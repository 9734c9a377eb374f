"""Link previews: a 1200 × 630 PNG per page type, drawn at build time without the network, the same
bytes from the same input, and named by every page's Open Graph and Twitter meta with absolute URLs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from casebook.outputs import og_image

SITE_URL = "https://casebook-project.github.io/casebook/"  # mkdocs.yml's site_url
# one built page of each type, and the picture it should name
PAGES = {
    "index.html": "home",
    "case/index.html": "case",
    "case/allegations/index.html": "case",
    "topics/insider-risk/index.html": "explainer",
    "laws/index.html": "laws",
    "laws/prc-national-intelligence-law/index.html": "law",
    "lessons/index.html": "lessons",
    "lessons/insider-risk-tabletop/index.html": "lesson",
    "lessons/insider-risk-tabletop/instructor/index.html": "lesson",
    "glossary/index.html": "glossary",
    "sources/index.html": "sources",
    "about/method/index.html": "about",
    "downloads/index.html": "data",
}
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def _size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


def test_each_page_type_has_a_picture_of_the_preview_size() -> None:
    pictures = og_image.images("Casebook")
    assert sorted(pictures) == sorted(f"assets/og/{t.slug}.png" for t in og_image.PAGE_TYPES)
    assert all(_size(png) == (1200, 630) for png in pictures.values())
    assert len(set(pictures.values())) == len(pictures)  # each says its own title


def test_the_same_input_draws_the_same_bytes() -> None:
    first = og_image.draw("Casebook", "Laws and frameworks")
    assert og_image.draw("Casebook", "Laws and frameworks") == first
    assert og_image.draw("Casebook", "Lesson") != first
    with Image.open(io.BytesIO(first)) as image:
        assert not image.info.get("dpi") and not image.text  # no metadata chunks that could carry a date


def test_without_dejavu_the_default_font_draws_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(og_image, "FONT_DIRS", ())
    og_image._font.cache_clear()
    try:
        assert _size(og_image.draw("Casebook", "Glossary")) == (1200, 630)
    finally:
        og_image._font.cache_clear()


def test_pages_map_to_their_types() -> None:
    assert og_image.page_type("index.md").slug == "home"
    assert og_image.page_type("case/facts.md").slug == "case"
    assert og_image.page_type("laws/index.md").slug == "laws"
    assert og_image.page_type("laws/prc-national-intelligence-law.md").slug == "law"
    assert og_image.page_type("lessons/insider-risk-tabletop/answers.md").slug == "lesson"
    assert og_image.page_type("updates.md").slug == "data"
    assert og_image.page_type("sources.md").slug == "sources"
    assert og_image.page_type("sources/press.md").slug == "sources"  # a kind's page is the bibliography too
    assert og_image.page_type("sources/press/a.md").slug == "sources"
    assert og_image.page_type("glossary.md").slug == "glossary"


@pytest.mark.parametrize(("page", "kind"), PAGES.items(), ids=PAGES.keys())
def test_every_page_type_names_its_picture_in_its_meta(real_site: Path, page: str, kind: str) -> None:
    html = (real_site / page).read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for name, value in META.findall(html):
        assert name not in meta or name == "description", f"{name} twice on {page}"
        meta[name] = value
    image = f"{SITE_URL}assets/og/{kind}.png"
    assert meta["og:image"] == image and meta["twitter:image"] == image
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("1200", "630", "image/png")
    assert meta["og:image:alt"].startswith("Casebook: ") and meta["twitter:image:alt"] == meta["og:image:alt"]
    assert meta["twitter:card"] == "summary_large_image"
    assert _size((real_site / image.removeprefix(SITE_URL)).read_bytes()) == (1200, 630)


def test_the_home_page_preview_is_titled_with_the_site_name(real_site: Path) -> None:
    meta = dict(META.findall((real_site / "index.html").read_text(encoding="utf-8")))
    assert meta["og:title"] == meta["twitter:title"] == "Casebook"  # never the nav's "Home"
    other = dict(META.findall((real_site / "glossary/index.html").read_text(encoding="utf-8")))
    assert other["og:title"] == "Glossary"
