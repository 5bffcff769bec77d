"""The harvest subcommands of ``clusterscord``: ``catalog --check`` and ``export``.

``catalog --check`` prints the metadata-quality report of the published catalogue
(DCAT-AP 3.0.1 shapes, every download fetched and verified); ``export DIR`` copies the
published dumps and their SHA256SUMS to a directory, e.g. for a mirror or an archive.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from publisher.artefacts import dumps
from publisher.build import catalog_check
from publisher.core.generation import Generations


def cmd_catalog(args, settings) -> int:
    generation = Generations(settings.var).current()
    if not args.check:
        print((generation.path / "catalog.nt").read_text(encoding="utf-8"), end="")
        return 0
    report = catalog_check.check(settings, generation, against=args.against,
                                 downloads=not args.no_downloads)
    print(report.describe())
    return 0 if report.ok else 1


def cmd_export(args, settings) -> int:
    generation = Generations(settings.var).current()
    entries = dumps.published(generation.manifest())
    if not entries:
        print(f"build {generation.id} has no dumps: rebuild to produce them", file=sys.stderr)
        return 1
    target = Path(args.directory)
    target.mkdir(parents=True, exist_ok=True)
    for name in [e["file"] for e in entries] + ["SHA256SUMS"]:
        shutil.copy2(generation.dumps_path / name, target / name)
        print(target / name)
    return 0


def add_commands(sub, settings_for) -> None:
    """Register the subcommands; settings_for(args) builds the Settings."""
    p = sub.add_parser("catalog", help="print the DCAT-AP catalogue, or check its quality")
    p.add_argument("--check", action="store_true",
                   help="validate with the DCAT-AP 3.0.1 shapes and verify every download")
    p.add_argument("--against", metavar="URL",
                   help="fetch downloads from this server instead of the base IRI")
    p.add_argument("--no-downloads", action="store_true", help="validate only; fetch nothing")
    p.set_defaults(func=lambda args: cmd_catalog(args, settings_for(args)))

    p = sub.add_parser("export", help="copy the published dumps (and SHA256SUMS) to DIR")
    p.add_argument("directory", metavar="DIR")
    p.set_defaults(func=lambda args: cmd_export(args, settings_for(args)))
