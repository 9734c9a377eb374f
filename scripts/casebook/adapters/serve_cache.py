"""`mkdocs serve` only: work kept from one rebuild to the next, so a one-word edit answers in seconds.

MkDocs rebuilds the whole site on every save: it converts every page's Markdown again (about half
of a rebuild) and compiles the theme's templates again (a new Jinja environment each time). A
one-word edit to a record changes the Markdown of a few generated pages and no template at all.

``PageCache`` keeps each page's conversion, keyed by everything the conversion reads: the page's
Markdown and path, the Markdown extensions and their options, the validation settings, and every
file's path and address (links are resolved and checked against them). A page whose key is unchanged
gets its HTML, table of contents, title and anchors back without being converted. A conversion that
logged a warning is never kept, so every rebuild logs it again and ``--strict`` still counts it.
Everything after conversion (the HTML allowlist, anchor checks, templates, search) runs as before.

``SearchCache`` keeps what Material's search plugin adds to its index for each page, keyed by all
it reads of the page (address, title, meta, table of contents and HTML): parsing every page's HTML
again is a third of what remains of a rebuild. It wraps the search index of each build, if the
installed Material has the one this was written against (9.x: ``SearchIndex.add_entry_from_context``
appending to ``SearchIndex.entries``); otherwise search indexes every page as it always did.

``TemplateCache`` is a Jinja bytecode cache in memory: Jinja keys each entry by the template's name
and a checksum of its source, so an edited template is compiled again.

Neither is used by ``mkdocs build``, which starts from nothing every time.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page


@dataclass
class _Converted:
    """What ``Page.render`` (mkdocs/structure/pages.py) leaves on a page, with files named by path."""

    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None


class _Warned(logging.Handler):
    """Notes whether anything was logged at WARNING or above while a page was converted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


class PageCache:
    def __init__(self) -> None:
        self._entries: dict[str, _Converted] = {}
        self._used: set[str] = set()
        self._build_key: tuple[int, str] | None = None  # (id of the build's Files, its key)
        self.hits = self.misses = 0  # for the log line of each rebuild

    def start_build(self) -> None:
        """A new build: entries no page of the last build used are dropped, unless the last build
        converted nothing. A build stopped by a content error converts no page, and pruning after it
        emptied the cache, so the build that fixed the error converted every page again."""
        if self._used:
            self._entries = {key: entry for key, entry in self._entries.items() if key in self._used}
        self._used, self._build_key = set(), None
        self.hits = self.misses = 0

    def use_for(self, page: Page) -> None:
        """Convert ``page`` through the cache when MkDocs renders it (``_populate_page`` calls
        ``page.render`` right after the ``page_markdown`` event, with the page's final Markdown)."""
        page.render = lambda config, files: self._render(page, config, files)  # type: ignore[method-assign]

    def _key_of_build(self, config: MkDocsConfig, files: Files) -> str:
        if self._build_key is None or self._build_key[0] != id(files):
            what = {
                "extensions": [str(e) for e in config.markdown_extensions],
                "options": config.mdx_configs,
                "directory_urls": config.use_directory_urls,
                "validation": config.validation,
                "docs_dir": config.docs_dir,
                "files": sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files),
            }
            text = json.dumps(what, sort_keys=True, default=repr)
            self._build_key = (id(files), hashlib.sha256(text.encode("utf-8")).hexdigest())
        return self._build_key[1]

    def _render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        markdown = page.markdown or ""
        key = hashlib.sha256(
            "\0".join((self._key_of_build(config, files), page.file.src_uri, markdown)).encode("utf-8")
        ).hexdigest()
        self._used.add(key)
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            page.content = entry.content
            page.toc = copy.deepcopy(entry.toc)
            page._title_from_render = entry.title
            page.present_anchor_ids = set(entry.anchors) if entry.anchors is not None else None
            if entry.links_to_anchors is not None:
                page.links_to_anchors = {
                    target: dict(links)
                    for path, links in entry.links_to_anchors.items()
                    if (target := files.get_file_from_path(path)) is not None
                }
            return
        self.misses += 1
        warned = _Warned()
        loggers = (logging.getLogger(), logging.getLogger("mkdocs"))
        for logger in loggers:
            logger.addHandler(warned)
        try:
            Page.render(page, config, files)
        finally:
            for logger in loggers:
                logger.removeHandler(warned)
        if warned.seen or page.content is None:
            return
        links = page.links_to_anchors
        self._entries[key] = _Converted(
            content=page.content,
            toc=copy.deepcopy(page.toc),
            title=page._title_from_render,
            anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            links_to_anchors=None
            if links is None
            else {target.src_uri: dict(anchors) for target, anchors in links.items()},
        )


def _outline(items: Any) -> list[Any]:
    """A table of contents as plain data (its objects' repr would hold their addresses in memory)."""
    return [(i.title, i.url, i.level, _outline(i.children)) for i in items]


class SearchCache:
    def __init__(self) -> None:
        self._entries: dict[str, list[dict[str, Any]]] = {}
        self._used: set[str] = set()

    def wrap(self, config: MkDocsConfig) -> None:
        """Put the cache in front of this build's search index (made afresh by the plugin's on_config)."""
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index: Any = getattr(plugin, "search_index", None)
        add = getattr(index, "add_entry_from_context", None)
        if add is None or not isinstance(getattr(index, "entries", None), list):
            return
        self._entries = {key: value for key, value in self._entries.items() if key in self._used}
        self._used = set()

        def add_entry_from_context(page: Page) -> None:
            what = (page.url, str(page.title), page.meta, _outline(page.toc), page.content)
            key = hashlib.sha256(json.dumps(what, sort_keys=True, default=repr).encode("utf-8")).hexdigest()
            self._used.add(key)
            if key in self._entries:
                index.entries.extend(copy.deepcopy(self._entries[key]))
                return
            before = len(index.entries)
            add(page)
            self._entries[key] = copy.deepcopy(index.entries[before:])

        index.add_entry_from_context = add_entry_from_context


class TemplateCache(BytecodeCache):
    """Compiled Jinja templates in memory, for the life of the server."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
