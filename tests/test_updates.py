"""The "What's new" page and Atom feed come from the git history of content/."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from casebook.core.validate import build_case
from casebook.outputs.feed import atom_feed, read_history, updates_page


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "GIT_AUTHOR_DATE": "2026-01-02T10:00:00Z",
            "GIT_COMMITTER_DATE": "2026-01-02T10:00:00Z",
            "PATH": "/usr/bin:/bin",
        },
    )


def test_history_lists_added_and_corrected_records(project: Path) -> None:
    _git(project, "init", "-q")
    _git(project, "add", "content")
    _git(project, "commit", "-qm", "Add the seed content")
    fact = project / "content/facts/zoom-cooperating.yml"
    fact.write_text(fact.read_text().replace("with the Justice Department.", "with the US Justice Department."))
    _git(project, "commit", "-qam", "Correct the Zoom statement")
    changes = read_history(project)
    assert [c.message for c in changes] == ["Correct the Zoom statement", "Add the seed content"]
    assert changes[0].date == "2026-01-02"
    assert changes[0].records == [("fact", "zoom-cooperating", "corrected")]
    assert ("fact", "complaint-unsealed", "added") in changes[1].records
    assert ("quote", "", "added") in changes[1].records
    book = build_case(project / "content")
    page = updates_page(book, changes)
    assert "- Corrected: [fact zoom-cooperating](case/facts.md#zoom-cooperating)" in page
    feed = ET.fromstring(atom_feed(book, changes, "https://example.org/site/", "Casebook"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)] == [
        "Correct the Zoom statement",
        "Add the seed content",
    ]
    assert feed.findtext("a:updated", namespaces=ns) == "2026-01-02T00:00:00Z"


def test_no_history_outside_git(content: Path) -> None:
    assert read_history(content.parent) == []
    assert "No recorded changes" in updates_page(build_case(content), [])
