"""MkDocs adapter: load the case once per build, add the rendered pages and data files in memory,
expand citations in hand-written pages, and write each page's structured data and link-preview tags.

Nothing is written into ``docs/``: generated pages are ``File.generated`` objects, so ``mkdocs
serve`` never loops on its own output, and a deleted record leaves no stale page behind.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from casebook import __version__
from casebook.core.book import Casebook
from casebook.core.errors import ContentError
from casebook.core.shortcodes import find
from casebook.core.urls import is_record_page, public_url
from casebook.core.validate import build_and_check
from casebook.outputs.exports import downloads_context, export_files
from casebook.outputs.feed import atom_feed, content_changes, updates_page
from casebook.outputs.history import last_changed, read_log, updated
from casebook.outputs.jsonld import article, describe, structured_data
from casebook.outputs.offline import SHIM, ZIP_NAME
from casebook.render.markdown import (
    MONTHS,
    PageWriter,
    abbreviations,
    edit_paths,
    plain,
    redirects,
    render_page,
    render_site,
)
from casebook.render.timeline_svg import timeline_svg


class CasebookConfig(Config):
    content_dir = c.Type(str, default="content")
    # the offline classroom edition, if `make offline` has built it, is published with the site
    offline_zip = c.Type(str, default=f"build/{ZIP_NAME}")


class CasebookPlugin(BasePlugin[CasebookConfig]):
    def __init__(self) -> None:
        self.book: Casebook | None = None
        self.pages: dict[str, str] = {}
        self.edit_targets: dict[str, str] = {}
        self.abbreviations = ""
        self.edit_url: str | None = None
        self.structured: dict[str, dict[str, object]] = {}
        self.site_base = "/"
        self.dates: dict[str, str] = {}
        self.build_date = ""
        self.feed = ""
        self.exports: dict[str, bytes] = {}
        self.offline = False
        self.offline_zip: Path | None = None
        self.shim = Path()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        content = (root / self.config.content_dir).resolve()
        if str(content) not in config.watch:
            config.watch.append(str(content))
        # `edit_uri` points at docs/ (for hand-written pages); content files sit beside docs/.
        self.edit_url = (
            urljoin(urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri), "../")
            if (config.repo_url and config.edit_uri)
            else None
        )
        # Load, validate and render here, before MkDocs empties site/: bad content aborts the
        # build with every error listed and leaves the previous site as it was.
        try:
            self.book = build_and_check(content, Path(config.docs_dir))
        except ContentError as error:
            raise PluginError(f"casebook: the content has errors\n{error}") from None
        self.pages = render_site(self.book, edit_url=self.edit_url)
        self.edit_targets = edit_paths(self.book)
        self.abbreviations = abbreviations(self.book)
        self.site_base = (config.site_url or "/").rstrip("/") + "/"
        self.structured = structured_data(self.book, config.site_url or "")
        commits = read_log(root)  # the one git call of a build: dates and content changes
        self.dates = last_changed(commits)
        changes = content_changes(commits)
        self.pages["updates.md"] = updates_page(self.book, changes)
        self.feed = atom_feed(self.book, changes, config.site_url or "/", config.site_name)
        self.structured["updates.md"] = article(
            "What's new", self.site_base + public_url("updates.md"), describe(self.book, "updates.md"), [], None
        )
        self.build_date = date.today().isoformat()
        self._add_redirects(config)
        self.offline = self._offline_mode(config, root)
        zip_path = root / self.config.offline_zip
        self.offline_zip = zip_path if zip_path.is_file() and not self.offline else None
        self._add_downloads(config)
        return config

    def _add_downloads(self, config: MkDocsConfig) -> None:
        """The records as data files, and the page that lists them; built from the same validated case."""
        assert self.book is not None
        cases = self.book.of_kind("case")
        version = f"{__version__}+{cases[0].as_of}" if cases else __version__
        self.exports = export_files(self.book, site_url=config.site_url or "", version=version)
        self.exports["timeline.svg"] = timeline_svg(self.book).encode()
        context = downloads_context(
            self.book, self.exports, version=version, offline_zip=ZIP_NAME if self.offline_zip else None
        )
        self.pages["downloads.md"] = render_page(self.book, "downloads.md.j2", "downloads.md", None, **context)
        self.structured["downloads.md"] = article(
            "Downloads: the records as data",
            self.site_base + public_url("downloads.md"),
            "The site's facts, quotes, timeline and bibliography as data.",
            [],
            None,
        )

    def _offline_mode(self, config: MkDocsConfig, root: Path) -> bool:
        """In the offline build, serve Material's file:// worker shim locally instead of from a CDN."""
        plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
        if plugin is None or not plugin.config.enabled:
            return False
        shim = root / SHIM
        if not shim.is_file():
            raise PluginError(f"casebook: the offline build needs {SHIM}; build it with `make offline`")
        self.shim = shim
        config.extra["polyfills"] = ["assets/javascripts/iframe-worker-shim.js"]  # a local copy: no CDN request
        return True

    def _add_redirects(self, config: MkDocsConfig) -> None:
        """Hand the redirects of renamed laws and lessons to mkdocs-redirects (it writes them after the build)."""
        maps = redirects(self.book)  # type: ignore[arg-type]
        if not maps:
            return
        plugin = config.plugins.get("redirects")
        if plugin is None:
            raise PluginError("casebook: renamed records need the 'redirects' plugin in mkdocs.yml")
        plugin.config["redirect_maps"] = {**maps, **plugin.config["redirect_maps"]}

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path, markdown in self.pages.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"casebook: docs/{path} would hide a generated page; rename or delete it")
            # one page per law or lesson stays out of the nav: the nav lists kinds, not records
            inclusion = InclusionLevel.NOT_IN_NAV if is_record_page(path) else InclusionLevel.UNDEFINED
            file = File.generated(config, path, content=markdown, inclusion=inclusion)
            target = self.edit_targets.get(path)
            file.edit_uri = f"../{target}" if target else None  # relative to edit_uri, which ends in docs/
            files.append(file)
        files.append(File.generated(config, "feed.xml", content=self.feed))
        for name, data in self.exports.items():
            files.append(File.generated(config, name, content=data))
        if self.offline:
            files.append(
                File.generated(config, "assets/javascripts/iframe-worker-shim.js", content=self.shim.read_bytes())
            )
        if self.offline_zip is not None:
            files.append(File.generated(config, ZIP_NAME, content=self.offline_zip.read_bytes()))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.book is not None
        path = page.file.src_uri
        title = _first_heading(markdown) or page.title or config.site_name
        if path in self.pages:
            description = describe(self.book, path)
            source = self.edit_targets.get(path, "")
        else:
            description = page.meta.get("description") or _first_paragraph(markdown)
            source = f"docs/{path}"
            cited = self.book.sources_behind(code.id for code in find(markdown))
            writer = PageWriter(self.book, path, None)
            markdown = writer.md(markdown)
            notes = writer.footnotes()
            if notes:
                markdown += "\n\n" + notes
            self.structured[path] = article(title, self.site_base + public_url(path), description, cited, None)
        if description:
            page.meta.setdefault("description", description)
        modified = updated(self.dates, source, self.build_date) if source else self.build_date
        if path in self.structured and self.structured[path].get("@type") == "Article":
            self.structured[path]["dateModified"] = modified
        markdown += "\n\n" + cite_this_page(title, self.site_base + public_url(path), modified, config.site_name)
        if self.abbreviations:
            markdown += "\n\n" + self.abbreviations + "\n"
        return markdown

    def on_page_context(self, context: dict, /, *, page: Page, config: MkDocsConfig, nav: object) -> dict:
        # A page built from a whole folder of records has no single file to edit: open the folder.
        target = self.edit_targets.get(page.file.src_uri)
        if target and target.endswith("/") and page.edit_url:
            page.edit_url = page.edit_url.replace("/edit/", "/tree/", 1).rstrip("/")
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        head = social_meta(
            page.title or config.site_name,
            page.meta.get("description") or config.site_description,
            page.canonical_url or self.site_base,
            config.site_name,
            "website" if page.is_homepage else "article",
        )
        data = self.structured.get(page.file.src_uri)
        if data is not None:
            # "</" inside JSON would end the script element early; JSON allows the escaped form.
            script = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
            head += f'<script type="application/ld+json">{script}</script>\n'
        return output.replace("</head>", head + "</head>", 1)


