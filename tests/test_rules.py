"""Sourcing rules: each one breaks on a small change to otherwise valid content."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core import rules
from casebook.core.errors import ContentError
from casebook.core.validate import build_case


def _edit(content: Path, rel: str, old: str, new: str) -> None:
    path = content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(content: Path) -> str:
    with pytest.raises(ContentError) as caught:
        build_case(content)
    return str(caught.value)


def test_seed_is_valid(content: Path) -> None:
    assert len(build_case(content).of_kind("fact")) == 3


def test_excerpt_must_be_verbatim(content: Path) -> None:
    _edit(
        content,
        "facts/jin-not-in-custody.yml",
        "excerpt: Jin is not in U.S. custody.",
        "excerpt: Jin is not in custody.",
    )
    assert (
        "content/facts/jin-not-in-custody.yml:10:14: sources[0].excerpt: excerpt does not appear verbatim in the "
        "stored text of 'doj-2020-12-18-release'"
    ) in _errors(content)


def test_typography_and_whitespace_do_not_count(content: Path) -> None:
    _edit(
        content,
        "facts/complaint-unsealed.yml",
        "excerpt: A complaint and arrest warrant were unsealed today in federal court in Brooklyn",
        'excerpt: "A complaint   and arrest warrant\\u00a0were unsealed today in federal court in Brooklyn"',
    )
    assert build_case(content)


def test_quote_must_be_verbatim_but_may_mark_cuts(content: Path) -> None:
    _edit(
        content,
        "quotes.yml",
        "text: We support the U.S. Government’s commitment to protect American interests",
        "text: We support the U.S. Government's […] American interests",
    )
    assert build_case(content)
    _edit(content, "quotes.yml", "American interests", "American values")
    assert "content/quotes.yml:4:9: text: quote does not appear verbatim" in _errors(content)


def test_alleged_fact_needs_an_official_source(content: Path) -> None:
    _edit(content, "facts/zoom-cooperating.yml", "status: reported", "status: alleged")
    assert (
        "content/facts/zoom-cooperating.yml:9:3: sources: an alleged fact must quote the charging document or an "
        "official announcement of it (add a citation of a court or government source, with an excerpt copied from it)"
    ) in _errors(content)


def test_every_source_is_cited(content: Path) -> None:
    (content / "sources/orphan.yml").write_text(
        (content / "sources/zoom-2020-12-18-perspective.yml")
        .read_text()
        .replace("id: zoom-2020-12-18-perspective", "id: orphan"),
        encoding="utf-8",
    )
    assert "content/sources/orphan.yml:1:5: id: source 'orphan' is not cited by any record" in _errors(content)


def test_fact_cannot_predate_its_source(content: Path) -> None:
    _edit(content, "facts/zoom-cooperating.yml", 'date: "2020-12-18"', 'date: "2021-01"')
    assert (
        "content/facts/zoom-cooperating.yml:4:7: date: fact dated 2021-01 cites 'zoom-2020-12-18-perspective', "
        "published 2020-12-18, before the fact"
    ) in _errors(content)


def test_event_facts_fall_on_its_date(content: Path) -> None:
    _edit(content, "timeline.yml", 'date: "2020-12-18"', 'date: "2020-12-17"')
    assert (
        "content/timeline.yml:5:11: facts[0]: fact 'complaint-unsealed' is dated 2020-12-18, not on the event's "
        "date 2020-12-17"
    ) in _errors(content)


def test_copyrighted_excerpts_are_short(content: Path) -> None:
    long = " ".join(["word"] * 51)
    _edit(content, "sources/zoom-2020-12-18-perspective.yml", "excerpts:\n", f"excerpts:\n  - {long}\n")
    assert "excerpts[0]: excerpt of a copyrighted source has 51 words, over 50" in _errors(content)


def test_snapshot_is_public_domain_and_checksummed(content: Path) -> None:
    snapshots = content / "sources" / "snapshots"
    snapshots.mkdir()
    text = "A complaint and arrest warrant were unsealed today in federal court in Brooklyn.\n"
    (snapshots / "doj-2020-12-18-release.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    _edit(
        content,
        "sources/doj-2020-12-18-release.yml",
        "excerpts:\n",
        f"snapshot:\n  file: sources/snapshots/doj-2020-12-18-release.txt\n  sha256: {digest}\nexcerpts:\n",
    )
    assert build_case(content)
    (snapshots / "doj-2020-12-18-release.txt").write_text(text + "changed\n", encoding="utf-8")
    assert "snapshot.sha256: snapshot changed: its sha256 is" in _errors(content)


def test_lesson_minutes_add_up(content: Path) -> None:
    _edit(content, "lessons/reading-a-complaint.yml", "  - minutes: 30", "  - minutes: 20")
    assert (
        "content/lessons/reading-a-complaint.yml:12:3: sequence: the sequence adds up to 35 minutes, but the "
        "lesson is 45 minutes"
    ) in _errors(content)


def test_objectives_start_with_an_action_verb(content: Path) -> None:
    _edit(
        content,
        "lessons/reading-a-complaint.yml",
        "text: Distinguish an allegation",
        "text: Students see an allegation",
    )
    assert "objective should start with an action verb, not 'students'" in _errors(content)


# ---------------------------------------------------------------- one mutation per registered rule

DOJ = "sources/doj-2020-12-18-release.yml"
ZOOM = "sources/zoom-2020-12-18-perspective.yml"
SNAPSHOT_TEXT = "Jin is not in U.S. custody.\n"
LAW = """id: test-law
title: A test law
jurisdiction: us
type: statute
citation: 18 U.S.C. 0
summary: A law for the test.
relevance: It is quoted.
provisions:
  - ref: Section 1
    text: Jin is not in U.S. custody.
    form: quote
    source: doj-2020-12-18-release
