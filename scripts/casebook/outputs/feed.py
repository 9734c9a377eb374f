"""What changed in the content, and when: a page and an Atom feed, from the git history of content/.

Educators who teach from a lesson need to know when the facts under it were added or corrected.
The history comes from ``history.read_log`` (one git call per build); turning it into a page and
a feed is pure.

Record labels and commit subjects are untrusted text: in the feed they are XML-escaped, and the
characters XML 1.0 forbids even as references (most C0 controls, U+FFFE, U+FFFF, lone surrogates)
become spaces (``xml_chars``), so any text yields a well-formed feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from casebook.core.book import Casebook
from casebook.core.load import LAYOUT
from casebook.core.markup import literal
from casebook.core.text import plain
from casebook.core.urls import page_of, public_url, site_base, with_anchor
from casebook.outputs.history import Commit, read_log

ACTIONS = {"A": "added", "M": "corrected", "D": "removed", "R": "renamed"}

# what XML 1.0 does not allow in a document (section 2.2, Char), escaped or not
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by a space."""
    return _NOT_XML.sub(" ", text)


@dataclass
class Change:
    date: str  # YYYY-MM-DD of the commit
    message: str
    commit: str
    records: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id or "", action)
    time: str = ""  # YYYY-MM-DDTHH:MM:SSZ of the commit (the feed entry's <updated>); "" = the date at midnight

    @property
    def timestamp(self) -> str:
        return self.time or f"{self.date}T00:00:00Z"


def _record_of(path: str) -> tuple[str, str] | None:
    rel = path.removeprefix("content/")
    for kind, (pattern, shape) in LAYOUT.items():
        if shape == "one" and "*" in pattern and rel.startswith(pattern.split("*")[0]) and rel.endswith(".yml"):
            return kind, rel.rsplit("/", 1)[-1].removesuffix(".yml")
        if rel == pattern:
            return kind, ""
    return None


def content_changes(commits: list[Commit], limit: int = 200) -> list[Change]:
    """The commits that changed records, newest first, with what each did to which record."""
    changes = []
    for commit in commits:
        if commit.boundary:
            continue  # a shallow clone's cut: every file "added", which is no change (history.read_log)
        change = Change(commit.date, commit.subject, commit.short, time=commit.time)
        for status, path in commit.files:
            found = _record_of(path)
            if found:
                change.records.append((*found, ACTIONS.get(status, "changed")))
        if change.records:
            changes.append(change)
    return changes[:limit]


def read_history(root: Path) -> list[Change]:
    """Content changes from the git history under ``root``; empty outside a git checkout."""
    return content_changes(read_log(root, ("content",)))


def _label(book: Casebook, kind: str, record_id: str) -> tuple[str, str | None]:
    record = book.records.get(record_id)
    if record is None:
        return (f"{kind} {record_id}" if record_id else f"{kind} records"), None
    page, anchor = page_of(record)
    return record.label if kind != "fact" else f"fact {record_id}", with_anchor(page, anchor)


def updates_page(book: Casebook, changes: list[Change]) -> str:
    lines = [
        "# What's new",
        "",
        "Changes to the site's records, newest first: facts, sources and quotes added or corrected, with",
        "dates. Follow them in a feed reader: [Atom feed](feed.xml).",
        "",
    ]
    if not changes:
        lines.append("*No recorded changes in this build (the history is read from the project's git log).*")
    for change in changes:
        # A commit subject is written by whoever made the commit: literal text, like record text.
        lines += [f"## {change.date}: {literal(change.message)} {{ #change-{change.commit} }}", ""]
        counts: dict[str, int] = {}
        for kind, record_id, action in change.records[:50]:
            text, target = _label(book, kind, record_id)
            label = literal(text)
            lines.append(f"- {action.capitalize()}: " + (f"[{label}]({target})" if target else label))
        for kind, _, action in change.records[50:]:
            counts[f"{kind} {action}"] = counts.get(f"{kind} {action}", 0) + 1
        if counts:
            lines.append("- and " + ", ".join(f"{n} more ({k})" for k, n in counts.items()))
        lines.append("")
    return "\n".join(lines) + "\n"


PLURAL = {"person": "people", "activity": "activities"}
TITLE_LIMIT = 90  # characters of a record's text in an entry title


def _short(book: Casebook, kind: str, record_id: str) -> str | None:
    """A record as readers know it, in a few words: a fact by its statement, others by their label."""
    record = book.records.get(record_id)
    if record is None:
        return None
    text = record.statement if kind == "fact" else record.label  # type: ignore[attr-defined]
    return plain(text, book.label_of, TITLE_LIMIT)


def entry_title(book: Casebook, change: Change) -> str:
    """A reader's title for a change: "Fact added: …" or "Source corrected: …" for one record, else what
    changed, counted ("Corrected: 3 lessons", "Added: 2 facts, 1 term; corrected: 1 source"). The
    commit subject is maintainers' text; the entry's content gives it."""
    if len(change.records) == 1:
        kind, record_id, action = change.records[0]
        short = _short(book, kind, record_id)
        return f"{kind.capitalize()} {action}" + (f": {short}" if short else "")
    counts: dict[str, dict[str, int]] = {}  # action -> kind -> how many, in the order first seen
    for kind, _, action in change.records:
        counts.setdefault(action, {})
        counts[action][kind] = counts[action].get(kind, 0) + 1
    parts = []
    for action, kinds in counts.items():
        listed = [f"{n} {kind if n == 1 else PLURAL.get(kind, kind + 's')}" for kind, n in kinds.items()]
        parts.append(f"{action}: " + ", ".join(listed[:4]) + (" and more" if len(listed) > 4 else ""))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def atom_feed(book: Casebook, changes: list[Change], site_url: str, title: str, commit_url: str | None = None) -> str:
    """The Atom feed of ``changes``; ``commit_url``, a prefix such as https://github.com/o/r/commit/,
    makes each entry link its commit."""
    base = site_base(site_url)
    updated = max((c.timestamp for c in changes), default="1970-01-01T00:00:00Z")
    entries = []
    for change in changes:
        items = "".join(
            f"<li>{escape(action)}: {escape(_label(book, kind, rid)[0])}</li>"
            for kind, rid, action in change.records[:50]
        )
        commit = escape(change.commit)
        if commit_url:
            commit = f'<a href="{escape(commit_url + change.commit, {chr(34): "&quot;"})}">{commit}</a>'
        about = f"<p>Change {commit}: {escape(change.message)}</p>"
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(base)}updates/#change-{change.commit}</id>\n"
            f"    <title>{escape(entry_title(book, change))}</title>\n"
            f"    <updated>{change.timestamp}</updated>\n"
            f'    <link href="{escape(base)}updates/#change-{change.commit}"/>\n'
            f'    <content type="html">{escape("<ul>" + items + "</ul>" + about)}</content>\n'
            "  </entry>\n"
        )
    return xml_chars(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(title)}: what's new</title>\n  <id>{escape(base)}feed.xml</id>\n"
        f'  <link rel="self" href="{escape(base)}feed.xml"/>\n'
        f'  <link href="{escape(base)}{public_url("updates.md")}"/>\n'
        f"  <updated>{updated}</updated>\n  <author><name>{escape(title)} contributors</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )
