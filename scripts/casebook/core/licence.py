"""The licences the site is published under, named once: the footer, the downloads page, every lesson
page, every handout and the lessons' JSON-LD all print these values.

- Text and lessons: CC BY 4.0, the licence of the lesson collections teachers already reuse (the
  Carpentries, EFF's Security Education Companion): a school may copy, adapt and put a handout in its
  LMS with attribution alone.
- Data exports: CC BY 4.0 as well. Version 4.0 licenses database rights too, so one licence covers
  the pages and the CSV/JSON they are built from; ODbL's share-alike would oblige a teacher who
  adapts a data file to publish the adaptation under ODbL, which no school worksheet needs.
- Code: MIT.

None of them covers what is not the project's to license: quotations and excerpts of sources stay
under their owners' terms (each source's ``license`` field), and US government works stay in the
public domain.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    name: str  # the full name
    short: str  # as printed beside a handout's page number: "CC BY 4.0"
    spdx: str  # the SPDX identifier
    url: str  # the licence's canonical address (the JSON-LD ``license``)
    file: str  # the file at the repository root that says it

    @property
    def markdown(self) -> str:
        """``[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)``: a link for a page."""
        return f"[{self.short}]({self.url})"


TEXT = Licence(
    "Creative Commons Attribution 4.0 International",
    "CC BY 4.0",
    "CC-BY-4.0",
    "https://creativecommons.org/licenses/by/4.0/",
    "LICENSE-CONTENT.md",
)
"""The site's text, lessons and handouts."""

DATA = TEXT
"""The data exports (CSV, JSON, RIS, BibTeX): the same licence as the text (see the module docstring)."""

CODE = Licence("MIT License", "MIT", "MIT", "https://opensource.org/license/mit", "LICENSE")
"""The code in scripts/ and tests/."""

HOLDER = "the Casebook contributors"
"""Whom to credit (the copyright holder of the project's own work)."""

ATTRIBUTION = "Casebook contributors"
"""The credit line for the attribution CC BY asks for, before the title and the address."""

MAINTAINERS = "the casebook-project maintainers team on GitHub (@casebook-project/maintainers)"
"""Who maintains the site (``.github/CODEOWNERS``)."""

EXCLUDED = (
    "Quotations and source excerpts remain under their owners' terms; "
    "US government works quoted here are in the public domain."
)
"""What the licences do not cover."""


def notice() -> str:
    """One line for a handout's footer or a page: 'Text: CC BY 4.0 (address). Casebook contributors.'"""
    return f"{ATTRIBUTION}. Text and lessons: {TEXT.short} ({TEXT.url}). {EXCLUDED}"


def credit(title: str, url: str) -> str:
    """The attribution a reuser prints: title, credit, address and licence."""
    return f"“{title}”, {ATTRIBUTION}, {url}, {TEXT.short} ({TEXT.url})"