sources: [doj-2020-12-18-release]
"""


def _add_snapshot(content: Path, rel: str, text: str | None, sha256: str | None = None) -> None:
    """Give the source at ``rel`` a snapshot; write its file unless ``text`` is None."""
    name = Path(rel).stem
    if text is not None:
        (content / "sources" / "snapshots").mkdir(exist_ok=True)
        (content / "sources" / "snapshots" / f"{name}.txt").write_text(text, encoding="utf-8")
    digest = sha256 or hashlib.sha256((text or "").encode()).hexdigest()
    _edit(
        content,
        rel,
        "excerpts:\n",
        f'snapshot:\n  file: sources/snapshots/{name}.txt\n  sha256: "{digest}"\nexcerpts:\n',
    )


def _orphan_source(content: Path) -> None:
    text = (content / ZOOM).read_text(encoding="utf-8")
    (content / "sources/orphan.yml").write_text(text.replace(f"id: {Path(ZOOM).stem}", "id: orphan"), encoding="utf-8")


def _misquoted_law(content: Path) -> None:
    (content / "laws").mkdir(exist_ok=True)
    (content / "laws/test-law.yml").write_text(LAW.replace("Jin is not in U.S. custody.", "Jin is in custody."))


VERSIONS = """versions:
  - id: '2019'
    label: 2019 text
    sources: [doj-2020-12-18-release]
