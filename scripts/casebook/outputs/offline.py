"""The offline classroom edition: the whole site in one zip that works from file://, search included.

Material's `offline` plugin does the work (no directory URLs, the search index inlined); this
module only packs the built folder, and `python -m casebook.outputs.offline SITE ZIP` is what
`make offline` runs after the build.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ZIP_NAME = "casebook-offline.zip"
SHIM = Path("build") / "vendor" / "iframe-worker" / "shim" / "index.js"  # `make offline` fetches it from npm
ROOT_FOLDER = "casebook"  # unzips into one folder, not over the user's downloads


def pack(site: Path, target: Path) -> int:
    """Zip ``site`` into ``target`` (written beside it first, then moved); return the number of files."""
    files = sorted(p for p in site.rglob("*") if p.is_file())
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(
                f"{ROOT_FOLDER}/{path.relative_to(site).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())  # fixed timestamps: the same site gives the same zip
    partial.replace(target)
    return len(files)


if __name__ == "__main__":
    count = pack(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {count} files")
