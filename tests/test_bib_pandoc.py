"""The published .bib files read back through pandoc, an outside reader (third-party-clients §2).

``pandoc -f biblatex -t csljson`` turns each file into CSL-JSON; the types must come out as what the
sources are (laws as legislation, court decisions as legal cases, government documents as reports, news
as newspaper articles, web pages as web pages), and every entry must say its language. The files are the
bibliography on the Downloads page and the "Cite this page" entry of every page (outputs/cite.py).
Skipped only where pandoc is not installed; .ci/run installs Debian's, so it runs in CI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from casebook.core.validate import build_case
from casebook.outputs.cite import cite_this_page
from casebook.outputs.exports import export_files

from .conftest import ROOT

PANDOC = shutil.which("pandoc")
pytestmark = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (apt-get install pandoc)")

# a source's type in the content model -> the CSL type pandoc must read from its .bib entry
CSL_TYPE = {
    "law-text": "legislation",
    "court": "legal_case",
    "government": "report",
    "press": "article-newspaper",
}
WEB_PAGE = "webpage"  # every other type (company, ngo, blog, academic, other) is a web page (@online)
# the language pandoc reads from the entry's langid, by the source's BCP 47 tag. pandoc (2.17 as 3.x)
# maps biblatex's English names to tags, and passes a name it has no tag for through as it is: biblatex's
# "chinese" (babel, polyglossia) stays "chinese", which is still the entry's language, named
LANGUAGE = {"en": "en-US", "zh-Hans": "chinese", "zh-Hant": "chinese"}


def read_back(bib: str, tmp_path: Path) -> list[dict]:
    path = tmp_path / "read-back.bib"
    path.write_text(bib, encoding="utf-8")
    result = subprocess.run(
        [str(PANDOC), "-f", "biblatex", "-t", "csljson", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    return json.loads(result.stdout)


def published_bib() -> str:
    """bibliography.bib as the build publishes it (the Downloads page's file)."""
    files = export_files(build_case(ROOT / "content"), site_url="https://example.org/casebook/", version="test")
    return files["bibliography.bib"].decode("utf-8")


def test_the_bibliography_keeps_each_sources_type_and_language(tmp_path: Path) -> None:
    sources = {s.id: s for s in build_case(ROOT / "content").of_kind("source")}
    items = read_back(published_bib(), tmp_path)
    assert items and {item["id"] for item in items} <= set(sources)
    types = {item["id"]: item.get("type") for item in items}
    assert types == {item["id"]: CSL_TYPE.get(sources[item["id"]].type, WEB_PAGE) for item in items}
    assert set(CSL_TYPE.values()) <= set(types.values())  # every kind is in the content, so each is checked
    languages = {item["id"]: item.get("language") for item in items}
    assert languages == {item["id"]: LANGUAGE[sources[item["id"]].language] for item in items}
    # news keeps its outlet as the newspaper
    press = next(i for i in items if sources[i["id"]].type == "press")
    assert press["container-title"] == sources[press["id"]].publisher


def test_the_published_bibliography_is_the_one_checked(real_site: Path) -> None:
    """The built site's file is what export_files() writes (but for the version line), so the test above
    reads what readers download."""
    published = (real_site / "bibliography.bib").read_text(encoding="utf-8")
    assert published.split("\n", 1)[1] == published_bib().split("\n", 1)[1]


def test_the_cite_this_page_entry_is_a_web_page_in_english(tmp_path: Path) -> None:
    box = cite_this_page("Facts by topic", "https://example.org/casebook/case/facts/", "2026-11-28", "Casebook")
    entry = "\n".join(line.removeprefix("    ") for line in box.split("```bibtex\n", 1)[1].split("```")[0].splitlines())
    [item] = read_back(entry, tmp_path)
    assert (item["type"], item.get("language")) == (WEB_PAGE, "en-US")
    assert item["issued"] == {"date-parts": [[2026, 11, 28]]} and item["URL"].endswith("/case/facts/")
    assert item["author"] == [{"literal": "Casebook contributors"}]


def test_pandoc_tells_a_type_it_cannot_read(tmp_path: Path) -> None:
    # the check reads pandoc's answer, not ours: an entry of no biblatex type comes back typeless
    [item] = read_back("@misc{x,\n  title = {{A page}},\n  url = {https://example.org/}\n}\n", tmp_path)
    assert item.get("type") == "" and "language" not in item