"""


def _versioned_law(content: Path, versions: str = VERSIONS, *, version: str | None = None, extra: str = "") -> None:
    """The test law with ``versions`` (and ``extra`` top-level fields), its provision naming ``version``."""
    (content / "laws").mkdir(exist_ok=True)
    text = LAW.replace("provisions:\n", versions + extra + "provisions:\n")
    if version is not None:
        text = text.replace("    form: quote\n", f"    form: quote\n    version: '{version}'\n")
    (content / "laws/test-law.yml").write_text(text, encoding="utf-8")


def _bad_official_host(content: Path) -> None:
    with (content / "official-hosts.yml").open("a", encoding="utf-8") as hosts:
        hosts.write("- host: https://www.fbi.gov/\n  runs: government\n  reason: Federal Bureau of Investigation\n")


def _copyrighted_snapshot(content: Path) -> None:
    _edit(content, DOJ, "license: public-domain", "license: copyrighted")
    _add_snapshot(content, DOJ, SNAPSHOT_TEXT)


def _company_snapshot(content: Path) -> None:
    _edit(content, ZOOM, "license: copyrighted", "license: public-domain")
    _add_snapshot(content, ZOOM, SNAPSHOT_TEXT)


GLOSSARY_TERM = """- id: complaint
  term: complaint
  aliases:
  - Criminal Complaint
  definition: A charging document.
"""


def _add_term(content: Path, text: str) -> None:
    with (content / "glossary.yml").open("a", encoding="utf-8") as glossary:
        glossary.write(text)


def _too_many_copyrighted_words(content: Path) -> None:
    excerpts = "".join(f"  - {' '.join(f'w{i}x{j}' for j in range(45))}\n" for i in range(3))
    _edit(content, ZOOM, "excerpts:\n", f"excerpts:\n{excerpts}")


DIAGRAM_UNKNOWN_FACT = """- id: chain
  type: flow
  title: Who asked whom
  page: case/index.md
  tiers:
  - label: The liaison
    nodes:
    - record: complaint-unsealed
  - label: The company
    nodes:
    - record: zoom-cooperating
  arrows:
  - from: complaint-unsealed
    to: zoom-cooperating
    fact: jin-not-in-custdy
