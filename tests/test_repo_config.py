"""The repository's GitHub and pre-commit files.

Workflows must pass actionlint, the YAML must pass yamllint with .yamllint.yml, and the issue forms
and .pre-commit-config.yaml must keep the structure contributors rely on (sources required, the
statuses of the content model, tool versions that match the lock file). All offline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from casebook.core.model import FactStatus

from .conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS_DIR = GITHUB / "ISSUE_TEMPLATE"
FORMS = {path.name: path for path in sorted(FORMS_DIR.glob("*.yml")) if path.name != "config.yml"}
YAMLLINT_CONFIG = ROOT / ".yamllint.yml"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"
FORM_FIELD_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def locked_version(name: str) -> str:
    """The version that requirements.lock pins for a package."""
    wanted = re.sub(r"[-_.]+", "-", name).lower()
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        package, sep, pinned = line.partition("==")
        if sep and re.sub(r"[-_.]+", "-", package.strip()).lower() == wanted:
            return pinned.strip()
    raise AssertionError(f"{name} is not pinned in requirements.lock")


# ---------------------------------------------------------------- workflows: actionlint


def actionlint() -> str:
    """The actionlint binary installed by the test extras next to this Python, else one on PATH."""
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: pip install -c requirements.lock -e '.[test]'")
    return found


def test_the_expected_workflows_exist() -> None:
    # Also keeps the actionlint test below from passing on an empty list of files.
    assert {path.name for path in WORKFLOWS} >= {"pr.yml", "links.yml", "deploy.yml"}


def test_workflows_pass_actionlint() -> None:
    # actionlint also runs shellcheck on `run:` scripts when shellcheck is on PATH.
    result = run([actionlint(), "-no-color", *(str(path.relative_to(ROOT)) for path in WORKFLOWS)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "broken.yml"
    workflow.parent.mkdir(parents=True)
    lines = ["on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    needs: no-such-job", "    steps:"]
    workflow.write_text("\n".join([*lines, "      - run: 'true'", ""]), encoding="utf-8")
    result = run([actionlint(), "-no-color", str(workflow.relative_to(tmp_path))], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no-such-job" in result.stdout


# ---------------------------------------------------------------- workflows: full history for the site


BUILDS_THE_SITE = re.compile(r"\bmake (?:build|offline|test)\b|\bmkdocs build\b")


def checkouts_of_site_builds(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(job name, checkout step) for every job of a workflow that builds the site."""
    found = []
    for name, job in workflow.get("jobs", {}).items():
        steps = job.get("steps", [])
        if any(BUILDS_THE_SITE.search(str(step.get("run", ""))) for step in steps):
            found += [(name, s) for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    return found


def shallow_site_builds(workflow: dict[str, Any]) -> list[str]:
    """The jobs that build the site from a shallow clone (checkout's default fetch-depth is 1)."""
    return [
        name for name, step in checkouts_of_site_builds(workflow) if (step.get("with") or {}).get("fetch-depth") != 0
    ]


def test_the_deployment_builds_from_the_whole_history() -> None:
    # The pages' "last updated" dates, dateModified, the sitemap's lastmod and the feed's entries come
    # from git log; in a shallow clone every page would date from the last commit (third-party-clients §5).
    deploy = load(GITHUB / "workflows" / "deploy.yml")
    assert [name for name, _ in checkouts_of_site_builds(deploy)] == ["build"]
    assert shallow_site_builds(deploy) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_every_site_build_has_the_whole_history(path: Path) -> None:
    assert shallow_site_builds(load(path)) == [], f"{path.name}: set fetch-depth: 0 on actions/checkout"


def test_a_shallow_site_build_is_caught() -> None:
    workflow = {"jobs": {"build": {"steps": [{"uses": "actions/checkout@v5"}, {"run": "make build"}]}}}
    assert shallow_site_builds(workflow) == ["build"]
    workflow["jobs"]["build"]["steps"][0]["with"] = {"fetch-depth": 0}
    assert shallow_site_builds(workflow) == []


# ---------------------------------------------------------------- YAML: yamllint


def yamllint(*paths: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "yamllint", "-f", "parsable", "-c", str(YAMLLINT_CONFIG), *paths], cwd=cwd)


