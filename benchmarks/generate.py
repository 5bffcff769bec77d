"""Synthetic data of the Clusters Cord graph's own shape, at any size, for benchmarks.

Deterministic: the same seed and size write the same bytes. The output is a project
directory that ``clusterscord --root DIR build`` builds: ``data/`` holds the synthetic
TriG (one named graph per synthetic source, each with its provenance), and ``ontology/``,
``shapes/`` and ``sparql/rules/`` are copied from the real project, so the synthetic
data is validated by the project's own shapes and enriched by its own rules.

The graph is the whole field at scale: projects with memberships of organisations in
roles, clusters, regions (NUTS, with a country-level hub that thousands of organisations
point to), sectors, outputs, events, multilingual labels with diacritics. A summary
(``generated.json``) names sample entities and the hub for the benchmark's query mix.

Usage::

    python benchmarks/generate.py --triples 1000000 --out var/bench/1m [--seed 2010]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

BASE = "https://data.clusterscord.eu/"
ID = BASE + "id/"

PREFIXES = """\
@prefix cc: <https://data.clusterscord.eu/def/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
"""

COPIED_FOLDERS = ("data", "ontology", "shapes", "sparql/rules", "sparql/views",
                  "sparql/queries")
COPIED_FILES: tuple[str, ...] = ()

# The countries of the CENTRAL EUROPE space: NUTS code, EU authority code, language,
# capital coordinates (lon, lat), names (national, English).
COUNTRIES = [
    ("CZ", "CZE", "cs", (14.42, 50.08), "Česko", "Czechia"),
    ("SK", "SVK", "sk", (17.11, 48.15), "Slovensko", "Slovakia"),
    ("PL", "POL", "pl", (21.01, 52.23), "Polska", "Poland"),
    ("HU", "HUN", "hu", (19.04, 47.50), "Magyarország", "Hungary"),
    ("SI", "SVN", "sl", (14.51, 46.06), "Slovenija", "Slovenia"),
    ("AT", "AUT", "de", (16.37, 48.21), "Österreich", "Austria"),
    ("DE", "DEU", "de", (13.40, 52.52), "Deutschland", "Germany"),
    ("IT", "ITA", "it", (12.50, 41.90), "Italia", "Italy"),
]
HUB_REGION = "CZ042"  # Ústecký kraj, the lead partner's region
HUB_SHARE = 0.4  # of organisations seated in the hub region


_REFERENCE = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX cc: <https://data.clusterscord.eu/def/>
SELECT ?kind ?c ?label ?level ?broader WHERE {
  { ?c a schema:AdministrativeArea ; cc:nutsLevel ?level ; skos:notation ?label
    OPTIONAL { ?c skos:broader ?broader } BIND("region" AS ?kind) }
  UNION { ?c skos:inScheme <https://data.clusterscord.eu/id/scheme/sector> ;
          skos:prefLabel ?label FILTER(LANG(?label) = "en") BIND("sector" AS ?kind) }
  UNION { ?c skos:inScheme <https://data.clusterscord.eu/id/scheme/output-type> ;
          skos:prefLabel ?label FILTER(LANG(?label) = "en") BIND("output-type" AS ?kind) }
} ORDER BY ?kind ?c
"""


def read_reference(data: Path) -> dict[str, list[tuple[str, str, int]]]:
    """Regions, sectors and output types of the real project, which synthetic data uses."""
    store = pyoxigraph.Store()
    for path in sorted(data.glob("*.trig")):
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TRIG)
    found: dict[str, list] = {"region": [], "sector": [], "output-type": []}
    seen = set()
    for row in store.query(_REFERENCE, use_default_graph_as_union=True):
        key = (row["kind"].value, row["c"].value)
        if key in seen:
            continue
        seen.add(key)
        level = int(row["level"].value) if row["level"] is not None else -1
        found[row["kind"].value].append((row["c"].value, row["label"].value, level))
    return found


SYLLABLES = ["ús", "tí", "br", "no", "pra", "ha", "ko", "ši", "ce", "žil", "ina", "graz",
             "lin", "ec", "po", "zna", "ń", "győr", "pécs", "mar", "ibor", "tri", "este",
             "dres", "den", "vie", "nna", "kra", "ków", "ost", "rava", "lub", "lja", "na"]
