"""Pages that stay small as content grows: facts on a page per topic, sources on a page per kind,
/case/facts/ and /sources/ as their indexes, keeping an anchor stub for every record that moved
(educators linked /case/facts/#<fact-id> and /sources/#<source-id> before the split)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from casebook.core.book import Casebook
from casebook.core.model import Event, Source
from casebook.core.urls import (
    SOURCES_SPLIT_ABOVE,
    TIMELINE_SPLIT_ABOVE,
    page_of,
    paginate_sources,
    paginate_timeline,
    public_url,
    record_url,
    stub_page,
)
from casebook.core.validate import build_case
from casebook.outputs.permalinks import LIST_FILE, read_list
from casebook.site import TIMELINE_SLOT, render_site

from .conftest import ROOT, mkdocs_build
from .support.weights import BUDGET_GZIP, all_pages, page_weight

STUB = re.compile(
    r"- (?P<former>(?:<a id=\"[a-z0-9-]+\"></a>)*)\[[^\]]+\]\((?P<href>[^)]+)\)\{ #(?P<id>[a-z0-9-]+) \.cb-moved \}"
)


@pytest.fixture(scope="module")
def book():
    return build_case(ROOT / "tests" / "fixtures" / "seed")


@pytest.fixture(scope="module")
def pages(book) -> dict[str, str]:
    return render_site(book)


def _stubs(markdown: str) -> dict[str, str]:
    """{record id: the link its stub holds} on an index page."""
    return {m["id"]: m["href"] for m in STUB.finditer(markdown)}


def test_each_topic_has_a_page_with_its_facts(book, pages: dict[str, str]) -> None:
    for topic in book.of_kind("topic"):
        page = pages[f"case/facts/{topic.id}.md"]
        facts = [f for f in book.of_kind("fact") if f.topics[0] == topic.id]
        assert page.startswith(f"# Facts: {topic.title}\n")
        assert [f.id for f in facts] == re.findall(r'class="cb-record cb-fact[^"]*" id="([a-z0-9-]+)"', page)
        assert "[Facts by topic](../facts.md){ .cb-split-index }" in page  # back to the index
    # the index holds no fact block, only a short entry per topic and its stubs
    index = pages["case/facts.md"]
    assert "cb-record cb-fact" not in index
    count = sum(1 for f in book.of_kind("fact") if f.topics[0] == "charges-2020")
    assert f"**[Read the {count} facts on this topic](facts/charges-2020.md)**: " in index


def test_the_facts_index_keeps_a_stub_for_every_fact(book, pages: dict[str, str]) -> None:
    stubs = _stubs(pages["case/facts.md"])
    assert set(stubs) == {f.id for f in book.of_kind("fact")}
    for fact_id, href in stubs.items():
        fact = book.get(fact_id)
        assert href == f"facts/{fact.topics[0]}.md#{fact_id}"  # the fact's new address, relative to the index
        assert page_of(fact) == (f"case/facts/{fact.topics[0]}.md", fact_id)
        assert stub_page(fact) == "case/facts.md"


def test_the_sources_index_keeps_a_stub_for_every_source(book, pages: dict[str, str]) -> None:
    stubs = _stubs(pages["sources.md"])
    assert set(stubs) == {s.id for s in book.of_kind("source")}
    for source_id, href in stubs.items():
        source = book.get(source_id)
        assert href == f"sources/{source.type}.md#{source_id}"
        assert f'class="cb-record cb-source" id="{source_id}"' in pages[f"sources/{source.type}.md"]
    # primary sources first: court filings, then government, then companies
    kinds = re.findall(r"^## .* \{ #type_([a-z_]+) \}$", pages["sources.md"], re.M)
    assert kinds == sorted(kinds, key=["court", "government", "company", "law_text", "ngo", "press"].index)


def test_a_renamed_fact_keeps_its_former_id_on_the_index(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "seed", content)
    fact = content / "facts" / "jin-not-in-custody.yml"
    fact.write_text(
        fact.read_text().replace("id: jin-not-in-custody", "id: jin-gone\nformer_ids: [jin-not-in-custody]")
    )
    fact.rename(fact.with_name("jin-gone.yml"))
    for rel in ("case.yml", "misconceptions.yml"):
        path = content / rel
        path.write_text(path.read_text().replace("jin-not-in-custody", "jin-gone"))
    index = render_site(build_case(content))["case/facts.md"]
    stub = next(m for m in STUB.finditer(index) if m["id"] == "jin-gone")
    assert stub["former"] == '<a id="jin-not-in-custody"></a>'  # beside the link, which casebook.js follows


def test_every_link_the_renderer_writes_to_a_fact_or_source_goes_to_its_new_page(pages: dict[str, str]) -> None:
    for path, markdown in pages.items():
        if path in ("case/facts.md", "sources.md"):
            markdown = STUB.sub("", markdown)  # the stubs are the one place the old page names a record
        old = re.findall(r"\]\((?:\.\./)*(?:case/)?(?:facts|sources)\.md#[a-z0-9-]+\)", markdown)
        assert old == [], f"{path} links records on the old pages: {old[:3]}"


def test_exports_and_urls_give_the_new_addresses(book) -> None:
    fact = book.get("complaint-unsealed")
    source = book.get("doj-2020-12-18-release")
    assert record_url(fact, "https://example.org/") == "https://example.org/case/facts/charges-2020/#complaint-unsealed"
    assert record_url(source) == "/sources/government/#doj-2020-12-18-release"


def test_topic_pages_cite_their_facts_sources_in_json_ld(book) -> None:
    from casebook.site import SiteOptions, declare_pages

    declared = declare_pages(book, SiteOptions(site_url="https://example.org/"))
    page = declared["case/facts/charges-2020.md"]
    assert page.in_nav is False and page.search is True
    assert page.jsonld is not None and page.jsonld["url"] == "https://example.org/case/facts/charges-2020/"
    cited = {c["name"] for c in page.jsonld.get("citation", [])}
    assert any("China-Based Executive" in name for name in cited), cited
    empty = declared["sources/blog.md"]  # a kind with no sources yet: a page, out of search
    assert empty.search is False and "No sources of this kind yet." in (empty.markdown or "")


def test_a_topic_named_index_is_refused_with_its_file(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "seed", content)
    topics = content / "topics.yml"
    topics.write_text(topics.read_text().replace("id: zoom-response", "id: index"))
    for fact in (content / "facts").glob("*.yml"):
        fact.write_text(fact.read_text().replace("[zoom-response]", "[index]"))
    with pytest.raises(ValueError, match=r"topics.yml: topic id 'index' would be published at the address"):
        render_site(build_case(content))


# --- the built site --------------------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: dict[str, tuple[str, dict[str, str]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.elements.setdefault(a["id"], (tag, a))


def _ids(site: Path, url: str) -> dict[str, tuple[str, dict[str, str]]]:
    parser = _Ids()
    parser.feed((site / url.lstrip("/") / "index.html").read_text(encoding="utf-8"))
    return parser.elements


def test_every_published_anchor_is_an_element_on_its_page(real_site: Path) -> None:
    """Each /page/#id ever published names an element with that id on that page (a redirect stub
    carries the anchor on to the page it names)."""
    missing, cache = [], {}
    for line in sorted(read_list(ROOT / LIST_FILE)):
        url, _, anchor = line.partition("#")
        if not anchor:
            continue
        html = (real_site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
        refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)"', html)
        if refresh:
            url = urlsplit(urljoin(url, refresh.group(1))).path
        if url not in cache:
            cache[url] = _ids(real_site, url)
        if anchor not in cache[url]:
            missing.append(line)
    assert missing == []


def test_every_old_fact_and_source_anchor_links_to_the_record(real_site: Path) -> None:
    book = build_case(ROOT / "content")
    old = {"/case/facts/": _ids(real_site, "/case/facts/"), "/sources/": _ids(real_site, "/sources/")}
    checked = 0
    for record in (*book.of_kind("fact"), *book.of_kind("source")):
        index = "/" + public_url(str(stub_page(record)))
        tag, attrs = old[index][record.id]
        assert tag == "a" and "cb-moved" in attrs["class"].split(), (record.id, tag, attrs)
        target = urljoin(index, attrs["href"])
        assert target == record_url(record)
        page, anchor = urlsplit(target).path, urlsplit(target).fragment
        assert anchor in _ids(real_site, page)  # the record itself, on its new page
        checked += 1
    assert checked == len(book.of_kind("fact")) + len(book.of_kind("source"))


@pytest.mark.parametrize(
    ("facts", "shape"),
    [(750, "None"), (790, "Shape.of_real(ROOT / 'content')")],
    ids=["even-spread", "like-real"],
)
def test_every_page_is_within_the_budget_at_ten_times_the_content(tmp_path: Path, facts: int, shape: str) -> None:
    """The real docs/ over ten times the real facts (``bench.synthetic``, as `make bench` builds them):
    spread evenly over the topics, and proportioned like the real content (``Shape.of_real``: 300
    events, so the timeline is split by year, and the largest kind of source at ten times its size)."""
    project = tmp_path / "project"
    project.mkdir()
    make = "import sys; from pathlib import Path; from bench.browser import ROOT, synthetic_project; "
    make += f"from bench.synthetic import Shape; synthetic_project(Path(sys.argv[1]), {facts}, {shape})"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)])}
    subprocess.run([sys.executable, "-c", make, str(project)], cwd=ROOT, env=env, check=True, timeout=300)
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    pages = all_pages(site)
    assert "/case/facts/topic-00/" in pages and "/sources/press/" in pages
    weights = {page: page_weight(site, page)["total_gzip"] for page in pages}
    over = {page: weight for page, weight in weights.items() if weight > BUDGET_GZIP}
    assert over == {}, f"pages above {BUDGET_GZIP} bytes gzip at 10x content: {over}"


def test_the_lists_of_stubs_are_left_out_of_search(real_site: Path) -> None:
    """Each record is found on its own page; the index's list of links to it would be a second result."""
    import json

    docs = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    indexes = [d for d in docs if d["location"].startswith(("case/facts/#", "sources/#"))]
    assert len(indexes) >= 10
    assert not [d["location"] for d in indexes if "Links to each" in d["text"]]
    on_topic_pages = [d for d in docs if re.match(r"case/facts/[a-z0-9-]+/", d["location"])]
    assert on_topic_pages  # the facts themselves are searched where they are


