"""`casebook new KIND`: a stub with every field to fill and a free id.

The stub is valid YAML but not yet a valid record: `casebook validate` then lists, field by
field, what is left to fill and in what form. Optional fields say so: delete the line if unused.
"""

from __future__ import annotations

from pathlib import Path

from casebook.core.load import LAYOUT

STUBS: dict[str, str] = {
    "fact": """\
statement: ""   # one or two sentences in your own words; cite other records with [[kind:id]]
status: ""      # established (a matter of record) | alleged (prosecutors' claim) | reported | disputed
date: ""        # what the fact is about: YYYY, YYYY-MM or YYYY-MM-DD
topics: []      # ids from content/topics.yml, for example [charges-2020]
attributed_to: []  # who alleges or reports it: person or organisation ids (required for alleged/reported)
sources:
  - source: ""  # id of a file in content/sources/
    locator: "" # optional (delete the line if none): where in the source, e.g. page, paragraph, section
    excerpt: "" # the source's exact words that support the fact (also add them to the source's excerpts);
                # an alleged fact needs one from an official source; otherwise delete the line if none
""",
    "source": """\
title: ""
publisher: ""
type: ""        # court | government | company | press | ngo | academic | law-text | blog | other
published: ""   # YYYY, YYYY-MM or YYYY-MM-DD
url: ""         # https:// address, without tracking parameters (utm_*, ref, _ga …)
archive_url: "" # for example https://web.archive.org/web/<the url above>
accessed: ""    # YYYY-MM-DD, the day you checked its text; if not on the page itself, add
                # checked_from: archive (a stored copy kept elsewhere) or reprint (others' reprints)
license: ""     # public-domain (US federal government works) | copyrighted | open-licence
excerpts: []    # the passages you rely on, verbatim; at most 50 words each unless public-domain
""",
    "quote": """\
  speaker: ""   # person or organisation id
  role: ""      # the speaker's role when speaking
  text: ""      # verbatim; mark cuts with […]
  said: ""      # YYYY-MM-DD
  context: ""   # in your own words: when, where, about what
  source: ""    # source id; the text must appear in that source's excerpts
""",
    "event": """\
  date: ""      # YYYY, YYYY-MM or YYYY-MM-DD
  title: ""
  summary: ""   # in your own words; cite with [[fact:id]]
  facts: []     # ids of the facts that establish the event, dated on the event's date
""",
}
SCHEMA_HINT = "# yaml-language-server: $schema={schema}\n"


def free_id(content: Path, kind: str, wanted: str | None, taken: set[str]) -> str:
    if wanted:
        return wanted
    pattern, shape = LAYOUT[kind]
    n = 1
    while f"new-{kind}-{n}" in taken or (
        shape == "one" and (content / pattern.replace("*", f"new-{kind}-{n}")).exists()
    ):
        n += 1
    return f"new-{kind}-{n}"


def new_record(content: Path, kind: str, record_id: str) -> tuple[Path, int]:
    """Write the stub; return (file, line of its id)."""
    pattern, shape = LAYOUT[kind]
    if shape == "one":
        path = content / pattern.replace("*", record_id)
        if path.exists():
            raise FileExistsError(f"{path} already exists")
        depth = "../" * (pattern.count("/") + 1)
        schema = f"{depth}docs/schemas/{kind}.schema.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SCHEMA_HINT.format(schema=schema) + f"id: {record_id}\n" + STUBS[kind], encoding="utf-8")
        return path, 2
    path = content / pattern
    existing = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else SCHEMA_HINT.format(schema=f"../docs/schemas/{kind}.schema.json")
    )
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + f"- id: {record_id}\n" + STUBS[kind], encoding="utf-8")
    return path, existing.count("\n") + 1