WORDS_EN = ["Regional", "Development", "Agency", "Cluster", "Innovation", "Centre",
            "Chamber", "Commerce", "Technology", "Network", "Association", "Institute"]
WORDS_NATIONAL = {
    "cs": ["Regionální", "rozvojová", "agentura", "klastr", "inovační", "centrum"],
    "sk": ["Regionálna", "rozvojová", "agentúra", "klaster", "inovačné", "centrum"],
    "pl": ["Regionalna", "Agencja", "Rozwoju", "klaster", "innowacyjny", "ośrodek"],
    "hu": ["Regionális", "Fejlesztési", "Ügynökség", "klaszter", "innovációs", "központ"],
    "sl": ["Regionalna", "razvojna", "agencija", "grozd", "inovacijski", "center"],
    "de": ["Regionale", "Entwicklungsagentur", "Cluster", "Innovationszentrum", "Kammer",
           "Verband"],
    "it": ["Agenzia", "regionale", "sviluppo", "distretto", "innovazione", "centro"],
}

TRIPLES_PER_GRAPH = 50_000


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^{datatype}'


@dataclass
class Counter:
    """Triples written so far, and what the benchmark needs to know about them."""

    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    incoming: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.entities[kind] = self.entities.get(kind, 0) + n


@dataclass
class Region:
    iri: str
    code: str
    country: str
    lang: str
    point: tuple[float, float]


