"""Attacks on the sourcing rules (issue 11, classes 6 and 7): each one is refused with its file,
field and problem. Every payload would pass if the rule it targets were removed."""

from __future__ import annotations

import hashlib
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


# What the support check (core.support, tested in test_support.py) says when an attack swaps a fact's
# citation for one whose excerpt lacks the statement's details: right, but not what these tests are about.
_SUPPORT = (" is not in any cited excerpt (", " is in no cited excerpt and is not the date of a cited source (")


def _problems(content: Path) -> list[str]:
    """The problems of the attacked content that the sourcing rules report, without the support check's."""
    with pytest.raises(ContentError) as caught:
        build_case(content)
    return [str(d) for d in caught.value.diagnostics if not any(marker in str(d) for marker in _SUPPORT)]


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


def test_registered_excerpt_with_a_two_word_part(content: Path) -> None:
    # each part between cuts counts, as verify-sources counts it on the live page
    _edit(content, ZOOM, "excerpts:\n", "excerpts:\n  - We support the U.S. Government [...] is valid.\n")
    assert _problems(content) == [
        f"content/{ZOOM}:11:5: excerpts[0]: excerpt has 2 words, under 3 (register the passage you rely on: at least "
        "3 words (or 6 CJK characters))"
    ]


def test_a_word_cut_in_half(content: Path) -> None:
    # "lawful conspiracy" is in "unlawful conspiracy" as characters, not as words
    _cite_in_custody_fact(content, "lawful conspiracy to transfer a means of identification")
    assert _problems(content) == [
        f"{EXCERPT_AT} does not appear verbatim in the stored text of 'doj-2020-12-18-release': it is there only "
        "inside longer words (it cuts a word at its start or end) (copy it exactly from the source and add it to "
        "that source's excerpts)"
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
        "government or company source) (cite the record itself with an excerpt from it, or make the fact reported "
        "and set attributed_to)"
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
        "content/sources/news-as-court.yml:4:7: type: a court source needs an official address: "
        "'www.example-news.com' is not a court's or government's host in content/official-hosts.yml (use the "
        "document's address on the court's or government's own site (a snapshot does not replace it), or set type to "
        "what the host is (press, ngo, academic, other))"
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
    (tmp_path / hosts.FILE_NAME).write_text(
        "- host: justice.gov\n  runs: government\n  reason: US Department of Justice\n"
    )
    official = hosts.load(tmp_path)
    assert official.diagnostics == ()
    assert official.match("https://justice.gov/x") and official.match("https://www.justice.gov/x")
    assert official.match("https://WWW.JUSTICE.GOV:443/x")
    assert not official.match("https://notjustice.gov/x") and not official.match("https://justice.gov.evil.example/")


def test_www_is_not_special(tmp_path: Path) -> None:
    (tmp_path / hosts.FILE_NAME).write_text(
        "- host: www.fbi.gov\n  runs: government\n  reason: Federal Bureau of Investigation\n"
    )
    official = hosts.load(tmp_path)
    assert official.match("https://www.fbi.gov/wanted") and not official.match("https://fbi.gov/wanted")


def test_a_missing_hosts_file_makes_no_host_official(tmp_path: Path) -> None:
    assert hosts.load(tmp_path).match("https://www.justice.gov/") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- host: justice.gov\n  runs: government\n  reason: US Department of Justice\n"
            "- host: justice.gov\n  runs: government\n  reason: again\n",
            "content/official-hosts.yml:4:9: [1].host: host 'justice.gov' is already listed (entry 0) (keep one of "
            "the two entries)",
        ),
        (
            "- host: gov\n  runs: government\n  reason: every government\n",
            "content/official-hosts.yml:1:9: [0].host: 'gov' is not a host name (write the bare lower-case host "
            "name, for example justice.gov (no https://, path or port))",
        ),
        (
            "- host: '*.gov'\n  runs: government\n  reason: every government\n",
            "content/official-hosts.yml:1:9: [0].host: '*.gov' is not a host name (write the bare lower-case host "
            "name, for example justice.gov (no https://, path or port))",
        ),
        (
            "- host: justice.gov\n  runs: government\n",
            "content/official-hosts.yml:1:3: [0].reason: required field is missing (write each entry as '- host: "
            "example.gov' with 'runs: government' and 'reason:' lines under it)",
        ),
        (
            "- host: justice.gov\n  runs: government\n  reason: US Department of Justice\n  trusted: yes\n",
            "content/official-hosts.yml:4:12: [0].trusted: unknown field 'trusted' (an entry has only 'host', 'runs' "
            "and 'reason')",
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
            SourceRef(i, server.add(f"/{i}", body=page), server.add(f"/{i}/archive", body=page), ("source says this",))
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


# ---------------------------------------------------------------- glossary tooltips (G8)

TERM = "- id: {id}\n  term: {term}\n  aliases:\n  - {alias}\n  definition: {definition}\n"


def _add_term(content: Path, term_id: str, term: str, alias: str, definition: str) -> None:
    with (content / "glossary.yml").open("a", encoding="utf-8") as glossary:
        glossary.write(TERM.format(id=term_id, term=term, alias=alias, definition=definition))


@pytest.mark.parametrize(
    ("term", "alias", "at"),
    [
        ("complaint", "CRIMINAL COMPLAINT", "7:5: aliases[0]"),  # an alias, in another case
        ("Criminal complaint", "charging document", "5:9: term"),  # a term's own name
    ],
)
def test_a_glossary_name_cannot_take_over_another_terms_tooltip(content: Path, term: str, alias: str, at: str) -> None:
    # every name becomes "*[name]: definition" on every page; the later one would win everywhere
    _add_term(content, "smear", term, alias, "A lie about a criminal charge.")
    assert _problems(content) == [
        f"content/glossary.yml:{at}: '{term if at.endswith('term') else alias}' is already the name or an alias of "
        "the term 'criminal-complaint' (names are compared ignoring case); on every page it would show this term's "
        "definition instead (remove it here, or merge the two terms into 'criminal-complaint')"
    ]


def test_one_terms_names_may_differ_in_case(content: Path) -> None:
    _add_term(content, "warrant", "Arrest warrant", "arrest warrant", "A court's order to arrest a person.")
    assert build_case(content)


@pytest.mark.parametrize(
    ("definition", "shown"),
    [
        ("'\"\"'", " (its text is '\"\"')"),  # Python-Markdown's abbr reads "" as: remove this abbreviation
        ("\"''\"", " (its text is \"''\")"),  # and '' too
        ("— …", " (its text is '— …')"),
        ("'[[source:doj-2020-12-18-release]]'", ""),  # a citation alone: the tooltip drops it
    ],
    ids=["double-quotes", "single-quotes", "punctuation", "citation-only"],
)
def test_a_definition_must_say_something(content: Path, definition: str, shown: str) -> None:
    _edit(
        content,
        "glossary.yml",
        "definition: A sworn written statement of the facts that a crime was committed, used to obtain an arrest "
        "warrant.",
        f"definition: {definition}",
    )
    assert _problems(content) == [
        f"content/glossary.yml:3:15: definition: definition has no words{shown} (define the term in a sentence of "
        "your own words)"
    ]


# ---------------------------------------------------------------- the online check reads "verbatim" as offline (G9)


@pytest.mark.parametrize(
    "excerpt",
    [
        "lawful conspiracy to harass users",  # a word cut in half: "unlawful"
        "an unlawful conspiracy to harass user",  # cut at the other end: "users"
        "an […] conspiracy […] users",  # parts of one word each
        "The complaint says [...] to harass",  # a part of two words
    ],
    ids=["word-start", "word-end", "one-word-parts", "two-word-part"],
)
def test_verify_sources_reads_verbatim_as_the_offline_rules(tmp_path: Path, excerpt: str) -> None:
    text = "The complaint says there was an unlawful conspiracy to harass users of the service."
    assert rules.misquote(excerpt, [rules.normalise(text)], "s") is not None  # the offline rules refuse it
    with LocalServer() as server:
        page = f"<html><body><p>{text}</p></body></html>"
        ref = SourceRef("s", server.add("/s", body=page), server.add("/s/archive", body=page), (excerpt,))
        code = drift.main([ref], out_dir=tmp_path / "out", cache_file=tmp_path / "c.json", delay=0.0, quiet=True)
    report = json.loads((tmp_path / "out" / drift.REPORT_JSON).read_text(encoding="utf-8"))
    assert code == 1 and report["sources"][0]["status"] == "changed"


def test_verify_sources_finds_what_the_offline_rules_accept(tmp_path: Path) -> None:
    text = "The complaint says there was an unlawful conspiracy to harass users of the service."
    excerpts = ("an unlawful conspiracy to harass users", "The complaint says […] harass users of")
    assert all(rules.verbatim(e, [rules.normalise(text)]) for e in excerpts)
    with LocalServer() as server:
        page = f"<html><body><p>{text}</p></body></html>"
        ref = SourceRef("s", server.add("/s", body=page), server.add("/s/archive", body=page), excerpts)
        code = drift.main([ref], out_dir=tmp_path / "out", cache_file=tmp_path / "c.json", delay=0.0, quiet=True)
    assert code == 0


# ---------------------------------------------------------------- hosts and what vouches for a source (G10)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example%2f.justice.gov/opa/pr/x",  # urlsplit keeps %2f in the host; browsers refuse it
        "https://evil.example%2F.justice.gov/opa/pr/x",
        "https://evil_example.justice.gov/opa/pr/x",
        "https://-evil.justice.gov/opa/pr/x",
        "https://evil-.justice.gov/opa/pr/x",
        "https://evil..justice.gov/opa/pr/x",
        "https://www.justice.gov./opa/pr/x",
    ],
)
def test_a_url_host_a_browser_would_refuse_is_refused(content: Path, url: str) -> None:
    _edit(
        content,
        DOJ,
        "url: https://www.justice.gov/opa/pr/china-based-executive-us-telecommunications-company-charged-disrupting-"
        "video-meetings",
        f"url: {url}",
    )
    host = url.split("/")[2].lower()
    assert _problems(content) == [
        f"content/{DOJ}:6:6: url: '{host}' is not a host name (write the host in letters, digits, dots and hyphens "
        "(no empty part, no part starting or ending with '-', no %-escapes); write an international name in punycode "
        "(xn--…))"
    ]


