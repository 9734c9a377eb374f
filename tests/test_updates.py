"""The "What's new" page and Atom feed: reader entries ("Fact added: …") from the content before and
after each commit in the git history of content/, grouped by date, each linking its commit."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from casebook.core.text import plain
from casebook.core.validate import build_case
from casebook.outputs.feed import atom_feed, entries, read_history, updates_page
from casebook.outputs.history import read_log
from casebook.outputs.record_changes import compare, parse_records, record_kind

ATOM = {"a": "http://www.w3.org/2005/Atom"}
COMMITS = "https://github.com/o/r/commit/"


def _git(root: Path, *args: str, date: str = "2026-01-02T10:00:00Z") -> None:
    subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "PATH": "/usr/bin:/bin",
        },
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _history(project: Path) -> None:
    """Five commits over the seed content, on three days: the seed; a fact and a source corrected; the
    quote removed; the lesson renamed; a comment added (no change to any record)."""
    content = project / "content"
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Add the seed content", date="2026-01-01T09:00:00Z")
    _edit(content / "facts/zoom-cooperating.yml", "with the Justice Department.", "with the US Justice Department.")
    _edit(content / "sources/zoom-2020-12-18-perspective.yml", "title: Our Perspective", "title: Our perspective")
    _git(project, "commit", "-qam", "review #3: wording <b>fixes</b>", date="2026-01-02T10:05:00Z")
    (content / "quotes.yml").write_text("[]\n", encoding="utf-8")
    _git(project, "commit", "-qam", "Drop the quote", date="2026-01-02T11:00:00Z")
    lesson = content / "lessons/reading-a-complaint.yml"
    _edit(lesson, "id: reading-a-complaint", "id: read-a-complaint\nformer_ids: [reading-a-complaint]")
    _git(project, "mv", "content/lessons/reading-a-complaint.yml", "content/lessons/read-a-complaint.yml")
    _git(project, "commit", "-qam", "Rename the lesson", date="2026-01-03T08:00:00Z")
    fact = content / "facts/complaint-unsealed.yml"
    fact.write_text("# checked again\n" + fact.read_text(encoding="utf-8"), encoding="utf-8")
    _git(project, "commit", "-qam", "A comment", date="2026-01-03T09:00:00Z")


def test_history_says_what_happened_to_which_record(project: Path) -> None:
    _history(project)
    changes = read_history(project)
    # the comment-only commit changed no record's data, so it is not a change
    assert [c.date for c in changes] == ["2026-01-03", "2026-01-02", "2026-01-02", "2026-01-01"]
    book = build_case(project / "content")
    listed = entries(book, changes)
    titles = [e.title for e in listed]
    statement = book.records["zoom-cooperating"].statement  # type: ignore[attr-defined]
    quote = "“We support the U.S. Government’s commitment to protect American interests from foreign…”"
    assert titles[:4] == [
        "Lesson renamed: Reading a criminal complaint",
        f"Quote removed: {quote} (Zoom Video Communications)",  # from the record as it was, the speaker by name
        "Fact corrected: " + plain(statement, book.label_of, 90),
        "Source corrected: Our perspective on the DOJ Complaint",
    ]
    assert listed[0].note == "formerly reading-a-complaint" and listed[1].target is None
    unsealed = book.records["complaint-unsealed"].statement  # type: ignore[attr-defined]
    assert "Fact added: " + plain(unsealed, book.label_of, 90) in titles[4:]  # the seed commit


def test_the_page_groups_entries_by_date_and_links_records_and_commits(project: Path) -> None:
    _history(project)
    changes = read_history(project)
    book = build_case(project / "content")
    page = updates_page(book, changes, COMMITS)
    days = re.findall(r"^## (.+) \{ #changes-(\S+) \}$", page, re.MULTILINE)
    assert days == [
        ("3 January 2026", "2026-01-03"),
        ("2 January 2026", "2026-01-02"),
        ("1 January 2026", "2026-01-01"),
    ]
    renamed = changes[0].commit
    assert (
        f"- Lesson renamed: [Reading a criminal complaint](lessons/read-a-complaint/index.md) (formerly "
        f"reading-a-complaint) · change [{renamed}]({COMMITS}{renamed})\n"
        f"    {{ #change-{renamed}-lesson-read-a-complaint }}"
    ) in page
    assert (
        "- Source corrected: [Our perspective on the DOJ Complaint](sources/company.md#zoom-2020-12-18-perspective)"
        in page
    )
    assert "- Quote removed: “We support" in page  # a removed record has no page to link
    # commit subjects are maintainers' words: never on the page
    for subject in ("seed content", "review #3", "Drop the quote", "Rename the lesson"):
        assert subject not in page
    anchors = re.findall(r"\{ #(change-\S+) \}", page)
    assert len(anchors) == len(set(anchors)) == len(entries(book, changes))


def test_the_feed_has_the_page_entries_each_at_its_commit_time(project: Path) -> None:
    _history(project)
    changes = read_history(project)
    book = build_case(project / "content")
    feed = ET.fromstring(atom_feed(book, changes, "https://example.org/site/", "Casebook", COMMITS))
    items = feed.findall("a:entry", ATOM)
    assert [i.findtext("a:title", namespaces=ATOM) for i in items] == [e.title for e in entries(book, changes)]
    times = [i.findtext("a:updated", namespaces=ATOM) for i in items]
    assert times[:4] == ["2026-01-03T08:00:00Z", "2026-01-02T11:00:00Z", "2026-01-02T10:05:00Z", "2026-01-02T10:05:00Z"]
    assert feed.findtext("a:updated", namespaces=ATOM) == "2026-01-03T08:00:00Z"
    links = [i.find("a:link", ATOM).get("href") for i in items]  # type: ignore[union-attr]
    assert links[0] == "https://example.org/site/lessons/read-a-complaint/"
    assert links[1].startswith("https://example.org/site/updates/#change-")  # removed: its line on the page
    assert links[3] == "https://example.org/site/sources/company/#zoom-2020-12-18-perspective"
    ids = [i.findtext("a:id", namespaces=ATOM) for i in items]
    assert len(set(ids)) == len(ids)
    content = items[0].findtext("a:content", namespaces=ATOM) or ""
    assert f'<a href="{COMMITS}{changes[0].commit}">{changes[0].commit}</a>' in content
    assert "Rename the lesson" not in ET.tostring(feed, encoding="unicode")


def test_an_import_of_many_records_is_one_entry(project: Path) -> None:
    """A commit that adds more than a few records of a kind (the first import) counts them in one entry."""
    facts = project / "content" / "facts"
    seed = (facts / "complaint-unsealed.yml").read_text(encoding="utf-8")
    for n in range(12):
        (facts / f"extra-{n}.yml").write_text(
            seed.replace("id: complaint-unsealed", f"id: extra-{n}"), encoding="utf-8"
        )
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Import")
    changes = read_history(project)
    book = build_case(project / "content")
    titles = [e.title for e in entries(book, changes)]
    assert "15 facts added" in titles
    assert "- [15 facts added](case/facts.md) · change " in updates_page(book, changes)


def test_one_record_changed_twice_in_a_day_is_one_entry(project: Path) -> None:
    fact = project / "content/facts/zoom-cooperating.yml"
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Seed", date="2026-01-01T09:00:00Z")
    _edit(fact, "with the Justice Department.", "with the US Justice Department.")
    _git(project, "commit", "-qam", "One", date="2026-01-02T09:00:00Z")
    _edit(fact, "with the US Justice Department.", "with the U.S. Justice Department.")
    _git(project, "commit", "-qam", "Two", date="2026-01-02T10:00:00Z")
    changes = read_history(project)
    book = build_case(project / "content")
    corrected = [e for e in entries(book, changes) if e.change.date == "2026-01-02"]
    assert len(corrected) == 1 and corrected[0].earlier == [changes[1].commit]
    two, one = changes[0].commit, changes[1].commit
    assert f"· changes [{two}]({COMMITS}{two}), [{one}]({COMMITS}{one})" in updates_page(book, changes, COMMITS)


def test_a_rebuild_reads_only_the_new_commits(project: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`mkdocs serve` rebuilds on every save: the commits already read are not read or parsed again."""
    from casebook.outputs import feed

    _history(project)
    first = read_history(project)
    asked: list[list[str]] = []
    reader = feed.read_blobs
    monkeypatch.setattr(feed, "read_blobs", lambda root, specs: asked.append(specs) or reader(root, specs))
    assert read_history(project) == first and asked == [[]]
    _edit(project / "content/facts/zoom-cooperating.yml", "US Justice", "U.S. Justice")
    _git(project, "commit", "-qam", "Again", date="2026-01-04T08:00:00Z")
    again = read_history(project)
    assert again[1:] == first and len(asked[1]) == 2  # the new commit's one file, before and after


