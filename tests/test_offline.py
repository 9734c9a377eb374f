"""The offline classroom edition: one zip that works from file://, with no request to any other host.

The tests that need the built zip are marked `build` by tests/conftest.py (they use `offline_zip`)."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

from casebook.outputs.offline import pack

from .conftest import third_party_fetches


def test_offline_zip_holds_the_whole_site_for_file_urls(offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        names = set(archive.namelist())
        assert {
            "casebook/index.html",
            "casebook/case/facts.html",
            "casebook/search/search_index.js",
            "casebook/lessons/insider-risk-tabletop/index.html",
            "casebook/assets/javascripts/iframe-worker-shim.js",  # the local copy of the shim, not a CDN's
        } <= names
        index = archive.read("casebook/index.html").decode()
    assert 'href="case/facts.html"' in index  # file:// has no directory index: links name the file


def test_no_page_of_the_offline_edition_fetches_from_another_host(offline_zip: Path) -> None:
    """The offline edition is its own build (Material's offline plugin, the iframe-worker shim that the
    plugin would otherwise load from a CDN), so the real site's static check does not cover it; and from
    file:// any http(s) fetch fails, the site's own address included."""
    found = {}
    with zipfile.ZipFile(offline_zip) as archive:
        pages = [n for n in archive.namelist() if n.endswith((".html", ".css"))]
        assert len(pages) > 50
        for name in pages:
            external = third_party_fetches(archive.read(name).decode("utf-8", "replace"), css=name.endswith(".css"))
            if external:
                found[name] = external
    assert found == {}, f"offline pages that fetch from the network: {found}"


def test_pack_depends_only_on_the_files_not_their_dates_or_folder(tmp_path: Path) -> None:
    """Packing is deterministic: the same files give byte-identical zips, whatever their timestamps and
    wherever the folder is. (That two offline builds give the same files is not tested here: a build
    takes as long as the real site's.)"""
    site = tmp_path / "site"
    (site / "case").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "case" / "facts.html").write_text("<p>facts</p>")
    (site / "search").mkdir()
    (site / "search" / "search_index.js").write_bytes(bytes(range(256)) * 40)
    pack(site, tmp_path / "a.zip")
    pack(site, tmp_path / "b.zip")
    again = tmp_path / "elsewhere" / "copy"
    shutil.copytree(site, again, copy_function=shutil.copy)  # new files, new timestamps
    for path in again.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    pack(again, tmp_path / "c.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes() == (tmp_path / "c.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.namelist() == [
            "casebook/case/facts.html",
            "casebook/index.html",
            "casebook/search/search_index.js",
        ]
    (again / "index.html").write_text("<p>home, corrected</p>")
    pack(again, tmp_path / "d.zip")
    assert (tmp_path / "d.zip").read_bytes() != (tmp_path / "a.zip").read_bytes()
