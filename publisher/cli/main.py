"""The ``clusterscord`` command: build, validate, serve, query, export.

Run from the project root; state lives under ``var/``. Exit codes: 0 success,
1 the data or a query was refused (a report says why), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from publisher.build.pipeline import BuildError, ValidationFailed, build, check
from publisher.build.rules import RuleError
from publisher.build.sources import SourceError
from publisher.cli import harvest as cli_harvest
from publisher.cli import query as cli_query
from publisher.core.config import ConfigError, Settings, load_settings
from publisher.core.generation import BuildLockedError, Generations, NoPublishedGenerationError
from publisher.core.progress import Progress
from publisher.serve.preflight import DamagedStoreError, check_published


def _settings(args) -> Settings:
    return load_settings(
        root=args.root,
        base_iri=getattr(args, "base_iri", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
    )


def cmd_build(args) -> int:
    settings = _settings(args)
    generation = build(settings, Progress(quiet=args.quiet))
    manifest = generation.manifest()
    print(
        f"published {manifest['id']}: {manifest['stats']['triples']} triples, "
        f"{manifest['stats']['entities']} entities, in {manifest['build_seconds']} s"
    )
    return 0


def cmd_validate(args) -> int:
    settings = _settings(args)
    _sources, report = check(settings, Progress(quiet=args.quiet))
    print(report.describe())
    return 0 if report.conforms else 1


def cmd_serve(args) -> int:
    settings = _settings(args)
    if not Generations(settings.var).current_link.is_symlink():
        print("no published build yet: building first", file=sys.stderr)
        build(settings, Progress(quiet=args.quiet))
    generation_id = check_published(settings)
    print(f"serving generation {generation_id}", file=sys.stderr)
    from publisher.web.server import serve

    serve(settings, dev=args.dev)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="clusterscord", description=__doc__.splitlines()[0])
    top.add_argument("--root", type=Path, default=None, help="project root (default: here)")
    top.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="parse, validate, load aside and publish atomically")
    p.add_argument("--base-iri", help="public base IRI (rebases every IRI of the sources)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="parse and validate the sources; build nothing")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("serve", help="serve the published graph (builds first if none)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8080)")
    p.add_argument("--workers", type=int, help="web worker processes")
    p.add_argument("--base-iri", help="public base IRI used when building first")
    p.add_argument("--dev", action="store_true", help="Flask's reloading development server")
    p.set_defaults(func=cmd_serve)

    cli_harvest.add_commands(sub, _settings)
    cli_query.add_commands(sub, _settings)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        print(exc.report.describe(), file=sys.stderr)
        print("build refused: the published data is unchanged", file=sys.stderr)
        return 1
    except (SourceError, BuildError, BuildLockedError, RuleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was published; the published data is unchanged", file=sys.stderr)
        return 1
    except (NoPublishedGenerationError, DamagedStoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or 'the store'})", file=sys.stderr)
        print("nothing was published; the published data is unchanged", file=sys.stderr)
        return 1

