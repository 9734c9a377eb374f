"""Page weight: what a first visit to a page fetches (HTML, CSS, JS, fonts, other), raw and gzip.

Shared by the browser tests (the 150 KB gzip budget on every page) and `make bench`, which records
the figures.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BUDGET_GZIP = 150 * 1024

# One page of each type the site has (the browser tests use the same list).
PAGE_TYPES = {
    "home": "/",
    "case-overview": "/case/",
    "timeline": "/case/timeline/",
    "facts": "/case/facts/",  # the index of the topics' pages
    "facts-topic": "/case/facts/charges-2020/",
    "quotes": "/case/quotes/",
    "people": "/case/people/",
    "sources": "/sources/",  # the index of the kinds' pages
    "sources-kind": "/sources/press/",
    "explainer": "/topics/insider-risk/",
    "law": "/laws/prc-national-intelligence-law/",
    "glossary": "/glossary/",
    "lesson": "/lessons/insider-risk-tabletop/",
    "lessons-index": "/lessons/",
    "downloads": "/downloads/",
}
SEARCH_INDEX = "search/search_index.json"


# --- page weight -------------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)
        self._in_config = False
        self.config = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.found.append(("css", a["href"]))
        elif tag == "link" and "icon" in rel and a.get("href"):
            self.found.append(("other", a["href"]))
        elif tag == "link" and "preload" in rel and a.get("as") == "font":
            self.found.append(("fonts", a["href"]))
        elif tag == "script" and a.get("src"):
            self.found.append(("js", a["src"]))
        elif tag in ("img", "source") and a.get("src") and a.get("loading") != "lazy":
            self.found.append(("other", a["src"]))
        self._in_config = tag == "script" and a.get("id") == "__config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@functools.lru_cache(maxsize=512)
def _file_sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), _gz(data)


def page_weight(site: Path, page: str) -> dict[str, object]:
    """Bytes a first visit to `page` (a site path such as '/case/') fetches, by kind, raw and gzip.

    Found statically, as the browser would: the HTML, its stylesheets, scripts and icon, the fonts
    the stylesheets load, Material's search worker and the sitemap its instant navigation reads.
    The search index is counted apart (`search_index`), outside the totals.
    """
    html_file = site / page.lstrip("/") / "index.html" if page.endswith("/") else site / page.lstrip("/")
    base = "http://site" + page
    parser = _Assets()
    parser.feed(html_file.read_text(encoding="utf-8"))
    found = [("html", page), *parser.found]
    config = json.loads(parser.config) if parser.config.strip() else {}
    if config.get("search"):
        found.append(("js", urljoin(urljoin(base, config.get("base", ".") + "/"), config["search"])))
    if "navigation.instant" in config.get("features", []):
        found.append(("other", urljoin(urljoin(base, config.get("base", ".") + "/"), "sitemap.xml")))
    for kind, url in list(found):
        if kind == "css":
            css = _resolve(site, urljoin(base, url))
            if css:
                for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="replace")):
                    if re.search(r"\.(woff2?|ttf|otf|eot)(\?|#|$)", ref):
                        found.append(("fonts", urljoin(urljoin(base, url), ref)))
    totals = {kind: [0, 0] for kind in ("html", "css", "js", "fonts", "other")}
    external, seen = [], set()
    for kind, url in found:
        absolute = urljoin(base, url)
        if urlsplit(absolute).netloc != "site":
            external.append(absolute)
            continue
        target = _resolve(site, absolute)
        if target is None or target in seen:
            continue
        seen.add(target)
        raw, packed = _file_sizes(target)
        totals[kind][0] += raw
        totals[kind][1] += packed
    index_raw, index_gzip = _file_sizes(site / SEARCH_INDEX)
    return {
        "page": page,
        **{f"{kind}_raw": v[0] for kind, v in totals.items()},
        **{f"{kind}_gzip": v[1] for kind, v in totals.items()},
        "total_raw": sum(v[0] for v in totals.values()),
        "total_gzip": sum(v[1] for v in totals.values()),
        "search_index_raw": index_raw,
        "search_index_gzip": index_gzip,
        "external": external,
    }


def _resolve(site: Path, url: str) -> Path | None:
    path = urlsplit(url).path
    target = site / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def all_pages(site: Path) -> list[str]:
    """Every HTML page of the site as a site path; redirect stubs (no stylesheet) excepted."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        if 'http-equiv="refresh"' in html.read_text(encoding="utf-8", errors="replace")[:2000]:
            continue
        rel = html.relative_to(site).as_posix()
        pages.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return pages
