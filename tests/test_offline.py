"""The offline classroom edition: one zip that works from file://, with no request to any other host."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.build


def test_offline_zip_holds_the_whole_site_for_file_urls(offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        names = set(archive.namelist())
        assert {
            "casebook/index.html",
            "casebook/case/facts.html",
            "casebook/search/search_index.js",
            "casebook/lessons/insider-risk-tabletop/index.html",
        } <= names
        index = archive.read("casebook/index.html").decode()
        facts = archive.read("casebook/case/facts.html").decode()
    assert 'href="case/facts.html"' in index  # file:// has no directory index: links name the file
    for html in (index, facts):
        fetched = re.findall(r'<(?:script|img|iframe)[^>]*\ssrc="([^"]+)"', html)
        fetched += re.findall(r'<link[^>]*\shref="([^"]+)"', html)
        assert [u for u in fetched if u.startswith(("http:", "https:", "//")) and "casebook-project" not in u] == []


def test_offline_zip_is_reproducible(offline_zip: Path, tmp_path: Path) -> None:
    from casebook.outputs.offline import pack

    site = tmp_path / "site"
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(tmp_path)
    (tmp_path / "casebook").rename(site)
    pack(site, tmp_path / "a.zip")
    pack(site, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
