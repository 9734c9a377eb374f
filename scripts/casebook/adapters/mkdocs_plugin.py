"""MkDocs adapter: hand MkDocs what ``casebook.site.build_site`` built, once per build.

Generated pages and data files are ``File.generated`` objects, so ``mkdocs serve`` never loops on its
own output and a deleted record leaves no stale page behind; nothing is written into ``docs/``.
Each page's description, link-preview data and JSON-LD go into ``page.meta``, and the theme
(``theme/main.html``) writes them into <head>, escaped for HTML and for a script element.

``mkdocs build`` fails on any content error. ``mkdocs serve`` never hangs (see ``on_serve``): a broken
edit keeps the last good site served, with the errors in a banner on every page, and live reload.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path
from types import FrameType
from typing import Any, Literal
from urllib.parse import urljoin

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from casebook.adapters.serve_cache import PageCache, SearchCache, TemplateCache
from casebook.core.errors import ContentError
from casebook.outputs.lesson_files import FOLDER as LESSON_FILES
from casebook.outputs.lesson_files import published_files
from casebook.outputs.minify import minify_own_assets
from casebook.outputs.offline import SHIM, ZIP_NAME
from casebook.outputs.sanitise import tidy_search_text
from casebook.site import Site, SiteOptions, build_site

SHIM_URL = "assets/javascripts/iframe-worker-shim.js"  # a local copy of Material's file:// worker shim

log = logging.getLogger("mkdocs.plugins.casebook")

# `mkdocs serve` only: what the banner above every page says (adapters/mkdocs_plugin.py, styled in casebook.css)
LAST_GOOD = "The content has errors. This is the last good build of the site; fix them and save, and it reloads."
NO_GOOD_BUILD = "The content has errors, so no page could be built; fix them and save, and the site reloads."
PAGE_ERRORS = "Some pages could not be built; fix these errors and save, and the site reloads."
REBUILD_FAILED = "The site could not be rebuilt. This is the last site built; fix the error and save, and it reloads."
NOT_BUILT = "<p>This page is not built while the content has errors (listed above).</p>"
BANNER_START, BANNER_END = "<!-- casebook-errors -->", "<!-- /casebook-errors -->"
BODY = re.compile(r"<body\b[^<>]*>", re.IGNORECASE)  # [^<>]: a run of "<body" cannot make it rescan


def banner(title: str, errors: str) -> str:
    """The banner of ``mkdocs serve``: a title and the errors, each line as the CLI prints it, escaped."""
    return (
        f'{BANNER_START}<div class="casebook-errors" role="alert"><p><strong>{escape(title)}</strong></p>'
        f"<pre>{escape(errors)}</pre></div>{BANNER_END}"
    )


def with_banner(html: str, markup: str) -> str:
    """``html`` with ``markup`` first in its <body>, in place of a banner put there before."""
    body = BODY.search(html)
    if body is None:
        return html
    rest = html[body.end() :]
    if rest.startswith(BANNER_START) and BANNER_END in rest:
        rest = rest[rest.index(BANNER_END) + len(BANNER_END) :]
    return html[: body.end()] + markup + rest


def add_banner(folder: Path, markup: str) -> None:
    """Put the banner on every HTML page under ``folder``; each file is replaced whole, so a page
    served meanwhile is the old one or the new one, never half of one."""
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        changed = with_banner(text, markup)
        if changed != text:
            part = page.with_name(page.name + ".casebook-part")
            part.write_text(changed, encoding="utf-8")
            os.replace(part, page)


def tidy_search_entries(config: MkDocsConfig) -> None:
    """Make Material's search index each page's entries with ``sanitise.tidy_search_text`` applied: the
    elements marked ``data-search-exclude`` (``sanitise.search_exclusions``) leave a space before the
    punctuation that followed them. Material builds a new index in each build's ``on_config``."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    index: Any = getattr(plugin, "search_index", None)
    add = getattr(index, "add_entry_from_context", None)
    if add is None or not isinstance(getattr(index, "entries", None), list):
        return

    def add_entry_from_context(page: Page) -> None:
        before = len(index.entries)
        add(page)
        for entry in index.entries[before:]:
            if isinstance(entry.get("text"), str):
                entry["text"] = tidy_search_text(entry["text"])

    index.add_entry_from_context = add_entry_from_context


