"""What changed in the content, and when: the What's new page and its Atom feed, written for readers.

Educators who teach from a lesson need to know when the facts under it were added or corrected. The
history comes from git (``history.read_log``, one call per build) and the records each commit changed
from the content before and after it (``record_changes``, one more call); turning them into entries
such as "Fact added: <the statement's start>" or "Source corrected: <its title>", and those into a
page grouped by date and a feed, is pure. Commit subjects are maintainers' words and appear nowhere:
each entry links its commit instead.

Record text is untrusted: on the page it is literal Markdown text (``markup.literal``); in the feed it
is XML-escaped, and the characters XML 1.0 forbids even as references (most C0 controls, U+FFFE,
U+FFFF, lone surrogates) become spaces (``xml_chars``), so any text yields a well-formed feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from casebook.core.book import Casebook
from casebook.core.markup import literal
from casebook.core.text import human_date, plain
from casebook.core.urls import OWN_PAGES, SHARED_PAGES, page_of, public_url, site_base, with_anchor
from casebook.outputs.history import Commit, read_blobs, read_log
from casebook.outputs.record_changes import RecordChange, blob_specs, commit_changes
from casebook.render.labels import STATUS_LABELS

# what XML 1.0 does not allow in a document (section 2.2, Char), escaped or not
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by a space."""
    return _NOT_XML.sub(" ", text)


# what readers call each kind of record, singular and plural
KIND_WORDS: dict[str, tuple[str, str]] = {
    "case": ("case summary", "case summaries"),
    "topic": ("topic", "topics"),
    "source": ("source", "sources"),
    "fact": ("fact", "facts"),
    "quote": ("quote", "quotes"),
    "event": ("timeline entry", "timeline entries"),
    "person": ("person", "people"),
    "organisation": ("organisation", "organisations"),
    "term": ("glossary term", "glossary terms"),
    "law": ("law", "laws"),
    "lesson": ("lesson", "lessons"),
    "disagreement": ("disagreement between sources", "disagreements between sources"),
    "misconception": ("misconception", "misconceptions"),
}
# a change to a record of what happened or what was said corrects it; other records are updated
CORRECTED = {"fact", "source", "quote", "event"}
TEXT_LIMIT = 90  # characters of a record's text in an entry
GROUP_LIMIT = 8  # more records than this of one kind, changed alike by one commit, make one entry
PAGE_LIMIT = 300  # entries on the page (newest first)
FEED_LIMIT = 50  # entries in the feed

# where readers find all records of a kind: the target of an entry that counts several
KIND_PAGES = {**SHARED_PAGES, **{kind: f"{folder}/index.md" for kind, folder in OWN_PAGES.items()}}


@dataclass
class Change:
    """One commit's changes to the records."""

    date: str  # YYYY-MM-DD of the commit
    message: str  # the commit subject: maintainers' words, kept for them, never published
    commit: str
    records: list[RecordChange] = field(default_factory=list)
    time: str = ""  # YYYY-MM-DDTHH:MM:SSZ of the commit (the feed entries' <updated>); "" = the date at midnight

    @property
    def timestamp(self) -> str:
        return self.time or f"{self.date}T00:00:00Z"


@dataclass
class Entry:
    """One line of What's new and one entry of the feed: what happened to a record, or to several."""

    change: Change
    kind: str
    action: str  # added, corrected, updated, removed, renamed
    record_id: str  # "" for an entry that counts several records
    text: str = ""  # the record as readers know it (plain text), "" if it has none
    target: str | None = None  # the record's page (and anchor), None for a removed record
    note: str = ""  # plain text after the record's: a rename's old id, a fact's change of status
    count: int = 1
    earlier: list[str] = field(default_factory=list)  # older commits of the same day that did the same to it

    @property
    def heading(self) -> str:
        """What happened: "Fact added", or "12 facts added"."""
        singular, plural = KIND_WORDS.get(self.kind, (self.kind, self.kind + "s"))
        if self.count > 1:
            return f"{self.count} {plural} {self.action}"
        return f"{singular[:1].upper()}{singular[1:]} {self.action}"

    @property
    def title(self) -> str:
        """What happened to what: "Fact added: On 18 December 2020 a criminal complaint…"."""
        return self.heading + (f": {self.text}" if self.text else "")

    @property
    def anchor(self) -> str:
        """Unique on the page: ids are lowercase words joined by single hyphens, so '--' cannot be in one."""
        what = self.record_id or f"-{self.action}"
        return f"change-{self.change.commit}-{self.kind}-{what}"


