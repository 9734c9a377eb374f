"""The benchmark's synthetic content stays valid, so `make bench` measures the real pipeline.

The generator lives outside the package (scripts/bench/) and is run here as a program, as the
benchmark runs it, not imported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from casebook.core.validate import build_case
from casebook.site import render_site

from .conftest import ROOT


def test_synthetic_content_is_valid_and_renders(tmp_path: Path) -> None:
    generator = ROOT / "scripts" / "bench" / "synthetic.py"
    subprocess.run([sys.executable, str(generator), str(tmp_path / "content"), "60"], check=True, timeout=120)
    book = build_case(tmp_path / "content")
    assert len(book.of_kind("fact")) == 60 and len(book.of_kind("event")) == 6
    pages = render_site(book)
    topics = [page for page in pages if page.startswith("case/facts/")]
    assert len(topics) == 10 and sum(pages[page].count('class="cb-record cb-fact') for page in topics) == 60
    assert pages["case/facts.md"].count(".cb-moved }") == 60  # the index keeps a stub for each fact