def test_punycode_and_capitals_are_host_names(content: Path) -> None:
    _edit(content, DOJ, "url: https://www.justice.gov/", "url: https://XN--VIL-BMA.WWW.Justice.gov/")
    assert build_case(content)


SNAPSHOT = "We support the U.S. Government’s commitment to protect American interests from foreign influence.\n"


def _press_source_with_snapshot(content: Path, source_id: str, source_type: str) -> None:
    """A press article moved to a host of its own, given a contributor-written 'public-domain' snapshot."""
    (content / "sources" / "snapshots").mkdir(exist_ok=True)
    (content / "sources" / "snapshots" / f"{source_id}.txt").write_text(SNAPSHOT, encoding="utf-8")
    digest = hashlib.sha256(SNAPSHOT.encode()).hexdigest()
    text = (
        (content / ZOOM)
        .read_text(encoding="utf-8")
        .replace("id: zoom-2020-12-18-perspective", f"id: {source_id}")
        .replace("type: company", f"type: {source_type}")
        .replace("https://www.sec.gov/", "https://evil.example/")
        .replace("license: copyrighted", "license: public-domain")
        .replace(
            "excerpts:\n", f'snapshot:\n  file: sources/snapshots/{source_id}.txt\n  sha256: "{digest}"\nexcerpts:\n'
        )
    )
    (content / "sources" / f"{source_id}.yml").write_text(text, encoding="utf-8")
    _edit(content, "facts/complaint-unsealed.yml", "source: doj-2020-12-18-release", f"source: {source_id}")
    _edit(
        content,
        "facts/complaint-unsealed.yml",
        "excerpt: A complaint and arrest warrant were unsealed today in federal court in Brooklyn",
        "excerpt: protect American interests from foreign influence",
    )


