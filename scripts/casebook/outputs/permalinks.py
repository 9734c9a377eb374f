"""The published addresses educators may have linked to: every page and every record anchor.

`collect` reads them from a built site; `tests/published-urls.txt` keeps the list of everything
ever published, and a test fails when one of them stops resolving. A renamed record keeps its
old anchor through ``former_ids`` (and, for laws and lessons, a redirect page).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from casebook.core.book import Casebook

LIST_FILE = Path("tests") / "published-urls.txt"
_ID = re.compile(r'\sid="([^"]+)"')
_HEADING_ID = re.compile(r'<h[23][^<>]*\sid="([^"]+)"')  # not [^>]*: "<h2<h2<h2…" would rescan to the end
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"')
_SKIP = ("assets", "search", "schemas")


def _pages(site: Path) -> dict[str, str]:
    pages = {}
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if not rel.startswith(_SKIP):
            pages["/" if rel == "." else f"/{rel}/"] = html.read_text(encoding="utf-8")
    return pages


def _anchors(url: str, html: str, record_ids: set[str]) -> set[str]:
    anchors = {a for a in _ID.findall(html) if a in record_ids}
    if url.startswith("/lessons/") and url != "/lessons/":
        anchors |= set(_HEADING_ID.findall(html))  # every lesson section is a link target for syllabi
    return anchors


def collect(site: Path, book: Casebook) -> set[str]:
    """Every page URL and every record anchor (``/page/#id``, relative to site_url) in a built site."""
    record_ids = set(book.records) | {f for r in book.records.values() for f in r.former_ids}
    pages = _pages(site)
    found: set[str] = set()
    for url, html in pages.items():
        found.add(url)
        redirect = _REFRESH.search(html)
        if redirect:  # a redirect stub: mkdocs-redirects carries the #anchor over to the new page
            target = urljoin(url, redirect.group(1)).split("#")[0]
            html = pages.get(target, "")
        found |= {f"{url}#{anchor}" for anchor in _anchors(url, html, record_ids)}
    return found


def read_list(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_list(path: Path, urls: set[str]) -> None:
    header = (
        "# Every address the site has published: pages and record anchors, relative to site_url.\n"
        "# Never delete a line: keep old addresses working with former_ids or a redirect (CONTRIBUTING.md).\n"
    )
    path.write_text(header + "".join(f"{u}\n" for u in sorted(urls)), encoding="utf-8")
