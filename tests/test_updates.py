"""The "What's new" page and Atom feed come from the git history of content/."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from casebook.core.text import plain
from casebook.core.validate import build_case
from casebook.outputs.feed import atom_feed, read_history, updates_page
from casebook.outputs.history import read_log


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


def test_history_lists_added_and_corrected_records(project: Path) -> None:
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Add the seed content")
    fact = project / "content/facts/zoom-cooperating.yml"
    fact.write_text(fact.read_text().replace("with the Justice Department.", "with the US Justice Department."))
    _git(project, "commit", "-qam", "Correct the Zoom statement", date="2026-01-02T10:05:00Z")
    changes = read_history(project)
    assert [c.message for c in changes] == ["Correct the Zoom statement", "Add the seed content"]
    assert changes[0].date == "2026-01-02"
    assert changes[0].records == [("fact", "zoom-cooperating", "corrected")]
    assert ("fact", "complaint-unsealed", "added") in changes[1].records
    assert ("quote", "", "added") in changes[1].records
    book = build_case(project / "content")
    page = updates_page(book, changes)
    assert "- Corrected: [fact zoom-cooperating](case/facts/zoom-response.md#zoom-cooperating)" in page
    feed = ET.fromstring(atom_feed(book, changes, "https://example.org/site/", "Casebook"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    # reader-facing titles (third-party-clients §3), not the commit subjects, which the content keeps
    titles = [e.findtext("a:title", namespaces=ns) or "" for e in entries]
    statement = book.records["zoom-cooperating"].statement  # type: ignore[attr-defined]
    assert titles[0] == "Fact corrected: " + plain(statement, book.label_of, 90)
    assert titles[1].startswith("Added: 1 case, 1 disagreement, 3 facts, 1 term and more"), titles[1]
    assert "Correct the Zoom statement" in (entries[0].findtext("a:content", namespaces=ns) or "")
    # each entry its own time: the commit's, to the second
    assert [e.findtext("a:updated", namespaces=ns) for e in entries] == ["2026-01-02T10:05:00Z", "2026-01-02T10:00:00Z"]
    assert feed.findtext("a:updated", namespaces=ns) == "2026-01-02T10:05:00Z"


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
