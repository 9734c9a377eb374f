"""``casebook verify-sources``: confirm that each source's registered excerpts still appear on its page.

Pages are compared as visible text after ``normalise_text``, so typography (curly quotes, no-break
spaces, ellipses, markup splitting a sentence) never counts as a change; only wording does. A page
that cannot be fetched is ``unreachable`` and does not fail the run: network trouble must never
look like a source that changed under us.

A run may be narrowed to some sources (``select``): named ones, or those whose files changed since
a git ref, so that a pull request checks the sources it adds or edits against their live pages.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from casebook.core.rules import verbatim
from casebook.core.textnorm import normalise_text
from casebook.net.client import Fetcher, FetchError, Response
from casebook.net.markdown import md_head, md_table, md_text
from casebook.net.runner import (
    EXIT_ERROR,
    EXIT_OK,
    NetworkCommand,
    NetworkOptions,
    Progress,
    SourceLike,
    SourceRef,
    run,
    tally,
)

Verdict = Literal["verified", "changed", "unreachable", "no-excerpts"]
VERDICTS: tuple[Verdict, ...] = ("changed", "unreachable", "verified", "no-excerpts")
REPORT_MD = "sources-report.md"
REPORT_JSON = "sources-report.json"
CACHE_SECTION = "sources"


# ---------------------------------------------------------------- visible text

# <head> is not skipped: pages often leave it unclosed, which would hide the whole body.
_SKIPPED = frozenset({"script", "style", "template"})
# Elements that break the flow of text: their boundaries become spaces. Inline elements (a, em,
# span...) do not, so an excerpt split over markup still reads as one run of text.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "img",
        "input",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "select",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    }
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._title: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED:
            self._skip += 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIPPED and self._skip:
            self._skip -= 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees: no script/style/template, entities decoded, tags gone; the title first."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser._title) + " " + "".join(parser.parts)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def decode_body(body: bytes, declared: str | None) -> str:
    """Decode with the BOM, the header's charset, the page's <meta charset>, else UTF-8 (lenient)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    candidates = [declared]
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", errors="ignore"))
    for name in candidates:
        if not name:
            continue
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    return body.decode("utf-8", errors="replace")


def page_text(response: Response) -> str | None:
    """Normalised visible text of a fetched page, or None when it is not HTML or plain text (a PDF, an image)."""
    body = response.body or b""
    kind = response.content_type
    head = body[:1024].lstrip().lower()
    looks_html = head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    if kind in ("text/html", "application/xhtml+xml") or (kind in ("", "application/octet-stream") and looks_html):
        return normalise_text(visible_text(decode_body(body, response.charset)))
    if kind == "text/plain" or (kind == "" and b"\x00" not in body[:1024]):
        return normalise_text(decode_body(body, response.charset))
    return None


# ---------------------------------------------------------------- matching


def excerpt_found(excerpt: str, page: str) -> bool:
    """Whether an excerpt is verbatim in a normalised page, read exactly as the offline checks read a
    quotation (``casebook.core.rules.verbatim``): its parts between cuts (``[…]`` or ``[...]``; a bare
    ellipsis is the source's own, never a cut) each have at least 3 words and appear in order, and
    none of them starts or ends inside a word of the page ("lawful conspiracy" is not in "an
    unlawful conspiracy"). The offline and online checks must never disagree on what "verbatim" means.
    """
    return verbatim(excerpt, [page])


def _tokens(text: str) -> tuple[list[str], str]:
    # Scripts written without spaces (Chinese, Japanese) have no words to slide over, and a window of
    # one or two words is too coarse to rank; both slide over characters instead.
    words = text.split(" ")
    if len(words) >= 4:
        return words, " "
    return list(text), ""


