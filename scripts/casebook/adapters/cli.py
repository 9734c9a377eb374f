"""The `casebook` command: validate the content, render it for inspection, scaffold and check."""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casebook.adapters.rename import KINDS
from casebook.core.book import Casebook
from casebook.core.errors import ContentError, Diagnostic
from casebook.core.model import Fact, Law, Quote, Source
from casebook.core.validate import build_and_check, build_case


def _write_atomically(out: Path, files: Mapping[str, str | bytes]) -> None:
    """Write into a temporary folder beside ``out`` and swap it in only when everything is written."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        if out.exists():
            old = out.with_name(f".{out.name}-old")
            if old.exists():
                shutil.rmtree(old)
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _docs(args: argparse.Namespace) -> Path:
    """The hand-written pages that go with the content: --docs, or docs/ beside the content folder."""
    return args.docs if args.docs is not None else args.content.parent / "docs"


def _print_warnings(warnings: list[Diagnostic]) -> None:
    for warning in sorted(warnings, key=lambda d: d.sort_key):
        print(f"warning: {warning}", file=sys.stderr)


def _counts(book: Casebook) -> str:
    return ", ".join(f"{len(v)} {k}{'s' if len(v) != 1 else ''}" for k, v in sorted(book.by_kind.items()))


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        book = build_and_check(args.content, _docs(args))
    except ContentError as error:
        _print_warnings(error.warnings)
        print("\n".join([*error.lines(), error.summary()]), file=sys.stderr)
        return 1
    _print_warnings(book.warnings)
    print(f"content is valid ({_counts(book)})")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    from casebook.adapters.rename import RenameError, rename

    try:
        done = rename(args.content, _docs(args), args.kind, args.old, args.new)
    except ContentError as error:
        print("\n".join([*error.lines(), error.summary()]), file=sys.stderr)
        print("rename: the content must be valid before a rename; nothing was changed", file=sys.stderr)
        return 1
    except RenameError as error:
        print(f"rename: {error}; nothing was changed", file=sys.stderr)
        return 1
    except OSError as error:  # every file was put back as it was
        print(
            f"rename: could not write {error.filename or 'a file'} ({error.strerror}); nothing was changed",
            file=sys.stderr,
        )
        return 1
    print(f"renamed {done.kind} '{done.old}' to '{done.new}':")
    for line in done.changes:
        print(f"  {line}")
    edits = sum(1 for line in done.changes if ": moved to " not in line)
    print(
        f"{edits} edit{'s' if edits != 1 else ''} in {done.files} file{'s' if done.files != 1 else ''}; "
        f"content is valid ({_counts(done.book)})"
    )
    return 0


def _excerpt_uses(book: Casebook, source: Source) -> list[list[str]]:
    """For each of a source's excerpts, the records that quote from it: a fact citation's excerpt, a
    quote or a quoted law provision of this source that is verbatim in that excerpt (``rules.misquote``)."""
    from casebook.core.rules import misquote, normalise

    quoting: list[tuple[str, str]] = []  # (record, text it quotes from this source)
    for fact in book.of_kind(Fact):
        quoting += [(f"fact {fact.id}", c.excerpt) for c in fact.sources if c.source == source.id and c.excerpt]
    quoting += [(f"quote {q.id}", q.text) for q in book.of_kind(Quote) if q.source == source.id]
    for law in book.of_kind(Law):
        quoting += [(f"law {law.id}", p.text) for p in law.provisions if p.source == source.id and p.form == "quote"]
    uses = []
    for excerpt in source.excerpts:
        stored = [normalise(excerpt)]
        found = [who for who, text in quoting if misquote(text, stored, source.id) is None]
        uses.append(list(dict.fromkeys(found)))
    return uses


def cmd_excerpts(args: argparse.Namespace) -> int:
    from casebook.core import locate

    book = build_case(args.content)
    source = book.records.get(book.current_id(args.source))
    if not isinstance(source, Source):
        close = difflib.get_close_matches(args.source, [s.id for s in book.of_kind(Source)], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        print(f"excerpts: there is no source '{args.source}'{hint}", file=sys.stderr)
        return 1
    origin = book.origins[source.id]
    uses = _excerpt_uses(book, source)
    unused = sum(1 for used in uses if not used)
    noun = "excerpt" if len(uses) == 1 else "excerpts"
    summary = f"{unused} not yet cited by any record" if unused else "all cited by a record"
    print(f"{origin.file}: {len(uses)} {noun}, {summary}")
    for index, (excerpt, used) in enumerate(zip(source.excerpts, uses, strict=True)):
        if args.unused and used:
            continue
        at = locate.position(origin.abs_path, (*origin.data_path, "excerpts", index))
        where = f"{origin.file}:{at[0]}" if at else origin.file
        by = f"used by {len(used)} ({', '.join(used)})" if used else "used by no record"
        print(f"{where}: excerpts[{index}]: {by}")
        print(f"    {' '.join(excerpt.split())}")
    return 0


def cmd_stale(args: argparse.Namespace) -> int:
    """Every dated status older than a year: a report of what to re-check, never a failure."""
    from datetime import date

    from casebook.core import locate, present
    from casebook.core.model import Case

    today = date.fromisoformat(args.today) if args.today else date.today()
    book = build_case(args.content)
    found: list[tuple[str, str, str]] = []  # (where, as of, what)

    def where(record_id: str, path: tuple[str | int, ...]) -> str:
        origin = book.origins[record_id]
        at = locate.position(origin.abs_path, (*origin.data_path, *path))
        return f"{origin.file}:{at[0]}" if at else origin.file

    for record in book.records.values():
        if isinstance(record, Fact | Case) and record.as_of:
            found.append((where(record.id, ("as_of",)), record.as_of, f"{record.kind} {record.id}"))
        if isinstance(record, Case):  # the home page's "At a glance" items that hold as of a date
            for index, item in enumerate(record.at_a_glance):
                if item.as_of:
                    at = where(record.id, ("at_a_glance", index, "as_of"))
                    found.append((at, item.as_of, f"at a glance '{item.label}' in case {record.id}"))
        for path, text in _texts(record):
            for _line, iso in present.as_of_dates(text):
                at = where(record.id, path)
                found.append((at, iso, f"'as of' in {record.kind} {record.id}, {'.'.join(map(str, path))}"))
    docs = _docs(args)
    for page in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        for line, iso in present.as_of_dates(page.read_text(encoding="utf-8")):
            found.append((f"{page.relative_to(docs.parent)}:{line}", iso, "'as of' in a page"))
    stale = sorted((f for f in found if present.is_stale(f[1], today)), key=lambda f: (f[1], f[0]))
    print(
        f"{len(stale)} of {len(found)} dated statements hold as of more than {present.STALE_AFTER_DAYS} days "
        f"before {today.isoformat()}: re-check them against newer sources"
    )
    for at, iso, what in stale:
        print(f"{at}: as of {iso}: {what}")
    return 0


def _texts(record: object) -> list[tuple[tuple[str | int, ...], str]]:
    from casebook.core.rules import site_texts

    return list(site_texts(record))


def cmd_render(args: argparse.Namespace) -> int:
    from casebook.site import SiteOptions, build_site

    site = build_site(args.content, args.docs, SiteOptions(repo_root=Path.cwd()))
    pages = site.generated
    files: dict[str, str | bytes] = {**pages}
    files.update(site.files)
    _write_atomically(args.out, files)
    print(f"wrote {len(pages)} pages and {len(site.files)} data files to {args.out}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from casebook.adapters.scaffold import free_id, new_record
    from casebook.core.load import load_content

    taken = {str(r.data.get("id")) for r in load_content(args.content).records}
    record_id = free_id(args.content, args.kind, args.id, taken)
    if record_id in taken:
        print(f"the id '{record_id}' is already taken; choose another with --id", file=sys.stderr)
        return 2
    path, line = new_record(args.content, args.kind, record_id)
    print(f"{path}:{line}: new {args.kind} '{record_id}'; fill in its fields, then run: .venv/bin/casebook validate")
    print("when it is valid, record its new address for the published-address test: make permalinks")
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from casebook.core.schema import write

    for path in write(Path(".")):
        print(f"updated {path}")
    return 0


def cmd_permalinks(args: argparse.Namespace) -> int:
    from casebook.outputs.permalinks import LIST_FILE, collect, read_list, write_list

    book = build_case(args.content)
    current = collect(args.site, book)
    known = read_list(LIST_FILE)
    lost, added = sorted(known - current), sorted(current - known)
    for url in lost:
        print(f"{LIST_FILE}: '{url}' no longer resolves (add the old id to former_ids, or a redirect)", file=sys.stderr)
    if args.write and not lost:
        write_list(LIST_FILE, known | current)
        print(f"{LIST_FILE}: {len(added)} new address(es) recorded, {len(known | current)} in all")
    elif added:
        print(f"{len(added)} new address(es) not yet in {LIST_FILE}; run with --write to record them")
    return 1 if lost or (added and not args.write) else 0


def _network_options(args: argparse.Namespace) -> dict[str, Any]:
    """The NetworkOptions settings given on the command line (report folder and cache are passed apart)."""
    from casebook.net.runner import NetworkOptions

    return {name: getattr(args, name) for name, *_ in NetworkOptions.flags()}


def cmd_links(args: argparse.Namespace) -> int:
    from casebook.net import links

    book = build_case(args.content)
    return links.main(book.of_kind(Source), out_dir=args.out, cache_file=args.cache, **_network_options(args))


def cmd_verify_sources(args: argparse.Namespace) -> int:
    from casebook.net import verify_sources

    book = build_case(args.content)
    sources = book.of_kind(Source)
    files = {
        s.id: [book.origins[s.id].abs_path, *([book.content_dir / s.snapshot.file] if s.snapshot else [])]
        for s in sources
    }
    return verify_sources.main(
        sources,
        out_dir=args.out,
        cache_file=args.cache,
        only=args.only,
        changed_since=args.changed_since,
        files=files,
        repo=args.content,
        **_network_options(args),
    )


def _add_network_arguments(parser: argparse.ArgumentParser) -> None:
    # runner has no third-party imports: building the parser stays cheap without the [net] extra
    from casebook.net.runner import NetworkOptions

    parser.add_argument("--out", type=Path, default=Path("build/reports"), help="report folder")
    parser.add_argument("--cache", type=Path, default=Path(".cache/casebook-network.json"), help="result cache")
    for name, default, help in NetworkOptions.flags():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=type(default), default=default, help=f"{help} (default: {default:g})")
    parser.epilog = "exit codes: 0 all good, 1 a source failed the check, 2 the check could not run, 3 no network"


def _site_url(config: Path) -> str:
    """mkdocs.yml's ``site_url`` as a build without CASEBOOK_SITE_URL would see it (``!ENV [VAR, default]``)."""
    import os

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.SequenceNode):
            values = [str(v) for v in loader.construct_sequence(node)]
        elif isinstance(node, yaml.ScalarNode):
            values = [str(loader.construct_scalar(node))]
        else:
            values = []
        names, default = (values[:-1], values[-1]) if len(values) > 1 else (values, "")
        return next((os.environ[n] for n in names if n in os.environ), default)

    Loader.add_constructor("!ENV", env)
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, yaml.YAMLError):
        return ""
    value = data.get("site_url") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def cmd_handouts(args: argparse.Namespace) -> int:
    """Lesson handouts, guides, answer keys, cards and slides into a folder, remaking only what changed."""
    from casebook.outputs import handouts

    site_url = args.site_url if args.site_url is not None else _site_url(args.content.parent / "mkdocs.yml")
    book = build_case(args.content)
    _print_warnings(book.warnings)
    report = handouts.build(book, args.out, site_url=site_url, makers=handouts.makers(slides=args.slides), log=print)
    print(
        f"{args.out}: {len(report.built)} lesson{'s' if len(report.built) != 1 else ''} built, "
        f"{len(report.cached)} up to date"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook", description=__doc__)
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    sub = parser.add_subparsers(dest="command", required=True)
    docs_help = "hand-written pages to check (default: docs/ beside the content folder)"
    validate = sub.add_parser("validate", help="check every content file; print every problem as path:line:column")
    validate.add_argument("--docs", type=Path, help=docs_help)
    render = sub.add_parser("render", help="write the generated Markdown pages to a folder for inspection")
    render.add_argument("--out", type=Path, required=True, help="folder to write (replaced only on success)")
    render.add_argument("--docs", type=Path, help="hand-written pages to check and register (default: none)")
    new = sub.add_parser("new", help="write a stub record with the fields to fill and a free id")
    new.add_argument("kind", choices=["fact", "source", "quote", "event"])
    new.add_argument("--id", help="the id to use (default: a free new-KIND-N)")
    rename = sub.add_parser(
        "rename",
        help="give a record a new id: move its file, keep the old id in former_ids, rewrite every reference",
    )
    rename.add_argument("kind", choices=KINDS)
    rename.add_argument("old", help="the record's id now")
    rename.add_argument("new", help="the id it should have")
    rename.add_argument("--docs", type=Path, help="hand-written pages to update " + docs_help[docs_help.index("(") :])
    excerpts = sub.add_parser("excerpts", help="list a source's stored excerpts and the records that quote each")
    excerpts.add_argument("source", help="the source's id")
    excerpts.add_argument("--unused", action="store_true", help="only the excerpts that no record quotes yet")
    stale = sub.add_parser(
        "stale", help="list every 'as of' date more than a year old: the statements to re-check (a report)"
    )
    stale.add_argument("--docs", type=Path, help=docs_help)
    stale.add_argument("--today", help="the date to count from, as YYYY-MM-DD (default: today)")
    sub.add_parser("schemas", help="regenerate docs/schemas/*.schema.json and .vscode/settings.json from the model")
    permalinks = sub.add_parser("permalinks", help="compare a built site's addresses with the published list")
    permalinks.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site)")
    permalinks.add_argument("--write", action="store_true", help="record new addresses in the list")
    handouts = sub.add_parser(
        "handouts", help="write each lesson's handout, instructor guide, answer key, cards and slides (PDF, HTML)"
    )
    handouts.add_argument("out", type=Path, help="folder to write, e.g. build/handouts (unchanged lessons are kept)")
    handouts.add_argument("--site-url", help="the site address printed on them (default: site_url in mkdocs.yml)")
    handouts.add_argument(
        "--no-slides", dest="slides", action="store_false", help="skip the slide decks (they need Node and Chromium)"
    )
    links = sub.add_parser("links", help="check every source URL and archive URL (needs the network)")
    _add_network_arguments(links)
    drift = sub.add_parser("verify-sources", help="confirm each registered excerpt still appears in its source")
    _add_network_arguments(drift)
    drift.add_argument(
        "--source", dest="only", action="append", default=[], metavar="ID", help="check this source only (repeatable)"
    )
    drift.add_argument(
        "--changed-since",
        metavar="REF",
        help="check only the sources whose files changed since the merge base with this git ref, for example "
        "origin/main (uncommitted changes count)",
    )
    return parser


COMMANDS = {
    "validate": cmd_validate,
    "render": cmd_render,
    "new": cmd_new,
    "rename": cmd_rename,
    "excerpts": cmd_excerpts,
    "stale": cmd_stale,
    "schemas": cmd_schemas,
    "permalinks": cmd_permalinks,
    "handouts": cmd_handouts,
    "links": cmd_links,
    "verify-sources": cmd_verify_sources,
}


# commands that write files: their ContentError message says that nothing was written
WRITING_COMMANDS = frozenset({"render", "handouts", "permalinks", "schemas", "new"})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ContentError as error:
        if args.command in WRITING_COMMANDS:
            print(error, file=sys.stderr)  # "...; nothing was written."
        else:  # a command that only reads the content: there was nothing to write
            print(
                "\n".join([*error.lines(), f"{error.summary()} in the content: fix them, then run it again"]),
                file=sys.stderr,
            )
        return 1
