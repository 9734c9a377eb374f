"""Shared fixtures: a writable copy of the seed content and helpers to run the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).parent / "fixtures" / "seed"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project: mkdocs.yml, docs/ and a copy of the seed content."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(SEED, tmp_path / "content")
    return tmp_path


@pytest.fixture
def content(project: Path) -> Path:
    return project / "content"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the casebook CLI in-process; return (exit code, stdout, stderr)."""

    def _run(*args: str | Path) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run
