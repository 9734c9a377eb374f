"""Attacks on the sourcing rules (issue 11, classes 6 and 7): each one is refused with its file,
field and problem. Every payload would pass if the rule it targets were removed."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core import hosts, rules
from casebook.core.errors import ContentError
from casebook.core.validate import build_case
from casebook.net import verify_sources as drift
from casebook.net.runner import SourceRef

from .support.servers import LocalServer, refused_url

DOJ = "sources/doj-2020-12-18-release.yml"
ZOOM = "sources/zoom-2020-12-18-perspective.yml"
CUSTODY = "facts/jin-not-in-custody.yml"
COOPERATING = "facts/zoom-cooperating.yml"


def _edit(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_case(content)
    return [str(d) for d in caught.value.diagnostics]


def _cite_in_custody_fact(content: Path, excerpt: str) -> None:
    _edit(content, CUSTODY, "excerpt: Jin is not in U.S. custody.", f"excerpt: {excerpt}")


def _quote(content: Path, text: str, source: str = "doj-2020-12-18-release") -> None:
    _edit(
        content,
        "quotes.yml",
        "text: We support the U.S. Government’s commitment to protect American interests from foreign influence.",
        f"text: {text}",
    )
    _edit(content, "quotes.yml", "source: zoom-2020-12-18-perspective", f"source: {source}")


EXCERPT_AT = "content/facts/jin-not-in-custody.yml:10:14: sources[0].excerpt: excerpt"
QUOTE_AT = "content/quotes.yml:4:9: text: quote"

# ---------------------------------------------------------------- class 6: quotes and excerpts


def test_segments_out_of_order(content: Path) -> None:
    # both parts are in the release's first excerpt, but the other way round
    _cite_in_custody_fact(
        content, "with conspiracy to commit interstate harassment […] A complaint and arrest warrant were unsealed"
    )
    assert _problems(content) == [
        f"{EXCERPT_AT} does not appear in this order in any one stored text of 'doj-2020-12-18-release' (quote one "
        "passage with its parts in the source's order; cite other passages separately)"
    ]


def test_segments_from_two_excerpts(content: Path) -> None:
    # in the order the excerpts are listed, but from two separate passages
    _cite_in_custody_fact(
        content, "unlawful conspiracy to transfer a means of identification. […] Jin is not in U.S. custody."
    )
    assert _problems(content) == [
        f"{EXCERPT_AT} does not appear in this order in any one stored text of 'doj-2020-12-18-release' (quote one "
        "passage with its parts in the source's order; cite other passages separately)"
    ]


def test_letters_picked_out_with_cuts(content: Path) -> None:
    _quote(content, "J […] i […] n")
    assert _problems(content) == [
        f"{QUOTE_AT} part 'J' has 1 word, under 3 (quote at least 3 words (or 6 CJK characters) between cuts)"
    ]


def test_a_quote_of_only_a_cut(content: Path) -> None:
    _quote(content, '"[…]"')
    assert _problems(content) == [f"{QUOTE_AT} has no words outside its cut marks […] (quote the source's own words)"]


def test_one_word_excerpt(content: Path) -> None:
    _cite_in_custody_fact(content, "Brooklyn")
    assert _problems(content) == [
        f"{EXCERPT_AT} text 'Brooklyn' has 1 word, under 3 (quote at least 3 words (or 6 CJK characters) between cuts)"
    ]


def test_one_word_registered_excerpt(content: Path) -> None:
    _edit(content, ZOOM, "excerpts:\n", "excerpts:\n  - Zoom\n")
    assert _problems(content) == [
        f"content/{ZOOM}:11:5: excerpts[0]: excerpt has 1 word, under 3 (register the passage you rely on: at least "
        "3 words (or 6 CJK characters))"
    ]


def test_a_word_cut_in_half(content: Path) -> None:
    # "lawful conspiracy" is in "unlawful conspiracy" as characters, not as words
    _cite_in_custody_fact(content, "lawful conspiracy to transfer a means of identification")
    assert _problems(content) == [
        f"{EXCERPT_AT} does not appear verbatim in the stored text of 'doj-2020-12-18-release' (copy it exactly from "
        "the source and add it to that source's excerpts)"
    ]


def test_short_excerpts_adding_up_to_a_long_passage(content: Path) -> None:
    # six excerpts of 50 words each, every one within the per-excerpt limit: a 300-word copy
    passage = [f"word{n}" for n in range(300)]
    excerpts = "".join(f"  - {' '.join(passage[i : i + 50])}\n" for i in range(0, 300, 50))
    _edit(content, ZOOM, "excerpts:\n", f"excerpts:\n{excerpts}")
    assert _problems(content) == [
        f"content/{ZOOM}:11:3: excerpts: the excerpts of a copyrighted source add up to 327 words, over 150 (keep "
        "only the passages that records cite, and only the words that support them)"
    ]


def test_short_cjk_segment(content: Path) -> None:
    _edit(content, ZOOM, "excerpts:\n", "excerpts:\n  - 我们支持美国政府保护美国利益免受外国影响的承诺。\n")
    _quote(content, "我们支持美国政府 […] 的承诺", source="zoom-2020-12-18-perspective")
    assert _problems(content) == [
        f"{QUOTE_AT} part '的承诺' has 1.5 words, under 3 (2 CJK characters count as one word) (quote at least 3 "
        "words (or 6 CJK characters) between cuts)"
    ]


def test_cjk_segments_of_six_characters_pass(content: Path) -> None:
    _edit(content, ZOOM, "excerpts:\n", "excerpts:\n  - 我们支持美国政府保护美国利益免受外国影响的承诺。\n")
    _quote(content, "我们支持美国政府 […] 外国影响的承诺", source="zoom-2020-12-18-perspective")
    assert build_case(content)


# ---------------------------------------------------------------- class 7: sourcing rules


def test_established_fact_citing_only_the_press(content: Path) -> None:
    press = (content / ZOOM).read_text(encoding="utf-8")
    press = press.replace("id: zoom-2020-12-18-perspective", "id: press-report").replace("type: company", "type: press")
    (content / "sources/press-report.yml").write_text(press, encoding="utf-8")
    _edit(
        content,
        "facts/complaint-unsealed.yml",
        "  - source: doj-2020-12-18-release\n    locator: first paragraph\n"
        "    excerpt: A complaint and arrest warrant were unsealed today in federal court in Brooklyn",
        "  - source: press-report\n    excerpt: Zoom has been fully cooperating with them in this matter.",
    )
    assert _problems(content) == [
        "content/facts/complaint-unsealed.yml:10:3: sources: an established fact must cite a primary record (a court, "
        "government or company source, or one with a public-domain snapshot) (cite the record itself with an excerpt "
        "from it, or make the fact reported and set attributed_to)"
    ]


def test_alleged_fact_naming_an_unrelated_government_source(content: Path) -> None:
    _edit(content, COOPERATING, "status: reported", "status: alleged")
    _edit(content, COOPERATING, "sources:\n", "sources:\n  - source: doj-2020-12-18-release\n")
    assert _problems(content) == [
        "content/facts/zoom-cooperating.yml:9:3: sources: an alleged fact must quote the charging document or an "
        "official announcement of it (give the citation of 'doj-2020-12-18-release' an excerpt copied verbatim "
        "from it)"
    ]


def test_alleged_fact_with_an_unverified_government_excerpt(content: Path) -> None:
    _edit(content, COOPERATING, "status: reported", "status: alleged")
    _edit(
        content,
        COOPERATING,
        "sources:\n",
        "sources:\n  - source: doj-2020-12-18-release\n    excerpt: Zoom helped the PRC silence its users.\n",
    )
    problems = _problems(content)
    assert (
        "content/facts/zoom-cooperating.yml:9:3: sources: an alleged fact must quote the charging document or an "
        "official announcement of it (give the citation of 'doj-2020-12-18-release' an excerpt copied verbatim "
        "from it)"
    ) in problems
    assert any("sources[0].excerpt: excerpt does not appear verbatim" in p for p in problems)


def test_press_source_relabelled_court(content: Path) -> None:
    press = (content / ZOOM).read_text(encoding="utf-8")
    press = (
        press.replace("id: zoom-2020-12-18-perspective", "id: news-as-court")
        .replace("type: company", "type: court")
        .replace("https://www.sec.gov/", "https://www.example-news.com/")
    )
    (content / "sources/news-as-court.yml").write_text(press, encoding="utf-8")
    _edit(content, COOPERATING, "status: reported", "status: alleged")
    _edit(content, COOPERATING, "source: zoom-2020-12-18-perspective", "source: news-as-court")
    assert _problems(content) == [
        "content/sources/news-as-court.yml:4:7: type: a court source needs an official address or a snapshot: "
        "'www.example-news.com' is not in content/official-hosts.yml (use the document's address on the court's or "
        "government's own site, store a public-domain snapshot, or set type to what the host is (press, ngo, "
        "academic, other))"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://notjustice.gov/opa/pr/x",  # a name that ends like an official one
        "https://justice.gov.example.org/opa/pr/x",  # an official name as a subdomain of another host
        "https://web.archive.org/web/https://www.justice.gov/opa/pr/x",  # an official address inside another URL
        "https://www.justice.gov@example.org/opa/pr/x",  # an official name as the user part
    ],
)
def test_look_alike_hosts_are_not_official(content: Path, url: str) -> None:
    _edit(
        content,
        DOJ,
        "url: https://www.justice.gov/opa/pr/china-based-executive-us-telecommunications-company-charged-disrupting-"
        "video-meetings",
        f"url: {url}",
    )
    problems = _problems(content)
    assert (
        len(problems) == 1
        and f"content/{DOJ}:4:7: type: a government source needs an official address" in (problems[0])
    )


# ---------------------------------------------------------------- the official hosts file


def test_hosts_match_exactly_or_as_a_subdomain(tmp_path: Path) -> None:
    (tmp_path / hosts.FILE_NAME).write_text("- host: justice.gov\n  reason: US Department of Justice\n")
    official = hosts.load(tmp_path)
    assert official.diagnostics == ()
    assert official.match("https://justice.gov/x") and official.match("https://www.justice.gov/x")
    assert official.match("https://WWW.JUSTICE.GOV:443/x")
    assert not official.match("https://notjustice.gov/x") and not official.match("https://justice.gov.evil.example/")


def test_www_is_not_special(tmp_path: Path) -> None:
    (tmp_path / hosts.FILE_NAME).write_text("- host: www.fbi.gov\n  reason: Federal Bureau of Investigation\n")
    official = hosts.load(tmp_path)
    assert official.match("https://www.fbi.gov/wanted") and not official.match("https://fbi.gov/wanted")


def test_a_missing_hosts_file_makes_no_host_official(tmp_path: Path) -> None:
    assert hosts.load(tmp_path).match("https://www.justice.gov/") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- host: justice.gov\n  reason: US Department of Justice\n- host: justice.gov\n  reason: again\n",
            "content/official-hosts.yml:3:9: [1].host: host 'justice.gov' is already listed (entry 0) (keep one of "
            "the two entries)",
        ),
        (
            "- host: gov\n  reason: every government\n",
            "content/official-hosts.yml:1:9: [0].host: 'gov' is not a host name (write the bare lower-case host "
            "name, for example justice.gov (no https://, path or port))",
        ),
        (
            "- host: '*.gov'\n  reason: every government\n",
            "content/official-hosts.yml:1:9: [0].host: '*.gov' is not a host name (write the bare lower-case host "
            "name, for example justice.gov (no https://, path or port))",
        ),
        (
            "- host: justice.gov\n",
            "content/official-hosts.yml:1:3: [0].reason: required field is missing (write each entry as '- host: "
            "example.gov' with a 'reason:' line under it)",
        ),
        (
            "- host: justice.gov\n  reason: US Department of Justice\n  trusted: yes\n",
            "content/official-hosts.yml:3:12: [0].trusted: unknown field 'trusted' (an entry has only 'host' and "
            "'reason')",
        ),
        (
            "host: justice.gov\n",
            "content/official-hosts.yml:1:1: file: expected a list of hosts (start each entry with '- host: …')",
        ),
    ],
    ids=["duplicate", "top-level-domain", "wildcard", "no-reason", "unknown-field", "not-a-list"],
)
def test_a_bad_hosts_file_is_reported_with_its_line(content: Path, text: str, expected: str) -> None:
    (content / "official-hosts.yml").write_text(text, encoding="utf-8")
    problems = _problems(content)
    assert expected in problems


def test_the_limits_are_the_documented_ones() -> None:
    assert (rules.MIN_SEGMENT_WORDS, rules.MIN_EXCERPT_WORDS, rules.CJK_CHARS_PER_WORD) == (3, 3, 2)
    assert (rules.MAX_EXCERPT_WORDS, rules.MAX_COPYRIGHTED_WORDS) == (50, 150)
    contributing = " ".join((Path(__file__).parent.parent / ".github" / "CONTRIBUTING.md").read_text().split())
    for phrase in ("at least 3 words", "6 CJK characters", "150 words", "official-hosts.yml"):
        assert phrase in contributing


# ---------------------------------------------------------------- pull requests verify the sources they change


def _git(repo: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
        "PATH": os.environ.get("PATH", ""),
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _repo(tmp_path: Path) -> Path:
    """A git repo whose branch `pr` changes sources a (committed), c (its snapshot, uncommitted) and
    adds d (untracked), while `main` moves on and changes b after the branch point."""
    repo = tmp_path / "repo"
    sources = repo / "content" / "sources"
    (sources / "snapshots").mkdir(parents=True)
    for name in "abc":
        (sources / f"{name}.yml").write_text(f"id: {name}\n", encoding="utf-8")
    (sources / "snapshots" / "c.txt").write_text("snapshot\n", encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "checkout", "-q", "-b", "pr")
    (sources / "a.yml").write_text("id: a\nnote: edited\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "edit a")
    _git(repo, "checkout", "-q", "main")
    (sources / "b.yml").write_text("id: b\nnote: edited on main\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "edit b on main")
    _git(repo, "checkout", "-q", "pr")
    (sources / "snapshots" / "c.txt").write_text("snapshot, edited\n", encoding="utf-8")
    (sources / "d.yml").write_text("id: d\n", encoding="utf-8")
    return repo


def _files(repo: Path) -> dict[str, list[Path]]:
    sources = repo / "content" / "sources"
    return {
        "a": [sources / "a.yml"],
        "b": [sources / "b.yml"],
        "c": [sources / "c.yml", sources / "snapshots" / "c.txt"],
        "d": [sources / "d.yml"],
    }


def test_changed_since_selects_the_sources_a_branch_changes(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    refs = [SourceRef(i, f"https://example.org/{i}", f"https://example.org/{i}") for i in "abcd"]
    changed = drift.changed_files("main", repo / "content")
    picked = drift.select(refs, changed=changed, files=_files(repo))
    assert [s.id for s in picked] == ["a", "c", "d"]  # not b: main changed it after the branch point
    assert [s.id for s in drift.select(refs, ids=["b"])] == ["b"]


def test_changed_since_checks_only_those_sources(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    with LocalServer() as server:
        page = "<html><body><p>The changed source says this.</p></body></html>"
        refs = [
            SourceRef(i, server.add(f"/{i}", body=page), server.add(f"/{i}/archive", body=page), ("says this",))
            for i in "abcd"
        ]
        code = drift.main(
            refs,
            out_dir=tmp_path / "out",
            cache_file=tmp_path / "cache.json",
            changed_since="main",
            files=_files(repo),
            repo=repo,
            delay=0.0,
            timeout=2.0,
            quiet=True,
        )
        assert code == 0
        assert [server.count(f"/{i}") for i in "abcd"] == [1, 0, 1, 1]
    report = json.loads((tmp_path / "out" / drift.REPORT_JSON).read_text(encoding="utf-8"))
    assert [v["source"] for v in report["sources"]] == ["a", "c", "d"]


def test_nothing_changed_fetches_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repo(tmp_path)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "the rest")
    refs = [SourceRef("a", refused_url("/a"), refused_url("/a/archive"), ("says this",))]
    code = drift.main(refs, out_dir=tmp_path / "out", cache_file=tmp_path / "c.json", changed_since="HEAD", repo=repo)
    assert code == 0 and "no source changed since HEAD to check" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_a_bad_selection_stops_before_the_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refs = [SourceRef("a", refused_url("/a"), refused_url("/a/archive"), ("says this",))]
    out = tmp_path / "out"
    assert drift.main(refs, out_dir=out, cache_file=tmp_path / "c.json", only=["nope"]) == 2
    assert "unknown source id(s): nope" in capsys.readouterr().err
    assert (
        drift.main(refs, out_dir=out, cache_file=tmp_path / "c.json", changed_since="no-such-ref", repo=tmp_path) == 2
    )
    assert "git" in capsys.readouterr().err and not out.exists()


def test_cli_verify_sources_changed_since(project: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    """The CLI maps each source to its file; with nothing changed it reads no page (the seed's URLs are real
    hosts, so only runs that stop before the network are made here)."""
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "seed")
    content = project / "content"
    code, out, _ = run("--content", content, "verify-sources", "--changed-since", "HEAD", "--out", project / "out")
    assert code == 0 and "no source changed since HEAD to check" in out
    code, _, err = run("--content", content, "verify-sources", "--source", "doj-2020-12-18-releas")
    assert code == 2 and "unknown source id(s): doj-2020-12-18-releas" in err
