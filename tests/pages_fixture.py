"""A tiny project for the page tests the real data cannot drive: hostile literals and a hub.

``make(root, links)`` writes the mini project of :mod:`tests.mini_project` plus an entity
whose labels carry markup, and a hub that ``links`` entities point to.
"""

from __future__ import annotations

from pathlib import Path

from tests import mini_project

HOSTILE = '<script>alert("x")</script> & </script><b>bold</b>'


def make(root: Path, links: int = 120) -> Path:
    mini_project.make(root)
    lines = [
        "@prefix cc: <https://data.clusterscord.eu/def/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "<https://data.clusterscord.eu/graph/extra> {",
        '  <https://data.clusterscord.eu/id/thing/hostile> a cc:Thing ;',
        f'    skos:prefLabel "{_escape(HOSTILE)}"@en ;',
        f'    cc:note "{_escape(HOSTILE)}" .',
        '  <https://data.clusterscord.eu/id/thing/hub> a cc:Thing ; skos:prefLabel "Hub"@en .',
    ]
    for n in range(links):
        lines.append(
            f"  <https://data.clusterscord.eu/id/thing/spoke-{n:04d}> a cc:Thing ; "
            f'skos:prefLabel "Spoke {n:04d}"@en ; '
            "cc:partOf <https://data.clusterscord.eu/id/thing/hub> ."
        )
    lines.append("}")
    (root / "data" / "extra.trig").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
