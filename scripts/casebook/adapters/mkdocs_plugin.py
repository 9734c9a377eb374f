"""MkDocs adapter: hand MkDocs what ``casebook.site.build_site`` built, once per build.

Generated pages and data files are ``File.generated`` objects, so ``mkdocs serve`` never loops on its
own output and a deleted record leaves no stale page behind; nothing is written into ``docs/``.
Each page's description, link-preview data and JSON-LD go into ``page.meta``, and the theme
(``theme/main.html``) writes them into <head>, escaped for HTML and for a script element.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from casebook.core.errors import ContentError
from casebook.outputs.offline import SHIM, ZIP_NAME
from casebook.site import Site, SiteOptions, build_site

SHIM_URL = "assets/javascripts/iframe-worker-shim.js"  # a local copy of Material's file:// worker shim


class CasebookConfig(Config):
    content_dir = c.Type(str, default="content")
    # the offline classroom edition, if `make offline` has built it, is published with the site
    offline_zip = c.Type(str, default=f"build/{ZIP_NAME}")


class CasebookPlugin(BasePlugin[CasebookConfig]):
    site: Site | None = None
    extra_files: dict[str, bytes]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
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
        options = SiteOptions(
            site_url=config.site_url or "",
            site_name=config.site_name,
            edit_url=edit_url,
            offline_zip=ZIP_NAME if publish_zip else None,
            site_description=config.site_description or "",
            repo_root=root,
        )
        # Built here, before MkDocs empties site/: bad content aborts the build with every error
        # listed and leaves the previous site as it was.
        try:
            self.site = build_site(content, Path(config.docs_dir), options)
        except ContentError as error:
            raise PluginError(f"casebook: the content has errors\n{error}") from None
        if self.site.redirects:
            redirects = config.plugins.get("redirects")
            if redirects is None:
                raise PluginError("casebook: renamed records need the 'redirects' plugin in mkdocs.yml")
            redirects.config["redirect_maps"] = {**self.site.redirects, **redirects.config["redirect_maps"]}
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
        assert self.site is not None
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
        assert self.site is not None
        declared = self.site.pages[page.file.src_uri]
        if declared.description:
            page.meta.setdefault("description", declared.description)
        if not declared.search:
            page.meta["search"] = {"exclude": True}
        return self.site.page_markdown(page.file.src_uri, markdown)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.site is not None
        try:
            return self.site.content_html(page.file.src_uri, html)
        except ValueError as error:
            raise PluginError(f"casebook: {error}") from None

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Any
    ) -> TemplateContext:
        assert self.site is not None
        declared = self.site.pages[page.file.src_uri]
        # A page built from a whole folder of records has no single file to edit: open the folder.
        if declared.markdown is not None and declared.edit and declared.edit.endswith("/") and page.edit_url:
            page.edit_url = page.edit_url.replace("/edit/", "/tree/", 1).rstrip("/")
        page.meta["casebook"] = self.site.head(page.file.src_uri, homepage=page.is_homepage)
        return context