"""


def _diagram_with_an_unknown_fact(content: Path) -> None:
    (content / "diagrams.yml").write_text(DIAGRAM_UNKNOWN_FACT, encoding="utf-8")


MUTATIONS = [
    pytest.param(
        _bad_official_host,
        "content/official-hosts.yml:8:9: [2].host: 'https://www.fbi.gov/' is not a host name (write the bare "
        "lower-case host name, for example justice.gov (no https://, path or port))",
        id="official_hosts_file_is_valid",
    ),
    pytest.param(
        _copyrighted_snapshot,
        f"content/{DOJ}:12:3: snapshot: only public-domain documents may be stored as snapshots (remove the "
        "snapshot and register short excerpts instead)",
        id="snapshots_are_public_domain",
    ),
    pytest.param(
        _company_snapshot,
        f"content/{ZOOM}:11:3: snapshot: a company source may not store a snapshot: only court and government "
        "documents are stored (remove the snapshot and register short excerpts instead)",
        id="snapshots_are_official_documents",
    ),
    pytest.param(
        lambda c: _add_snapshot(c, DOJ, None),
        f"content/{DOJ}:12:9: snapshot.file: snapshot file content/sources/snapshots/doj-2020-12-18-release.txt "
        "is missing (add the file or fix the path)",
        id="snapshot_file_exists",
    ),
    pytest.param(
        lambda c: _add_snapshot(c, DOJ, SNAPSHOT_TEXT, sha256="0" * 64),
        f"content/{DOJ}:13:11: snapshot.sha256: snapshot changed: its sha256 is "
        f"{hashlib.sha256(SNAPSHOT_TEXT.encode()).hexdigest()} (if the change is intended, record the new sha256)",
        id="snapshot_hash_matches",
    ),
    pytest.param(
        lambda c: _edit(c, ZOOM, "excerpts:\n", "excerpts:\n  - " + " ".join(["word"] * 51) + "\n"),
        f"content/{ZOOM}:11:5: excerpts[0]: excerpt of a copyrighted source has 51 words, over 50 (quote less: keep "
        "the words that support the fact)",
        id="excerpt_word_limit",
    ),
    pytest.param(
        lambda c: _edit(c, ZOOM, "excerpts:\n", "excerpts:\n  - Zoom said\n"),
        f"content/{ZOOM}:11:5: excerpts[0]: excerpt has 2 words, under 3 (register the passage you rely on: at "
        "least 3 words (or 6 CJK characters))",
        id="excerpts_are_long_enough",
    ),
    pytest.param(
        _too_many_copyrighted_words,
        f"content/{ZOOM}:11:3: excerpts: the excerpts of a copyrighted source add up to 162 words, over 150 (keep "
        "only the passages that records cite, and only the words that support them)",
        id="copyrighted_words_are_capped",
    ),
    pytest.param(
        lambda c: _edit(
            c, DOJ, "url: https://www.justice.gov/", "url: https://web.archive.org/web/https://www.justice.gov/"
        ),
        f"content/{DOJ}:4:7: type: a government source needs an official address: 'web.archive.org' is not a "
        "court's or government's host in content/official-hosts.yml (use the document's address on the court's or "
        "government's own site (a snapshot does not replace it), or set type to what the host is (press, ngo, "
        "academic, other))",
        id="official_types_need_official_hosts",
    ),
    pytest.param(
        lambda c: _edit(c, ZOOM, "url: https://www.sec.gov/", "url: https://www.example-news.com/"),
        f"content/{ZOOM}:4:7: type: a company source needs the company's own address or an official filing: "
        "'www.example-news.com' is not in content/official-hosts.yml (cite the company's own page or its filing on "
        "sec.gov (a new company domain is added to content/official-hosts.yml with a maintainer's review), or set "
        "type to what the host is (press, blog, other))",
        id="company_sources_need_listed_hosts",
    ),
    pytest.param(
        _orphan_source,
        "content/sources/orphan.yml:1:5: id: source 'orphan' is not cited by any record (cite it from a fact, quote "
        "or other record, or delete the file)",
        id="every_source_is_cited",
    ),
    pytest.param(
        lambda c: _edit(c, DOJ, "type: government", "type: press"),
        "content/facts/complaint-unsealed.yml:10:3: sources: an established fact must cite a primary record (a court, "
        "government or company source) (cite the record itself with an excerpt from it, or make the fact reported "
        "and set attributed_to)",
        id="established_facts_cite_primary_records",
    ),
    pytest.param(
        lambda c: _edit(c, "facts/zoom-cooperating.yml", "status: reported", "status: alleged"),
        "content/facts/zoom-cooperating.yml:9:3: sources: an alleged fact must quote the charging document or an "
        "official announcement of it (add a citation of a court or government source, with an excerpt copied from it)",
        id="alleged_facts_cite_official_sources",
    ),
    pytest.param(
        lambda c: _edit(c, "facts/zoom-cooperating.yml", "attributed_to: [zoom]\n", ""),
        "content/facts/zoom-cooperating.yml:3:9: status: a reported fact must say who reported it (add "
        "attributed_to: [the person or organisation that reported it])",
        id="reported_facts_are_attributed",
    ),
    pytest.param(
        lambda c: _edit(c, "facts/jin-not-in-custody.yml", 'date: "2020-12-18"', 'date: "2021-01"'),
        "content/facts/jin-not-in-custody.yml:4:7: date: fact dated 2021-01 cites 'doj-2020-12-18-release', "
        "published 2020-12-18, before the fact (check the date, or cite a later source)",
        id="facts_not_dated_after_their_sources",
    ),
    pytest.param(
        lambda c: _edit(c, "facts/jin-not-in-custody.yml", "U.S. custody", "custody"),
        "content/facts/jin-not-in-custody.yml:10:14: sources[0].excerpt: excerpt does not appear verbatim in the "
        "stored text of 'doj-2020-12-18-release': it matches as far as 'Jin is not in', then the source has "
        "'U.S. custody.' where this has 'custody.' (copy it exactly from the source and add it to that source's "
        "excerpts)",
        id="excerpts_are_verbatim",
    ),
    pytest.param(
        lambda c: _edit(c, "quotes.yml", "American interests", "American values"),
        "content/quotes.yml:4:9: text: quote does not appear verbatim in the stored text of "
        "'zoom-2020-12-18-perspective': it matches as far as '…U.S. Government's commitment to protect American', "
        "then the source has 'interests from foreign influence. As the…' where this has 'values from foreign "
        "influence.' (copy it exactly, mark cuts with […], and register it as an excerpt)",
        id="quotes_are_verbatim",
    ),
    pytest.param(
        lambda c: _edit(c, "quotes.yml", 'said: "2020-12-18"', 'said: "2021"'),
        "content/quotes.yml:5:9: said: quote dated 2021 is later than its source (2020-12-18) (check the date)",
        id="quotes_not_dated_after_their_sources",
    ),
    pytest.param(
        _misquoted_law,
        "content/laws/test-law.yml:10:11: provisions[0].text: quoted provision does not appear verbatim in the "
        "stored text of 'doj-2020-12-18-release': its first 3 words are not in it (copy it exactly into that "
        "source's excerpts, or mark it form: paraphrase)",
        id="quoted_provisions_are_verbatim",
    ),
    pytest.param(
        lambda c: _versioned_law(c, VERSIONS.replace("    sources:", "    superseded_by: '2021'\n    sources:")),
        "content/laws/test-law.yml:11:20: versions[0].superseded_by: version '2021' is not a version of this law "
        "(its versions: '2019') (did you mean '2019'? use one of its version ids, or add the version under versions)",
        id="law_versions_are_consistent",
    ),
    pytest.param(
        lambda c: _versioned_law(c, version="2020"),
        "content/laws/test-law.yml:16:14: provisions[0].version: version '2020' is not a version of this law (its "
        "versions: '2019') (use one of its version ids, or add the version under versions)",
        id="provisions_name_versions_of_their_law",
    ),
    pytest.param(
        lambda c: _versioned_law(c, version="2019", extra="versions_checked: '2021-01-01'\n"),
        "content/laws/test-law.yml:12:19: versions_checked: versions checked on 2021-01-01, after the newest source "
        "of this law's versions ('doj-2020-12-18-release', published 2020-12-18) (set versions_checked to 2020-12-18 "
        "or earlier, or cite a newer source that shows which version is in force)",
        id="versions_checked_not_after_their_sources",
    ),
    pytest.param(
        lambda c: (
            _edit(c, "timeline.yml", 'date: "2020-12-18"', 'date: "2020-12-19"'),
            _edit(c, "timeline.yml", "facts: [complaint-unsealed, zoom-cooperating]", "facts: [complaint-unsealed]"),
        ),
        "content/timeline.yml:5:11: facts[0]: fact 'complaint-unsealed' is dated 2020-12-18, not on the event's "
        "date 2020-12-19 (link a fact about this date, or correct a date)",
        id="event_facts_on_event_date",
    ),
    pytest.param(
        lambda c: _edit(c, "lessons/reading-a-complaint.yml", "  - minutes: 30", "  - minutes: 20"),
        "content/lessons/reading-a-complaint.yml:12:3: sequence: the sequence adds up to 35 minutes, but the "
        "lesson is 45 minutes (make the step minutes add up to 'minutes')",
        id="lesson_sequence_adds_up",
    ),
    pytest.param(
        lambda c: _add_term(c, GLOSSARY_TERM),
        "content/glossary.yml:7:5: aliases[0]: 'Criminal Complaint' is already the name or an alias of the term "
        "'criminal-complaint' (names are compared ignoring case); on every page it would show this term's "
        "definition instead (remove it here, or merge the two terms into 'criminal-complaint')",
        id="glossary_names_are_unique",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "glossary.yml",
            "definition: A sworn written statement of the facts that a crime was committed, used to obtain an "
            "arrest warrant.",
            "definition: '\"\"'",
        ),
        "content/glossary.yml:3:15: definition: definition has no words (its text is '\"\"') (define the term in "
        "a sentence of your own words)",
        id="glossary_definitions_say_something",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "facts/zoom-cooperating.yml",
            "statement: Zoom said it had been fully cooperating with the Justice Department.",
            "statement: Zoom has been fully cooperating. Jin was arrested at home [[fact:jin-not-in-custody]].",
        ),
        "content/facts/zoom-cooperating.yml:2:12: statement: states as fact what the record does not show ('Jin "
        'was arrested at home [[fact:jin-not-in-custody]].\') (attribute it ("prosecutors allege…", "X '
        'reported…") or state what the record shows (he was charged))',
        id="claims_are_worded_as_the_record_allows",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "facts/zoom-cooperating.yml",
            "statement: Zoom said it had been fully cooperating with the Justice Department.",
            "statement: Zoom said it had been fully cooperating with the Justice Department since 2019.",
        ),
        "content/facts/zoom-cooperating.yml:2:12: statement: the number '2019' is not in any cited excerpt (cite a "
        "source whose excerpt says it, add it to an excerpt if the source says it, or drop it)",
        id="fact_details_are_in_their_excerpts",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "quotes.yml",
            "context: Zoom's first statement on the day the complaint was unsealed.",
            "context: Zoom's first statement, made from San Jose on the day the complaint was unsealed.",
        ),
        "content/quotes.yml:6:12: context: the name 'San Jose' is not in any cited excerpt (cite a source whose "
        "excerpt says it, add it to an excerpt if the source says it, or drop it)",
        id="quote_contexts_are_in_their_sources",
    ),
    pytest.param(
        lambda c: _edit(c, "timeline.yml", "is unsealed in Brooklyn", "is unsealed in Manhattan"),
        "content/timeline.yml:4:12: summary: the name 'Manhattan' is not in any cited excerpt (cite a source whose "
        "excerpt says it, add it to an excerpt if the source says it, or drop it)",
        id="event_summaries_are_in_their_facts",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "organisations.yml",
            "The US video-conferencing company",
            "The US video-conferencing company, based in San Jose,",
        ),
        "content/organisations.yml:4:12: summary: the name 'San Jose' is not in any cited excerpt (cite a source "
        "whose excerpt says it, add it to an excerpt if the source says it, or drop it)",
        id="people_and_organisations_are_described_by_their_sources",
    ),
    pytest.param(
        lambda c: _edit(c, "people.yml", "as of\n    December 2020 he had not been tried.", "he remains at large."),
        "content/people.yml:4:12: summary: states a present status without saying when it held ('The charges are "
        'allegations; he remains at large.\') (say when it held: "as of <Month Year>, the latest source found, …" '
        "(the date of the newest source that supports it), or put it in a fact with as_of)",
        id="present_status_is_dated",
    ),
    pytest.param(
        lambda c: _edit(c, "case.yml", 'as_of: "2020-12-18"', 'as_of: "2026-11-28"'),
        "content/case.yml:13:8: as_of: as_of 2026-11-28 is later than the newest source the status cites "
        "(2020-12-18) (set as_of to 2020-12-18 (the status holds as of its latest source); record when you last "
        "looked for newer sources in checked)",
        id="as_of_not_after_its_sources",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "case.yml",
            "employee of a US video-conferencing company [[fact:complaint-unsealed]].",
            # two blank lines: a folded (>-) text keeps one of them, which ends the paragraph
            "employee of a US video-conferencing company [[fact:complaint-unsealed]].\n\n\n  He was the company's "
            "liaison to the police of his country, prosecutors say.",
        ),
        "content/case.yml:7:10: summary: this paragraph cites nothing ('He was the company's liaison to the police…') "
        "(line 3 of the text) (cite the record or source each paragraph rests on with [[fact:id]], "
        "[[law:id]] or [[source:id]])",
        id="unsourced_texts_cite_each_paragraph",
    ),
    pytest.param(
        lambda c: _edit(
            c,
            "case.yml",
            "in federal court in Brooklyn [[fact:complaint-unsealed]]",
            "in Queens [[fact:complaint-unsealed]]",
        ),
        "content/case.yml:19:11: at_a_glance[0].text: the name 'Queens' is not in any cited excerpt (cite a source "
        "whose excerpt says it, add it to an excerpt if the source says it, or drop it)",
        id="glance_items_are_cited_and_supported",
    ),
    pytest.param(
        lambda c: _edit(
            c, "case.yml", "at_a_glance:", "allegations:\n  - allegation: complaint-unsealed\nat_a_glance:"
        ),
        "content/case.yml:18:17: allegations[0].allegation: 'complaint-unsealed' is established, not alleged: a row "
        "starts from what prosecutors allege (point to a fact with status: alleged, or move this fact to the row's "
        "record or company list)",
        id="allegation_rows_pair_the_right_facts",
    ),
    pytest.param(
        _diagram_with_an_unknown_fact,
        "content/diagrams.yml:15:11: [0].arrows[0].fact: unknown fact 'jin-not-in-custdy' "
        "(did you mean 'jin-not-in-custody'?)",
        id="diagrams_rest_on_records",
    ),
]


def test_every_rule_has_a_mutation() -> None:
    assert [p.id for p in MUTATIONS] == [r.__name__ for r in rules.RULES]


@pytest.mark.parametrize(("mutate", "expected"), MUTATIONS)
def test_each_rule_fails_alone(
    content: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    mutate: Callable[[Path], None],
    expected: str,
) -> None:
    """The mutation breaks exactly this rule: one located message, gone when the rule is left out."""
    mutate(content)
    with pytest.raises(ContentError) as caught:
        build_case(content)
    assert [str(d) for d in caught.value.diagnostics] == [expected]
    name = request.node.callspec.id
    monkeypatch.setattr(rules, "RULES", [r for r in rules.RULES if r.__name__ != name])
    assert build_case(content)


def test_a_quoted_provision_may_be_verbatim(content: Path) -> None:
    (content / "laws").mkdir()
    (content / "laws/test-law.yml").write_text(LAW, encoding="utf-8")
    assert build_case(content).get("test-law")


def test_a_public_domain_snapshot_with_its_sha256_is_stored_text(content: Path) -> None:
    _add_snapshot(content, DOJ, SNAPSHOT_TEXT + "Other words of the release.\n")
    _edit(content, "facts/jin-not-in-custody.yml", "Jin is not in U.S. custody.", "Other words of the release.")
    assert build_case(content)


def test_every_rule_says_what_it_checks() -> None:
    assert rules.RULES, "no rules registered"
    for each in rules.RULES:
        assert each.__doc__ and each.__doc__.strip(), f"{each.__name__} has no docstring"
    assert len({r.__name__ for r in rules.RULES}) == len(rules.RULES)
    assert rules.check.__doc__


def test_check_runs_the_rules_in_registry_order(content: Path) -> None:
    _edit(content, "facts/zoom-cooperating.yml", "attributed_to: [zoom]\n", "")
    _edit(content, "quotes.yml", "American interests", "American values")
    with pytest.raises(ContentError) as caught:
        build_case(content)
    got = [d.problem for d in caught.value.diagnostics]
    assert len(got) == 2
    assert got[0] == "a reported fact must say who reported it"  # reported_facts_are_attributed
    assert got[1].startswith("quote does not appear verbatim")  # quotes_are_verbatim, registered later


# ---------------------------------------------------------------- versions of laws

TWO_VERSIONS = """versions:
  - id: '2014'
    label: 2014 text
    in_force: '2014-11-01'
    superseded: '2023-07-01'
    superseded_by: '2023'
  - id: '2023'
    label: 2023 revised text
    in_force: '2023-07-01'
    sources: [doj-2020-12-18-release]
