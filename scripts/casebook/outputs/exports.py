"""The records as reusable data: JSON, CSV and bibliography files, a pure function of the Casebook.

``export_files(book, site_url=..., version=...)`` returns ``{file name: bytes}``; the caller decides
where the files go (the site root, beside ``downloads/``). Nothing here reads or writes files.

Dates stay as precise as the content: a fact dated ``2020-06`` exports as ``2020-06`` (JSON,
CSV), ``date-parts: [[2020, 6]]`` (CSL-JSON), ``2020/06//`` (RIS) and ``date = {2020-06}`` (biblatex).

Contributors are untrusted, so every value is encoded for the file it lands in:

- **JSON** (``facts.json``, ``quotes.json``, ``timeline.json``, ``bibliography.csl.json``) is written
  by ``json.dumps`` only, never by joining strings. None of it is embedded in HTML (the JSON-LD in a
  page's ``<head>`` is written by the theme with Jinja's ``tojson``, which escapes ``<``, ``>``, ``&``
  and ``'``).
- **CSV** (``facts.csv``, ``sources.csv``): RFC 4180 as the ``csv`` module writes it, fields quoted
  only when they must be (``QUOTE_MINIMAL``), rows ended by CRLF. Every cell is one line
  (``one_line``), and a cell a spreadsheet would run as a formula is neutralised as OWASP advises
  for CSV injection (``neutralise_formula``): when its first character is a tab or a carriage return,
  or its first character after leading white space (and invisible format characters such as a
  zero-width space) is ``=``, ``+``, ``-`` or ``@``, or a character that Unicode compatibility
  normalisation (NFKC) turns into one of them (the full-width ``＝ ＋ － ＠``, the small ``﹦ ﹢ ﹣ ﹫``),
  the cell is written with a single quote ``'`` in front. No legitimate value starts so today (ids,
  dates and addresses cannot; there are no negative numbers); a title that did would keep its text
  after the quote. The JSON files carry the exact text.
- **RIS** and **BibTeX**: every value is one line (``one_line``: CR, LF, CRLF, U+2028, U+2029,
  U+0085, vertical tab, form feed and every other control character become one space), so a value
  cannot start an RIS tag (``ER  - ``) or a BibTeX line of its own. BibTeX text is escaped by
  ``bibtex_escape``, which is total: braces and backslashes become ``\\textbraceleft{}``,
  ``\\textbraceright{}`` and ``\\textbackslash{}``, so the only braces in a value are the balanced
  ones the exporter writes, and no value can close its field or open another entry; ``url`` fields
  percent-encode the characters that could (``bibtex_url``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from casebook.core import shortcodes
from casebook.core.book import Casebook
from casebook.core.model import Event, Fact, Quote, Record, Source, shown_date
from casebook.core.text import CITATIONS, human_date, plain
from casebook.core.urls import record_url, site_base
from casebook.render.labels import STATUS_LABELS

GENERATED_FROM = "casebook content"
SCHEMA_PATH = "schemas/exports/"
LIST_SEPARATOR = "; "
NOTICE = (
    "Facts marked 'alleged' are what prosecutors claim; they have not been proven in court. "
    "The person charged has not been tried. Each record cites its sources; see its url."
)

FACT_COLUMNS = (
    "id",
    "date",
    "status",
    "statement",
    "topics",
    "attributed_to",
    "people",
    "organisations",
    "sources",
    "source_locators",
    "url",
)
"""The columns of facts.csv. ``sources`` holds source ids only, so each joins to sources.csv's ``id``;
``source_locators`` says where in a source a cited passage is ("id: Count One"), for the citations
that give one. The facts' ``laws`` and ``terms`` lists, empty in every record so far, are in facts.json
only: a column that is always empty told spreadsheet readers nothing (third-party-clients §6)."""
SOURCE_COLUMNS = (
    "id",
    "title",
    "publisher",
    "type",
    "published",
    "url",
    "archive_url",
    "accessed",
    "checked_from",
    "license",
    "read_via",
    "authors",
    "language",
)

# source type -> (biblatex entry type, CSL-JSON type, RIS type). @jurisdiction, @legislation and @report
# are biblatex's own, so readers of the .bib (biber, pandoc) keep what a source is (third-party-clients §2)
SOURCE_TYPES: dict[str, tuple[str, str, str]] = {
    "court": ("jurisdiction", "legal_case", "CASE"),
    "government": ("report", "report", "GOVDOC"),
    "law-text": ("legislation", "legislation", "STAT"),
    "press": ("article", "article-newspaper", "NEWS"),
    "company": ("online", "webpage", "ELEC"),
    "ngo": ("online", "webpage", "ELEC"),
    "blog": ("online", "post-weblog", "BLOG"),
    "academic": ("online", "webpage", "ELEC"),
    "other": ("online", "webpage", "ELEC"),
}


# ---------------------------------------------------------------- text helpers


def precision(date: str) -> str:
    """'2020' -> 'year', '2020-06' -> 'month', '2020-06-04' -> 'day'."""
    return ("year", "month", "day")[date.count("-")]


def date_parts(date: str) -> list[int]:
    return [int(part) for part in date.split("-")]


# line breaks of every kind (CR, LF, U+0085, U+2028, U+2029, VT, FF) and every other control character
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` as one line: each control character (line breaks included) becomes a space, runs of white
    space one space, and the ends are trimmed."""
    return " ".join(_CONTROL.sub(" ", text).split())