def _errors_of(error: ContentError | ValueError) -> str:
    if isinstance(error, ContentError):
        return "\n".join(str(d) for d in sorted(error.diagnostics, key=lambda d: d.sort_key))
    return str(error)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # `mkdocs serve` shuts down on it and removes its temporary folders


class CasebookConfig(Config):
    content_dir = c.Type(str, default="content")
    # the offline classroom edition, if `make offline` has built it, is published with the site
    offline_zip = c.Type(str, default=f"build/{ZIP_NAME}")
    # the lessons' handouts, cards and slides, if `make handouts` has made them, are published too
    lesson_files = c.Type(str, default=str(LESSON_FILES))


class CasebookPlugin(BasePlugin[CasebookConfig]):
    """Defining ``on_startup`` keeps one instance for the whole of ``mkdocs serve`` (MkDocs >= 1.4),
    so the last good ``Site`` and the served folder survive a rebuild."""

    site: Site | None = None  # None only in serve mode while the content has errors
    extra_files: dict[str, bytes]

    def __init__(self) -> None:
        self.serving = False  # `mkdocs serve` (not --dirty): content errors are shown, not fatal
        self.server: LiveReloadServer | None = None  # once serving, for the rebuilds
        self.spare: Path | None = None  # where the next rebuild is written while the last one is served
        self.own_folder: Path | None = None  # the second folder; MkDocs removes its own one
        self.good = False  # the served folder holds a site built from valid content
        self.page_errors: list[str] = []  # errors found while building this build's pages (serve mode)
        self.content_errors: str | None = None  # the content errors that stopped this rebuild
        self.failure: str | None = None  # why this build failed, as MkDocs reported it
        self.page_cache = PageCache()  # serve mode: conversions kept from one rebuild to the next
        self.template_cache = TemplateCache()  # serve mode: compiled theme templates, likewise
        self.search_cache = SearchCache()  # serve mode: each page's search entries, likewise

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.serving = command == "serve" and not dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.page_errors, self.content_errors, self.failure = [], None, None
        self.page_cache.start_build()
        if self.server is not None and self.spare is not None:
            config["site_dir"] = str(self.spare)  # the served folder stays whole while this one is built
        root = Path(config.config_file_path).parent
        content = (root / self.config.content_dir).resolve()
        if str(content) not in config.watch:
            config.watch.append(str(content))
        # `edit_uri` points at docs/ (hand-written pages); content files sit beside docs/.
        repo, edit_uri = config.repo_url, config.edit_uri
        edit_url = urljoin(urljoin(repo.rstrip("/") + "/", edit_uri), "../") if repo and edit_uri else None
        self.extra_files = {}
        offline = self._offline_mode(config, root)
        publish_zip = (zip_path := root / self.config.offline_zip).is_file() and not offline
        if publish_zip:
            self.extra_files[ZIP_NAME] = zip_path.read_bytes()
        lesson_files = dict(published_files(root / self.config.lesson_files))  # none on a fresh clone: no links
        self.extra_files.update((path, file.read_bytes()) for path, file in lesson_files.items())
        options = SiteOptions(
            site_url=config.site_url or "",
            site_name=config.site_name,
            edit_url=edit_url,
            offline_zip=ZIP_NAME if publish_zip else None,
            lesson_files=frozenset(lesson_files),
            site_description=config.site_description or "",
            repo_root=root,
            commit_url=f"{repo.rstrip('/')}/commit/" if repo and repo.startswith("https://github.com/") else None,
            offline=offline,
        )
        # Built here, before MkDocs empties site/: bad content aborts the build with every error
        # listed and leaves the previous site as it was.
        try:
            self.site = build_site(content, Path(config.docs_dir), options)
            # at INFO, as "warning: …": `mkdocs build --strict` fails on any WARNING record, and an old
            # [[kind:former-id]] link must still build
            for warning in sorted(self.site.book.warnings, key=lambda d: d.sort_key):
                log.info("warning: %s", warning)
        except ContentError as error:
            if not self.serving:
                raise PluginError(f"casebook: the content has errors\n{error}") from None
            return self._content_has_errors(config, error)
        except ValueError as error:  # a docs/ page or an old address that would hide a page
            if not self.serving:
                raise PluginError(f"casebook: {error}") from None
            return self._content_has_errors(config, error)
        self.site.markdown_config(config.markdown_extensions, config.mdx_configs)
        if self.site.redirects:
            redirects = config.plugins.get("redirects")
            if redirects is None:
                raise PluginError("casebook: renamed records need the 'redirects' plugin in mkdocs.yml")
            redirects.config["redirect_maps"] = {**self.site.redirects, **redirects.config["redirect_maps"]}
        return config

    def _content_has_errors(self, config: MkDocsConfig, error: ContentError | ValueError) -> MkDocsConfig:
        """Serve mode. With a good site served, stop this rebuild before it touches anything; the
        rebuild (``_rebuild``) puts the errors on the served pages. Otherwise (the first build, or no
        good build yet) build a site of the errors alone: every page is the banner and a notice."""
        errors = _errors_of(error)
        if self.server is not None and self.good:
            self.content_errors = errors
            raise PluginError(
                f"casebook: the content has errors\n{errors}\nServing the last good build, with the errors."
            )
        log.error(f"casebook: the content has errors\n{errors}\nNo good build yet: every page shows the errors.")
        self.site = None
        self.page_errors.append(errors)
        config.nav = None  # the nav names generated pages, which do not exist now
        return config

    def _offline_mode(self, config: MkDocsConfig, root: Path) -> bool:
        """In the offline build, serve Material's file:// worker shim locally instead of from a CDN."""
        plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
        if plugin is None or not plugin.config.enabled:
            return False
        if not (root / SHIM).is_file():
            raise PluginError(f"casebook: the offline build needs {SHIM}; build it with `make offline`")
        self.extra_files[SHIM_URL] = (root / SHIM).read_bytes()
        config.extra["polyfills"] = [SHIM_URL]  # no CDN request
        return True

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.site is None:  # serve mode, content errors and no good build: docs/ pages only
            return files
        for path, page in self.site.pages.items():
            if page.markdown is None:
                continue
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"casebook: docs/{path} would hide a generated page; rename or delete it")
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, path, content=page.markdown, inclusion=inclusion)
            file.edit_uri = f"../{page.edit}" if page.edit else None  # relative to edit_uri, which ends in docs/
            files.append(file)
        for name, data in {**self.site.files, **self.extra_files}.items():
            files.append(File.generated(config, name, content=data))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.site is None:
            return ""
        declared = self.site.pages[page.file.src_uri]
        if declared.description:
            page.meta.setdefault("description", declared.description)
        if not declared.search:
            page.meta["search"] = {"exclude": True}
        # the sitemap's <lastmod>: the last commit that touched what the page is built from (as its "last
        # updated" date says), not MkDocs' build date; set here, as MkDocs writes the sitemap before
        # any page's template context
        if declared.modified:
            page.update_date = declared.modified
        if self.serving:
            self.page_cache.use_for(page)
        return self.site.page_markdown(page.file.src_uri, markdown)

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        tidy_search_entries(config)  # every plugin's on_config has run: this build's index exists
        if self.serving:
            env.bytecode_cache = self.template_cache
            self.search_cache.wrap(config)  # every plugin's on_config has run: this build's index exists
        return env

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.site is None:
            return NOT_BUILT
        try:
            return self.site.content_html(page.file.src_uri, html, directory_urls=config.use_directory_urls)
        except ValueError as error:
            if not self.serving:
                raise PluginError(f"casebook: {error}") from None
            log.error(f"casebook: {error}")
            self.page_errors.append(str(error))
            return f"<p>This page could not be built: {escape(str(error))}</p>"

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Any
    ) -> TemplateContext:
        if self.site is None:
            return context
        declared = self.site.pages[page.file.src_uri]
        # A page built from a whole folder of records has no single file to edit: open the folder.
        if declared.markdown is not None and declared.edit and declared.edit.endswith("/") and page.edit_url:
            page.edit_url = page.edit_url.replace("/edit/", "/tree/", 1).rstrip("/")
        page.meta["casebook"] = self.site.head(page.file.src_uri, homepage=page.is_homepage)
        return context

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        minify_own_assets(Path(config.site_dir))
        if self.serving:
            cache = self.page_cache
            log.info(f"casebook: {cache.misses} pages converted, {cache.hits} unchanged pages reused")
        if self.page_errors:
            title = PAGE_ERRORS if self.site is not None else NO_GOOD_BUILD
            add_banner(Path(config.site_dir), banner(title, "\n".join(self.page_errors)))

    def on_build_error(self, *, error: Exception) -> None:
        self.failure = str(error)

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., None]
    ) -> LiveReloadServer:
        """Make every request answer at once, whatever the rebuild does.

        MkDocs 1.6's ``LiveReloadServer`` (mkdocs/livereload/__init__.py) makes each request wait
        until ``_visible_epoch == _wanted_epoch``: ``_build_loop`` sets ``_wanted_epoch`` before a
        rebuild and ``_visible_epoch`` only after one succeeds, because the rebuild empties and
        rewrites the one folder it serves. So every request waits out each rebuild (13-24 s on the
        real site), and after a failed one waits for ever ("The server will appear stuck").

        Here each rebuild is written into a second folder while the last one stays served, and
        swapped in when done; while it builds, the wanted epoch is set back to the visible one so no
        request waits. A failed rebuild keeps the served folder and puts the errors on its pages, and
        counts as done, so browsers reload and show them; a good rebuild reloads them without.
        """
        self.good = self.site is not None
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)  # a kill stops the server as Ctrl-C does, cleaning up
        if not all(hasattr(server, name) for name in ("_epoch_cond", "_wanted_epoch", "_visible_epoch", "root")):
            log.warning("casebook: this MkDocs serves no request during a rebuild; errors still show on the pages")
            return server
        self.server, self.spare = server, Path(tempfile.mkdtemp(prefix="casebook_serve_"))
        self.own_folder = self.spare
        build = server.builder
        server.builder = lambda: self._rebuild(server, build)
        server.error_handler = self._error_page
        return server

    def _rebuild(self, server: LiveReloadServer, build: Callable[[], None]) -> None:
        assert self.spare is not None
        with server._epoch_cond:
            wanted = server._wanted_epoch
            server._wanted_epoch = server._visible_epoch  # requests are answered from the served folder
            server._epoch_cond.notify_all()
        self.content_errors = self.failure = None
        try:
            build()
        except Exception as error:
            if self.content_errors is not None:
                title, errors = (LAST_GOOD, self.content_errors)
            else:  # not the content: say so, on the pages as in the terminal (build() logged a BuildError)
                log.error(
                    "casebook: the rebuild failed; the last site built is still served",
                    exc_info=not isinstance(error, Abort),
                )
                title, errors = (REBUILD_FAILED, self.failure or f"{type(error).__name__}: {error}")
            add_banner(Path(server.root), banner(title, errors))
        else:
            served = Path(server.root)
            server.root = str(self.spare)
            self.spare, self.good = served, self.site is not None
        with server._epoch_cond:
            server._wanted_epoch = wanted  # done: _build_loop makes it visible and browsers reload

    def _error_page(self, code: int) -> bytes | None:
        """MkDocs's own error handler reads its own folder, which may not be the one served now."""
        assert self.server is not None
        page = Path(self.server.root) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    def on_shutdown(self) -> None:
        if self.own_folder is not None:
            shutil.rmtree(self.own_folder, ignore_errors=True)