def test_the_defendant_comes_first_among_the_people_and_the_company_among_the_organisations() -> None:
    real = render_site(build_case(ROOT / "content"))
    people = re.findall(r"^## (.*) \{ #([a-z0-9-]+) \}$", real["case/people.md"], re.M)
    assert people[0] == ("Xinjiang Jin", "xinjiang-jin")
    assert [name for name, _ in people[1:]] == sorted(name for name, _ in people[1:])  # the rest by name
    organisations = re.findall(r"^## (.*) \{ #([a-z0-9-]+) \}$", real["case/organisations.md"], re.M)
    assert organisations[0][1] == "zoom"


def _events(count: int, year_of: Callable[[int], str]) -> list[Event]:
    return [
        Event(id=f"event-{i:04d}", date=year_of(i), title="An event", summary="Something happened.", facts=["f"])
        for i in range(count)
    ]


def test_the_timeline_is_split_by_year_only_above_its_limit() -> None:
    one_page = _events(TIMELINE_SPLIT_ABOVE, lambda i: f"{2019 + i % 3}-0{1 + i % 9}")
    assert paginate_timeline(one_page) is False
    assert {page_of(event) for event in one_page[:2]} == {
        ("case/timeline.md", "event-0000"),
        ("case/timeline.md", "event-0001"),
    }
    assert stub_page(one_page[0]) is None
    split = _events(TIMELINE_SPLIT_ABOVE + 1, lambda i: "1989-06-04" if i == 0 else f"{2019 + i % 3}")
    assert paginate_timeline(split) is True
    assert page_of(split[0]) == ("case/timeline/1989.md", "event-0000")
    assert page_of(split[1]) == ("case/timeline/2020.md", "event-0001")  # a year alone is a date too
    assert record_url(split[0], "https://example.org/") == "https://example.org/case/timeline/1989/#event-0000"
    assert stub_page(split[0]) == "case/timeline.md"
    assert paginate_timeline(split[:10]) is False and page_of(split[0])[0] == "case/timeline.md"  # and back
    method = (ROOT / "docs" / "about" / "method.md").read_text(encoding="utf-8")
    assert f"holds up to {TIMELINE_SPLIT_ABOVE} events" in " ".join(method.split())  # what readers are told