def test_content_and_github_files_pass_yamllint() -> None:
    result = yamllint("content", ".github", ".yamllint.yml", ".pre-commit-config.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_config_still_rejects_real_mistakes(tmp_path: Path) -> None:
    record = tmp_path / "record.yml"
    # A key given twice (the second silently wins) and `yes` (a boolean, not the text "yes").
    record.write_text("id: example\nin_case: yes\nid: other\n", encoding="utf-8")
    result = yamllint(str(record), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "(key-duplicates)" in result.stdout
    assert "(truthy)" in result.stdout


# ---------------------------------------------------------------- issue forms


def test_blank_issues_are_disabled() -> None:
    assert load(FORMS_DIR / "config.yml")["blank_issues_enabled"] is False


def test_the_expected_issue_forms_exist() -> None:
    assert set(FORMS) == {"content-correction.yml", "broken-link.yml", "new-fact.yml"}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_issue_form_structure(name: str) -> None:
    form = load(FORMS[name])
    for key in ("name", "description"):
        assert isinstance(form.get(key), str) and form[key].strip(), f"{name}: '{key}' is missing"
    body = form.get("body")
    assert isinstance(body, list) and body, f"{name}: 'body' must be a non-empty list"
    ids = []
    for position, field in enumerate(body):
        where = f"{name}: body item {position}"
        assert field.get("type") in FORM_FIELD_TYPES, f"{where}: unknown type {field.get('type')!r}"
        attributes = field.get("attributes") or {}
        if field["type"] == "markdown":
            assert attributes.get("value"), f"{where}: markdown needs attributes.value"
            continue
        assert attributes.get("label"), f"{where}: needs attributes.label"
        assert field.get("id"), f"{where}: needs an id"
        ids.append(field["id"])
        if field["type"] == "dropdown":
            assert attributes.get("options"), f"{where}: a dropdown needs options"
        if field["type"] == "checkboxes":
            assert all(option.get("label") for option in attributes.get("options", [])), f"{where}: option labels"
    assert len(ids) == len(set(ids)), f"{name}: field ids repeat: {ids}"
    assert any(field.get("validations", {}).get("required") is True for field in body), f"{name}: nothing required"


def form_field(form_name: str, field_id: str) -> dict[str, Any]:
    fields = [field for field in load(FORMS[form_name])["body"] if field.get("id") == field_id]
    assert len(fields) == 1, f"{form_name}: expected one field with id '{field_id}'"
    return fields[0]


@pytest.mark.parametrize("name", ["content-correction.yml", "new-fact.yml"])
def test_sources_are_required(name: str) -> None:
    sources = form_field(name, "sources")
    assert sources["type"] == "textarea"
    assert sources.get("validations", {}).get("required") is True


def test_new_fact_statuses_match_the_content_model() -> None:
    status = form_field("new-fact.yml", "status")
    assert status["type"] == "dropdown"
    assert set(status["attributes"]["options"]) == set(get_args(FactStatus))
    assert status.get("validations", {}).get("required") is True


def test_correction_confirmations_are_required() -> None:
    confirm = form_field("content-correction.yml", "confirm")
    assert confirm["type"] == "checkboxes"
    options = confirm["attributes"]["options"]
    assert options and all(option.get("required") is True for option in options)


# ---------------------------------------------------------------- pre-commit


def pre_commit_repo(url_end: str) -> dict[str, Any]:
    repos = [repo for repo in load(PRE_COMMIT_CONFIG)["repos"] if repo["repo"].endswith(url_end)]
    assert len(repos) == 1, f"expected one repo ending in {url_end!r} in .pre-commit-config.yaml"
    return repos[0]


def test_pre_commit_ruff_matches_the_lock_file() -> None:
    ruff = pre_commit_repo("/astral-sh/ruff-pre-commit")
    assert ruff["rev"] == f"v{locked_version('ruff')}"
    assert [hook["id"] for hook in ruff["hooks"]] == ["ruff-check", "ruff-format"]  # fix first, then format


def test_pre_commit_yamllint_matches_the_installed_one() -> None:
    # The test extras install yamllint under requirements.lock, so this is the locked version too.
    lint = pre_commit_repo("/adrienverge/yamllint")
    assert lint["rev"] == f"v{version('yamllint')}"
    (hook,) = lint["hooks"]
    assert hook["id"] == "yamllint"
    assert hook["args"] == ["-c", ".yamllint.yml"]
    assert re.search(hook["files"], "content/facts/example.yml")
    assert re.search(hook["files"], ".github/workflows/pr.yml")


def test_pre_commit_runs_casebook_validate() -> None:
    (hook,) = pre_commit_repo("local")["hooks"]
    assert hook["entry"] == ".venv/bin/casebook validate"
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "content/facts/example.yml")
    assert re.search(hook["files"], "docs/index.md")
    assert not re.search(hook["files"], "scripts/casebook/cli.py")