def test_a_snapshot_does_not_make_a_press_article_a_court_record(content: Path) -> None:
    _press_source_with_snapshot(content, "news-as-court", "court")
    assert _problems(content) == [
        "content/sources/news-as-court.yml:4:7: type: a court source needs an official address: 'evil.example' is not "
        "a court's or government's host in content/official-hosts.yml (use the document's address on the court's or "
        "government's own site (a snapshot does not replace it), or set type to what the host is (press, ngo, "
        "academic, other))"
    ]


def test_a_snapshot_does_not_make_a_press_article_a_primary_record(content: Path) -> None:
    _press_source_with_snapshot(content, "news-snapshot", "press")
    assert _problems(content) == [
        "content/sources/news-snapshot.yml:11:3: snapshot: a press source may not store a snapshot: only court and "
        "government documents are stored (remove the snapshot and register short excerpts instead)",
        "content/facts/complaint-unsealed.yml:10:3: sources: an established fact must cite a primary record (a court, "
        "government or company source) (cite the record itself with an excerpt from it, or make the fact reported "
        "and set attributed_to)",
    ]


def test_a_press_article_labelled_company_is_not_a_primary_record(content: Path) -> None:
    press = (content / ZOOM).read_text(encoding="utf-8")
    press = press.replace("id: zoom-2020-12-18-perspective", "id: news-as-company").replace(
        "https://www.sec.gov/", "https://www.example-news.com/"
    )
    (content / "sources/news-as-company.yml").write_text(press, encoding="utf-8")
    _edit(content, "facts/complaint-unsealed.yml", "source: doj-2020-12-18-release", "source: news-as-company")
    _edit(
        content,
        "facts/complaint-unsealed.yml",
        "excerpt: A complaint and arrest warrant were unsealed today in federal court in Brooklyn",
        "excerpt: protect American interests from foreign influence",
    )
    assert _problems(content) == [
        "content/sources/news-as-company.yml:4:7: type: a company source needs the company's own address or an "
        "official filing: 'www.example-news.com' is not in content/official-hosts.yml (cite the company's own page "
        "or its filing on sec.gov (a new company domain is added to content/official-hosts.yml with a maintainer's "
        "review), or set type to what the host is (press, blog, other))"
    ]


