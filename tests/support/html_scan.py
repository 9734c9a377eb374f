"""A scanner for built pages: what no page of this site may contain, whoever wrote the content.

Each check reads the HTML the way a browser would (attribute values with entities decoded) and
reports a finding as text. ``scan`` runs them all on one page. The checks:

- ``event_handlers``: any ``on*`` attribute (``onclick``, ``onerror``, ``onload`` …);
- ``script_urls``: a ``javascript:``, ``vbscript:`` or ``data:`` URL in any URL-bearing attribute,
  after entity decoding and with control characters and whitespace removed (as browsers do);
- ``refreshes``: a ``<meta http-equiv="refresh">``, except on a redirect stub that points to a
  relative address on this site (mkdocs-redirects writes those for renamed pages);
- ``outside_images``: an image loaded from another host (a tracking pixel);
- ``duplicate_ids``: an ``id`` used twice on one page (a stolen permalink);
- ``broken_jsonld``: a JSON-LD block that does not parse;
- ``bidi_controls``: a bidirectional embedding, override or isolate character anywhere;
- ``inline_scripts``: a ``<script>`` without ``src`` that is not JSON-LD, Material's configuration, or
  one of Material's three inline scripts (a script the page's content slipped into ``<head>``);
- ``protocol_relative``: an ``href`` or ``src`` starting with ``//`` (another host, over whatever
  scheme the page was loaded with).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "background", "cite"}
IMAGE_SOURCES = {("img", "src"), ("img", "srcset"), ("source", "srcset"), ("image", "href"), ("image", "xlink:href")}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_BAD_SCHEME = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)


class _Page(HTMLParser):
    """Every start tag with its attributes (entities decoded), and the text of each JSON-LD block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []
        self.jsonld: list[str] = []
        self.scripts: list[tuple[list[tuple[str, str]], str]] = []  # inline scripts: attributes, text
        self._in_jsonld = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = [(name.lower(), value or "") for name, value in attrs]
        self.tags.append((tag, pairs))
        self._in_jsonld = tag == "script" and ("type", "application/ld+json") in pairs
        if self._in_jsonld:
            self.jsonld.append("")
        self._in_script = tag == "script" and "src" not in dict(pairs)
        if self._in_script:
            self.scripts.append((pairs, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_jsonld = self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = self._in_script = False


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def event_handlers(page: _Page) -> list[str]:
    return [f"<{tag} {name}=…>" for tag, attrs in page.tags for name, _ in attrs if name.startswith("on")]


def script_urls(page: _Page) -> list[str]:
    found = []
    for tag, attrs in page.tags:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and _BAD_SCHEME.match(_IGNORED_IN_URLS.sub("", value)):
                found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


def refreshes(page: _Page, *, redirect_stub: bool) -> list[str]:
    found = []
    for tag, attrs in page.tags:
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").split("url=", 1)[-1].strip()
            if redirect_stub and "://" not in target and not target.startswith("//"):
                continue
            found.append(f"<meta http-equiv=refresh content={values.get('content', '')[:40]!r}>")
    return found


def outside_images(page: _Page) -> list[str]:
    found = []
    for tag, attrs in page.tags:
        for name, value in attrs:
            cleaned = _IGNORED_IN_URLS.sub("", value)
            if (tag, name) in IMAGE_SOURCES and ("://" in cleaned or cleaned.startswith("//") or "\\" in cleaned):
                found.append(f"<{tag} {name}={value[:60]!r}>")
    return found


def duplicate_ids(page: _Page) -> list[str]:
    counts = Counter(value for _, attrs in page.tags for name, value in attrs if name == "id")
    return [f'id="{value}" ×{count}' for value, count in counts.items() if count > 1]


def broken_jsonld(page: _Page) -> list[str]:
    found = []
    for block in page.jsonld:
        try:
            json.loads(block)
        except ValueError as error:
            found.append(f"JSON-LD does not parse: {error}")
    return found


# Material's own inline scripts (base.html), by how they begin; and its JSON configuration.
MATERIAL_SCRIPTS = ("__md_scope=new URL(", 'var palette=__md_get("__palette")', "var target=document.getElementById(")
DATA_SCRIPTS = ("application/ld+json", "application/json")


def inline_scripts(page: _Page) -> list[str]:
    found = []
    for attrs, text in page.scripts:
        kind = dict(attrs).get("type", "")
        if kind in DATA_SCRIPTS or (not kind and text.strip().startswith(MATERIAL_SCRIPTS)):
            continue
        found.append(f"<script {kind}>{text.strip()[:40]!r}")
    return found


def protocol_relative(page: _Page) -> list[str]:
    return [
        f"<{tag} {name}={value[:40]!r}>"
        for tag, attrs in page.tags
        for name, value in attrs
        if name in ("href", "src") and _IGNORED_IN_URLS.sub("", value).replace("\\", "/").startswith("//")
    ]


def bidi_controls(html: str) -> list[str]:
    return [f"U+{ord(m.group(0)):04X} at offset {m.start()}" for m in _BIDI.finditer(html)]


def scan(html: str, *, redirect_stub: bool = False) -> dict[str, list[str]]:
    """Every finding on one page, by check name (empty lists left out)."""
    page = _parse(html)
    findings = {
        "event_handlers": event_handlers(page),
        "script_urls": script_urls(page),
        "refreshes": refreshes(page, redirect_stub=redirect_stub),
        "outside_images": outside_images(page),
        "duplicate_ids": duplicate_ids(page),
        "broken_jsonld": broken_jsonld(page),
        "bidi_controls": bidi_controls(html),
        "inline_scripts": inline_scripts(page),
        "protocol_relative": protocol_relative(page),
    }
    return {name: items for name, items in findings.items() if items}
