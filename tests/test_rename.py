"""`casebook rename KIND OLD NEW` on a copy of the real content: the file moves, the old id becomes a
former id, every reference follows, the published list grows, and a refusal or failure changes nothing."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from casebook.adapters import rename as rename_module
from casebook.core.validate import build_and_check
from casebook.site import redirects

from .conftest import ROOT

URLS = "tests/published-urls.txt"
ID_RULE = "(use lower-case letters, digits and single hyphens, at most 80 characters)"


@pytest.fixture
def real(tmp_path: Path) -> Path:
    """A throwaway project with the real content, pages and published list."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("assets", "schemas"))
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / URLS, tmp_path / URLS)
    return tmp_path


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _mentions(root: Path, record_id: str) -> list[str]:
    """Every 'file:line' of content/ and docs/ that names ``record_id`` as a whole id."""
    token = re.compile(rf"(?<![a-z0-9-]){re.escape(record_id)}(?![a-z0-9-])")
    found = []
    for path in sorted([*(root / "content").rglob("*.yml"), *(root / "docs").rglob("*.md")]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if token.search(line):
                found.append(f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}")
    return found


def _rename(run, root: Path, kind: str, old: str, new: str) -> list[str]:
    urls_before = (root / URLS).read_text(encoding="utf-8").splitlines()
    references = len(_mentions(root, old))
    code, out, err = run("--content", root / "content", "rename", kind, old, new)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"renamed {kind} '{old}' to '{new}':"
    assert re.fullmatch(r"\d+ edits? in \d+ files?; content is valid \(1 case, .*\)", lines[-1])
    changes = [line.strip() for line in lines[1:-1]]
    # each change names a file and a line that now holds the new id (or, for the list, a new address)
    for change in changes:
        where, _, what = change.partition(": ")
        if what.startswith("moved to "):
            assert not (root / where).exists() and (root / what.removeprefix("moved to ")).is_file()
            continue
        file, line = where.rsplit(":", 1)
        text = (root / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert new in text or (what.startswith("former_ids") and old in text), change
    # the old id is left only as the former id; every other mention now names the new id
    left = _mentions(root, old)
    assert len(left) == 1 and "former_ids" in left[0], left
    assert len(_mentions(root, new)) >= references
    urls_after = (root / URLS).read_text(encoding="utf-8").splitlines()
    assert set(urls_before) <= set(urls_after)  # no line is ever removed
    body = [u for u in urls_after if not u.startswith("#")]
    assert body == sorted(body)
    book = build_and_check(root / "content", root / "docs")
    assert old in book.get(new).former_ids
    return changes


def test_rename_a_fact(run, real: Path) -> None:
    changes = _rename(run, real, "fact", "jin-primary-liaison", "jin-primary-liaison-role")
    fact = real / "content/facts/jin-primary-liaison-role.yml"
    assert not (real / "content/facts/jin-primary-liaison.yml").exists()
    assert fact.read_text(encoding="utf-8").startswith(
        "id: jin-primary-liaison-role\nformer_ids: [jin-primary-liaison]\n"
    )
    assert changes[:3] == [
        "content/facts/jin-primary-liaison.yml: moved to content/facts/jin-primary-liaison-role.yml",
        "content/facts/jin-primary-liaison-role.yml:1: id: 'jin-primary-liaison' -> 'jin-primary-liaison-role'",
        "content/facts/jin-primary-liaison-role.yml:2: former_ids: added 'jin-primary-liaison'",
    ]
    assert any(
        re.fullmatch(
            r"content/quotes.yml:\d+: quote '[a-z0-9-]+' facts\[\d+\]: 'jin-primary-liaison' -> "
            r"'jin-primary-liaison-role'",
            c,
        )
        for c in changes
    )
    assert any(
        re.fullmatch(
            r"docs/topics/insider-risk.md:\d+: \[\[fact:jin-primary-liaison\]\] -> "
            r"\[\[fact:jin-primary-liaison-role\]\]",
            c,
        )
        for c in changes
    )
    added = [c.split(": added ")[1] for c in changes if c.startswith(URLS)]
    # the fact on its topic's page, and its stub on /case/facts/, where it was published before the split
    assert added == [
        "/case/#jin-primary-liaison-role",
        "/case/facts/#jin-primary-liaison-role",
        "/case/facts/alleged-method/#jin-primary-liaison-role",
    ]


def test_rename_a_source(run, real: Path) -> None:
    changes = _rename(run, real, "source", "axios-2020-12-18-zoom-charges", "axios-2020-12-18-zoom-employee-charged")
    assert (real / "content/sources/axios-2020-12-18-zoom-employee-charged.yml").is_file()
    assert any(".sources[" not in c and "sources[" in c and ".source: " in c for c in changes)  # a fact's citation
    assert [c.split(": added ")[1] for c in changes if c.startswith(URLS)] == [
        "/sources/#axios-2020-12-18-zoom-employee-charged",  # its stub on the index
        "/sources/press/#axios-2020-12-18-zoom-employee-charged",  # the source on its kind's page
    ]


def test_rename_a_law(run, real: Path) -> None:
    changes = _rename(run, real, "law", "cisa-insider-threat-definitions", "cisa-insider-definitions")
    added = [c.split(": added ")[1] for c in changes if c.startswith(URLS)]
    # its own page's anchors are headings: they move with the page, named as they were
    assert added == [
        "/laws/cisa-insider-definitions/",
        "/laws/cisa-insider-definitions/#cisa-insider-threat-definitions",
        "/laws/cisa-insider-definitions/#insider",
    ]
    book = build_and_check(real / "content", real / "docs")
    assert redirects(book)["laws/cisa-insider-threat-definitions.md"] == "laws/cisa-insider-definitions.md"


def test_rename_a_lesson(run, real: Path) -> None:
    changes = _rename(run, real, "lesson", "insider-risk-tabletop", "insider-risk-tabletop-exercise")
    added = [c.split(": added ")[1] for c in changes if c.startswith(URLS)]
    assert "/lessons/insider-risk-tabletop-exercise/" in added
    assert "/lessons/insider-risk-tabletop-exercise/instructor/#sequence" in added
    assert all(a.startswith("/lessons/insider-risk-tabletop-exercise/") for a in added)
    maps = redirects(build_and_check(real / "content", real / "docs"))
    assert maps["lessons/insider-risk-tabletop/instructor.md"] == "lessons/insider-risk-tabletop-exercise/instructor.md"


def test_rename_a_record_of_a_list_file(run, real: Path) -> None:
    changes = _rename(run, real, "quote", "wray-2020-12-18", "wray-2020-12-18-statement")
    assert any(re.fullmatch(r"content/quotes.yml:\d+: former_ids: added 'wray-2020-12-18'", c) for c in changes)
    text = (real / "content/quotes.yml").read_text(encoding="utf-8")
    assert "- id: wray-2020-12-18-statement\n  former_ids: [wray-2020-12-18]\n" in text


def test_comments_and_quoting_survive(run, real: Path) -> None:
    fact = real / "content/facts/jin-primary-liaison.yml"
    text = fact.read_text(encoding="utf-8")
    text = text.replace(
        "  - source: axios-2020-12-18-zoom-charges\n", "  - source: 'axios-2020-12-18-zoom-charges'  # Axios\n"
    )
    fact.write_text("# a comment that stays\n" + text, encoding="utf-8")
    _rename(run, real, "source", "axios-2020-12-18-zoom-charges", "axios-2020-12-18-zoom-employee-charged")
    after = fact.read_text(encoding="utf-8")
    assert after.startswith("# a comment that stays\nid: jin-primary-liaison\n")
    assert "  - source: 'axios-2020-12-18-zoom-employee-charged'  # Axios\n" in after
    assert (
        after.replace("axios-2020-12-18-zoom-employee-charged", "axios-2020-12-18-zoom-charges")
        == "# a comment that stays\n" + text
    )


def test_a_snapshot_named_after_the_source_moves_with_it(run, project: Path) -> None:
    content = project / "content"
    snapshot = content / "sources/snapshots/doj-2020-12-18-release.txt"
    snapshot.parent.mkdir()
    stored = (
        "A complaint and arrest warrant were unsealed today in federal court in Brooklyn charging Xinjiang Jin. "
        "Jin is not in U.S. custody.\n"
    )
    snapshot.write_text(stored, encoding="utf-8")
    digest = hashlib.sha256(stored.encode()).hexdigest()
    source = content / "sources/doj-2020-12-18-release.yml"
    source.write_text(
        source.read_text(encoding="utf-8")
        + f"snapshot:\n  file: sources/snapshots/doj-2020-12-18-release.txt\n  sha256: {digest}\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "--content", content, "rename", "source", "doj-2020-12-18-release", "doj-2020-12-18-announcement"
    )
    assert code == 0, err
    assert (
        "content/sources/snapshots/doj-2020-12-18-release.txt: moved to "
        "content/sources/snapshots/doj-2020-12-18-announcement.txt" in out
    )
    assert not snapshot.exists()
    assert (content / "sources/snapshots/doj-2020-12-18-announcement.txt").read_text(encoding="utf-8") == stored
    moved = (content / "sources/doj-2020-12-18-announcement.yml").read_text(encoding="utf-8")
    assert f"  file: sources/snapshots/doj-2020-12-18-announcement.txt\n  sha256: {digest}\n" in moved


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fact", "no-such-fact", "x"), "there is no fact 'no-such-fact'"),
        (("law", "jin-primary-liaison", "x"), "'jin-primary-liaison' is a fact, not a law"),
        (
            ("fact", "jin-primary-liaison", "Jin_Liaison"),
            f"'Jin_Liaison' is not a valid id {ID_RULE}",
        ),
        (
            ("fact", "jin-primary-liaison", "jin-liaison-"),
            f"'jin-liaison-' is not a valid id {ID_RULE}",
        ),
        (
            ("fact", "jin-primary-liaison", "complaint-not-indictment"),
            "'complaint-not-indictment' is already the id of a fact",
        ),
        (("fact", "jin-primary-liaison", "zoom"), "'zoom' is already the id of an organisation"),
        (("fact", "jin-primary-liaison", "jin-primary-liaison"), "'jin-primary-liaison' is already its id"),
    ],
    ids=["unknown", "wrong-kind", "invalid", "trailing-hyphen", "taken", "taken-by-another-kind", "same"],
)
def test_a_refused_rename_changes_nothing(run, real: Path, args: tuple[str, str, str], message: str) -> None:
    before = _files(real)
    code, out, err = run("--content", real / "content", "rename", *args)
    assert code == 1 and out == ""
    assert err.strip() == f"rename: {message}; nothing was changed"
    assert _files(real) == before


