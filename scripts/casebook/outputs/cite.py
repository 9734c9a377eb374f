"""The "Cite this page" box: APA, Chicago and BibTeX (biblatex) for a page, with the date it last changed.

Every value is encoded for where it lands: the BibTeX entry's text through ``bibtex_escape`` (one line,
balanced braces, LaTeX specials escaped), its URL through ``bibtex_url`` and its key reduced to safe
characters; the APA and Chicago lines are one line each, so a title cannot leave the box; the BibTeX
block is fenced with more backticks than any run in it, so a value cannot close the fence.
"""

from __future__ import annotations

import re

from casebook.core.markup import literal
from casebook.core.text import human_date
from casebook.outputs.exports import bibtex_escape, bibtex_url, one_line


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def cite_this_page(title: str, url: str, modified: str, site_name: str) -> str:
    """A collapsed Markdown box (Material's ``???``) citing the page at ``url``, last changed on ``modified``."""
    title, url, site_name = one_line(title), one_line(url), one_line(site_name)
    year, _, day = (int(part) for part in modified.split("-"))
    month_name = human_date(modified).split(" ")[1]
    author = f"{bibtex_escape(site_name)} contributors"
    key = "casebook-" + (re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[-1].lower()).strip("-") or "home")
    # biblatex's @online with the day it last changed and its language: pandoc reads it as a web page in
    # English (an @misc came back with no type at all; tests/test_bib_pandoc.py)
    bibtex = (
        f"@online{{{key},\n  title = {{{bibtex_escape(title)}}},\n  author = {{{{{author}}}}},\n"
        f"  date = {{{bibtex_escape(modified)}}},\n  url = {{{bibtex_url(url)}}},\n  langid = {{english}},\n"
        f"  note = {{Last updated {bibtex_escape(modified)}}}\n}}"
    )
    fence = _fence(bibtex)
    # In the APA and Chicago lines the title and site name are Markdown text: written as literals.
    title, site_name = literal(title), literal(site_name)
    return (
        f'??? quote "Cite this page (last updated {human_date(modified)})"\n\n'
        f"    **APA:** {site_name} contributors. ({year}, {month_name} {day}). *{title}*. {site_name}. <{url}>\n\n"
        f'    **Chicago:** {site_name} contributors. "{title}." {site_name}. Last updated {month_name} {day}, '
        f"{year}. <{url}>.\n\n"
        f"    **BibTeX:**\n\n    {fence}bibtex\n"
        + "\n".join("    " + line for line in bibtex.splitlines())
        + f"\n    {fence}\n"
    )