# A commit never changes, so neither does what it did to the records: `mkdocs serve` reads and parses
# each commit's files once (about 4 MB of YAML, 0.8 s, for this repository's history), not per rebuild.
_SEEN: dict[tuple[str, str, str], list[RecordChange]] = {}  # (repository, commit, its files) -> its changes


def read_changes(root: Path, commits: list[Commit] | None = None) -> list[Change]:
    """The record changes of ``commits`` (by default, the git history of content/ under ``root``)."""
    commits = read_log(root, ("content",)) if commits is None else commits
    key = {id(c): (str(root.resolve()), c.short, repr((c.files, c.renamed, c.boundary))) for c in commits}
    new = [c for c in commits if key[id(c)] not in _SEEN]
    blobs = read_blobs(root, blob_specs(new))
    for commit in new:
        _SEEN[key[id(commit)]] = [] if commit.boundary else commit_changes(commit, blobs)
    return content_changes(commits, {id(c): _SEEN[key[id(c)]] for c in commits})


def content_changes(commits: list[Commit], records: dict[int, list[RecordChange]]) -> list[Change]:
    """The commits that changed records, newest first, with what each did to which record
    (``records``: by ``id()`` of each commit)."""
    changes = []
    for commit in commits:
        if commit.boundary:
            continue  # a shallow clone's cut: every file "added", which is no change (history.read_log)
        if records.get(id(commit)):
            changes.append(Change(commit.date, commit.subject, commit.short, records[id(commit)], commit.time))
    return changes


def read_history(root: Path) -> list[Change]:
    """Content changes from the git history under ``root``; empty outside a git checkout."""
    return read_changes(root)


def _text_of(book: Casebook, kind: str, data: dict[str, Any] | None) -> str:
    """A record's text as readers know it: a fact by its statement's start, a quote by its words and who
    said them, others by their title or name; from the record as the change left it."""
    if data is None:
        return ""
    fields = {"fact": "statement", "quote": "text", "term": "term", "misconception": "claim"}
    value = data.get(fields.get(kind, ""))
    for name in ("title", "name", "question"):
        if not isinstance(value, str):
            value = data.get(name)
    if not isinstance(value, str):
        return ""
    text = plain(value, book.label_of, TEXT_LIMIT)
    if kind == "quote":
        speaker = data.get("speaker")
        said = book.label_of(speaker) if isinstance(speaker, str) else None
        return f"“{text}”" + (f" ({said})" if said else "")
    if kind == "misconception":  # a claim the site corrects: in quotation marks, never in the site's voice
        return f"“{text}”"
    return text


def _entry(book: Casebook, change: Change, record: RecordChange) -> Entry:
    action = record.action
    if action == "changed":
        action = "corrected" if record.kind in CORRECTED else "updated"
    live = book.records.get(book.current_id(record.record_id)) if record.action != "removed" else None
    data = record.old if record.action == "removed" else record.new
    if live is not None:
        data = live.model_dump()  # as readers see it now, a later rename or correction included
    entry = Entry(change, record.kind, action, record.record_id, _text_of(book, record.kind, data))
    if live is not None:
        entry.target = with_anchor(*page_of(live))
    if record.action == "renamed":
        entry.note = f"formerly {record.former_id}"
    old_status, new_status = (d.get("status") if d else None for d in (record.old, record.new))
    if record.kind == "fact" and record.action == "changed" and old_status != new_status:
        now, was = (STATUS_LABELS.get(str(s), (str(s), ""))[0].lower() for s in (new_status, old_status))
        entry.action, entry.note = "updated", f"now {now}; was {was}"
    return entry


def entries(book: Casebook, changes: list[Change]) -> list[Entry]:
    """Every change as readers' entries, newest first; where one commit changed more than
    ``GROUP_LIMIT`` records of a kind the same way (an import), one entry counts them, and a record
    changed the same way by several commits of one day is one entry that links them all."""
    out: list[Entry] = []
    today: dict[tuple[str, str, str, str], Entry] = {}  # (date, kind, id, action) -> its entry
    for entry in _each(book, changes):
        key = (entry.change.date, entry.kind, entry.record_id, entry.action)
        first = today.get(key) if entry.record_id and not entry.note else None
        if first is not None:
            first.earlier.append(entry.change.commit)
            continue
        today[key] = entry
        out.append(entry)
    return out


