"""The pictures of content/diagrams.yml: drawn from the records, self-contained, escaped, with a text
version and links that resolve; a diagram that names a missing record is a located error."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from casebook.core.book import Casebook
from casebook.core.diagrams import Flow, Locks, Matrix
from casebook.core.errors import ContentError
from casebook.core.model import Fact
from casebook.core.urls import link_between
from casebook.core.validate import build_and_check, build_case
from casebook.render.diagram_svg import diagram_svg, provision_anchor
from casebook.render.diagram_text import diagram_markdown, slot
from casebook.render.writer import PageWriter

from .conftest import ROOT

NS = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
HOSTILE = '<script>alert("x")</script> & \'quotes\' "too"'


@pytest.fixture(scope="module")
def book() -> Casebook:
    return build_case(ROOT / "content")


def draw(book: Casebook, diagram: object, page: str = "case/index.md") -> ET.Element:
    return ET.fromstring(diagram_svg(book, diagram, lambda to, anchor: link_between(page, to, anchor)))  # type: ignore[arg-type]


def groups(root: ET.Element, name: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if name in (g.get("class") or "").split()]


def only(book: Casebook, kind: type) -> object:
    assert book.diagrams is not None
    [found] = [d for d in book.diagrams.diagrams if isinstance(d, kind)]
    return found


def test_the_three_diagrams_are_defined_and_placed(book: Casebook) -> None:
    assert book.diagrams is not None and book.diagrams.diagnostics == ()
    placed = {d.id: d.page for d in book.diagrams.diagrams}
    assert placed == {
        "who-asked-whom": "case/index.md",
        "extradition-locks": "topics/extradition.md",
        "law-reaches-data": "topics/data-sovereignty.md",
    }
    for diagram_id, page in placed.items():
        if page.startswith("topics/"):
            assert f"[[diagram:{diagram_id}]]" in (ROOT / "docs" / page).read_text(encoding="utf-8")


def test_who_asked_whom_draws_one_box_per_record_and_one_arrow_per_fact(book: Casebook) -> None:
    flow = only(book, Flow)
    assert isinstance(flow, Flow)
    root = draw(book, flow)
    nodes = [n.record for t in flow.tiers for n in t.nodes]
    assert [g.get("data-record") for g in groups(root, "cb-dg-node")] == nodes
    arrows = groups(root, "cb-dg-arrow")
    assert [(g.get("data-from"), g.get("data-to"), g.get("data-fact")) for g in arrows] == [
        (a.source, a.target, a.fact) for a in flow.arrows
    ]
    for group in arrows:
        fact = book.get_as(group.get("data-fact") or "", Fact)
        assert f"cb-dg-arrow--{fact.status}" in (group.get("class") or "")
        line = group.find(f".//{NS}line")
        assert line is not None and (line.get("stroke-dasharray") is not None) == (fact.status == "alleged")
        shown = " ".join(" ".join(t.itertext()) for t in group.iter(f"{NS}text"))
        assert shown == {"alleged": "Alleged", "reported": "Reported", "established": "On the record"}[fact.status]
        link = group.find(f"{NS}a")
        assert link is not None and link.get(XLINK) == f"facts/{fact.topics[0]}/#{fact.id}"
    legend = " ".join(" ".join(t.itertext()) for t in root.iter(f"{NS}text"))
    assert all(word in legend for word in ("Alleged", "Reported", "On the record"))


def test_the_chain_has_one_lock_per_provision_linked_to_its_anchor(book: Casebook) -> None:
    locks = only(book, Locks)
    assert isinstance(locks, Locks)
    found = groups(draw(book, locks, locks.page), "cb-dg-lock")
    assert [(g.get("data-law"), g.get("data-provision")) for g in found] == [(k.law, k.provision) for k in locks.locks]
    for group, lock in zip(found, locks.locks, strict=True):
        link = group.find(f"{NS}a")
        assert link is not None
        assert link.get(XLINK) == f"../../laws/{lock.law}/#{provision_anchor(lock.provision)}"


def test_the_matrix_has_one_mark_per_provision_and_a_dash_for_each_empty_cell(book: Casebook) -> None:
    matrix = only(book, Matrix)
    assert isinstance(matrix, Matrix)
    root = draw(book, matrix, matrix.page)
    marks = groups(root, "cb-dg-cell")
    expected = [(c.id, m.provision) for row in matrix.rows for c in matrix.columns for m in row.cells.get(c.id, [])]
    assert [(g.get("data-column"), g.get("data-provision")) for g in marks if g.get("data-provision")] == expected
    empty = sum(1 for row in matrix.rows for c in matrix.columns if not row.cells.get(c.id))
    assert len(groups(root, "cb-dg-cell--empty")) == empty
    assert len(groups(root, "cb-dg-law")) == len(matrix.rows)


@pytest.mark.parametrize("kind", [Flow, Locks, Matrix])
def test_each_picture_is_self_contained_and_named(book: Casebook, kind: type) -> None:
    diagram = only(book, kind)
    text = diagram_svg(book, diagram, lambda to, anchor: link_between("case/index.md", to, anchor))  # type: ignore[arg-type]
    root = ET.fromstring(text)
    assert root.get("role") == "group"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and desc is not None and title.text and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    tags = {e.tag.removeprefix(NS) for e in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "iframe", "use"}
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    hrefs = [v for e in root.iter() for a, v in e.attrib.items() if a.endswith("href")]
    assert hrefs and all(re.fullmatch(r"(\.\./)*[a-z0-9/._-]*#?[A-Za-z0-9_-]*", h) for h in hrefs), hrefs
    assert "\n\n" not in text  # a blank line would end the HTML block it sits in
    sizes = [float(t.get("font-size") or 0) for t in root.iter(f"{NS}text")]
    assert min(sizes) >= 14  # 12 px or more across a phone's column (tests/browser/test_diagrams.py)
    assert root.get("viewBox", "").startswith("0 0 400 ")


def test_a_hostile_label_is_text_in_the_picture_and_in_its_text_version(book: Casebook) -> None:
    flow = only(book, Flow)
    assert isinstance(flow, Flow)
    tiers = [t.model_copy(update={"label": HOSTILE}) for t in flow.tiers]
    first = tiers[0].nodes[0].model_copy(update={"label": HOSTILE})
    tiers[0] = tiers[0].model_copy(update={"nodes": [first, *tiers[0].nodes[1:]]})
    hostile = flow.model_copy(update={"title": HOSTILE, "tiers": tiers})  # not validated: the model refuses '<'
    text = diagram_svg(book, hostile, lambda to, anchor: link_between("case/index.md", to, anchor))
    assert "<script" not in text and "&lt;script&gt;" in text
    root = ET.fromstring(text)  # still well-formed XML
    assert not [e for e in root.iter() if e.tag.removeprefix(NS) == "script"]
    title = root.find(f"{NS}title")
    assert title is not None and title.text == HOSTILE
    texts = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert HOSTILE in texts  # the tier label, whole
    markdown = diagram_markdown(PageWriter(book, "case/index.md", None), hostile)
    assert "<script" not in markdown and "&lt;script&gt;" in markdown


def test_the_text_version_says_what_the_picture_shows_with_the_same_links(book: Casebook) -> None:
    flow, locks, matrix = only(book, Flow), only(book, Locks), only(book, Matrix)
    assert isinstance(flow, Flow) and isinstance(locks, Locks) and isinstance(matrix, Matrix)
    text = diagram_markdown(PageWriter(book, flow.page, None), flow)
    assert slot(flow.id) in text and f"<figcaption>{flow.title}</figcaption>" in text.replace("&#x27;", "'")
    arrows = re.findall(r"^\d+\. \*\*.+ → .+\*\* \((Alleged|Reported|On the record)\): ", text, re.M)
    assert len(arrows) == len(flow.arrows)
    for arrow in flow.arrows:
        fact = book.get(arrow.fact)
        assert f"(facts/{fact.topics[0]}.md#{arrow.fact})" in text
    text = diagram_markdown(PageWriter(book, locks.page, None), locks)
    assert len(re.findall(r"^\d+\. \*\*", text, re.M)) == len(locks.locks)
    for lock in locks.locks:
        assert f"(../laws/{lock.law}.md#{provision_anchor(lock.provision)})" in text
    text = diagram_markdown(PageWriter(book, matrix.page, None), matrix)
    assert text.startswith('!!! analysis "This site\'s analysis"\n')  # the site's reasoning, said so
    assert all(line.startswith("    ") for line in text.splitlines()[1:] if line)  # all of it inside the block
    assert len(re.findall(r"^    - \*\*", text, re.M)) == len(matrix.rows)
    links = re.findall(r"\]\(\.\./laws/[a-z0-9-]+\.md#([a-z0-9_]+)\)", text)
    assert len(links) == sum(len(m) for row in matrix.rows for m in row.cells.values())


def test_links_are_relative_to_the_page_in_either_url_style() -> None:
    assert link_between("case/index.md", "case/facts.md", "x") == "facts/#x"
    assert link_between("case/index.md", "case/facts.md", "x", directory_urls=False) == "facts.html#x"
    assert link_between("topics/extradition.md", "laws/a.md", "b") == "../../laws/a/#b"
    assert link_between("topics/extradition.md", "laws/a.md", "b", directory_urls=False) == "../laws/a.html#b"
    assert link_between("case/facts.md", "case/facts.md", "x") == "#x"
    assert link_between("case/facts.md", "index.md", None) == "../../"


DIAGRAMS = """- id: chain
  type: flow
  title: Who asked whom
  page: topics/x.md
  tiers:
  - label: The liaison
    nodes:
    - record: complaint-unsealed
    - record: no-such-record
  - label: The company
    nodes:
    - record: zoom-cooperating
  - label: Far away
    nodes:
    - record: jin-not-in-custody
  arrows:
  - from: complaint-unsealed
    to: jin-not-in-custody
    fact: zoom-cooperating
  - from: zoom-cooperating
    to: nobody
    fact: jin-not-in-custody