FORMULA_STARTS = frozenset("=+-@")  # and their NFKC equivalents: full-width ＝ ＋ － ＠, small ﹦ ﹢ ﹣ ﹫


def _starts_formula(text: str) -> bool:
    if text[:1] in ("\t", "\r"):
        return True
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) == "Cf":  # leading white space, zero-width characters
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in FORMULA_STARTS
    return False


def neutralise_formula(text: str) -> str:
    """``text`` with a ``'`` in front if a spreadsheet would read it as a formula (OWASP's CSV-injection
    advice): its first character is a tab or a carriage return, or its first character after white space
    is ``=``, ``+``, ``-``, ``@`` or a full-width or small form of one of them."""
    return "'" + text if _starts_formula(text) else text


def csv_cell(value: object) -> str:
    """A value as one CSV cell: lists joined by ``LIST_SEPARATOR``, one line, formulas neutralised."""
    if value is None:
        return ""
    text = LIST_SEPARATOR.join(str(v) for v in value) if isinstance(value, list) else str(value)
    return neutralise_formula(one_line(text))


def _label(book: Casebook, code: shortcodes.Shortcode) -> str:
    return code.text or book.label_of(code.id) or code.id


def markdown_text(book: Casebook, text: str, base: str) -> str:
    """A Markdown text field with ``[[kind:id]]`` expanded to ordinary links to the published site."""

    def render(code: shortcodes.Shortcode) -> str:
        record = book.records.get(code.id)
        if record is None:
            return code.text or code.id
        url = record_url(record, base)
        if code.kind in CITATIONS and not code.text:
            return f"([{code.kind}]({url}))"
        return f"[{_label(book, code)}]({url})"

    return shortcodes.replace(text.strip(), render)


# ---------------------------------------------------------------- records as dicts


def _sorted_by(records: Iterable[Record], attribute: str) -> list[Any]:
    return sorted(records, key=lambda r: getattr(r, attribute))  # stable: content order within a date


def _envelope(name: str, base: str, version: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": version,
        "schema": f"{base}{SCHEMA_PATH}{name}.schema.json",
        "generated_from": GENERATED_FROM,
        "notice": NOTICE,
        "count": len(items),
    }