def closest_passage(excerpt: str, page: str) -> tuple[str, float]:
    """The passage of ``page`` most like ``excerpt`` and its difflib similarity ratio (0..1).

    A coarse pass slides a window of the excerpt's length over the page's words in steps of a
    quarter window; the best few windows are then refined word by word, with slightly shorter and
    longer windows, scored on characters. This keeps a long page to thousands of comparisons,
    not millions.
    """
    if not excerpt or not page:
        return "", 0.0
    target, joiner = _tokens(excerpt)
    words = page.split(" ") if joiner else list(page)
    size = len(target)
    step = max(1, size // 4)
    coarse = SequenceMatcher(None, autojunk=False)
    coarse.set_seq2(target)
    scored: list[tuple[float, int]] = []
    for start in range(0, max(1, len(words) - size + 1), step):
        coarse.set_seq1(words[start : start + size])
        scored.append((coarse.ratio(), start))
    scored.sort(key=lambda item: (-item[0], item[1]))

    fine = SequenceMatcher(None, autojunk=False)
    fine.set_seq2(excerpt)
    best = ("", -1.0)
    seen: set[tuple[int, int]] = set()
    for _, start in scored[:5]:
        for begin in range(max(0, start - step), min(len(words), start + step + 1)):
            for length in range(max(1, size - 2), size + 3):
                if (begin, length) in seen:
                    continue
                seen.add((begin, length))
                passage = joiner.join(words[begin : begin + length])
                fine.set_seq1(passage)
                if fine.real_quick_ratio() <= best[1] or fine.quick_ratio() <= best[1]:
                    continue
                ratio = fine.ratio()
                if ratio > best[1]:
                    best = (passage, ratio)
    return best[0], round(max(best[1], 0.0), 3)


def differences(excerpt: str, passage: str, limit: int = 5) -> list[str]:
    """Word-level changes from the excerpt to the passage, e.g. "'said' → 'stated'"."""
    old, new = excerpt.split(" "), passage.split(" ")
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before, after = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        out.append(
            f"'{before}' → '{after}'" if before and after else f"removed '{before}'" if before else f"added '{after}'"
        )
        if len(out) == limit:
            break
    return out


# ---------------------------------------------------------------- checking


@dataclass
class Missing:
    """An excerpt no longer on the page, and what the page says nearest to it."""

    excerpt: str
    closest: str
    similarity: float
    differences: list[str] = field(default_factory=list)


@dataclass
class SourceVerdict:
    source: str
    status: Verdict
    detail: str
    checked_via: str | None = None  # "url" or "archive_url": which page was read
    fetched_url: str | None = None  # final URL of that page, after redirects
    excerpts: int = 0
    missing: list[Missing] = field(default_factory=list)
    archive_has_all: bool | None = None  # for a changed live page: does the archive still hold every excerpt?
    has_snapshot: bool = False
    fingerprint: str = ""
    checked_at: str = ""
    cached: bool = False

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> SourceVerdict | None:
        try:
            fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            fields["missing"] = [Missing(**m) for m in fields.get("missing", [])]
            verdict = cls(**fields)
        except (TypeError, AttributeError):
            return None
        if verdict.status not in VERDICTS:
            return None
        verdict.cached = True
        return verdict


def fingerprint(ref: SourceRef) -> str:
    """Changes when anything the verdict depends on changes, so an edited excerpt is re-checked at once."""
    payload = json.dumps([ref.url, ref.archive_url, list(ref.excerpts)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


async def _read_page(fetcher: Fetcher, url: str) -> tuple[Response | None, str | None, str]:
    """(response, normalised text, problem): text is None when the page could not be read."""
    try:
        response = await fetcher.fetch_with_retries(url)
    except FetchError as error:
        tries = f" after {error.attempts} attempts" if error.attempts > 1 else ""
        return None, None, f"{error.detail}{tries}"
    if response.status != 200:
        return response, None, f"HTTP {response.status}"
    text = page_text(response)
    if text is None:
        return response, None, f"{response.content_type or 'unknown content'} cannot be read as text"
    return response, text, ""


async def verify_source(fetcher: Fetcher, ref: SourceRef) -> SourceVerdict:
    """Read the live page (or, failing that, the archive copy) and look for every excerpt."""
    excerpts = [e for e in ref.excerpts if normalise_text(e)]
    verdict = SourceVerdict(
        source=ref.id,
        status="no-excerpts",
        detail="no excerpts registered",
        excerpts=len(excerpts),
        has_snapshot=ref.has_snapshot,
        fingerprint=fingerprint(ref),
    )
    if not excerpts:
        return verdict
    problems: list[str] = []
    page: str | None = None
    for name, url in (("url", ref.url), ("archive_url", ref.archive_url)):
        response, text, problem = await _read_page(fetcher, url)
        if text is None or response is None:
            problems.append(f"{name}: {problem}")
            continue
        page, verdict.checked_via, verdict.fetched_url = text, name, response.url
        break
    if page is None:
        verdict.status, verdict.detail = "unreachable", "; ".join(problems)
        return verdict

    via = "the page" if verdict.checked_via == "url" else f"the archive copy ({'; '.join(problems)})"
    missing = [e for e in excerpts if not excerpt_found(e, page)]
    if not missing:
        verdict.status, verdict.detail = "verified", f"all {len(excerpts)} excerpt(s) found on {via}"
        return verdict
    for excerpt in map(normalise_text, missing):
        passage, ratio = closest_passage(excerpt, page)
        verdict.missing.append(Missing(excerpt, passage, ratio, differences(excerpt, passage)))
    verdict.status = "changed"
    verdict.detail = f"{len(missing)} of {len(excerpts)} excerpt(s) not found on {via}"
    if verdict.checked_via == "url":
        # A second opinion: tells the editor whether the page was edited (archive still matches)
        # or the excerpt was wrong from the start (archive does not match either).
        _, archive, _ = await _read_page(fetcher, ref.archive_url)
        if archive is not None:
            verdict.archive_has_all = all(excerpt_found(e, archive) for e in excerpts)
            verdict.detail += (
                "; the archive copy still has them all"
                if verdict.archive_has_all
                else "; the archive copy lacks some too"
            )
    return verdict


async def verify_all(
    refs: Sequence[SourceRef], options: NetworkOptions, progress: Progress | None = None
) -> tuple[list[SourceVerdict], int]:
    """Verdicts in the order of ``refs``, at most ``concurrency`` sources at once, and the requests made."""
    limit = asyncio.Semaphore(options.concurrency)
    async with Fetcher(options) as fetcher:

        async def one(ref: SourceRef) -> SourceVerdict:
            async with limit:
                verdict = await verify_source(fetcher, ref)
            if progress is not None:
                progress.advance()
            return verdict

        verdicts = await asyncio.gather(*(one(ref) for ref in refs))
    return list(verdicts), fetcher.requests_made


# ---------------------------------------------------------------- command and report


class SourcesCommand(
    NetworkCommand[SourceRef, SourceVerdict],
    name="verify-sources",
    section=CACHE_SECTION,
    reports=(REPORT_JSON, REPORT_MD),
):
    """``casebook verify-sources`` for ``casebook.net.runner.run``."""

    def work(self, refs: Sequence[SourceRef]) -> dict[str, SourceRef]:
        return {ref.id: ref for ref in refs}

    def reuse(self, item: SourceRef, entry: dict[str, Any]) -> SourceVerdict | None:
        cached = SourceVerdict.from_cache(entry)
        if cached is None or cached.fingerprint != fingerprint(item) or cached.status == "unreachable":
            return None
        return cached

    def urls(self, items: Iterable[SourceRef]) -> list[str]:
        return [url for ref in items if ref.excerpts for url in (ref.url, ref.archive_url)]

    def check(
        self, items: Mapping[str, SourceRef], options: NetworkOptions, progress: Progress
    ) -> tuple[dict[str, SourceVerdict], dict[str, int]]:
        refs = list(items.values())
        verdicts, requests = asyncio.run(verify_all(refs, options, progress))
        return {ref.id: verdict for ref, verdict in zip(refs, verdicts, strict=True)}, {"requests": requests}

    def keep(self, result: SourceVerdict) -> bool:
        # unreachable is a network state, not a fact about the page; no-excerpts costs nothing
        return result.status in ("verified", "changed")

    def report(
        self, refs: Sequence[SourceRef], results: Mapping[str, SourceVerdict]
    ) -> tuple[dict[str, int], dict[str, Any]]:
        verdicts = [results[ref.id] for ref in refs]
        summary = tally(VERDICTS, (v.status for v in verdicts)) | {"sources": len(verdicts)}
        return summary, {"sources": [asdict(v) for v in verdicts]}

    def markdown(self, report: dict[str, Any]) -> str:
        summary = report["summary"]
        rows = report["sources"]
        sentence = (
            f"Checked {report['generated_at']}: {summary['sources']} sources ({summary['from_cache']} from the "
            f"cache, {summary.get('requests', 0)} requests). Text is compared after folding quotes, dashes, "
            "ellipses and spaces."
        )
        lines = md_head("Source excerpts", sentence, summary, VERDICTS)
        changed = [r for r in rows if r["status"] == "changed"]
        if changed:
            lines += [
                f"## Changed ({len(changed)})",
                "",
                "These excerpts are no longer on the page. Compare the closest passage and fix the excerpt, "
                "or cite the archive copy.",
                "",
            ]
            for row in changed:
                lines += [f"### {row['source']}", "", f"{row['detail']}. Read: {row['fetched_url']}", ""]
                lines += md_table(
                    ["Missing excerpt", "Closest passage on the page", "Similarity", "Differences"],
                    [
                        [m["excerpt"], m["closest"], f"{m['similarity']:.2f}", "; ".join(m["differences"])]
                        for m in row["missing"]
                    ],
                )
                lines.append("")
        for status, title, header in (
            ("unreachable", "Unreachable", ["Source", "Why"]),
            ("verified", "Verified", ["Source", "Excerpts", "Read"]),
            ("no-excerpts", "No excerpts", ["Source", "Note"]),
        ):
            group = [r for r in rows if r["status"] == status]
            if not group:
                continue
            lines += [f"## {title} ({len(group)})", ""]
            table: list[list[object]] = []
            for row in group:
                stamp = f" [cached {row['checked_at']}]" if row["cached"] else ""
                if status == "unreachable":
                    table.append([row["source"], row["detail"]])
                elif status == "verified":
                    table.append([row["source"], row["excerpts"], f"{row['checked_via']}: {row['fetched_url']}{stamp}"])
                else:
                    note = "has a snapshot; register excerpts to check it" if row["has_snapshot"] else row["detail"]
                    table.append([row["source"], note])
            lines += [*md_table(header, table), ""]
        return md_text(lines)

    def summary_line(self, report: dict[str, Any]) -> str:
        summary = report["summary"]
        return f"{summary['sources']} sources (" + ", ".join(f"{summary[s]} {s}" for s in VERDICTS) + ")"

    def exit_code(self, report: dict[str, Any]) -> int:
        return 1 if report["summary"]["changed"] else 0


# ---------------------------------------------------------------- which sources to check


class SelectionError(Exception):
    """The sources to check could not be worked out (an unknown id, a git failure)."""


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except OSError as error:
        raise SelectionError(f"git could not run: {error}") from error
    if done.returncode != 0:
        raise SelectionError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def changed_files(ref: str, repo: Path) -> set[Path]:
    """Every file that differs from the merge base of ``ref`` and HEAD, resolved: committed on this
    branch, staged, unstaged or new (untracked, unless ignored). A pull request's changes are those
    since the merge base with its base branch (``origin/main``), not since that branch's tip."""
    top = Path(_git(repo, "rev-parse", "--show-toplevel").strip())
    base = _git(repo, "merge-base", ref, "HEAD").strip()
    names = _git(repo, "diff", "--name-only", "--no-renames", "-z", base).split("\0")
    names += _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0")  # paths from the top
    return {(top / name).resolve() for name in names if name}


def select(
    sources: Sequence[SourceLike],
    *,
    ids: Sequence[str] = (),
    changed: set[Path] | None = None,
    files: Mapping[str, Sequence[Path]] | None = None,
) -> list[SourceLike]:
    """The sources named in ``ids``, plus those one of whose ``files`` (by source id: its record and
    its snapshot) is in ``changed``; in the order of ``sources``. An unknown id is an error."""
    known = {source.id for source in sources}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise SelectionError(f"unknown source id(s): {', '.join(unknown)}")
    touched = {p.resolve() for p in changed or ()}
    wanted = set(ids)
    for source in sources:
        if any(path.resolve() in touched for path in (files or {}).get(source.id, ())):
            wanted.add(source.id)
    return [source for source in sources if source.id in wanted]


def main(
    sources: Sequence[SourceLike],
    *,
    out_dir: Path,
    cache_file: Path,
    only: Sequence[str] = (),
    changed_since: str | None = None,
    files: Mapping[str, Sequence[Path]] | None = None,
    repo: Path = Path("."),
    **settings: Any,
) -> int:
    """Check every source's excerpts against its page; write ``sources-report.{md,json}``; return the exit code.

    Arguments and exit codes as for ``casebook.net.runner.run`` (options: ``NetworkOptions``). A
    verdict is reused from the cache unless the source's URLs or excerpts changed; unreachable
    verdicts are never cached. Returns 1 when any source is ``changed``; unreachable sources are
    reported but return 0.

    ``only`` (source ids) and ``changed_since`` (a git ref; ``files`` maps each source id to the
    files it is made of, ``repo`` is a folder in the git work tree) narrow the run to those sources
    (see ``select``); when that leaves none, nothing is fetched and the exit code is 0. A selection
    that cannot be made (an unknown id, a git error) returns 2.
    """
    if only or changed_since is not None:
        try:
            changed = changed_files(changed_since, repo) if changed_since is not None else None
            sources = select(sources, ids=only, changed=changed, files=files)
        except SelectionError as error:
            print(f"verify-sources: {error}", file=sys.stderr)
            return EXIT_ERROR
        if not sources:
            since = f" changed since {changed_since}" if changed_since is not None else ""
            print(f"verify-sources: no source{since} to check")
            return EXIT_OK
        if not settings.get("quiet"):
            print(f"verify-sources: checking {len(sources)} source(s): {', '.join(s.id for s in sources)}")
    return run(SourcesCommand(), sources, out_dir=out_dir, cache_file=cache_file, **settings)
