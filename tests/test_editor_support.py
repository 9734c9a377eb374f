"""Editor schemas stay in step with the model, accept the real content, and `casebook new` stubs guide."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from casebook.core.load import LAYOUT
from casebook.core.schema import SCHEMA_DIR, editor_mapping, schema_files

from .conftest import ROOT


def test_committed_schemas_match_the_model() -> None:
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / SCHEMA_DIR).glob("*.schema.json")}
    assert committed == schema_files(), "run `.venv/bin/casebook schemas` and commit the result"


def test_vscode_maps_every_schema_to_its_files() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == editor_mapping()


@pytest.mark.parametrize("kind", sorted(LAYOUT))
def test_real_content_passes_its_editor_schema(kind: str) -> None:
    schema = json.loads(schema_files()[f"{kind}.schema.json"])
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "content").glob(LAYOUT[kind][0])):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], f"{path}: {errors[:3]}"


def test_editor_schema_underlines_mistakes() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_files()["fact.schema.json"]))
    bad = {
        "id": "Bad Id",
        "statement": "x",
        "status": "proven",
        "date": "June 2020",
        "topics": ["t"],
        "sources": [{"source": "s"}],
        "topc": [],
    }
    messages = " | ".join(e.message for e in validator.iter_errors(bad))
    assert "'proven' is not one of" in messages
    assert "does not match" in messages  # the id and the date
    assert "'topc' was unexpected" in messages


def test_new_fact_stub_explains_what_to_fill(run, content: Path) -> None:
    code, out, _ = run("--content", content, "new", "fact")
    assert code == 0 and "new-fact-1.yml:2: new fact 'new-fact-1'" in out
    assert "make permalinks" in out  # or the published-address test fails
    stub = (content / "facts" / "new-fact-1.yml").read_text(encoding="utf-8")
    assert stub.startswith("# yaml-language-server: $schema=../../docs/schemas/fact.schema.json\n")
    code, _, err = run("--content", content, "validate", "--docs", content / "no-docs")
    assert code == 1
    assert "content/facts/new-fact-1.yml:3:12: statement: text is empty (write the text: this field is required)" in err
    assert "sources[0].locator: text is empty (write the text, or remove the field)" in err
    assert "content/facts/new-fact-1.yml:4:9: status: '' is not an allowed value (use one of:" in err
    assert "content/facts/new-fact-1.yml:5:7: date: '' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD" in err


def test_new_quote_is_appended_with_a_free_id(run, content: Path) -> None:
    assert run("--content", content, "new", "quote")[0] == 0
    assert run("--content", content, "new", "quote")[0] == 0
    quotes = yaml.safe_load((content / "quotes.yml").read_text(encoding="utf-8"))
    assert [q["id"] for q in quotes][-2:] == ["new-quote-1", "new-quote-2"]
    code, _, err = run("--content", content, "new", "quote", "--id", "zoom-2020-12-18-support")
    assert code == 2 and "already taken" in err


def _fact(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "zoom-said-x",
        "statement": "Zoom said so.",
        "status": "reported",
        "date": "2020-06",
        "topics": ["t"],
        "sources": [{"source": "s"}],
    }
    return {**base, **fields}


def _errors(kind: str, data: dict[str, object]) -> list[str]:
    validator = jsonschema.Draft202012Validator(json.loads(schema_files()[f"{kind}.schema.json"]))
    return [e.message for e in validator.iter_errors(data)]


def test_editor_schema_holds_the_status_rules_one_record_can_show() -> None:
    assert any("'attributed_to' is a required property" in m for m in _errors("fact", _fact()))
    assert _errors("fact", _fact(attributed_to=[])) != []  # an empty list says no one either
    assert _errors("fact", _fact(attributed_to=["zoom"])) == []
    assert _errors("fact", _fact(status="established")) == []  # the rule is the reported status's alone
    assert _errors("fact", _fact(status="alleged")) != []  # an allegation quotes its source
    assert _errors("fact", _fact(status="alleged", sources=[{"source": "s", "excerpt": "as alleged, it was"}])) == []
    source = {
        "id": "s",
        "title": "T",
        "publisher": "P",
        "type": "press",
        "published": "2020",
        "url": "https://example.org/a",
        "archive_url": "https://web.archive.org/web/https://example.org/a",
        "accessed": "2020-01-01",
        "license": "copyrighted",
        "snapshot": {"file": "sources/snapshots/s.txt", "sha256": "0" * 64},
    }
    assert any("'public-domain' was expected" in m for m in _errors("source", source))
    assert _errors("source", {**source, "license": "public-domain"}) == []