def fact_items(book: Casebook, base: str) -> list[dict[str, Any]]:
    facts: list[Fact] = _sorted_by(book.of_kind("fact"), "date")
    return [
        {
            "id": fact.id,
            "statement": plain(fact.statement, book.label_of),
            "statement_markdown": markdown_text(book, fact.statement, base),
            "status": fact.status,
            "status_label": STATUS_LABELS[fact.status][0],
            "date": fact.date,
            "date_precision": precision(fact.date),
            "topics": list(fact.topics),
            "attributed_to": list(fact.attributed_to),
            "people": list(fact.people),
            "organisations": list(fact.organisations),
            "laws": list(fact.laws),
            "terms": list(fact.terms),
            "sources": [
                {
                    "source": citation.source,
                    "locator": citation.locator,
                    "excerpt": one_line(citation.excerpt) if citation.excerpt else None,
                }
                for citation in fact.sources
            ],
            "note": plain(fact.note, book.label_of) if fact.note else None,
            "url": record_url(fact, base),
        }
        for fact in facts
    ]


def quote_items(book: Casebook, base: str) -> list[dict[str, Any]]:
    quotes: list[Quote] = _sorted_by(book.of_kind("quote"), "said")
    return [
        {
            "id": quote.id,
            "speaker": quote.speaker,
            "speaker_name": book.get(quote.speaker).label,
            "role": quote.role,
            "text": one_line(quote.text),  # verbatim: only line breaks are folded
            "said": quote.said,
            "date_precision": precision(quote.said),
            "context": plain(quote.context, book.label_of),
            "source": quote.source,
            "locator": quote.locator,
            "excerpt": quote.excerpt,
            "facts": list(quote.facts),
            "url": record_url(quote, base),
        }
        for quote in quotes
    ]


def event_items(book: Casebook, base: str) -> list[dict[str, Any]]:
    events: list[Event] = _sorted_by(book.of_kind("event"), "date")
    return [
        {
            "id": event.id,
            "date": event.date,
            "date_precision": precision(event.date),
            "date_label": human_date(event.date),
            "title": event.title,
            "summary": plain(event.summary, book.label_of),
            "summary_markdown": markdown_text(book, event.summary, base),
            "facts": list(event.facts),
            "url": record_url(event, base),
        }
        for event in events
    ]


def _sources(book: Casebook) -> list[Source]:
    return sorted(book.of_kind(Source), key=lambda s: s.id)


