"""The Material overrides in scripts/casebook/theme/ are Material's own partials with the changes listed here.

When Material changes a partial, this fails: copy the new partial and make the change again.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest
import yaml

from ..conftest import ROOT

THEME = ROOT / "scripts" / "casebook" / "theme"
MATERIAL = Path(material.__file__).parent / "templates"

_SHARE_ICON = """
            {% set icon = config.theme.icon.share or "material/share-variant" %}
            {% include ".icons/" ~ icon ~ ".svg" %}
          </"""
_SHARE_ATTRIBUTES = (
    ' class="md-search__icon md-icon" title="{{ lang.t(\'search.share\') }}"'
    " aria-label=\"{{ lang.t('search.share') }}\""
    ' data-clipboard data-clipboard-text="" data-md-component="search-share" tabindex="-1">'
)
# file -> the (Material's text, ours) replacements that make the override, each found once upstream
CHANGES: dict[str, tuple[tuple[str, str], ...]] = {
    "partials/search.html": (
        (
            '<div class="md-search" data-md-component="search" role="dialog">',
            '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">',
        ),
        (
            '<a href="javascript:void(0)"' + _SHARE_ATTRIBUTES + _SHARE_ICON + "a>",
            '<button type="button"' + _SHARE_ATTRIBUTES + _SHARE_ICON + "button>",
        ),
    ),
    "partials/progress.html": (('role="progressbar">', 'role="progressbar" aria-label="Loading page">'),),
    "partials/source.html": ((' class="md-source" data-md-component="source">', ' class="md-source">'),),
    # "On this page" (partials/on-this-page.html) after the page's heading
    "partials/content.html": (
        (
            '{% if "\\u003ch1" not in page.content %}\n'
            "  <h1>{{ page.title | d(config.site_name, true)}}</h1>\n"
            "{% endif %}\n"
            "{{ page.content }}\n",
            '{% if "\\u003ch1" not in page.content %}\n'
            "  <h1>{{ page.title | d(config.site_name, true)}}</h1>\n"
            '  {% include "partials/on-this-page.html" %}\n'
            "  {{ page.content }}\n"
            '{% elif "</h1>" in page.content %}\n'
            '  {%- set parts = page.content.split("</h1>", 1) %}\n'
            "  {{ parts[0] }}</h1>\n"
            '  {% include "partials/on-this-page.html" %}\n'
            "  {{ parts[1] }}\n"
            "{% else %}\n"
            "  {{ page.content }}\n"
            "{% endif %}\n",
        ),
    ),
}


def _body(text: str) -> str:
    return re.sub(r"\A\{#-.*?-#\}\n", "", text, flags=re.DOTALL)


@pytest.mark.parametrize("name", CHANGES)
def test_override_is_material_partial_with_one_change(name: str) -> None:
    upstream = _body((MATERIAL / name).read_text(encoding="utf-8"))
    ours = _body((THEME / name).read_text(encoding="utf-8"))
    expected = upstream
    for before, after in CHANGES[name]:
        assert upstream.count(before) == 1, f"Material's {name} changed: copy it again and re-apply the change"
        expected = expected.replace(before, after)
    assert ours == expected


def test_mkdocs_uses_the_overrides() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert config["theme"]["custom_dir"] == "scripts/casebook/theme"
    overrides = {p.relative_to(THEME).as_posix() for p in THEME.rglob("*") if p.is_file()}
    # the site's own style sheet and print script live with the theme (code review), not in docs/
    assert overrides == {
        *CHANGES,
        "main.html",
        "partials/on-this-page.html",  # the site's own: the table of contents below 960 px
        "assets/javascripts/casebook.js",
        "assets/javascripts/filters.js",  # narrowing the facts and sources lists
        "assets/javascripts/search-on-demand.js",  # the search index fetched when search is first used
        "assets/casebook.css",
        "assets/print.js",
    }