class Generator:
    """Writes one synthetic project directory of about ``target`` source triples.

    The real project's data is copied alongside, and the synthetic entities point to its
    regions, sectors, roles and output types, so every reference resolves.
    """

    def __init__(self, target: int, reference: dict, seed: int = 2010):
        self.target = target
        self.rng = random.Random(seed)
        self.count = Counter()
        self.regions = self._regions(reference["region"])
        self.hub = next(r for r in self.regions if r.code == HUB_REGION)
        self.sectors = [(iri, label) for iri, label, _ in reference["sector"]]
        self.output_types = [(iri, label) for iri, label, _ in reference["output-type"]]
        # About 92 source triples per project with its share of everything else.
        self.projects = max(10, round(target / 92))
        self.organisations = max(8, round(self.projects * 2.5))
        self.source = "synthetic-0001"

    def _regions(self, rows) -> list[Region]:
        countries = {c[0]: c for c in COUNTRIES}
        regions = []
        for iri, code, level in rows:
            country = countries.get(code[:2])
            if country is None or level < 2:
                continue
            lon, lat = country[3]
            offset = sum(map(ord, code)) % 17
            point = (round(lon + offset * 0.05, 4), round(lat - offset * 0.03, 4))
            regions.append(Region(iri, code, code[:2], country[2], point))
        return regions

    def name(self, lang: str) -> tuple[str, str]:
        """A national and an English name for an organisation."""
        place = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3)))
        place = place[0].upper() + place[1:]
        words = WORDS_NATIONAL[lang]
        national = f"{self.rng.choice(words)} {self.rng.choice(words)} {place}"
        english = f"{place} {self.rng.choice(WORDS_EN)} {self.rng.choice(WORDS_EN)}"
        return national, english

    # Entities -------------------------------------------------------------------------

    def organisation(self, n: int) -> tuple[str, list[str]]:
        rng = self.rng
        if rng.random() < HUB_SHARE:
            region = self.hub
        else:
            region = rng.choice(self.regions)
        lang = region.lang
        national, english = self.name(lang)
        slug = f"o{n:07d}"
        iri = f"<{ID}organisation/{slug}>"
        cluster = n % 5 == 0
        types = "cc:Cluster , org:FormalOrganization , schema:Organization" if cluster else (
            "org:FormalOrganization , schema:Organization"
        )
        lon = round(region.point[0] + rng.uniform(-0.3, 0.3), 5)
        lat = round(region.point[1] + rng.uniform(-0.2, 0.2), 5)
        extra = ""
        triples = 16
        if cluster:
            sector = rng.choice(self.sectors)[0]
            extra = f" ; dct:subject <{sector}>"
            triples += 2
        eu = next(c[1] for c in COUNTRIES if c[0] == region.country)
        text = (
            f"{iri} a {types} ; skos:prefLabel {lit(national, lang)} , {lit(english, 'en')} ; "
            f"dct:spatial <{region.iri}> ; "
            f"cc:country <http://publications.europa.eu/resource/authority/country/{eu}> ; "
            f"foaf:homepage <http://www.example.{region.country.lower()}/{slug}> ; "
            f"org:hasSite <{ID}place/{slug}-seat>{extra} .\n"
            f"<{ID}place/{slug}-seat> a org:Site , schema:Place ; "
            f"skos:prefLabel {lit(f'Seat of {english}', 'en')} ; "
            f"geo:hasGeometry [ a geo:Geometry ; geo:asWKT "
            f"{typed(f'POINT({lon} {lat})', 'geo:wktLiteral')} ] ; "
            f"wgs84:lat {typed(str(lat), 'xsd:decimal')} ; "
            f"wgs84:long {typed(str(lon), 'xsd:decimal')} ."
        )
        self.count.triples += triples
        self.count.add("cluster" if cluster else "organisation")
        self.count.incoming[region.iri] = self.count.incoming.get(region.iri, 0) + 1
        return iri, [text]

    def project(self, n: int, partners: list[str]) -> list[str]:
        rng = self.rng
        slug = f"p{n:06d}"
        iri = f"<{ID}project/{slug}>"
        start_year = rng.randint(2000, 2020)
        start_month = rng.randint(1, 12)
        months = rng.choice((24, 30, 36, 48))
        end_total = start_year * 12 + start_month - 1 + months - 1
        end_year, end_month = divmod(end_total, 12)
        sectors = rng.sample(self.sectors, rng.randint(1, 2))
        acronym = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUVZ") for _ in range(5)) + f"-{n}"
        title_en = f"{rng.choice(WORDS_EN)} {rng.choice(WORDS_EN)} for {sectors[0][1]} {n}"
        title_cs = f"{sectors[0][1]}: spolupráce č. {n}"
        subjects = " , ".join(f"<{s[0]}>" for s in sectors)
        lines = [
            f"{iri} a org:OrganizationalCollaboration , schema:Project ; "
            f"skos:prefLabel {lit(title_en, 'en')} , {lit(title_cs, 'cs')} ; "
            f"skos:altLabel {lit(acronym, 'en')} ; "
            f"adms:identifier [ a adms:Identifier ; skos:notation {lit(f'SYN{n:06d}')} ] ; "
            f"dct:temporal [ a dct:PeriodOfTime ; "
            f"dcat:startDate {typed(f'{start_year}-{start_month:02d}', 'xsd:gYearMonth')} ; "
            f"dcat:endDate {typed(f'{end_year}-{end_month + 1:02d}', 'xsd:gYearMonth')} ] ; "
            f"dct:subject {subjects} ."
        ]
        self.count.triples += 12 + len(sectors)
        self.count.add("project")
        for i, partner in enumerate(partners):
            role = "lead-partner" if i == 0 else ("observer" if rng.random() < 0.1 else "partner")
            lines.append(
                f"<{ID}membership/{slug}-{i}> a org:Membership ; org:member {partner} ; "
                f"skos:prefLabel {lit(f'{role} of {acronym}', 'en')} ; "
                f"org:organization {iri} ; org:role <{ID}role/{role}> ; "
                f"prov:wasDerivedFrom <{ID}source/{self.source}> ."
            )
            self.count.triples += 6
            self.count.add("membership")
        if rng.random() < 0.5:
            otype = rng.choice(self.output_types)
            lines.append(
                f"<{ID}output/{slug}-1> a cc:Output , schema:CreativeWork ; "
                f"skos:prefLabel {lit(f'{otype[1].capitalize()} of {acronym}', 'en')} ; "
                f"cc:documentType <{otype[0]}> ; prov:wasGeneratedBy {iri} ."
            )
            self.count.triples += 5
            self.count.add("output")
        if rng.random() < 0.2:
            day = rng.randint(1, 28)
            date = typed(f"{end_year}-{end_month + 1:02d}-{day:02d}", "xsd:date")
            lines.append(
                f"<{ID}event/{slug}-final> a schema:Event ; "
                f"skos:prefLabel {lit(f'Final conference of {acronym}', 'en')} , "
                f"{lit(f'Závěrečná konference {acronym}', 'cs')} ; "
                f"schema:startDate {date} ; "
                f"schema:organizer {partners[0]} ; dct:isPartOf {iri} ; "
                f"schema:location <{ID}place/{partners[0].rsplit('/', 1)[1][:-1]}-seat> ."
            )
            self.count.triples += 7
            self.count.add("event")
        return lines

    # Files ----------------------------------------------------------------------------

    def graph_block(self, name: str, title: str, body: list[str]) -> str:
        """A named graph and, inside it, the provenance of the graph itself."""
        graph = f"<{BASE}graph/{name}>"
        source = f"<{ID}source/{name}>"
        title_cs = title.replace("Synthetic", "Syntetický")
        provenance = (
            f"{graph} a prov:Entity , sd:Graph ; "
            f"skos:prefLabel {lit(title, 'en')} , {lit(title_cs, 'cs')} ; "
            f"dct:description {lit('Generated for benchmarks; not facts.', 'en')} ; "
            f"prov:wasDerivedFrom {source} ; cc:confidence cc:low ; "
            f"prov:generatedAtTime {typed('2024-01-01T00:00:00Z', 'xsd:dateTime')} .\n"
            f"{source} a foaf:Document , prov:Entity ; skos:prefLabel {lit(title, 'en')} ."
        )
        self.count.triples += 11
        return f"{graph} {{\n{provenance}\n" + "\n".join(body) + "\n}\n"

    def write(self, out: Path, project_root: Path) -> dict:
        copy_folders(out, project_root, COPIED_FOLDERS)
        for name in COPIED_FILES:
            if (project_root / name).is_file():
                shutil.copyfile(project_root / name, out / name)
        data = out / "data" / "synthetic"
        data.mkdir(parents=True)

        files = []

        org_iris: list[str] = []
        body: list[str] = []
        part = 0
        start = self.count.triples

        def flush():
            nonlocal body, part, start
            if body:
                part += 1
                self.source = f"synthetic-{part + 1:04d}"
                name = f"synthetic-{part:04d}"
                text = self.graph_block(name, f"Synthetic source {part}", body)
                files.append(self._write(data / f"{name}.trig", text))
                body = []
                start = self.count.triples

        for n in range(self.organisations):
            iri, lines = self.organisation(n)
            org_iris.append(iri)
            body.extend(lines)
            if self.count.triples - start >= TRIPLES_PER_GRAPH:
                flush()
        for n in range(self.projects):
            partners = self.rng.sample(org_iris, min(len(org_iris), self.rng.randint(3, 7)))
            body.extend(self.project(n, partners))
            if self.count.triples - start >= TRIPLES_PER_GRAPH:
                flush()
        flush()

        digest = hashlib.sha256()
        for path in files:
            digest.update(path.read_bytes())
        hub_iri = self.hub.iri
        summary = {
            "target_triples": self.target,
            "source_triples": self.count.triples,
            "entities": dict(sorted(self.count.entities.items())),
            "graphs": part,
            "files": [str(p.relative_to(out)) for p in files],
            "digest": digest.hexdigest(),
            "hub": {"iri": hub_iri, "incoming": self.count.incoming.get(hub_iri, 0)},
            "samples": {
                "project": f"{ID}project/p{self.projects // 2:06d}",
                "organisation": org_iris[len(org_iris) // 2].strip("<>"),
                "sector": self.sectors[0][0],
                "label": "Brno",
            },
        }
        (out / "generated.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return summary

    def _write(self, path: Path, body: str) -> Path:
        path.write_text(PREFIXES + body, encoding="utf-8")
        return path


def copy_folders(out: Path, project_root: Path, folders) -> None:
    """Replace ``folders`` under ``out`` with the real project's copies."""
    for folder in folders:
        source = project_root / folder
        target = out / folder
        if target.exists():
            shutil.rmtree(target)
        if source.is_dir():
            shutil.copytree(source, target)


def generate(target: int, out: Path, project_root: Path, seed: int = 2010) -> dict:
    """Write a synthetic project of about ``target`` source triples under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    reference = read_reference(project_root / "data")
    return Generator(target, reference, seed).write(out, project_root)


SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}


def parse_size(text: str) -> int:
    return SIZES.get(text.lower()) or int(text.replace("_", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="10k", help="10k, 100k, 1m, 10m or a number")
    parser.add_argument("--out", type=Path, required=True, help="project directory to write")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the real project whose ontology, shapes and rules are copied")
    args = parser.parse_args(argv)
    summary = generate(parse_size(args.triples), args.out, args.project, args.seed)
    print(json.dumps({k: summary[k] for k in ("source_triples", "entities", "graphs", "hub")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
