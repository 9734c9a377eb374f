"""A 16:9 slide deck per lesson, from the records: Markdown for Marp, converted by Marp CLI to HTML that
works offline and to PDF.

Why Marp: it turns Markdown into one self-contained HTML file (its presenter view and keyboard navigation
inlined, no CDN) and, through the Chromium the browser tests already use, into a PDF with one page a
slide; it is maintained, and pinned with its lock file in ``scripts/slides/package.json``. It runs only in
``casebook handouts``, never in a site build.

The decks are projected in front of the class, so they hold the student parts of ``lesson_views`` only:
questions, the plan (step titles and minutes), vocabulary, each activity's instructions and roles,
discussion and check questions, key points, then the case timeline (after any card-ordering task, whose
answer it is) and, for lessons on extradition, the "chain of locks" from the law records.

Record text reaches the Markdown through ``markup.to_markdown`` (every character of text escaped), and
one-line values through ``markup.literal``: no record can write a slide break, a Marp directive (an HTML
comment), an image or HTML. Marp is run with HTML off, emoji and math conversion off (both would load
images and fonts from a CDN), and nothing but this deck's folder readable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from casebook.core import lesson_views, licence, markup, shortcodes
from casebook.core.book import Casebook
from casebook.core.model import Event, Fact, Law, Lesson, Quote
from casebook.core.text import human_date
from casebook.outputs.printable import reference_name
from casebook.render.labels import STATUS_LABELS

ROOT = Path(__file__).resolve().parents[3]  # the repository (scripts/casebook/outputs/slides.py)
TOOL = ROOT / "scripts" / "slides"  # package.json and the lock file that pin Marp CLI
MARP = TOOL / "node_modules" / ".bin" / "marp"

# The extradition "chain of locks": each provision that must open before a person in China could be
# surrendered to the United States, in the order the lesson walks through them (law id, provision ref).
CHAIN_OF_LOCKS = (
    ("us-18-usc-3181", "§ 3181(a)"),
    ("prc-extradition-law", "Art. 15"),
    ("prc-extradition-law", "Art. 7(1)"),
    ("prc-extradition-law", "Art. 8(1)"),
    ("prc-extradition-law", "Art. 8(3)"),
)
TIMELINE_PER_SLIDE = 7
# shown before the activities of a lesson with role-play (the instructor's safety box says the rest)
GROUND_RULES = [
    "Roles are voluntary: you may swap, or keep notes instead, without giving a reason.",
    "Nothing anyone says in class is recorded or posted.",
    "You speak for your role, not for yourself; at the end, everyone steps out of role.",
]


def event_status(book: Casebook, event: Event) -> str:
    """How far the record supports an event, by its facts: alleged if any fact behind it is an
    allegation, then disputed, then reported; on the record only if all of them are."""
    statuses = {book.get_as(f, Fact).status for f in event.facts}
    return next((s for s in ("alleged", "disputed", "reported") if s in statuses), "established")


BUDGET = 650  # characters of text a slide holds at the normal size; a longer block goes small, then splits

STYLE = """\
section { font-size: 28px; padding: 50px 60px; }
section.small { font-size: 21px; }
section h1 { font-size: 44px; }
section h2 { font-size: 36px; }
footer { font-size: 14px; }
"""
CONFIG = {
    "html": False,
    "allowLocalFiles": False,
    # no linkify: Marp would make a link of any address in the text (http:, ftp:, mailto:, //host), and
    # show its decoded form (punycode as look-alike letters, %E2%80%AE as a bidi override)
    "options": {
        "emoji": {"shortcode": False, "unicode": False},
        "math": False,
        "minifyCSS": True,
        "markdown": {"linkify": False},
    },
}


class SlidesUnavailable(RuntimeError):
    """Marp CLI or Chromium is not installed."""


# ---------------------------------------------------------------- the deck as Markdown


def _citation(book: Casebook, code: shortcodes.Shortcode) -> str:
    """A citation on a slide: the statement's label, in words (a projected slide has no footnotes)."""
    record = book.get(code.id)
    if code.text:
        return markup.literal(code.text)
    if isinstance(record, Fact):
        return f" *({markup.literal(STATUS_LABELS[record.status][0].lower())})*"
    if isinstance(record, Quote):
        return " *(quote)*"
    if code.kind == "source":
        return ""
    return markup.literal(reference_name(book, record))


# a link as markup.to_markdown writes it: [literal text](<address>), the address checked against RFC 3986
# (never starting at an escaped "\[": trying there too rescanned the rest of the text at each one)
_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\\\[\]])*)\]\(<([^<>\s]*)>\)")


