"""The "Cite this page" box: APA, Chicago and BibTeX for a page, with the date it last changed."""

from __future__ import annotations

import re

from casebook.core.text import human_date
from casebook.outputs.exports import bibtex_escape


def cite_this_page(title: str, url: str, modified: str, site_name: str) -> str:
    """A collapsed Markdown box (Material's ``???``) citing the page at ``url``, last changed on ``modified``."""
    year, _, day = (int(part) for part in modified.split("-"))
    month_name = human_date(modified).split(" ")[1]
    author = f"{bibtex_escape(site_name)} contributors"
    key = "casebook-" + (re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[-1].lower()).strip("-") or "home")
    bibtex = (
        f"@misc{{{key},\n  title = {{{bibtex_escape(title)}}},\n  author = {{{{{author}}}}},\n"
        f"  year = {{{year}}},\n  url = {{{url}}},\n  note = {{Last updated {modified}}}\n}}"
    )
    return (
        f'??? quote "Cite this page (last updated {human_date(modified)})"\n\n'
        f"    **APA:** {site_name} contributors. ({year}, {month_name} {day}). *{title}*. {site_name}. <{url}>\n\n"
        f'    **Chicago:** {site_name} contributors. "{title}." {site_name}. Last updated {month_name} {day}, '
        f"{year}. <{url}>.\n\n"
        "    **BibTeX:**\n\n    ```bibtex\n" + "\n".join("    " + line for line in bibtex.splitlines()) + "\n    ```\n"
    )