@pytest.fixture(scope="module")
def ten_times_real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Casebook, dict[str, str]]:
    """Ten times the real content, proportioned like it: 300 events over several years, 500 press sources."""
    from bench.synthetic import Shape, generate

    content = tmp_path_factory.mktemp("long-timeline") / "content"
    generate(content, 790, shape=Shape.of_real(ROOT / "content"))
    book = build_case(content)
    return book, render_site(book)


def test_a_split_timeline_keeps_the_picture_and_a_stub_for_every_event(ten_times_real) -> None:
    book, pages = ten_times_real
    events = book.of_kind(Event)
    assert len(events) > TIMELINE_SPLIT_ABOVE
    index = pages["case/timeline.md"]
    assert "cb-record cb-event" not in index and "[^" not in index  # no event block, no citation
    assert TIMELINE_SLOT in index  # the picture stays on the timeline's own page
    stubs = _stubs(index)
    assert set(stubs) == {event.id for event in events}
    years = sorted({event.date[:4] for event in events})
    assert len(years) > 1
    assert re.findall(r"^## (\d{4}) \{ #year_\d{4} \}$", index, re.M) == years
    for event in events:
        year = event.date[:4]
        assert stubs[event.id] == f"timeline/{year}.md#{event.id}"
        assert page_of(event) == (f"case/timeline/{year}.md", event.id)
    for year in years:
        page = pages[f"case/timeline/{year}.md"]
        assert page.startswith(f"# Timeline: {year}\n")
        assert "[timeline](../timeline.md){ .cb-split-index }" in page
        mine = sorted((e for e in events if e.date[:4] == year), key=lambda e: e.date)
        assert re.findall(r'class="cb-record cb-event" id="([a-z0-9-]+)"', page) == [e.id for e in mine]
        count = len(mine)
        assert f"**[Read the {count} event{'s' if count != 1 else ''} of {year}](timeline/{year}.md)**" in index


