"""Metadata quality of the published catalogue, as a portal manager would check it.

Two checks, one readable report: the catalogue against the official DCAT-AP 3.0.1 SHACL
shapes (``shapes.ttl`` + ``range.ttl``: violations; ``shapes_recommended.ttl``:
warnings), and every download URL fetched (status 200, the declared byte size, the
declared SHA-256). The shapes are the vendored copies of the SEMIC release, used offline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from publisher.artefacts.catalog import DCAT, SPDX, catalog_triples
from publisher.build.report import Report
from publisher.build.validate import validate
from publisher.core.config import Settings
from publisher.core.context import SourceSet
from publisher.core.generation import Generation
from publisher.core.scheme import Scheme

MANDATORY = ("shapes.ttl", "range.ttl")
RECOMMENDED = ("shapes_recommended.ttl",)
VENDORED = Path("shapes") / "vendor" / "dcat-ap-3.0.1" / "html" / "shacl"


def shapes_dir(settings: Settings) -> Path:
    """The DCAT-AP 3.0.1 shapes: the setting, or the copy vendored in the repository."""
    if settings.dcat_ap_shapes_dir:
        path = Path(settings.dcat_ap_shapes_dir)
        return path if path.is_absolute() else settings.root / path
    return settings.root / VENDORED


def _shapes(folder: Path, names) -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for name in names:
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"DCAT-AP shapes not found: {path} (set dcat_ap_shapes_dir)")
        quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return quads


def validate_catalog(triples, folder: Path) -> tuple[Report, Report]:
    """(mandatory report, recommended report) of the catalogue triples."""
    data = SourceSet(quads=[ox.Quad(t.subject, t.predicate, t.object) for t in triples])
    return validate(data, _shapes(folder, MANDATORY)), validate(data, _shapes(folder, RECOMMENDED))


@dataclass
class Download:
    url: str
    fetched: str
    declared_bytes: int | None
    declared_sha256: str | None
    status: int | None = None
    actual_bytes: int | None = None
    actual_sha256: str | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return (self.status == 200 and self.actual_bytes == self.declared_bytes
                and self.actual_sha256 == self.declared_sha256)

    def describe(self) -> str:
        if self.ok:
            return f"  ok    {self.url}  ({self.actual_bytes} bytes, sha256 matches)"
        if self.error or self.status != 200:
            return f"  FAIL  {self.url}  ({self.error or f'HTTP {self.status}'})"
        problems = []
        if self.actual_bytes != self.declared_bytes:
            problems.append(f"{self.actual_bytes} bytes, declared {self.declared_bytes}")
        if self.actual_sha256 != self.declared_sha256:
            problems.append("sha256 differs from the declared checksum")
        return f"  FAIL  {self.url}  ({'; '.join(problems)})"


def declared_downloads(triples) -> list[tuple[str, int | None, str | None]]:
    """(download URL, declared byte size, declared SHA-256) of every distribution."""
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    found = []
    for props in by_subject.values():
        for url in props.get(DCAT("downloadURL"), []):
            size = props.get(DCAT("byteSize"), [None])[0]
            checksum = props.get(SPDX("checksum"), [None])[0]
            value = by_subject.get(checksum, {}).get(SPDX("checksumValue"), [None])[0]
            found.append((url.value, int(size.value) if size is not None else None,
                          value.value.lower() if value is not None else None))
    return sorted(found)


def fetch(url: str, size: int | None, sha256: str | None, fetched: str,
          timeout: float = 60.0) -> Download:
    result = Download(url, fetched, size, sha256)
    digest, count = hashlib.sha256(), 0
    try:
        with requests.get(fetched, stream=True, timeout=timeout,
                          headers={"Accept-Encoding": "identity"}) as response:
            result.status = response.status_code
            for block in response.iter_content(1 << 16):
                digest.update(block)
                count += len(block)
    except requests.RequestException as exc:
        result.error = str(exc)
        return result
    result.actual_bytes, result.actual_sha256 = count, digest.hexdigest()
    return result


@dataclass
class QualityReport:
    generation: str
    mandatory: Report
    recommended: Report
    downloads: list[Download] = field(default_factory=list)
    downloads_checked: bool = True

    @property
    def ok(self) -> bool:
        return self.mandatory.conforms and all(d.ok for d in self.downloads)

    def describe(self) -> str:
        lines = [f"Catalogue of build {self.generation}", ""]
        violations = self.mandatory.violations
        lines.append(f"DCAT-AP 3.0.1 (shapes.ttl + range.ttl): {len(violations)} violation(s)")
        lines += [r.describe() for r in violations]
        warnings = self.recommended.results
        lines += ["", f"DCAT-AP 3.0.1 recommendations: {len(warnings)} warning(s) left"]
        for (shape, path), focuses in _grouped(warnings).items():
            shown = ", ".join(focuses[:3]) + (", …" if len(focuses) > 3 else "")
            lines.append(f"  missing {path or '-'} on {len(focuses)} node(s): {shown}")
            lines.append(f"    ({shape})")
        if not self.downloads_checked:
            lines += ["", "Downloads: not checked"]
        else:
            lines += ["", f"Downloads: {sum(d.ok for d in self.downloads)} of "
                          f"{len(self.downloads)} answer 200 with the declared size and checksum"]
        lines += [d.describe() for d in self.downloads]
        lines += ["", "RESULT: " + ("the catalogue is fit to harvest" if self.ok
                                    else "problems above must be fixed before harvesting")]
        return "\n".join(lines)


def _grouped(results) -> dict:
    groups: dict = {}
    for result in results:
        groups.setdefault((result.shape, result.path), []).append(result.focus)
    return groups


def check(settings: Settings, generation: Generation, against: str | None = None,
          downloads: bool = True) -> QualityReport:
    """Validate the generation's catalogue and fetch its downloads.

    ``against`` is a server root to fetch from instead of the base IRI (for checking a
    local server before it is public); download URLs are mapped onto it by path.
    """
    triples = catalog_triples(generation)
    mandatory, recommended = validate_catalog(triples, shapes_dir(settings))
    report = QualityReport(generation.id, mandatory, recommended, downloads_checked=downloads)
    if downloads:
        scheme = Scheme(generation.manifest().get("base_iri") or settings.base_iri)
        for url, size, sha in declared_downloads(triples):
            path = scheme.local_path(url)
            fetched = against.rstrip("/") + path if against and path is not None else url
            report.downloads.append(fetch(url, size, sha, fetched))
    return report
