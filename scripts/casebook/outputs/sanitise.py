"""The HTML allowlist every page's content passes before the theme wraps it: defence in depth.

Record text is already restricted at the input (``casebook.core.markup``) and encoded at the output
(the writer and templates); hand-written pages are checked by ``casebook validate``. This is the
last step, in case something gets past both: the content area of every page (what Python-Markdown
made of the page's Markdown, before Material adds its navigation and header) is cleaned by nh3
(the Ammonia sanitiser) with the allowlist below, which is exactly what this site's Markdown
extensions and templates emit. Anything else (a ``<script>``, an ``on*`` attribute, a
``javascript:`` URL, a ``<style>``, an image from another host, an ``<iframe>``) is removed.

Trusted pictures the site draws itself (the timeline SVG) are not run through the allowlist: the
page carries a placeholder that record text cannot contain (private-use characters are refused at
the input), and the picture replaces it after cleaning.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import nh3

from casebook.core.markup import is_local_path

TAGS = {
    # text and structure from Python-Markdown, tables, def_list, footnotes, toc
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code"),
    *("em", "strong", "del", "sup", "sub", "abbr", "span", "div", "a", "img"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "thead", "tbody", "tr", "th", "td"),
    # admonitions and pymdownx.details; the timeline's figure
    *("details", "summary", "figure", "figcaption"),
}
GENERIC_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "aria-label", "aria-hidden"}
ATTRIBUTES = {
    "*": GENERIC_ATTRIBUTES,
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
}
STYLE_PROPERTIES = {"text-align"}  # Python-Markdown's table column alignment
URL_SCHEMES = {"https", "mailto"}  # and relative addresses, which stay as they are


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Browsers read '\\' in a URL as '/', so '/\\evil.example' and 'https:\\\\evil.example' are other hosts.
    if attribute in ("href", "src") and "\\" in value:
        return None
    # '//host/…' is another host over whatever scheme the page came by (plain http on a mirror).
    if attribute in ("href", "src") and re.sub(r"[\s\x00-\x1f]", "", value).startswith("//"):
        return None
    # Images only from this site, by a relative path: an image from another host is a tracking pixel.
    if tag == "img" and attribute == "src" and not is_local_path(value):
        return None
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=_keep_attribute,
        strip_comments=True,
        link_rel=None,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
    )


def clean(html: str) -> str:
    """``html`` with everything outside the allowlist removed (tags kept as text where harmless)."""
    return _cleaner().clean(html)


_ID = re.compile(r'\sid="([^"]*)"')


def duplicate_ids(html: str) -> list[str]:
    """The ids used more than once in ``html`` (as nh3 writes it: double-quoted attributes)."""
    counts = Counter(_ID.findall(html))
    return [value for value, count in counts.items() if count > 1]


# What Material's search should not index (it skips an element with data-search-exclude, then removes
# the attribute from the page, so readers get the same HTML): footnote numbers, which ran into the words
# before them in results ("Zoom.534"), permalink signs and edit links; the footnotes themselves (each
# restates its statement and quotes its sources' excerpts in full, and is what the citation popovers
# show), the "Cited by" lists, and two collapsed reference blocks, the "Cite this page" box and a
# source's "Excerpts as retrieved": other people's words and citation formats, which made results match
# every page and the index grow with every excerpt. Matched in HTML the allowlist wrote, so each is exact. The lists of
# stubs on /case/facts/ and /sources/ are left out too: each record is found on its own page.
_NOT_SEARCHED = (
    '<sup id="fnref',
    '<sup class="cb-sep"',
    '<a aria-label="Link to this ',
    '<span class="cb-edit">',
    '<details class="cb-moved-list">',  # the stub lists on the index pages: each record is found on its own page
    '<div class="footnote">',
    '<p class="cb-backlinks">',
)
_DETAILS = '<details class="quote">'
# the summaries of the collapsed blocks left out (outputs/cite.py, render/templates/sources.md.j2)
_NOT_SEARCHED_DETAILS = ("<summary>Cite this page (", "<summary>Excerpts as retrieved (")
_EXCLUDED = ' data-search-exclude="1"'


def search_exclusions(html: str) -> str:
    """``html`` (cleaned) with the elements search should skip marked ``data-search-exclude``."""
    for start in _NOT_SEARCHED:
        if start in html:
            tag, rest = start.split(" ", 1)  # "<sup", 'id="fnref'
            html = html.replace(start, f"{tag}{_EXCLUDED} {rest}")
    if _DETAILS in html:
        parts = html.split(_DETAILS)
        for i in range(1, len(parts)):  # the text after each <details class="quote">
            excluded = parts[i].lstrip().startswith(_NOT_SEARCHED_DETAILS)
            parts[i] = (f'<details{_EXCLUDED} class="quote">' if excluded else _DETAILS) + parts[i]
        html = "".join(parts)
    return html


# Two citations side by side ("…in Brooklyn.[^1][^2]") get a comma between their numbers, written here
# in the HTML: a CSS rule between adjacent footnote numbers also put one where text separated them.
_ADJACENT_CITATIONS = re.compile(r'</sup>\s*(?=<sup id="fnref)')
SEPARATOR = '</sup><sup class="cb-sep" aria-hidden="true">,</sup>'


def citation_separators(html: str) -> str:
    """``html`` (cleaned) with a comma between footnote numbers that nothing but spaces separates."""
    return _ADJACENT_CITATIONS.sub(SEPARATOR, html) if '<sup id="fnref' in html else html


# This site's own reasoning sits in admonitions of type "analysis" (core.prose): a landmark-free note
# that a screen reader announces by its name, so a listener knows where the site's voice begins.
_ANALYSIS = '<div class="admonition analysis">'
ANALYSIS_NOTE = '<div class="admonition analysis" role="note" aria-label="This site\'s analysis">'


def analysis_notes(html: str) -> str:
    """``html`` (cleaned) with each analysis block named for assistive technology."""
    return html.replace(_ANALYSIS, ANALYSIS_NOTE) if _ANALYSIS in html else html


# Material makes a tooltip component of every element with a title in the content, at load
# (content.tooltips): on the glossary that was 201 of them, 138 on the section permalinks (the "¶")
# and the footnotes' back-links (the "↩"), which said only "Link to this section" and "Jump back to
# footnote 3 in the text". Those two need a name, not a tooltip: the title becomes an aria-label, so
# a screen reader says the same, and Material mounts nothing for them (measured in RESULTS.md).
_NAMED_LINK = re.compile(r'(<a class="(?:headerlink|footnote-backref)" href="[^"<>]*") title="([^"<>]*)"')


def link_names(html: str) -> str:
    """``html`` (cleaned) with the permalinks' and the footnote back-links' titles as aria-labels."""
    return _NAMED_LINK.sub(r'\1 aria-label="\2"', html) if "<a class=" in html else html


# A glossary term is defined (a tooltip, <abbr title>) at its first use on a page only; later uses are
# plain text. The definition of "insider" repeated in every source title made /sources/ 9 KB (gzip)
# heavier, and only the first use is a tab stop anyway (casebook.js). Matched in HTML the allowlist
# wrote: a term's text holds no tags.
_ABBR = re.compile(r'<abbr title="([^"<>]*)">([^<>]*)</abbr>')


def first_definitions(html: str, *, none: bool = False) -> str:
    """``html`` (cleaned) with each glossary definition kept at the first use of its term only, or
    (``none``) nowhere: the bibliography's titles are other people's words, and its tooltips only
    made the heaviest page heavier; on the glossary each definition is on the page already, and its
    52 tooltips were the page's heaviest work at load (RESULTS.md)."""
    if "<abbr" not in html:
        return html
    seen: set[str] = set()

    def keep_first(match: re.Match[str]) -> str:
        if none or match.group(1) in seen:
            return match.group(2)
        seen.add(match.group(1))
        return match.group(0)

    return _ABBR.sub(keep_first, html)


# Search text, as Material's search writes it (white space collapsed to single spaces): where a citation
# number was left out, the space before it stays ("…in Brooklyn ."), and a paragraph of nothing but
# excluded elements stays as "<p></p>". Code blocks are left as they are.
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,;:!?)])")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s?</p>\s?")


def tidy_search_text(text: str) -> str:
    """A search entry's text without the gaps left where excluded elements were."""
    out, at = [], 0
    while (start := text.find("<pre>", at)) != -1:
        end = text.find("</pre>", start)
        end = len(text) if end == -1 else end + len("</pre>")
        out += [_tidy(text[at:start]), text[start:end]]
        at = end
    out.append(_tidy(text[at:]))
    return "".join(out).strip()


def _tidy(text: str) -> str:
    return _EMPTY_PARAGRAPH.sub("", _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text))