def test_a_split_timeline_is_declared_for_search_and_json_ld(ten_times_real) -> None:
    from casebook.site import SiteOptions, declare_pages

    book, _ = ten_times_real
    declared = declare_pages(book, SiteOptions(site_url="https://example.org/"))
    year = declared["case/timeline/2020.md"]
    assert year.title == "Timeline: 2020" and year.in_nav is False and year.search is True
    assert year.jsonld is not None and year.jsonld["url"] == "https://example.org/case/timeline/2020/"
    listed = declared["case/timeline.md"].jsonld
    assert listed is not None
    urls = [item["item"]["url"] for item in listed["itemListElement"]]
    assert urls and all(re.fullmatch(r"https://example\.org/case/timeline/\d{4}/#event-[0-9a-z-]+", u) for u in urls)


def _sources(count: int, kind: str, ids: Callable[[int], str]) -> list[Source]:
    return [
        Source(
            id=ids(i),
            title="A source",
            publisher="A publisher",
            type=kind,
            published="2020-12-18",
            url=f"https://example.org/{i}",
            archive_url=f"https://web.archive.org/web/https://example.org/{i}",
            accessed="2026-11-28",
            license="copyrighted",
        )
        for i in range(count)
    ]


def test_a_kind_of_source_is_split_by_letter_only_above_its_limit() -> None:
    press = _sources(SOURCES_SPLIT_ABOVE + 1, "press", lambda i: f"{'a1'[i % 2]}ba-{i:04d}")
    blogs = _sources(SOURCES_SPLIT_ABOVE, "blog", lambda i: f"blog-{i:04d}")
    assert paginate_sources([*press, *blogs]) == {"press"}
    assert page_of(press[0]) == ("sources/press/a.md", "aba-0000")
    assert page_of(press[1]) == ("sources/press/0-9.md", "1ba-0001")  # an id may begin with a digit
    assert page_of(blogs[0]) == ("sources/blog.md", "blog-0000")  # the limit itself: one page
    method = (ROOT / "docs" / "about" / "method.md").read_text(encoding="utf-8")
    assert f"more than {SOURCES_SPLIT_ABOVE} sources" in " ".join(method.split())  # what readers are told
    assert stub_page(press[0]) == "sources.md"  # the bibliography's stub links to the letter's page
    assert paginate_sources(press[:10]) == set() and page_of(press[0])[0] == "sources/press.md"


def test_a_split_kind_of_source_keeps_a_stub_for_every_source(ten_times_real) -> None:
    book, pages = ten_times_real
    press = [s for s in book.of_kind(Source) if s.type == "press"]
    assert len(press) > SOURCES_SPLIT_ABOVE
    kind = pages["sources/press.md"]
    assert "cb-record cb-source" not in kind
    stubs = _stubs(kind)
    assert set(stubs) == {s.id for s in press}
    letters = sorted({s.id[0] for s in press})
    assert len(letters) > 1
    for source in press:
        assert stubs[source.id] == f"press/{source.id[0]}.md#{source.id}"
        assert page_of(source) == (f"sources/press/{source.id[0]}.md", source.id)
    for letter in letters:
        page = pages[f"sources/press/{letter}.md"]
        assert page.startswith(f"# Sources: News and analysis, {letter.upper()}\n")
        assert "[sources of this kind](../press.md){ .cb-split-index }" in page
        mine = {s.id for s in press if s.id[0] == letter}
        assert set(re.findall(r'class="cb-record cb-source" id="([a-z0-9-]+)"', page)) == mine
        assert f"source{'s' if len(mine) != 1 else ''} under “{letter}”](press/{letter}.md)**" in kind
    # the bibliography's own stubs go straight to each source's letter page
    index = _stubs(pages["sources.md"])
    assert all(index[s.id] == f"sources/press/{s.id[0]}.md#{s.id}" for s in press)