def test_records_are_compared_by_their_data() -> None:
    old = parse_records("- id: a\n  text: one\n- id: b\n  text: two\n- id: c\n  text: three\n", one=False)
    new = parse_records(
        "# a comment\n- {id: a, text: one}\n- id: b\n  text: TWO\n- id: d\n  former_ids: [c]\n  text: three\n",
        one=False,
    )
    found = [(c.record_id, c.action, c.former_id) for c in compare("quote", old, new)]
    assert found == [("b", "changed", ""), ("d", "renamed", "c")]  # a: the same data, written otherwise
    assert [(c.record_id, c.action) for c in compare("quote", new, {})] == [
        ("a", "removed"),
        ("b", "removed"),
        ("d", "removed"),
    ]
    # contributors' files from any commit: what holds no records is skipped
    assert parse_records("- id: [x]\n- 3\n- id: ok\n", one=False) == {"ok": {"id": "ok"}}
    assert (
        parse_records("a: [unclosed", one=True) == {} and parse_records("!!python/object:os.system x", one=True) == {}
    )
    assert record_kind("content/facts/a.yml") == ("fact", True) and record_kind("content/quotes.yml") == (
        "quote",
        False,
    )
    assert record_kind("content/sources/snapshots/a.txt") is None and record_kind("content/official-hosts.yml") is None