def _md(book: Casebook, text: str, *, inline: bool = False) -> str:
    """Record text for a slide. A link keeps its text and shows its address after it, as on paper: a
    PDF of the deck would otherwise carry a target the reader cannot see."""
    markdown = markup.to_markdown(text, lambda code: _citation(book, code), inline=inline)
    return _LINK.sub(lambda m: f"{m.group(1)} ({markup.literal(m.group(2))})", markdown)


class Deck:
    def __init__(self) -> None:
        self.slides: list[str] = []

    def add(self, title: str, body: str = "", *, small: bool = False) -> None:
        lines = ["<!-- _class: small -->\n" if small else "", f"## {markup.literal(title)}", "", body]
        self.slides.append("\n".join(lines).strip() + "\n")

    def add_blocks(self, title: str, blocks: list[str]) -> None:
        """Blocks of Markdown on as many slides as they need, each slide titled (continued after the first)."""
        chunks: list[list[str]] = [[]]
        for block in blocks:
            if chunks[-1] and sum(len(b) for b in chunks[-1]) + len(block) > BUDGET * 1.6:
                chunks.append([])
            chunks[-1].append(block)
        for number, chunk in enumerate(chunks):
            heading = title if number == 0 else f"{title} (continued)"
            body = "\n\n".join(chunk)
            self.add(heading, body, small=len(body) > BUDGET)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _timeline(book: Casebook, lesson: Lesson) -> list[Event]:
    """The events the lesson's records belong to, by date; all events when it cites fewer than three."""
    # what the students' parts cite (never an answer's or an inject's citations), and the materials
    cited = {code.id for part in lesson_views.student_parts(lesson) for code in shortcodes.find(part.text)}
    cited |= set(lesson.materials) | {card.fact for a in lesson.activities for card in a.cards if card.fact}
    events = sorted(book.of_kind(Event), key=lambda e: e.date)
    mine = [e for e in events if e.id in cited or cited & set(e.facts)]
    return mine if len(mine) >= 3 else events


def _locks(book: Casebook) -> list[tuple[Law, str, str, str]]:
    """(law, ref, text, form) of each lock of ``CHAIN_OF_LOCKS`` the records hold."""
    found: list[tuple[Law, str, str, str]] = []
    for law_id, ref in CHAIN_OF_LOCKS:
        law = book.records.get(law_id)
        if not isinstance(law, Law):
            continue
        for provision in law.provisions:
            if provision.ref == ref:
                found.append((law, ref, provision.text, provision.form))
    return found


def teaches_extradition(lesson: Lesson) -> bool:
    cited = {c.id for _, text in shortcodes.texts_with_shortcodes(lesson.model_dump()) for c in shortcodes.find(text)}
    return "extradition" in lesson.themes or any(law_id in cited for law_id, _ in CHAIN_OF_LOCKS)