"""


def test_a_versioned_law_is_valid_and_knows_its_version_in_force(content: Path) -> None:
    _versioned_law(content, TWO_VERSIONS, version="2014", extra="versions_checked: '2020-12-18'\n")
    law = build_case(content).get_as("test-law", rules.Law)
    assert law.current_version is not None and law.current_version.id == "2023"
    assert law.in_force == "2023-07-01"
    assert [v.current for v in law.versions] == [False, True]
    assert law.version("2014") is law.versions[0] and law.version("1993") is None


def test_a_provision_naming_an_unknown_version_fails_with_its_line_and_the_valid_ids(content: Path) -> None:
    _versioned_law(content, TWO_VERSIONS, version="2015")
    assert (
        "content/laws/test-law.yml:22:14: provisions[0].version: version '2015' is not a version of this law (its "
        "versions: '2014', '2023') (did you mean '2014'? use one of its version ids, or add the version under versions)"
    ) in _errors(content)


def test_a_provision_of_a_law_without_versions_cannot_name_one(content: Path) -> None:
    _versioned_law(content, "", version="2014")
    assert (
        "content/laws/test-law.yml:12:14: provisions[0].version: version '2014' is not a version of this law: it "
        "lists no versions (add the version under versions (id, label, its dates and sources), or remove the version)"
    ) in _errors(content)


def test_versions_checked_may_not_be_later_than_the_newest_source(content: Path) -> None:
    _versioned_law(content, TWO_VERSIONS, extra="versions_checked: '2020-12-18'\n")
    assert build_case(content)
    _versioned_law(content, TWO_VERSIONS, extra="versions_checked: '2020-12-19'\n")
    assert "versions_checked: versions checked on 2020-12-19, after the newest source" in _errors(content)
    unsourced = TWO_VERSIONS.replace("    sources: [doj-2020-12-18-release]\n", "")
    _versioned_law(content, unsourced, extra="versions_checked: '2020-12-18'\n")
    assert "versions_checked: versions_checked needs a source: no version of this law cites one" in _errors(content)


def test_two_versions_in_force_and_a_self_successor_are_refused(content: Path) -> None:
    _versioned_law(content, TWO_VERSIONS.replace("    superseded: '2023-07-01'\n    superseded_by: '2023'\n", ""))
    assert (
        "versions[1]: versions '2014' and '2023' are both in force: neither names the version that replaced it"
    ) in _errors(content)
    _versioned_law(content, TWO_VERSIONS.replace("superseded_by: '2023'", "superseded_by: '2014'"))
    assert "versions[0].superseded_by: version '2014' cannot supersede itself" in _errors(content)
    _versioned_law(content, TWO_VERSIONS.replace("superseded: '2023-07-01'", "superseded: '2013-07-01'"))
    assert "versions[0].superseded: version '2014' is superseded on 2013-07-01, before it came into force" in _errors(
        content
    )


def test_a_renumbered_provision_names_a_version_of_its_law(content: Path) -> None:
    _versioned_law(content, TWO_VERSIONS, version="2014")
    path = content / "laws/test-law.yml"
    path.write_text(
        path.read_text().replace("    source: doj", "    renumbered: {version: '2024', ref: Art. 39}\n    source: doj")
    )
    assert "provisions[0].renumbered.version: version '2024' is not a version of this law" in _errors(content)


def test_a_law_written_with_the_old_date_fields_is_pointed_to_versions(content: Path) -> None:
    (content / "laws").mkdir()
    (content / "laws/test-law.yml").write_text(LAW.replace("provisions:", "in_force: '2014-11-01'\nprovisions:"))
    assert "in_force: unknown field 'in_force' (did you mean 'versions'?" in _errors(content)
