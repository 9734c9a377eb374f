"""MkDocs adapter: load the case once per build, add the rendered pages in memory, cite from docs.

Nothing is written into ``docs/``: generated pages are ``File.generated`` objects, so ``mkdocs
serve`` never loops on its own output, and a deleted record leaves no stale page behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .casebook import Casebook
from .errors import ContentError
from .render import PageWriter, abbreviations, edit_paths, redirects, render_site
from .structured import structured_data
from .urls import is_record_page
from .validate import build_and_check


class CasebookConfig(Config):
    content_dir = c.Type(str, default="content")


class CasebookPlugin(BasePlugin[CasebookConfig]):
    def __init__(self) -> None:
        self.book: Casebook | None = None
        self.pages: dict[str, str] = {}
        self.edit_targets: dict[str, str] = {}
        self.abbreviations = ""
        self.edit_url: str | None = None
        self.structured: dict[str, dict[str, object]] = {}

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
        self.structured = structured_data(self.book, config.site_url or "")
        self._add_redirects(config)
        return config

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
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.book is not None
        if page.file.src_uri not in self.pages:
            writer = PageWriter(self.book, page.file.src_uri, None)
            markdown = writer.md(markdown)
            notes = writer.footnotes()
            if notes:
                markdown += "\n\n" + notes
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
        data = self.structured.get(page.file.src_uri)
        if data is None:
            return output
        # "</" inside JSON would end the script element early; JSON allows the escaped form.
        script = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return output.replace("</head>", f'<script type="application/ld+json">{script}</script>\n</head>', 1)
