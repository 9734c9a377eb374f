"""``casebook verify-sources``: confirm that each source's registered excerpts still appear on its page.

Pages are compared as visible text after ``normalise_text``, so typography (curly quotes, no-break
spaces, ellipses, markup splitting a sentence) never counts as a change; only wording does. A page
that cannot be fetched is ``unreachable`` and does not fail the run: network trouble must never
look like a source that changed under us.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from casebook.core.textnorm import normalise_text
from casebook.net.client import (
    Fetcher,
    FetchError,
    FetchOptions,
    Response,
    ResultCache,
    SourceLike,
    SourceRef,
    as_refs,
    iso,
    md_table,
    utc_now,
    write_text,
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

_ELISION = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\.\.\.)\s*")


def excerpt_found(excerpt: str, page: str) -> bool:
    """Whether a normalised excerpt appears in a normalised page.

    An excerpt with an ellipsis is first looked for whole (the ellipsis may be the source's own);
    failing that, the ellipsis is read as an elision and the pieces must appear in order.
    """
    if excerpt in page:
        return True
    pieces = [p for p in _ELISION.split(excerpt) if p.strip()]
    if len(pieces) < 2:
        return False
    position = 0
    for piece in pieces:
        found = page.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


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
        response = await fetcher.fetch_with_retries(url, method="GET", read_body=True)
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
    excerpts = [normalise_text(e) for e in ref.excerpts if normalise_text(e)]
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
    for excerpt in missing:
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


async def verify_sources(
    refs: Sequence[SourceRef],
    *,
    cache: ResultCache,
    options: FetchOptions,
    now: datetime,
) -> tuple[list[SourceVerdict], int]:
    """Verdicts in the order of ``refs`` (cache first) and the number of requests made."""
    verdicts: dict[str, SourceVerdict] = {}
    to_check: list[SourceRef] = []
    for ref in refs:
        entry = cache.get(ref.id, now)
        cached = SourceVerdict.from_cache(entry) if entry is not None else None
        if cached is not None and cached.fingerprint == fingerprint(ref) and cached.status != "unreachable":
            verdicts[ref.id] = cached
        else:
            to_check.append(ref)

    limit = asyncio.Semaphore(options.concurrency)
    async with Fetcher(options) as fetcher:

        async def one(ref: SourceRef) -> None:
            async with limit:
                verdict = await verify_source(fetcher, ref)
            verdict.checked_at = iso(now)
            verdicts[ref.id] = verdict

        await asyncio.gather(*(one(ref) for ref in to_check))
        requests = fetcher.requests_made

    for ref in to_check:
        verdict = verdicts[ref.id]
        if verdict.status in ("verified", "changed"):
            data = asdict(verdict)
            data.pop("cached")
            cache.put(ref.id, data)
        else:
            # unreachable is a network state, not a fact about the page; no-excerpts costs nothing
            cache.entries.pop(ref.id, None)
    return [verdicts[ref.id] for ref in refs], requests


# ---------------------------------------------------------------- report


def build_report(
    verdicts: list[SourceVerdict], *, now: datetime, options: FetchOptions, max_age: timedelta, requests: int
) -> dict[str, Any]:
    counts = Counter(v.status for v in verdicts)
    return {
        "generated_at": iso(now),
        "summary": {status: counts.get(status, 0) for status in VERDICTS}
        | {
            "sources": len(verdicts),
            "requests": requests,
            "from_cache": sum(1 for v in verdicts if v.cached),
        },
        "options": asdict(options) | {"max_age_hours": max_age.total_seconds() / 3600},
        "sources": [asdict(v) for v in verdicts],
    }


def render_markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    rows = report["sources"]
    lines = [
        "# Source excerpts",
        "",
        f"Checked {report['generated_at']}: {summary['sources']} sources ({summary['from_cache']} from the cache, "
        f"{summary['requests']} requests). Text is compared after folding quotes, dashes, ellipses and spaces.",
        "",
        *md_table(["Status", "Count"], [[status, summary[status]] for status in VERDICTS]),
        "",
    ]
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
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- entry point


def main(
    sources: Sequence[SourceLike],
    *,
    out_dir: Path,
    cache_file: Path,
    now: datetime | None = None,
    max_age_hours: float = 24.0,
    quiet: bool = False,
    **fetch: Any,
) -> int:
    """Check every source's excerpts against its page; write the reports; return the exit code.

    sources: ``casebook.core.model.Source`` records (or ``SourceRef``s, or anything with id/url/archive_url/excerpts).
    out_dir: where ``sources-report.md`` and ``sources-report.json`` are written.
    cache_file: JSON cache (section ``sources``; may be shared with links). A verdict is reused for
        ``max_age_hours`` (default 24; 0 disables) unless the source's URLs or excerpts changed;
        unreachable verdicts are never cached.
    now: the time of the check; defaults to the current UTC time.
    concurrency, per_host, delay, timeout, retries, backoff, max_retry_after, user_agent: as for
        ``links.main`` (defaults 8, 2, 1 s, 15 s, 2, 1 s, 30 s).
    max_bytes: most bytes read of one page (default 5 MB).
    quiet: do not print the one-line summary.

    Returns 1 when any source is ``changed``; unreachable sources are reported but return 0.
    """
    moment = utc_now(now)
    options = FetchOptions(**fetch)  # concurrency, per_host, delay, timeout, retries, … (see FetchOptions)
    max_age = timedelta(hours=max_age_hours)
    cache = ResultCache(cache_file, CACHE_SECTION, max_age)
    verdicts, requests = asyncio.run(verify_sources(as_refs(sources), cache=cache, options=options, now=moment))
    cache.prune(moment)
    cache.save()

    report = build_report(verdicts, now=moment, options=options, max_age=max_age, requests=requests)
    write_text(out_dir / REPORT_JSON, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_text(out_dir / REPORT_MD, render_markdown(report))
    if not quiet:
        summary = report["summary"]
        counts = ", ".join(f"{summary[s]} {s}" for s in VERDICTS)
        print(f"verify-sources: {summary['sources']} sources ({counts}); report: {out_dir / REPORT_MD}")
    return 1 if report["summary"]["changed"] else 0