def test_a_company_host_never_vouches_for_a_government_record(content: Path) -> None:
    with (content / "official-hosts.yml").open("a", encoding="utf-8") as listed:
        listed.write("- host: example-company.com\n  runs: company\n  reason: Example Company, Inc.\n")
    _edit(content, DOJ, "url: https://www.justice.gov/", "url: https://www.example-company.com/")
    problems = _problems(content)
    assert (
        len(problems) == 1
        and "type: a government source needs an official address: 'www.example-company.com'" in (problems[0])
    )
    _edit(content, DOJ, "type: government", "type: company")
    _edit(content, DOJ, "license: public-domain", "license: copyrighted")
    assert build_case(content)  # as the company's own record, it is a primary record


def test_a_host_entry_says_who_runs_it(content: Path) -> None:
    (content / "official-hosts.yml").write_text(
        "- host: justice.gov\n  runs: anyone\n  reason: US Department of Justice\n", encoding="utf-8"
    )
    assert (
        "content/official-hosts.yml:2:9: [0].runs: Input should be 'court', 'government' or 'company' (write court, "
        "government or company: who runs the host)"
    ) in _problems(content)


REPO = Path(__file__).parent.parent
PROTECTED = (
    "/content/official-hosts.yml",
    "/content/sources/snapshots/",
    "/scripts/",
    "/mkdocs.yml",
    "/.github/",
    "/.ci/",
)


def test_the_trusted_files_need_a_maintainers_review() -> None:
    owners: dict[str, list[str]] = {}
    for line in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *handles = line.split()
            owners[pattern] = handles
    for path in PROTECTED:
        assert owners.get(path) == ["@casebook-project/maintainers"], path
    contributing = " ".join((REPO / ".github" / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert "needs a maintainer's review" in contributing
