"""The open-data exports: each file parses back, matches the content and its schema, and is built purely."""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from casebook.core.book import Casebook, Origin
from casebook.core.model import Source
from casebook.core.validate import build_case
from casebook.outputs.exports import (
    FACT_COLUMNS,
    SOURCE_COLUMNS,
    bibtex_escape,
    downloads_context,
    export_files,
    langid,
)
from casebook.render.markdown import environment
from casebook.render.writer import PageWriter

from .conftest import ROOT

SITE = "https://example.org/casebook/"
VERSION = "0.1.0+2026-11-28"
SCHEMAS = ROOT / "docs" / "schemas" / "exports"
BIB_ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),", re.MULTILINE)


@pytest.fixture(scope="module")
def book() -> Casebook:
    return build_case(ROOT / "content")


@pytest.fixture(scope="module")
def files(book: Casebook) -> dict[str, bytes]:
    return export_files(book, site_url=SITE, version=VERSION)


def ids(book: Casebook, kind: str) -> set[str]:
    return {r.id for r in book.of_kind(kind)}


def load(files: dict[str, bytes], name: str) -> dict:
    return json.loads(files[name].decode("utf-8"))


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"), newline="")))


def test_the_files() -> None:
    assert set(export_files(Casebook(ROOT), site_url=SITE, version=VERSION)) == {
        "facts.json",
        "facts.csv",
        "quotes.json",
        "timeline.json",
        "sources.csv",
        "bibliography.bib",
        "bibliography.csl.json",
        "bibliography.ris",
    }


@pytest.mark.parametrize(("name", "key"), [("facts", "facts"), ("quotes", "quotes"), ("timeline", "events")])
def test_json_exports_match_their_schemas(files: dict[str, bytes], name: str, key: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    data = load(files, f"{name}.json")
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(data)]
    assert not errors, errors[:5]
    assert data["version"] == VERSION
    assert data["schema"] == f"{SITE}schemas/exports/{name}.schema.json"
    assert data["generated_from"] == "casebook content"
    assert data["count"] == len(data[key])


def test_json_exports_hold_every_record(book: Casebook, files: dict[str, bytes]) -> None:
    facts = load(files, "facts.json")["facts"]
    quotes = load(files, "quotes.json")["quotes"]
    events = load(files, "timeline.json")["events"]
    assert [f["id"] for f in facts] and {f["id"] for f in facts} == ids(book, "fact")
    assert len(facts) == len(book.of_kind("fact"))
    assert {q["id"] for q in quotes} == ids(book, "quote") and len(quotes) == len(book.of_kind("quote"))
    assert {e["id"] for e in events} == ids(book, "event") and len(events) == len(book.of_kind("event"))
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    for fact in facts:
        record = book.get(fact["id"])
        assert fact["url"] == f"{SITE}case/facts/{record.topics[0]}/#{fact['id']}"  # its topic's page
        assert [s["source"] for s in fact["sources"]] == [c.source for c in record.sources]
        assert "[[" not in fact["statement"] and "[[" not in fact["statement_markdown"]
    for quote in quotes:
        assert quote["speaker_name"] == book.get(quote["speaker"]).label
        assert quote["url"] == f"{SITE}case/quotes/#{quote['id']}"


def test_timeline_summaries_drop_citations_as_text_and_link_them_as_markdown(files: dict[str, bytes]) -> None:
    for event in load(files, "timeline.json")["events"]:
        assert event["url"].startswith(f"{SITE}case/timeline/#")
        assert "[[" not in event["summary"] + event["summary_markdown"]
        for fact in event["facts"]:
            assert fact not in event["summary"]  # a citation is a footnote on the site, not words
        assert not re.search(r"\s[.,;]", event["summary"])
        fact_link = r"\]\(https://example\.org/casebook/case/facts/[a-z0-9-]+/#[a-z0-9-]+\)"  # on its topic's page
        assert re.search(fact_link, event["summary_markdown"])