def deck_markdown(book: Casebook, lesson: Lesson, site_url: str = "") -> tuple[str, int]:
    """The Marp Markdown of a lesson's deck and its number of slides."""
    from casebook.outputs.handouts import lesson_address

    deck = Deck()
    address = lesson_address(lesson, site_url)
    deck.slides.append(
        "<!-- _class: lead -->\n"
        f"# {markup.literal(lesson.title)}\n\n"
        f"{markup.literal(lesson.audience)} · {lesson.minutes} minutes\n\n"
        + (f"{markup.literal(address)}\n" if address else "")
    )
    deck.add("Questions", "\n".join(f"{n}. {_md(book, q, inline=True)}" for n, q in enumerate(lesson.questions, 1)))
    deck.add(
        "The plan",
        _bullets([f"{step.minutes} min: {markup.literal(step.title)}" for step in lesson.sequence]),
        small=len(lesson.sequence) > 6,
    )
    if lesson.vocabulary:
        words = [f"**{markup.literal(v.word)}**: {markup.literal(v.meaning)}" for v in lesson.vocabulary]
        deck.add_blocks("Words to know", ["\n".join(f"- {w}" for w in words)])
    if "role-play" in lesson.involves:
        deck.add("Ground rules", _bullets(GROUND_RULES))
    ordering = False
    for activity in lesson_views.student_activities(lesson):
        title = f"Activity {activity.number}: {activity.title}" + (" (invented scenario)" if activity.invented else "")
        blocks = _md(book, activity.instructions).split("\n\n")
        if activity.cards:
            blocks.append(f"*{len(activity.cards)} cards, handed out on paper.*")
            ordering = ordering or lesson.activities[activity.number - 1].cards_task == "order"
        if activity.roles:
            blocks.append("**Roles**\n\n" + _bullets([_md(book, r, inline=True) for r in activity.roles]))
        if activity.injects:
            blocks.append(f"*The facilitator hands out {activity.injects} injects, one at a time.*")
        deck.add_blocks(title, blocks)
    if lesson_views.debrief_held_back(lesson):  # what follows says what the injects test
        deck.slides.append("<!-- _class: lead -->\n# Debrief\n\nAfter the last inject: everything from here on.\n")
    if lesson.discussion:
        deck.add_blocks("Discussion", [_bullets([_md(book, d, inline=True) for d in lesson.discussion])])
    if lesson.assessment:
        items = [f"{n}. {_md(book, a.question, inline=True)}" for n, a in enumerate(lesson.assessment, 1)]
        deck.add_blocks("Check your understanding", ["\n".join(items)])
    events = _timeline(book, lesson)
    per_slide = -(-len(events) // -(-len(events) // TIMELINE_PER_SLIDE)) if events else 1  # even slides
    for start in range(0, len(events), per_slide):
        chunk = events[start : start + per_slide]
        title = "The timeline" + (" (after the card activity)" if ordering else "")
        if start:
            title += " (continued)"
        lines = [
            f"**{human_date(e.date)}**: {markup.literal(e.title)} *({STATUS_LABELS[event_status(book, e)][0]})*"
            for e in chunk
        ]
        deck.add(title, _bullets(lines), small=True)
    locks = _locks(book) if teaches_extradition(lesson) else []
    if locks:
        rows = [
            f"{n}. **{markup.literal(law.short_title or law.title)}, {markup.literal(ref)}** "
            f"({'quotation' if form == 'quote' else 'paraphrase'}): {_md(book, text, inline=True)}"
            for n, (law, ref, text, form) in enumerate(locks, 1)
        ]
        deck.add("The chain of locks: extradition from China to the United States", "\n".join(rows), small=True)
    deck.add("Key points", _bullets([_md(book, k, inline=True) for k in lesson.key_points]), small=True)
    front = {
        "marp": True,
        # the document language; without it Marp takes the build machine's locale ("C" in CI: an invalid tag)
        "lang": "en",
        "theme": "default",
        "size": "16:9",
        "paginate": True,
        "title": lesson.title,
        "footer": markup.literal(f"{licence.ATTRIBUTION} · {licence.TEXT.short}"),
    }
    # JSON is YAML: every value is quoted and escaped; the style is the package's own
    header = "\n".join(f"{key}: {json.dumps(value)}" for key, value in front.items())
    header += "\nstyle: |\n" + "".join(f"  {line}\n" for line in STYLE.splitlines())
    return f"---\n{header}---\n\n" + "\n---\n\n".join(deck.slides), len(deck.slides)


# ---------------------------------------------------------------- Marp


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("npm_")}
    chrome = env.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chrome).is_file():
        raise SlidesUnavailable(f"no Chromium at {chrome}: install Debian's chromium (never a downloaded one)")
    env["CHROME_PATH"] = chrome
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["CHROME_NO_SANDBOX"] = "1"  # Chromium refuses to run as root with its sandbox
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"
    return env


def _marp(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(MARP), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"marp failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def decks(book: Casebook, lessons: list[Lesson], site_url: str) -> Iterator[tuple[Lesson, str, int]]:
    for lesson in lessons:
        markdown, count = deck_markdown(book, lesson, site_url)
        yield lesson, markdown, count


def slide_files(book: Casebook, lessons: list[Lesson], site_url: str) -> dict[str, dict[str, bytes]]:
    """{lesson id: {"slides.html": …, "slides.pdf": …}}: every deck converted in two Marp runs (one for
    HTML, one for PDF, which starts Chromium once for all of them)."""
    if not lessons:
        return {}
    if not MARP.is_file():
        raise SlidesUnavailable(f"{MARP} is missing: run `make slide-tools` (or pass --no-slides)")
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="casebook-slides-") as folder:
        work = Path(folder)
        source, html, pdf = work / "decks", work / "html", work / "pdf"
        source.mkdir()
        for lesson, markdown, _ in decks(book, lessons, site_url):
            (source / f"{lesson.id}.md").write_text(markdown, encoding="utf-8")
        (work / "marp.config.json").write_text(json.dumps(CONFIG), encoding="utf-8")
        common = ["--no-stdin", "--config-file", str(work / "marp.config.json"), "--input-dir", str(source)]
        _marp([*common, "-o", str(html)], work, env)
        _marp([*common, "--pdf", "-o", str(pdf)], work, env)
        return {
            lesson.id: {
                "slides.html": (html / f"{lesson.id}.html").read_bytes(),
                "slides.pdf": (pdf / f"{lesson.id}.pdf").read_bytes(),
            }
            for lesson in lessons
        }