def _each(book: Casebook, changes: list[Change]) -> list[Entry]:
    out: list[Entry] = []
    for change in changes:
        made = [_entry(book, change, record) for record in change.records]
        groups: dict[tuple[str, str], list[Entry]] = {}
        for entry in made:
            groups.setdefault((entry.kind, entry.action), []).append(entry)
        for (kind, action), group in groups.items():
            if len(group) > GROUP_LIMIT:
                out.append(Entry(change, kind, action, "", target=KIND_PAGES.get(kind), count=len(group)))
            else:
                out += group
    return out


def _commit_links(entry: Entry, commit_url: str | None) -> str:
    """Markdown: the commits' hashes, each linked to its page where the repository has one. (A hash is
    hex: ``history.read_log`` checks it.)"""
    commits = [entry.change.commit, *entry.earlier]
    links = [f"[{c}]({commit_url}{c})" if commit_url else c for c in commits]
    return ("changes " if len(commits) > 1 else "change ") + ", ".join(links)


def updates_page(book: Casebook, changes: list[Change], commit_url: str | None = None) -> str:
    lines = [
        "# What's new",
        "",
        "What changed in the site's records, newest first: facts, sources, quotes and laws added, corrected",
        "or removed, by date. Each change links the record and the change itself in the project's history.",
        "Follow them in a feed reader: [Atom feed](feed.xml).",
        "",
    ]
    listed = entries(book, changes)
    if not listed:
        lines.append("*No recorded changes in this build (the history is read from the project's git log).*")
    day = ""
    for entry in listed[:PAGE_LIMIT]:
        if entry.change.date != day:
            day = entry.change.date
            lines += [f"## {human_date(day)} {{ #changes-{day} }}", ""]
        head = literal(entry.heading)
        if entry.count > 1 and entry.target:
            head = f"[{head}]({entry.target})"
        text = literal(entry.text) if entry.text else ""
        what = f"[{text}]({entry.target})" if text and entry.target else text
        line = head + (f": {what}" if what else "")
        if entry.note:
            line += f" ({literal(entry.note)})"
        lines += [f"- {line} · {_commit_links(entry, commit_url)}", f"    {{ #{entry.anchor} }}", ""]
    if len(listed) > PAGE_LIMIT:
        lines.append(f"*And {len(listed) - PAGE_LIMIT} older changes, in the project's history.*")
    return "\n".join(lines) + "\n"


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def atom_feed(book: Casebook, changes: list[Change], site_url: str, title: str, commit_url: str | None = None) -> str:
    """The Atom feed of the newest entries of What's new: each titled as the page words it, linking the
    record (or, for a removed one, its line on the page); ``commit_url``, a prefix such as
    https://github.com/o/r/commit/, makes each entry link its commit."""
    base = site_base(site_url)
    updates = f"{base}{public_url('updates.md')}"
    listed = entries(book, changes)[:FEED_LIMIT]
    updated = max((e.change.timestamp for e in listed), default="1970-01-01T00:00:00Z")
    items = []
    for entry in listed:
        line = f"{updates}#{entry.anchor}"
        link = line
        if entry.target:
            page, _, anchor = entry.target.partition("#")
            link = base + public_url(page) + (f"#{anchor}" if anchor else "")
        commits = [entry.change.commit, *entry.earlier]
        links = [f'<a href="{_attr(commit_url + c)}">{escape(c)}</a>' if commit_url else escape(c) for c in commits]
        note = f" ({escape(entry.note)})" if entry.note else ""
        content = (
            f"<p>{escape(entry.title)}{note}</p>"
            f"<p>{'Changes' if len(commits) > 1 else 'Change'} {', '.join(links)}, "
            f"{escape(human_date(entry.change.date))}. "
            f'<a href="{_attr(line)}">All changes</a></p>'
        )
        items.append(
            "  <entry>\n"
            f"    <id>{escape(line)}</id>\n"
            f"    <title>{escape(entry.title)}</title>\n"
            f"    <updated>{entry.change.timestamp}</updated>\n"
            f'    <link href="{_attr(link)}"/>\n'
            f'    <content type="html">{escape(content)}</content>\n'
            "  </entry>\n"
        )
    return xml_chars(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(title)}: what's new</title>\n  <id>{escape(base)}feed.xml</id>\n"
        f'  <link rel="self" href="{escape(base)}feed.xml"/>\n'
        f'  <link href="{escape(updates)}"/>\n'
        f"  <updated>{updated}</updated>\n  <author><name>{escape(title)} contributors</name></author>\n"
        + "".join(items)
        + "</feed>\n"
    )
