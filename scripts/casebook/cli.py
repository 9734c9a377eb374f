"""The `casebook` command: validate the content, render it for inspection, scaffold and check."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import ContentError
from .validate import build_case


def _write_atomically(out: Path, files: dict[str, str]) -> None:
    """Write into a temporary folder beside ``out`` and swap it in only when everything is written."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
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


def cmd_validate(args: argparse.Namespace) -> int:
    book = build_case(args.content)
    counts = ", ".join(f"{len(v)} {k}{'s' if len(v) != 1 else ''}" for k, v in sorted(book.by_kind.items()))
    print(f"{args.content}: valid ({counts})")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .render import render_site

    book = build_case(args.content)
    pages = render_site(book)
    _write_atomically(args.out, pages)
    print(f"wrote {len(pages)} pages to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook", description=__doc__)
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check every content file; print every problem as path:line:column")
    render = sub.add_parser("render", help="write the generated Markdown pages to a folder for inspection")
    render.add_argument("--out", type=Path, required=True, help="folder to write (replaced only on success)")
    return parser


COMMANDS = {"validate": cmd_validate, "render": cmd_render}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
