"""The site's own stylesheet and scripts are published without their comments.

They are written to be read (the comments say why each rule exists), and every page loads them:
the comments were about a third of their weight. Only whole-line ``//`` comments are taken out of
JavaScript (a ``//`` inside a line may be part of a string or an address), and ``/* … */`` comments
out of CSS, whose strings in this project hold no ``/*``."""

from __future__ import annotations

import re
from pathlib import Path

OWN_ASSETS = (
    "assets/casebook.css",
    "assets/javascripts/casebook.js",
    "assets/javascripts/filters.js",
    "assets/print.js",
)

_JS_LINE_COMMENT = re.compile(r"^[ \t]*//[^\n]*\n", re.MULTILINE)


def strip_js(text: str) -> str:
    """JavaScript without its whole-line comments."""
    return _JS_LINE_COMMENT.sub("", text)


def strip_css(text: str) -> str:
    """CSS without its comments (and the line break after one). A scan, not a pattern: an unclosed
    comment then costs one search to the end, not one per opening."""
    out: list[str] = []
    at = 0
    while (start := text.find("/*", at)) >= 0:
        end = text.find("*/", start + 2)
        if end < 0:
            break
        out.append(text[at:start])
        at = end + 2 + (text[end + 2 : end + 3] == "\n")
    out.append(text[at:])
    return "".join(out)


def minify_own_assets(site_dir: Path) -> None:
    """Rewrite the site's own assets in a built site without their comments."""
    for rel in OWN_ASSETS:
        path = site_dir / rel
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(strip_css(text) if rel.endswith(".css") else strip_js(text), encoding="utf-8")