def test_facts_csv(book: Casebook, files: dict[str, bytes]) -> None:
    text = files["facts.csv"].decode("utf-8")
    assert text.startswith(",".join(FACT_COLUMNS) + "\r\n")
    table = rows(files, "facts.csv")
    assert [r["id"] for r in table] == [f["id"] for f in load(files, "facts.json")["facts"]]
    assert {r["id"] for r in table} == ids(book, "fact")
    for row in table:
        fact = book.get(row["id"])
        assert row["date"] == fact.date
        assert row["topics"].split("; ") == fact.topics
        # ids only, each once, so they join to sources.csv; the locators in a column of their own
        assert row["sources"].split("; ") == list(dict.fromkeys(c.source for c in fact.sources))
        located = [f"{c.source}: {c.locator}" for c in fact.sources if c.locator]
        assert row["source_locators"] == "; ".join(located)
    assert any(row["source_locators"] for row in table), "no citation in the seed gives a locator"
    assert "laws" not in table[0] and "terms" not in table[0]  # always empty: in facts.json only


def test_sources_csv(book: Casebook, files: dict[str, bytes]) -> None:
    assert files["sources.csv"].decode("utf-8").startswith(",".join(SOURCE_COLUMNS) + "\r\n")
    table = rows(files, "sources.csv")
    assert len(table) == len(book.of_kind("source")) and {r["id"] for r in table} == ids(book, "source")
    for row in table:
        source = book.get(row["id"])
        assert (row["title"], row["url"], row["published"]) == (source.title, source.url, source.published)
        assert row["read_via"] == "; ".join(source.read_via)


# the content's languages and the biblatex names they must get
LANGIDS_OF_CONTENT = {"en": "english", "zh-Hans": "chinese", "zh-Hant": "chinese"}


def test_langid_maps_bcp47_tags_to_biblatex_names(book: Casebook) -> None:
    assert {s.language for s in book.of_kind("source")} <= set(LANGIDS_OF_CONTENT)  # a new language: add it
    for tag, name in {**LANGIDS_OF_CONTENT, "en-GB": "british", "fr-CA": "french", "zh": "chinese"}.items():
        assert langid(tag) == name, tag
    assert langid("tlh") is None  # not known: no langid rather than a wrong one


def test_bibliographies_hold_one_entry_per_source(book: Casebook, files: dict[str, bytes]) -> None:
    sources = ids(book, "source")
    entries = BIB_ENTRY.findall(files["bibliography.bib"].decode("utf-8"))
    assert len(entries) == len(sources) and {key for _, key in entries} == sources
    types = {key: entry_type for entry_type, key in entries}
    for source in book.of_kind("source"):
        # biblatex's own types, so readers of the .bib keep them (third-party-clients §2: all were @misc)
        expected = {"press": "article", "court": "jurisdiction", "government": "report", "law-text": "legislation"}
        assert types[source.id] == expected.get(source.type, "online")
    bib = files["bibliography.bib"].decode("utf-8")
    blocks = {key: block for block in bib.split("\n@")[1:] for key in [block.split("{", 1)[1].split(",", 1)[0]]}
    for source in book.of_kind("source"):
        block = blocks[source.id]
        # every entry says its language (pandoc and biber read langid; none had one)
        assert f"langid = {{{LANGIDS_OF_CONTENT[source.language]}}}" in block, source.id
        assert ("entrysubtype = {newspaper}" in block) == (source.type == "press"), source.id

    csl = json.loads(files["bibliography.csl.json"])
    assert isinstance(csl, list) and len(csl) == len(sources) and {i["id"] for i in csl} == sources
    assert all(i["type"] and i["title"] and i["URL"].startswith("https://") for i in csl)

    ris = files["bibliography.ris"].decode("utf-8")
    assert "\n" not in ris.replace("\r\n", "")  # CRLF only
    records = [r for r in ris.split("\r\n\r\n") if r.strip()]
    assert len(records) == len(sources) == ris.count("\r\nER  - ")
    assert all(r.startswith("TY  - ") for r in records)
    assert set(re.findall(r"^ID  - ([^\r\n]+)", ris, re.MULTILINE)) == sources


def test_partial_dates_stay_partial(book: Casebook, files: dict[str, bytes]) -> None:
    month = next(f for f in book.of_kind("fact") if len(f.date) == 7)
    year = next(f for f in book.of_kind("fact") if len(f.date) == 4)
    exported = {f["id"]: f for f in load(files, "facts.json")["facts"]}
    assert (exported[month.id]["date"], exported[month.id]["date_precision"]) == (month.date, "month")
    assert (exported[year.id]["date"], exported[year.id]["date_precision"]) == (year.date, "year")
    assert {r["id"]: r["date"] for r in rows(files, "facts.csv")}[month.id] == month.date

    source = next(s for s in book.of_kind("source") if len(s.published) == 7)
    y, m = source.published.split("-")
    csl = {i["id"]: i for i in json.loads(files["bibliography.csl.json"])}
    assert csl[source.id]["issued"] == {"date-parts": [[int(y), int(m)]]}
    assert f"DA  - {y}/{m}//\r\n" in files["bibliography.ris"].decode("utf-8")
    entry = files["bibliography.bib"].decode("utf-8").split("@")[1:]
    assert any(e.split("{", 1)[1].startswith(source.id + ",") and f"date = {{{y}-{m}}}" in e for e in entry)