def test_a_former_id_is_never_reused(run, real: Path) -> None:
    assert (
        run("--content", real / "content", "rename", "fact", "jin-primary-liaison", "jin-primary-liaison-role")[0] == 0
    )
    before = _files(real)
    code, _, err = run(
        "--content", real / "content", "rename", "fact", "complaint-not-indictment", "jin-primary-liaison"
    )
    assert code == 1
    assert "'jin-primary-liaison' is a former id of 'jin-primary-liaison-role' (an old id can never be reused)" in err
    code, _, err = run("--content", real / "content", "rename", "fact", "jin-primary-liaison", "other")
    assert (
        code == 1
        and "'jin-primary-liaison' was already renamed: it is a former id of 'jin-primary-liaison-role'" in err
    )
    assert _files(real) == before


def test_content_that_does_not_validate_is_not_renamed(run, real: Path) -> None:
    fact = real / "content/facts/complaint-not-indictment.yml"
    fact.write_text(fact.read_text(encoding="utf-8").replace("status: ", "status: proven # ", 1), encoding="utf-8")
    before = _files(real)
    code, out, err = run(
        "--content", real / "content", "rename", "fact", "jin-primary-liaison", "jin-primary-liaison-role"
    )
    assert code == 1 and out == ""
    assert "content/facts/complaint-not-indictment.yml:" in err and "status: 'proven' is not an allowed value" in err
    assert err.splitlines()[-1] == "rename: the content must be valid before a rename; nothing was changed"
    assert _files(real) == before


