"""The benchmark's synthetic content stays valid, so `make bench` measures the real pipeline."""

from __future__ import annotations

from pathlib import Path

from casebook.render import render_site
from casebook.synthetic import generate
from casebook.validate import build_case


def test_synthetic_content_is_valid_and_renders(tmp_path: Path) -> None:
    generate(tmp_path / "content", 60)
    book = build_case(tmp_path / "content")
    assert len(book.of_kind("fact")) == 60 and len(book.of_kind("event")) == 6
    pages = render_site(book)
    assert pages["case/facts.md"].count('class="cb-record cb-fact') == 60