- id: locks
  type: lock
  title: A chain
  page: topics/x.md
"""


def test_a_diagram_that_names_what_does_not_exist_is_a_located_error(content: Path) -> None:
    (content / "diagrams.yml").write_text(DIAGRAMS, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build_case(content)
    assert [str(d) for d in caught.value.diagnostics] == [
        "content/diagrams.yml:24:9: [1].type: 'lock' is not a type of diagram (write type: flow, locks, matrix)",
        "content/diagrams.yml:9:15: [0].tiers[0].nodes[1].record: unknown person or organisation or fact or event "
        "'no-such-record' (use the id of an existing person or organisation or fact or event, or add the record first)",
        "content/diagrams.yml:17:5: [0].arrows[0]: the arrow from 'complaint-unsealed' to 'jin-not-in-custody' does "
        "not join neighbouring tiers (an arrow joins a box to one in the tier just above or below it: move one of "
        "the boxes)",
        "content/diagrams.yml:21:9: [0].arrows[1].to: 'nobody' is not a box of this diagram (use one of: "
        "complaint-unsealed, no-such-record, zoom-cooperating, jin-not-in-custody)",
    ]


def test_an_unknown_provision_names_the_provisions_the_law_has(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "diagrams.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("provision: Art. 8(3)", "provision: Art. 8(4)"))
    with pytest.raises(ContentError) as caught:
        build_case(content)
    [problem] = [str(d) for d in caught.value.diagnostics]
    assert re.fullmatch(
        r"content/diagrams\.yml:\d+:\d+: \[1\]\.locks\[3\]\.provision: 'Art\. 8\(4\)' is not a provision of the law "
        r"'prc-extradition-law' \(did you mean 'Art\. 8\(3\)'\? the provisions of prc-extradition-law are: .*\)",
        problem,
    ), problem


def test_a_page_may_place_only_a_diagram_that_exists_and_belongs_on_it(content: Path, tmp_path: Path) -> None:
    (content / "diagrams.yml").write_text(DIAGRAMS.split("- id: locks")[0], encoding="utf-8")
    docs = tmp_path / "elsewhere" / "docs"
    (docs / "topics").mkdir(parents=True)
    (docs / "topics" / "y.md").write_text("# Y\n\n[[diagram:chain]]\n\n[[diagram:nothing]]\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build_and_check(content, docs)
    pages = [str(d) for d in caught.value.diagnostics if d.file.endswith("y.md")]
    assert pages == [
        "docs/topics/y.md:3:1: page: [[diagram:chain]]: the diagram belongs on topics/x.md, not topics/y.md (set its "
        "page to topics/y.md in content/diagrams.yml, or move the shortcode)",
        "docs/topics/y.md:5:1: page: [[diagram:nothing]]: unknown diagram 'nothing' (use one of: chain)",
    ]


def test_every_link_of_every_picture_resolves_in_the_strict_build(real_site: Path) -> None:
    checked: dict[str, int] = {}
    for page in ("case/index.html", "topics/extradition/index.html", "topics/data-sovereignty/index.html"):
        html = (real_site / page).read_text(encoding="utf-8")
        pictures = re.findall(r'<svg[^>]*class="cb-dg [^"]*".*?</svg>', html, re.S)
        assert len(pictures) == 1, page
        assert "\ue000" not in html  # no placeholder left behind
        for href in re.findall(r'xlink:href="([^"]*)"', pictures[0]):
            path, _, anchor = href.partition("#")
            target = (real_site / page).parent / path if path else real_site / page
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), (page, href)
            assert not anchor or f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page, href)
            checked[page] = checked.get(page, 0) + 1
    assert all(count >= 7 for count in checked.values()) and len(checked) == 3, checked
    matrix_page = (real_site / "topics/data-sovereignty/index.html").read_text(encoding="utf-8")
    analysis = matrix_page.index('<div class="admonition analysis" role="note"', matrix_page.index("cb-diagram") - 400)
    assert analysis < matrix_page.index('<figure class="cb-diagram cb-diagram--matrix"')
