"""Link-preview pictures (``og:image``): one 1200 × 630 PNG per page type, drawn at build time.

Each picture holds the site's name and the page type's title ("Law and frameworks", "Lesson"), drawn
with Pillow in a font found on the machine (DejaVu, which Debian's ``fonts-dejavu-core`` installs and
.ci/run asks for) or Pillow's own default font, so nothing is fetched. The bytes depend only on the
name, the title and the font: the same build makes the same PNG (no timestamp, no metadata), so two
builds of one commit publish identical files. The pictures are published beside the pages
(``assets/og/<type>.png``) and never committed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported where a picture is drawn: a render that draws none does not load it
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
FOLDER = "assets/og"
# Where Debian's fonts-dejavu-core puts its fonts; the first one found is used.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
BOLD, REGULAR = "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"

BACKGROUND = (30, 41, 59)  # slate: white text on it is 14:1
TEXT = (255, 255, 255)
MUTED = (203, 213, 225)
# the site's status colours (alleged, reported, on the record, disputed: casebook.css), as a band
BAND = ((180, 83, 9), (29, 78, 216), (21, 128, 61), (124, 58, 237))
MARGIN = 80
SUBJECTS = "Insider risk · data sovereignty · extradition"  # the three subjects the site teaches


@dataclass(frozen=True)
class PageType:
    """A kind of page that shares one preview picture."""

    slug: str  # the picture's file name, without .png
    title: str  # what the picture says the page is


HOME = PageType("home", "The Zoom insider case, sourced")
CASE = PageType("case", "The case")
PAGE_TYPES: tuple[PageType, ...] = (
    HOME,
    CASE,
    PageType("explainer", "Explainer"),
    PageType("laws", "Laws and frameworks"),
    PageType("law", "Law"),
    PageType("lessons", "Lessons"),
    PageType("lesson", "Lesson"),
    PageType("glossary", "Glossary"),
    PageType("sources", "Sources"),
    PageType("about", "About this site"),
    PageType("data", "Data and updates"),
)
_BY_SLUG = {page_type.slug: page_type for page_type in PAGE_TYPES}


def page_type(path: str) -> PageType:
    """The page type of a page (a Markdown path under docs/)."""
    top = path.split("/", 1)[0]
    if path == "index.md":
        slug = "home"
    elif top == "case":
        slug = "case"
    elif top == "topics":
        slug = "explainer"
    elif top in ("laws", "lessons"):
        slug = top if path == f"{top}/index.md" else top[:-1]
    elif path == "glossary.md":
        slug = "glossary"
    elif top == "sources" or path == "sources.md":  # the bibliography and its pages per kind (and letter)
        slug = "sources"
    elif top == "about":
        slug = "about"
    else:  # downloads, What's new, and any other page
        slug = "data"
    return _BY_SLUG[slug]


def image_path(page: PageType) -> str:
    """Where the picture of a page type is published, from the site root."""
    return f"{FOLDER}/{page.slug}.png"


def alt_text(site_name: str, page: PageType) -> str:
    """The picture's text alternative: what it shows."""
    return f"{site_name}: {page.title}"


def _font_file(name: str) -> Path | None:
    return next((folder / name for folder in FONT_DIRS if (folder / name).is_file()), None)


@lru_cache(maxsize=8)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu at ``size`` if installed, else Pillow's default font at ``size`` (FreeType), else its bitmap font."""
    from PIL import ImageFont

    file = _font_file(name)
    if file is not None:
        return ImageFont.truetype(str(file), size)
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError, TypeError):  # a Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


def _lines(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> list[str]:
    """``text`` broken into lines that fit between the margins."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= WIDTH - 2 * MARGIN:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def draw(site_name: str, title: str) -> bytes:
    """The PNG of one page type: the site's name above the title, and the band of status colours."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.text((MARGIN, MARGIN), site_name, font=_font(BOLD, 56), fill=MUTED)
    title_font = _font(BOLD, 84)
    y = 250
    for line in _lines(pen, title, title_font)[:3]:
        pen.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += 100
    pen.text((MARGIN, HEIGHT - 130), SUBJECTS, font=_font(REGULAR, 36), fill=MUTED)
    band = WIDTH // len(BAND)
    for index, colour in enumerate(BAND):
        pen.rectangle((index * band, HEIGHT - 24, (index + 1) * band, HEIGHT), fill=colour)
    out = io.BytesIO()
    # no text chunks and no time, so the same input makes the same bytes; the fastest compression (about
    # 40 KB a picture) because the higher levels cost 0.2-1 s a picture on every build
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


@lru_cache(maxsize=4)  # `mkdocs serve` rebuilds: the pictures change only with the site's name
def images(site_name: str) -> dict[str, bytes]:
    """{published path: PNG} of every page type."""
    return {image_path(page): draw(site_name, page.title) for page in PAGE_TYPES}