def test_a_failure_while_writing_puts_every_file_back(run, real: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _files(real)
    calls = {"n": 0}
    replace = rename_module.os.replace

    def failing(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device", str(dst))
        replace(src, dst)

    monkeypatch.setattr(rename_module.os, "replace", failing)
    code, out, err = run(
        "--content", real / "content", "rename", "fact", "jin-primary-liaison", "jin-primary-liaison-role"
    )
    assert code == 1 and out == ""
    assert "(No space left on device); nothing was changed" in err
    assert calls["n"] == 5
    assert _files(real) == before  # no temporary file is left either


def test_a_record_never_published_gets_no_former_id(run, real: Path) -> None:
    """A fact added on a branch and renamed before it was merged has no address to keep: no former
    id is added (it would reserve the name for ever), and the report says why."""
    fact = real / "content" / "facts" / "jin-primary-liaison.yml"
    urls = real / URLS
    lines = urls.read_text(encoding="utf-8").splitlines()
    urls.write_text("\n".join(u for u in lines if not u.endswith("#jin-primary-liaison")) + "\n", encoding="utf-8")
    code, out, err = run("--content", real / "content", "rename", "fact", "jin-primary-liaison", "jin-liaison-role")
    assert code == 0, err
    assert f"former_ids: 'jin-primary-liaison' not added: it has no address in {URLS}, so it was never published" in out
    assert not fact.exists()
    book = build_and_check(real / "content", real / "docs")
    assert book.get("jin-liaison-role").former_ids == []
    assert _mentions(real, "jin-primary-liaison") == []
