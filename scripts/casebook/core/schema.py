"""JSON Schema files for every record kind, generated from the model, for editors.

Editors that speak the YAML language server complete field names and underline mistakes as a
contributor types. ``docs/schemas/`` holds the files (published with the site, too); a test keeps
them current with ``model.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casebook.core.load import LAYOUT
from casebook.core.model import MODELS

SCHEMA_DIR = Path("docs") / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _when(field: str, value: str, then: dict[str, Any], why: str) -> dict[str, Any]:
    return {"description": why, "if": {"properties": {field: {"const": value}}, "required": [field]}, "then": then}


RECORD_RULES: dict[str, list[dict[str, Any]]] = {
    "fact": [
        _when(
            "status",
            "reported",
            {"required": ["attributed_to"], "properties": {"attributed_to": {"minItems": 1}}},
            "a reported fact must say who reported it: attributed_to (rules.reported_facts_are_attributed)",
        ),
        _when(
            "status",
            "alleged",
            {"properties": {"sources": {"contains": {"type": "object", "required": ["excerpt"]}}}},
            "an alleged fact must quote its official source: a citation with an excerpt "
            "(rules.alleged_facts_cite_official_sources)",
        ),
    ],
    "source": [
        {
            "description": "only a public-domain document may be stored as a snapshot "
            "(rules.snapshots_are_public_domain)",
            "if": {"required": ["snapshot"]},
            "then": {"properties": {"license": {"const": "public-domain"}}},
        }
    ],
}
"""The sourcing rules (``core.rules``) that one record can be checked against alone, as ``if``/``then``,
so that an editor underlines them too. The rest read other records or files and only
``casebook validate`` checks them: that an alleged fact's source is a court or government one and its
excerpt verbatim, that an established fact cites a primary record, excerpt lengths in words, snapshot
hashes, official hosts, dates against sources' dates and a lesson's minutes."""


def schema_for(kind: str) -> dict[str, object]:
    model = MODELS[kind]
    schema = model.model_json_schema()
    if kind in RECORD_RULES:
        schema["allOf"] = RECORD_RULES[kind]
    pattern, shape = LAYOUT[kind]
    described = f"A casebook {kind} record (content/{pattern})."
    if shape == "one":
        return {"$schema": DIALECT, "$id": f"{kind}.schema.json", "description": described, **schema}
    definitions = schema.pop("$defs", {})
    return {
        "$schema": DIALECT,
        "$id": f"{kind}.schema.json",
        "title": f"{model.__name__} list",
        "description": f"A list of casebook {kind} records (content/{pattern}).",
        "type": "array",
        "items": schema,
        **({"$defs": definitions} if definitions else {}),
    }


def schema_files() -> dict[str, str]:
    """{file name: JSON text} for every kind."""
    return {f"{kind}.schema.json": json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n" for kind in LAYOUT}


def editor_mapping() -> dict[str, str]:
    """VS Code ``yaml.schemas``: schema file -> content glob."""
    return {
        f"./{SCHEMA_DIR.as_posix()}/{kind}.schema.json": f"content/{pattern}" for kind, (pattern, _) in LAYOUT.items()
    }


def write(root: Path) -> list[Path]:
    target = root / SCHEMA_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_files().items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    settings = root / ".vscode" / "settings.json"
    settings.parent.mkdir(exist_ok=True)
    current = json.loads(settings.read_text(encoding="utf-8")) if settings.exists() else {}
    current["yaml.schemas"] = editor_mapping()
    text = json.dumps(current, indent=2) + "\n"
    if not settings.exists() or settings.read_text(encoding="utf-8") != text:
        settings.write_text(text, encoding="utf-8")
        written.append(settings)
    return written