def test_bibtex_escapes_special_characters(book: Casebook) -> None:
    assert bibtex_escape("R&D: 100% of $5 #1 a_b {x} ~ ^ \\") == (
        r"R\&D: 100\% of \$5 \#1 a\_b \textbraceleft{}x\textbraceright{} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{}"
    )  # braces as text commands: BibTeX counts \{ and \} as braces, so a lone \} would close the field
    title = "Profits & losses: 100% of the data"
    source = Source.model_validate(
        {
            "id": "special-title",
            "title": title,
            "publisher": "Smith & Sons",
            "type": "press",
            "published": "2020-06",
            "url": "https://example.org/a_b%20c",
            "archive_url": "https://web.archive.org/web/https://example.org/a_b%20c",
            "accessed": "2026-11-28",
            "license": "copyrighted",
        }
    )
    small = Casebook(ROOT)
    small.add(source, Origin("content/sources/special-title.yml", ROOT, ()))
    bib = export_files(small, site_url=SITE, version=VERSION)["bibliography.bib"].decode("utf-8")
    assert r"title = {{Profits \& losses: 100\% of the data}}" in bib
    assert r"journal = {Smith \& Sons}" in bib
    assert "url = {https://example.org/a_b%20c}" in bib  # URLs are verbatim in biblatex
    assert BIB_ENTRY.findall(bib) == [("article", "special-title")]
    # every title of the real content is escaped (one has an ampersand)
    real = export_files(book, site_url=SITE, version=VERSION)["bibliography.bib"].decode("utf-8")
    titles = [line for line in real.splitlines() if line.startswith("  title = ")]
    assert len(titles) == len(book.of_kind("source"))
    assert not [t for t in titles if re.search(r"(?<!\\)[&%$#_]", t)]


def test_export_is_pure(
    book: Casebook, files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"export opened a file: {args}")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    again = export_files(book, site_url=SITE, version=VERSION)
    monkeypatch.undo()
    assert again == files
    assert not list(tmp_path.iterdir())


def test_downloads_page(book: Casebook, files: dict[str, bytes]) -> None:
    context = downloads_context(book, files, version=VERSION)
    template = environment().get_template("downloads.md.j2")
    text = template.render(
        page=PageWriter(book, "downloads.md", None), book=book, title="Downloads: the records as data", **context
    )
    assert text.startswith("# Downloads: the records as data\n")
    for name in files:
        assert f"| [{name}]({name}) |" in text
    assert f"| {len(book.of_kind('fact'))} facts |" in text
    assert f"| {len(book.of_kind('source'))} sources |" in text
    assert "(schemas/exports/facts.schema.json)" in text
    assert "## Offline classroom edition" in text and "(casebook-offline.zip)" in text
    # values in templates may be Markdown-escaped (0\.1.0 for 0.1.0): compare the text they render to
    assert "Zotero" in text and VERSION in re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    for schema in ("facts", "quotes", "timeline"):
        assert (ROOT / "docs" / "schemas" / "exports" / f"{schema}.schema.json").is_file()


def test_an_undated_page_is_shown_and_exported_without_a_date_of_its_own(real_site: Path) -> None:
    """A web page that gives no date is "undated" in the bibliography and has no date in the exports: its
    ``published`` is the date of the text it reproduces (the fresh review: an INTERPOL page "of 1956")."""
    import json

    html = (real_site / "sources/other/index.html").read_text(encoding="utf-8")
    entry = html.split('id="interpol-neutrality-article-3-en"', 1)[1].split("</p>", 1)[0]
    assert "INTERPOL, undated." in entry and "1956" not in entry.split("</strong>", 1)[1]
    csl = {item["id"]: item for item in json.loads((real_site / "bibliography.csl.json").read_text(encoding="utf-8"))}
    assert "issued" not in csl["interpol-neutrality-article-3-en"]
    assert "issued" in csl["doj-2020-12-18-release"]
