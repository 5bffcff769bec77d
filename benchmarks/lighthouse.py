"""Benchmark: Lighthouse scores (performance, accessibility, best practices, SEO) of the
home, project and organisation pages, mobile, in English and Czech.

Builds the project on the base ``http://127.0.0.1:PORT/`` (so canonical links name the
server Lighthouse reads), serves it with the production server, and runs the npm
``lighthouse`` (``node_modules/.bin/lighthouse``, installed by ``make setup``) with Debian's
chromium, headless, on loopback only: nothing is fetched from the network. Prints one line
per page and the lowest score of each category.

Usage: ``python benchmarks/lighthouse.py [--chromium /usr/bin/chromium] [--lang en,cs]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.build.pipeline import build  # noqa: E402
from publisher.core.config import load_settings  # noqa: E402
from tests.production import free_port, production  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = [("home", "/"), ("project", "/doc/project/clusters-cord"),
         ("organisation", "/doc/organisation/rra-uk")]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run "
                "--disable-default-apps --disable-extensions")


def audit(url: str, chromium: str, out: Path) -> dict[str, int]:
    """The four category scores (0–100) of one page, mobile (Lighthouse's default)."""
    command = [str(LIGHTHOUSE), url, f"--chrome-path={chromium}",
               f"--chrome-flags={CHROME_FLAGS}", "--output=json", f"--output-path={out}",
               "--quiet", "--only-categories=" + ",".join(CATEGORIES),
               "--form-factor=mobile", "--max-wait-for-load=30000"]
    subprocess.run(command, check=True, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8"))
    failed = [
        f"{audit_id} ({entry.get('score')})"
        for audit_id, entry in report["audits"].items()
        if entry.get("score") is not None and entry["score"] < 1
        and entry.get("scoreDisplayMode") in ("binary", "numeric")
        and any(ref["id"] == audit_id and ref.get("weight", 0) > 0
                for cat in report["categories"].values() for ref in cat["auditRefs"])
    ]
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    scores["failed"] = failed
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--lang", default="en,cs")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: run 'make setup' (npm install)", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"no chromium at {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 2
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        settings = load_settings(root=ROOT, var_dir=work / "var", base_iri=base, environ={})
        build(settings)
        lowest = dict.fromkeys(CATEGORIES, 100)
        with production(work / "var", work / "server.log", port=port, base_iri=base):
            print(f"{'page':<16}{'lang':<6}" + "".join(f"{c:>16}" for c in CATEGORIES))
            for lang in args.lang.split(","):
                for name, path in PAGES:
                    scores = audit(f"{base.rstrip('/')}{path}?lang={lang}", args.chromium,
                                   work / f"{name}-{lang}.json")
                    print(f"{name:<16}{lang:<6}"
                          + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
                    if scores["failed"]:
                        print("    below full marks: " + ", ".join(scores["failed"]))
                    for category in CATEGORIES:
                        lowest[category] = min(lowest[category], scores[category])
        print(f"{'lowest':<22}" + "".join(f"{lowest[c]:>16}" for c in CATEGORIES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
