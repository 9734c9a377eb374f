"""Text normalisation shared by the offline quote checks and the online source-drift check.

Two texts are "the same" for verbatim checks when they differ only in typography: curly or
straight quotes, kinds of dash, no-break spaces, ellipsis characters and runs of whitespace.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # single quotes, prime
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',  # double quotes, double prime
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
_SPACES = re.compile(r"\s+")
_SPACED_ELLIPSIS = re.compile(r"\.(?: \.){2}")


@lru_cache(maxsize=65_536)  # a source's excerpts are compared with every citation of it
def normalise_text(text: str) -> str:
    """Text as compared by verify-sources: typography folded, whitespace collapsed. Pure and deterministic.

    - curly and low quotes and primes become ' and "; dashes and the minus sign become -;
    - NFKC folds compatibility forms: … becomes ..., no-break and other Unicode spaces become spaces,
      full-width letters become ASCII, ligatures are split;
    - soft hyphens, zero-width characters and byte-order marks are dropped;
    - runs of whitespace become one space, and the ends are trimmed; ". . ." becomes "...".
    Case is kept: a change of case in a verbatim excerpt is a change.
    """
    # Folding before NFKC stops it turning a double prime into two primes; folding after catches
    # the hyphen NFKC makes of a non-breaking hyphen.
    text = unicodedata.normalize("NFKC", text.translate(_TYPOGRAPHY)).translate(_TYPOGRAPHY)
    text = _SPACES.sub(" ", text).strip()
    return _SPACED_ELLIPSIS.sub("...", text)
