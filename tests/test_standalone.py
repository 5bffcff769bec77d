"""The repository stands alone: nothing in it reads a folder beside the checkout."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# A path that climbs out of the checkout: a sibling folder by name, root.parent, / "..".
OUTSIDE = re.compile(r"""root\.parent\b|["'/]shared["'/]|/\s*["']\.\.["']""")
CODE = (".py", ".sh", ".toml", ".cfg", ".ini", ".js", ".json", "Makefile", "run")


def tracked_code() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    skipped = ("node_modules/", "publisher/web/static/vendor/")
    itself = Path(__file__).resolve().relative_to(REPO).as_posix()
    return [REPO / n for n in names
            if n.endswith(CODE) and not n.startswith(skipped)
            and n not in ("package-lock.json", itself)]


def test_no_code_reaches_outside_the_checkout():
    found = []
    for path in tracked_code():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


def test_vendored_files_carry_their_origin_and_licence():
    for folder in (REPO / "shapes" / "vendor" / "dcat-ap-3.0.1", REPO / "tests" / "w3c"):
        assert (folder / "README.md").is_file(), folder
        assert (folder / "LICENCE.md").is_file(), folder
    assert (REPO / "shapes/vendor/dcat-ap-3.0.1/html/shacl/shapes.ttl").is_file()
    assert (REPO / "tests/w3c/sparql11-protocol/manifest.ttl").is_file()