def test_a_shallow_clone_reports_no_change_at_its_cut(project: Path, tmp_path: Path) -> None:
    """CI and deployments check out one commit: git lists every file of it as added, which is no change."""
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Add the seed content")
    fact = project / "content/facts/zoom-cooperating.yml"
    fact.write_text(fact.read_text().replace("with the Justice Department.", "with the US Justice Department."))
    _git(project, "commit", "-qam", "Correct the Zoom statement", date="2026-01-02T10:05:00Z")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{project}", str(clone))
    commits = read_log(clone)
    assert len(commits) == 1 and commits[0].boundary
    assert read_history(clone) == []
    full = read_log(project)
    assert [c.boundary for c in full] == [False, False]


def test_no_history_outside_git(content: Path) -> None:
    assert read_history(content.parent) == []
    assert "No recorded changes" in updates_page(build_case(content), [])


def test_a_misconception_is_quoted_not_stated(project: Path) -> None:
    """An entry for a misconception names the false claim in quotation marks, not in the site's voice."""
    from casebook.outputs.feed import Change
    from casebook.outputs.record_changes import RecordChange

    book = build_case(project / "content")
    misconception = next(iter(book.of_kind("misconception")))
    change = Change("2026-01-02", "m", "abc1234", [RecordChange("misconception", misconception.id, "changed", {}, {})])
    claim = plain(misconception.claim, book.label_of, 90)  # type: ignore[attr-defined]
    assert entries(book, [change])[0].title == f"Misconception updated: “{claim}”"
