"""What a reader's first search costs (`python -m bench.search SITE...`): figures to record, not tests.

Material's search fetches its whole index (search/search_index.json) and its worker on the first
query, so the index grows with the content. Pagefind (PyPI `pagefind-bin`, optional: `pip install
pagefind-bin`) splits its index into chunks and fetches those a query needs. For each built site this
measures, in Debian's Chromium on 127.0.0.1 (served gzipped, as a static host would):

- Material: the index raw and gzip, and the bytes the first query transfers (worker and index);
- Pagefind, indexing the same content (the pages and parts Material's index leaves out are left out
  of its index too): its bundle on disk, the bytes the first query transfers with the top results'
  excerpts (its default UI shows five), and whether it works from file:// (the offline edition).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: tests.support is shared

from tests.support.servers import serve
from tests.support.weights import SEARCH_INDEX

QUERIES = ("extradition", "Jin")
RESULTS_SHOWN = 5
# pages Material's index leaves out (site.py: search=False), removed before Pagefind indexes a copy
NOT_INDEXED = ("instructor", "answers", "debrief", "updates")
# the parts of a page Material's index leaves out (outputs/sanitise.search_exclusions), as selectors
EXCLUDED = ".footnote, sup, .headerlink, .cb-permalink, .cb-backlinks, .cb-edit, details.quote"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


def material_index(site: Path) -> dict[str, int]:
    data = (site / SEARCH_INDEX).read_bytes()
    return {"index_raw": len(data), "index_gzip": len(gzip.compress(data, 9)), "entries": len(json.loads(data)["docs"])}


def pagefind_bundle(site: Path, dest: Path) -> Path | None:
    """A copy of ``site`` with a Pagefind index of what Material indexes; None without pagefind-bin."""
    try:
        import pagefind_bin  # noqa: F401  (the binary ships in the wheel)
    except ImportError:
        return None
    shutil.copytree(site, dest)
    for page in list(dest.rglob("index.html")):
        if any(part in NOT_INDEXED for part in page.relative_to(dest).parts[:-1]):
            page.unlink()
    (dest / "404.html").unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind_bin",
            "--site",
            str(dest),
            "--root-selector",
            "article",
            "--quiet",
            "--exclude-selectors",
            EXCLUDED,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return dest


def _bytes_of(files: list[Path]) -> int:
    return sum(f.stat().st_size for f in files if f.is_file())


_PAGEFIND_QUERY = """async ([query, shown]) => {
  const pagefind = await import("./pagefind/pagefind.js");
  await pagefind.init();
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
  return { results: search.results.length, first: data.length ? data[0].url : null };
}"""


def first_queries(site: Path, pagefind: Path | None) -> dict[str, object]:
    """Bytes transferred by the first query in a fresh browser, per query, for Material and Pagefind."""
    from playwright.sync_api import sync_playwright

    out: dict[str, object] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for query in QUERIES:
                out[f"material:{query}"] = _material_query(browser, site, query)
                if pagefind is not None:
                    out[f"pagefind:{query}"] = _pagefind_query(browser, pagefind, query)
            if pagefind is not None:
                out["pagefind_from_file"] = _pagefind_from_file(browser, pagefind)
        finally:
            browser.close()
    return out


def _counting(context: object, prefix: str) -> dict[str, int]:
    sizes: dict[str, int] = {}

    def done(request: object) -> None:
        url: str = request.url  # type: ignore[attr-defined]
        if prefix in url:
            response = request.response()  # type: ignore[attr-defined]
            if response is not None:
                sizes[url.rsplit("/", 1)[-1]] = request.sizes()["responseBodySize"]  # type: ignore[attr-defined]

    context.on("requestfinished", done)  # type: ignore[attr-defined]
    return sizes


def _material_query(browser: object, site: Path, query: str) -> dict[str, object]:
    with serve(site) as origin:
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        # counted from the page load: Material may start its worker and fetch the index before any query
        sizes = _counting(context, "search")  # the worker (workers/search.*.js) and search/search_index.json
        page.goto(origin + "/", wait_until="load")
        loaded = sum(sizes.values())
        page.keyboard.press("/")  # the search shortcut
        meta = page.locator(".md-search-result__meta")
        meta.filter(has_text="Type to start searching").wait_for(timeout=60_000)  # the index is loaded
        page.keyboard.type(query)
        meta.filter(has_text="matching document").wait_for(timeout=60_000)
        count = page.locator(".md-search-result__item").count()
        context.close()
    # Chromium reports a worker script's body as 0 bytes: count the worker file as served, gzipped
    for worker in (site / "assets" / "javascripts" / "workers").glob("search.*.js"):
        if sizes.get(worker.name) == 0:
            sizes[worker.name] = len(gzip.compress(worker.read_bytes(), 9))
    return {"transferred": sum(sizes.values()), "before_query": loaded, "files": sizes, "results_shown": count}


def _pagefind_query(browser: object, site: Path, query: str) -> dict[str, object]:
    with serve(site) as origin:
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(origin + "/", wait_until="load")
        sizes = _counting(context, "/pagefind/")
        found = page.evaluate(_PAGEFIND_QUERY, [query, RESULTS_SHOWN])
        context.close()
    worker = site / "pagefind" / "pagefind-worker.js"  # a worker script's body, again reported as 0 bytes
    if sizes.get(worker.name) == 0 and worker.is_file():
        sizes[worker.name] = len(gzip.compress(worker.read_bytes(), 9))
    return {"transferred": sum(sizes.values()), "requests": len(sizes), "files": sizes, **found}


def _pagefind_from_file(browser: object, site: Path) -> str:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((site / "index.html").as_uri(), wait_until="load")
    try:
        found = page.evaluate(_PAGEFIND_QUERY, [QUERIES[0], 1])
        return f"works ({found['results']} results)"
    except Exception as error:  # the error Chromium gives, to record
        return f"fails: {str(error).splitlines()[0][:160]}"
    finally:
        context.close()


def measure(site: Path) -> dict[str, object]:
    row: dict[str, object] = {"site": str(site), **material_index(site)}
    with tempfile.TemporaryDirectory() as tmp:
        pagefind = pagefind_bundle(site, Path(tmp) / "site")
        if pagefind is not None:
            bundle = list((pagefind / "pagefind").rglob("*"))
            row["pagefind_bundle"] = _bytes_of(bundle)
            row["pagefind_files"] = sum(1 for f in bundle if f.is_file())
        row.update(first_queries(site, pagefind))
    print(json.dumps(row), flush=True)
    return row


def table(rows: list[tuple[str, dict[str, object]]]) -> str:
    kib = lambda n: f"{int(n) / 1024:.1f}"  # type: ignore[call-overload]  # noqa: E731
    lines = [
        "| content | Material index raw / gzip (KiB) | Material first query (KiB) | Pagefind bundle (KiB, files) |"
        " Pagefind first query (KiB) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, r in rows:
        material = ", ".join(f"{q}: {kib(r[f'material:{q}']['transferred'])}" for q in QUERIES)  # type: ignore[index]
        if "pagefind_bundle" in r:
            bundle = f"{kib(r['pagefind_bundle'])} ({r['pagefind_files']})"
            pf = ", ".join(f"{q}: {kib(r[f'pagefind:{q}']['transferred'])}" for q in QUERIES)  # type: ignore[index]
        else:
            bundle = pf = "pagefind-bin not installed"
        lines.append(f"| {label} | {kib(r['index_raw'])} / {kib(r['index_gzip'])} | {material} | {bundle} | {pf} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("sites", type=Path, nargs="+", help="built sites (label=path or path)")
    args = parser.parse_args()
    rows = [(str(site), measure(site)) for site in args.sites]
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
