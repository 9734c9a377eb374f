"""The timeline picture: valid, self-contained SVG with a text alternative and one labelled group per event."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from casebook.core.book import Casebook, Origin
from casebook.core.model import Event
from casebook.core.text import human_date
from casebook.core.validate import build_case
from casebook.render.timeline_svg import ACCENT, timeline_svg

from .conftest import ROOT

XLINK = "{http://www.w3.org/1999/xlink}href"
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def book() -> Casebook:
    return build_case(ROOT / "content")


@pytest.fixture(scope="module")
def svg(book: Casebook) -> str:
    return timeline_svg(book)


def groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.get("class") == "cb-tl-event"]


def texts(element: ET.Element) -> str:
    return " ".join(" ".join(t.itertext()) for t in element.iter(f"{NS}text"))


def test_svg_parses_and_has_a_text_alternative(book: Casebook, svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "group"
    assert root.get("viewBox", "").startswith("0 0 800 ")
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text == "Timeline of the case, 1989–2023"
    assert desc is not None and desc.text
    events = book.of_kind("event")
    assert f"{len(events)} dated events from 4 June 1989" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_one_labelled_group_per_event_in_date_order(book: Casebook, svg: str) -> None:
    found = groups(ET.fromstring(svg))
    events = sorted(book.of_kind("event"), key=lambda e: e.date)
    assert [g.get("data-id") for g in found] == [e.id for e in events]
    assert [g.get("data-date") for g in found] == sorted(g.get("data-date") for g in found)
    for group, event in zip(found, events, strict=True):
        label = group.find(f"{NS}title")
        assert label is not None and label.text == f"{human_date(event.date)}: {event.title}"
        shown = " ".join(texts(group).split())
        assert human_date(event.date) in shown and event.title in shown
        link = group.find(f"{NS}a")
        assert link is not None and link.get(XLINK) == f"case/timeline/#{event.id}"


def test_inlinable_in_markdown(svg: str) -> None:
    assert "\n\n" not in svg  # a blank line would end the raw HTML block


def test_the_gap_is_a_broken_axis(svg: str) -> None:
    assert "no events 1990–2017" in svg  # the first event after 1989 is the 2018 one (the amended complaint)
    assert "stroke-dasharray" in svg


def test_self_contained(svg: str) -> None:
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.split("}")[-1].lower() in ("script", "foreignobject", "image", "use")]
    assert not [(e.tag, a) for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    namespaces = ('xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"')
    assert svg.count("http") == 2 and all(n in svg for n in namespaces)  # the namespaces only
    assert "url(" not in svg and "@import" not in svg and "@font-face" not in svg
    hrefs = [v for e in root.iter() for a, v in e.attrib.items() if a.endswith("href")]
    assert hrefs and all(h.startswith("case/timeline/#") for h in hrefs)


def test_without_links_and_with_another_base(book: Casebook) -> None:
    root = ET.fromstring(timeline_svg(book, page_links=False))
    assert not list(root.iter(f"{NS}a")) and len(groups(root)) == len(book.of_kind("event"))
    inline = ET.fromstring(timeline_svg(book, link_base=""))
    assert all(a.get(XLINK, "").startswith("#") for a in inline.iter(f"{NS}a"))


def test_legible_on_light_and_dark(svg: str) -> None:
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= 11
    colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg)) - {"none"}
    assert colours == {"currentColor", ACCENT}

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    assert contrast(ACCENT, "#ffffff") >= 3 and contrast(ACCENT, "#1e2129") >= 3


def test_titles_are_escaped() -> None:
    small = Casebook(ROOT)
    for index, (date, title) in enumerate(
        [("2020-06", 'Q&A <script>alert(1)</script> & "quotes"'), ("2019", "R&D < 5 > 3")]
    ):
        event = Event.model_construct(id=f"e{index}", date=date, title=title, summary="x", facts=["f"], former_ids=[])
        small.add(event, Origin("content/timeline.yml", ROOT, (index,)))
    svg = timeline_svg(small)
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{NS}script"))
    found = groups(root)
    assert [g.get("data-id") for g in found] == ["e1", "e0"]  # date order
    assert "Q&A <script>alert(1)</script>" in texts(found[1])
    assert "R&D < 5 > 3" in texts(found[0])
    assert "&amp;" in svg and "&lt;script&gt;" in svg


def test_pure(book: Casebook, svg: str) -> None:
    assert timeline_svg(book) == svg


@pytest.mark.parametrize(
    ("options", "base"),
    [
        ({"site_url": "https://example.org/casebook/"}, "https://example.org/casebook/case/timeline/"),
        ({"site_url": "https://example.org/casebook/", "offline": True}, "case/timeline/"),
        ({}, "case/timeline/"),
    ],
    ids=["published", "offline", "no-site-url"],
)
def test_the_downloadable_picture_links_the_published_timeline(options: dict, base: str) -> None:
    """timeline.svg, saved on its own or put on a slide, links each event by its full address
    (third-party-clients §10); the offline edition never points at the web site."""
    from casebook.site import SiteOptions, build_site

    site = build_site(ROOT / "content", None, SiteOptions(**options))
    root = ET.fromstring(site.files["timeline.svg"].decode())
    links = [a.get(XLINK) for a in root.iter(f"{NS}a")]
    assert links and all(link.startswith(f"{base}#") for link in links), links[:3]