def _first_heading(markdown: str) -> str | None:
    match = re.search(r"^# (.+?)\s*(?:\{[^}]*\})?\s*$", markdown, re.M)
    return plain(match.group(1)) if match else None


def _first_paragraph(markdown: str) -> str:
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if block and not block.startswith(("#", "!!!", "???", "|", "-", "<", "```")):
            return plain(block, 200)
    return ""


def social_meta(title: str, description: str, url: str, site_name: str, kind: str) -> str:
    """Open Graph and Twitter card tags, so a shared link shows the page's title and summary."""
    tags = {"og:title": title, "og:description": description, "og:url": url, "og:type": kind, "og:site_name": site_name}
    out = "".join(f'<meta property="{k}" content="{html.escape(v or "", quote=True)}">\n' for k, v in tags.items())
    out += '<meta name="twitter:card" content="summary">\n'
    out += f'<meta name="twitter:title" content="{html.escape(title, quote=True)}">\n'
    out += f'<meta name="twitter:description" content="{html.escape(description or "", quote=True)}">\n'
    return out


def cite_this_page(title: str, url: str, modified: str, site_name: str) -> str:
    """A collapsed "Cite this page" box: APA, Chicago and BibTeX, with the page's last-updated date."""
    year, month, day = modified.split("-")
    month_name = MONTHS[int(month) - 1]
    key = "casebook-" + (re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[-1].lower()).strip("-") or "home")
    bibtex = (
        f"@misc{{{key},\n  title = {{{title}}},\n  author = {{{{{site_name} contributors}}}},\n"
        f"  year = {{{year}}},\n  url = {{{url}}},\n  note = {{Last updated {modified}}}\n}}"
    )
    return (
        f'??? quote "Cite this page (last updated {int(day)} {month_name} {year})"\n\n'
        f"    **APA:** {site_name} contributors. ({year}, {month_name} {int(day)}). *{title}*. {site_name}. <{url}>\n\n"
        f'    **Chicago:** {site_name} contributors. "{title}." {site_name}. Last updated {month_name} {int(day)}, '
        f"{year}. <{url}>.\n\n"
        "    **BibTeX:**\n\n    ```bibtex\n" + "\n".join("    " + line for line in bibtex.splitlines()) + "\n    ```\n"
    )