# ---------------------------------------------------------------- serialisers


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _csv(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def facts_csv(items: list[dict[str, Any]]) -> bytes:
    rows = []
    for item in items:
        row = {column: item[column] for column in FACT_COLUMNS if column not in ("sources", "source_locators")}
        row["sources"] = list(dict.fromkeys(s["source"] for s in item["sources"]))
        row["source_locators"] = [f"{s['source']}: {s['locator']}" for s in item["sources"] if s["locator"]]
        rows.append(row)
    return _csv(FACT_COLUMNS, rows)


def sources_csv(sources: list[Source]) -> bytes:
    return _csv(SOURCE_COLUMNS, ({column: getattr(s, column) for column in SOURCE_COLUMNS} for s in sources))


def _read_via(book: Casebook, source: Source) -> list[str]:
    out = []
    for other_id in source.read_via:
        other = book.get(other_id)
        assert isinstance(other, Source)
        out.append(f"{other.title} ({other.publisher}, {shown_date(other)}), {other.url}")
    return out


def _note(book: Casebook, source: Source) -> str:
    parts = [f"Archived copy: {source.archive_url}"]
    if source.checked_from != "original":  # the access date is not a visit to the page itself
        where = "a stored copy kept elsewhere" if source.checked_from == "archive" else "reprints and quotations"
        parts.append(f"The page itself was not reached; its text was checked through {where}")
    via = _read_via(book, source)
    if via:
        parts.append("Read via: " + "; ".join(via))
    return ". ".join(parts)  # no full stop after the last address, which would read as part of it


# Braces become text commands, not \{ and \}: BibTeX, biber and pybtex count every brace, escaped or not,
# so an unbalanced \} in a value would close the field. The only braces left are balanced {} pairs.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(ch) for ch in _BIBTEX_SPECIAL))


def bibtex_escape(text: str) -> str:
    """Any text as the inside of a braced BibTeX value: one line, LaTeX's special characters escaped and
    braces balanced, so the value cannot end its field or entry, whatever ``text`` holds."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], one_line(text))


_URL_UNSAFE = re.compile(r"[\\{}%\s\x00-\x1f\x7f-\x9f\u2028\u2029]")


def bibtex_url(url: str) -> str:
    """A URL for a biblatex ``url`` field, which biblatex and hyperref read verbatim: braces, backslashes,
    white space and control characters are percent-encoded (and ``%`` itself, unless it already starts
    an escape)."""

    def encode(match: re.Match[str]) -> str:
        ch = match.group(0)
        if ch == "%" and re.fullmatch(r"[0-9A-Fa-f]{2}", url[match.end() : match.end() + 2]):
            return ch
        return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))

    return _URL_UNSAFE.sub(encode, url)


_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def bibtex_key(record_id: str) -> str:
    """A citation key: the id itself (ids are kebab-case), with anything a key may not hold replaced."""
    return _KEY_UNSAFE.sub("-", record_id) or "-"


def _split_name(name: str) -> tuple[str, str] | None:
    """(family, given) of a plain personal name such as 'Loren M. Scolaro'; None when unsure."""
    words = one_line(name).split()
    if not 2 <= len(words) <= 4 or any(w[0].islower() or "," in w or w.lower() == "and" for w in words):
        return None
    return words[-1], " ".join(words[:-1])


def _bibtex_name(name: str) -> str:
    split = _split_name(name)
    if split is None:
        return "{" + bibtex_escape(name) + "}"  # braced: taken as one name, as written
    return f"{bibtex_escape(split[0])}, {bibtex_escape(split[1])}"


# a source's language (its BCP 47 tag's primary subtag, or the whole tag) -> biblatex's langid (babel and
# polyglossia language names); a tag not listed gets no langid (tests/test_export.py checks the content's)
LANGIDS = {
    "en": "english",
    "en-GB": "british",
    "en-US": "american",
    "zh": "chinese",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "ru": "russian",
    "pt": "portuguese",
    "nl": "dutch",
}


def langid(language: str) -> str | None:
    """biblatex's language name for a BCP 47 tag ('zh-Hant' -> 'chinese'), or None if not known."""
    return LANGIDS.get(language) or LANGIDS.get(language.split("-")[0])


def bibtex_entry(book: Casebook, source: Source) -> str:
    """One biblatex entry (``@online`` and ``urldate`` are biblatex's; classic BibTeX reads them as misc)."""
    entry_type = SOURCE_TYPES[source.type][0]
    # double braces keep the title's capitals (names, 'Zoom', 'PRC') from being lower-cased by styles
    fields: list[tuple[str, str]] = [("title", "{{" + bibtex_escape(source.title) + "}}")]
    if source.authors:
        fields.append(("author", "{" + " and ".join(_bibtex_name(a) for a in source.authors) + "}"))
    publisher = bibtex_escape(source.publisher)
    if entry_type == "article":  # news: a newspaper article, not a journal's
        fields.append(("journal", "{" + publisher + "}"))
        fields.append(("entrysubtype", "{newspaper}"))
    elif entry_type == "report":
        fields.append(("institution", "{" + publisher + "}"))
    else:
        fields.append(("organization", "{" + publisher + "}"))
    language = langid(source.language)
    if language:
        fields.append(("langid", "{" + language + "}"))
    # ISO 8601, as precise as known (2020, 2020-06 or 2020-06-04); no year/month besides, which biber
    # would report as overwritten
    if not source.undated:
        fields.append(("date", "{" + bibtex_escape(source.published) + "}"))
    fields.append(("url", "{" + bibtex_url(source.url) + "}"))
    fields.append(("urldate", "{" + bibtex_escape(source.accessed) + "}"))
    fields.append(("note", "{" + bibtex_escape(_note(book, source)) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{entry_type}{{{bibtex_key(source.id)},\n{body}\n}}\n"


def bibtex(book: Casebook, sources: list[Source], version: str) -> bytes:
    header = (
        f"% Sources of the casebook, version {one_line(version).replace('@', '')}, for biblatex (biber).\n"
        "% One entry per source; the key is the source id.\n"
    )
    return (header + "\n" + "\n".join(bibtex_entry(book, s) for s in sources)).encode("utf-8")


def csl_item(book: Casebook, source: Source) -> dict[str, Any]:
    csl_type = SOURCE_TYPES[source.type][1]
    item: dict[str, Any] = {"id": source.id, "type": csl_type, "title": source.title}
    if source.authors:
        item["author"] = [
            {"family": split[0], "given": split[1]} if (split := _split_name(name)) else {"literal": name}
            for name in source.authors
        ]
    if source.type == "press":
        item["container-title"] = source.publisher
    elif source.type == "court":
        item["authority"] = source.publisher
    else:
        item["publisher"] = source.publisher
    if not source.undated:  # CSL processors print "n.d." for an item without a date
        item["issued"] = {"date-parts": [date_parts(source.published)]}
    item["accessed"] = {"date-parts": [date_parts(source.accessed)]}
    item["URL"] = source.url
    item["language"] = source.language
    item["note"] = _note(book, source)
    return item


def csl_json(book: Casebook, sources: list[Source]) -> bytes:
    text = json.dumps([csl_item(book, s) for s in sources], indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def _ris_date(date: str) -> str:
    parts = [*date.split("-"), "", ""]
    return f"{parts[0]}/{parts[1]}/{parts[2]}/"


def ris_record(book: Casebook, source: Source) -> list[str]:
    """One RIS record: ``TAG  - value`` lines, each value one line, so no value can start a tag of its own."""
    lines = [("TY", SOURCE_TYPES[source.type][2]), ("ID", source.id), ("TI", source.title)]
    lines += [("AU", ", ".join(split) if (split := _split_name(a)) else a) for a in source.authors]
    if source.type == "press":
        lines.append(("T2", source.publisher))  # the newspaper or site
    lines.append(("PB", source.publisher))
    if not source.undated:
        lines.append(("PY", source.published[:4]))
        lines.append(("DA", _ris_date(source.published)))
    lines.append(("UR", source.url))
    lines.append(("Y2", _ris_date(source.accessed)))
    lines.append(("LA", source.language))
    lines.append(("N1", _note(book, source)))
    lines.append(("ER", ""))
    return [f"{tag}  - {one_line(value)}" for tag, value in lines]


def ris(book: Casebook, sources: list[Source]) -> bytes:
    lines: list[str] = []
    for source in sources:
        lines += [*ris_record(book, source), ""]
    return "\r\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------- the files


def export_files(book: Casebook, *, site_url: str, version: str) -> dict[str, bytes]:
    """Every export, as ``{file name: content}``. Pure: the same book gives the same bytes."""
    base = site_base(site_url)
    facts = fact_items(book, base)
    quotes = quote_items(book, base)
    events = event_items(book, base)
    sources = _sources(book)
    statuses = {key: {"label": label, "meaning": meaning} for key, (label, meaning) in STATUS_LABELS.items()}
    return {
        "facts.json": _json({**_envelope("facts", base, version, facts), "statuses": statuses, "facts": facts}),
        "facts.csv": facts_csv(facts),
        "quotes.json": _json({**_envelope("quotes", base, version, quotes), "quotes": quotes}),
        "timeline.json": _json({**_envelope("timeline", base, version, events), "events": events}),
        "sources.csv": sources_csv(sources),
        "bibliography.bib": bibtex(book, sources, version),
        "bibliography.csl.json": csl_json(book, sources),
        "bibliography.ris": ris(book, sources),
    }


# ---------------------------------------------------------------- the Downloads page


@dataclass(frozen=True)
class Download:
    name: str  # file name at the site root
    title: str
    description: str
    count: int | None  # records in the file
    unit: str  # what the count counts
    size: str  # human-readable
    licence: str  # what may be reused, and how
    schema: str | None  # schema path under docs/, for JSON exports


OWN_TEXT = "The project's own text"
VERBATIM = (
    "Excerpts from copyrighted sources are short quotations, included so the statements can be checked; "
    "their copyright stays with their publishers."
)
METADATA = (
    "Bibliographic details of the sources (titles, publishers, dates, addresses), so they can be found and cited."
)

DESCRIPTIONS: dict[str, tuple[str, str, str, str]] = {
    # name -> (title, description, unit, licence note)
    "facts.json": (
        "Facts (JSON)",
        "Every fact: statement (plain text and Markdown), status, date, topics, who it is attributed to, "
        "and each source cited with its locator and excerpt.",
        "facts",
        f"{OWN_TEXT}. {VERBATIM}",
    ),
    "facts.csv": (
        "Facts (CSV)",
        "The same facts as a spreadsheet: one row per fact; lists are separated by semicolons; the sources "
        "column holds source ids, as in sources.csv, and source_locators where in each source a passage is.",
        "facts",
        f"{OWN_TEXT}.",
    ),
    "quotes.json": (
        "Quotes (JSON)",
        "Every quotation, verbatim: speaker, role, date, source, and whether it is part of a longer statement.",
        "quotes",
        "Quotations are the speakers' words, reproduced as short quotations with their sources; "
        "the context notes are the project's own text.",
    ),
    "timeline.json": (
        "Timeline (JSON)",
        "The dated events of the timeline with a short summary and the facts behind each.",
        "events",
        f"{OWN_TEXT}.",
    ),
    "sources.csv": (
        "Sources (CSV)",
        "Every source: title, publisher, type, dates, original and archived address, licence, reprint used.",
        "sources",
        METADATA,
    ),
    "bibliography.bib": (
        "Bibliography (BibTeX)",
        "The sources for LaTeX with biblatex; each entry's key is the source id.",
        "sources",
        METADATA,
    ),
    "bibliography.csl.json": (
        "Bibliography (CSL-JSON)",
        "The sources for Zotero, Pandoc and other citation processors.",
        "sources",
        METADATA,
    ),
    "bibliography.ris": (
        "Bibliography (RIS)",
        "The sources for Zotero, EndNote, Mendeley and most reference managers.",
        "sources",
        METADATA,
    ),
    "timeline.svg": (
        "Timeline (SVG picture)",
        "The timeline as one picture, for slides and handouts.",
        "events",
        f"{OWN_TEXT}.",
    ),
}
SCHEMAS = {
    name: f"{SCHEMA_PATH}{name.removesuffix('.json')}.schema.json"
    for name in ("facts.json", "quotes.json", "timeline.json")
}


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def downloads_context(
    book: Casebook,
    files: dict[str, bytes],
    *,
    version: str,
    offline_zip: str | None = "casebook-offline.zip",
    licence: tuple[str, str] | None = None,
) -> dict[str, object]:
    """The context ``downloads.md.j2`` expects, besides ``page`` and ``book``.

    ``files`` is what ``export_files`` returned (plus ``timeline.svg`` if it is published);
    ``licence`` is the project's licence as (name, URL), if it has one.
    """
    counts = {
        "facts": len(book.of_kind("fact")),
        "quotes": len(book.of_kind("quote")),
        "events": len(book.of_kind("event")),
        "sources": len(book.of_kind("source")),
    }
    downloads = []
    for name, content in files.items():
        title, description, unit, licence_note = DESCRIPTIONS.get(name, (name, "", "", ""))
        downloads.append(
            Download(
                name=name,
                title=title,
                description=description,
                count=counts.get(unit),
                unit=unit,
                size=human_size(len(content)),
                licence=licence_note,
                schema=SCHEMAS.get(name),
            )
        )
    reuse: dict[str, list[str]] = {}  # licence note -> files, in file order
    for download in downloads:
        if download.licence:
            reuse.setdefault(download.licence, []).append(download.name)
    return {
        "downloads": downloads,
        "reuse": list(reuse.items()),
        "version": version,
        "offline_zip": offline_zip,
        "licence": licence,
    }
