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
"""

COPIED_FOLDERS = ("ontology", "shapes", "sparql/rules", "sparql/views", "sparql/queries")

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
HUB_COUNTRY = "CZ"
HUB_SHARE = 0.4  # of organisations seated in the hub country's capital region

SECTORS = [
    ("ict", "ICT", "Informační a komunikační technologie", "J"),
    ("automotive", "Automotive", "Automobilový průmysl", "29"),
    ("tourism", "Tourism", "Cestovní ruch", "I"),
    ("energy", "Energy", "Energetika", "D"),
    ("food", "Food", "Potravinářství", "10"),
    ("textile", "Textiles", "Textilní průmysl", "13"),
    ("health", "Health", "Zdravotnictví", "Q"),
    ("construction", "Construction", "Stavebnictví", "F"),
    ("logistics", "Logistics", "Logistika", "H"),
    ("mechanical", "Mechanical engineering", "Strojírenství", "28"),
    ("chemistry", "Chemistry", "Chemický průmysl", "20"),
    ("plastics", "Plastics", "Plasty", "22"),
    ("environment", "Environmental technologies", "Environmentální technologie", "E"),
    ("creative", "Creative industries", "Kreativní průmysl", "R"),
    ("biotech", "Biotechnology", "Biotechnologie", "72"),
    ("aerospace", "Aerospace", "Letectví a kosmonautika", "30"),
]

ROLES = [
    ("lead-partner", "lead partner", "vedoucí partner"),
    ("partner", "project partner", "projektový partner"),
    ("observer", "observer", "pozorovatel"),
]

OUTPUT_TYPES = [("report", "report", "zpráva"), ("study", "study", "studie"),
                ("tool", "tool", "nástroj"), ("strategy", "strategy", "strategie")]

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
    code: str
    country: str
    lang: str
    level: int
    names: tuple[str, str]
    point: tuple[float, float]
    broader: str | None


class Generator:
    """Writes one synthetic project directory of about ``target`` source triples."""

    def __init__(self, target: int, seed: int = 2010):
        self.target = target
        self.rng = random.Random(seed)
        self.count = Counter()
        self.regions = self._regions()
        self.hub = next(r for r in self.regions if r.code == HUB_COUNTRY + "01")
        # About 70 source triples per project with its share of everything else.
        self.projects = max(10, round(target / 70))
        self.organisations = max(8, round(self.projects * 2.5))

    # Reference data -------------------------------------------------------------------

    def _regions(self) -> list[Region]:
        regions = []
        for code, _eu, lang, (lon, lat), national, english in COUNTRIES:
            regions.append(Region(code, code, lang, 0, (national, english), (lon, lat), None))
            for i in range(1, 5):
                point = (round(lon + i * 0.37, 4), round(lat - i * 0.21, 4))
                names = (f"{national} {i}", f"{english} region {i}")
                regions.append(Region(f"{code}0{i}", code, lang, 2, names, point, code))
        return regions

    def name(self, lang: str) -> tuple[str, str]:
        """A national and an English name for an organisation."""
        place = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3)))
        place = place[0].upper() + place[1:]
        words = WORDS_NATIONAL[lang]
        national = f"{self.rng.choice(words)} {self.rng.choice(words)} {place}"
        english = f"{place} {self.rng.choice(WORDS_EN)} {self.rng.choice(WORDS_EN)}"
        return national, english

    def reference(self) -> list[str]:
        """Regions, sectors, roles and output types: the schemes everything points to."""
        out = []
        for r in self.regions:
            broader = f" ; skos:broader <{ID}region/{r.broader}>" if r.broader else ""
            out.append(
                f"<{ID}region/{r.code}> a skos:Concept , schema:AdministrativeArea ; "
                f"skos:inScheme <{ID}scheme/regions> ; skos:notation {lit(r.code)} ; "
                f"skos:prefLabel {lit(r.names[0], r.lang)} , {lit(r.names[1], 'en')} ; "
                f"skos:exactMatch <http://data.europa.eu/nuts/code/{r.code}>{broader} ."
            )
            self.count.triples += 7 + bool(r.broader)
            self.count.add("region")
        for slug, en, cs, nace in SECTORS:
            out.append(
                f"<{ID}sector/{slug}> a skos:Concept ; skos:inScheme <{ID}scheme/sectors> ; "
                f"skos:prefLabel {lit(en, 'en')} , {lit(cs, 'cs')} ; "
                f"skos:relatedMatch <http://data.europa.eu/ux2/nace2/{nace}> ."
            )
            self.count.triples += 5
            self.count.add("sector")
        for slug, en, cs in ROLES:
            out.append(
                f"<{ID}role/{slug}> a skos:Concept , org:Role ; "
                f"skos:inScheme <{ID}scheme/roles> ; "
                f"skos:prefLabel {lit(en, 'en')} , {lit(cs, 'cs')} ."
            )
            self.count.triples += 5
            self.count.add("role")
        for slug, en, cs in OUTPUT_TYPES:
            out.append(
                f"<{ID}output-type/{slug}> a skos:Concept ; "
                f"skos:inScheme <{ID}scheme/output-types> ; "
                f"skos:prefLabel {lit(en, 'en')} , {lit(cs, 'cs')} ."
            )
            self.count.triples += 5
            self.count.add("output-type")
        for scheme, en, cs in (("regions", "Regions", "Regiony"), ("sectors", "Sectors", "Sektory"),
                               ("roles", "Roles", "Role"),
                               ("output-types", "Output types", "Typy výstupů")):
            out.append(
                f"<{ID}scheme/{scheme}> a skos:ConceptScheme ; "
                f"skos:prefLabel {lit(en, 'en')} , {lit(cs, 'cs')} ."
            )
            self.count.triples += 3
        return out

    # Entities -------------------------------------------------------------------------

    def organisation(self, n: int) -> tuple[str, list[str]]:
        rng = self.rng
        if rng.random() < HUB_SHARE:
            region = self.hub
        else:
            region = rng.choice([r for r in self.regions if r.level == 2])
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
        triples = 13
        if cluster:
            sector = rng.choice(SECTORS)[0]
            extra = f" ; dct:subject <{ID}sector/{sector}>"
            triples += 2
        text = (
            f"{iri} a {types} ; skos:prefLabel {lit(national, lang)} , {lit(english, 'en')} ; "
            f"cc:region <{ID}region/{region.code}> ; "
            f"foaf:homepage <http://www.example.{region.country.lower()}/{slug}> ; "
            f"org:hasSite [ a org:Site ; "
            f"geo:hasGeometry [ a geo:Geometry ; geo:asWKT "
            f"{typed(f'POINT({lon} {lat})', 'geo:wktLiteral')} ] ; "
            f"wgs84:lat {typed(str(lat), 'xsd:decimal')} ; "
            f"wgs84:long {typed(str(lon), 'xsd:decimal')} ]{extra} ."
        )
        self.count.triples += triples
        self.count.add("cluster" if cluster else "organisation")
        key = f"{ID}region/{region.code}"
        self.count.incoming[key] = self.count.incoming.get(key, 0) + 1
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
        sectors = rng.sample(SECTORS, rng.randint(1, 2))
        acronym = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUVZ") for _ in range(5)) + f"-{n}"
        title_en = f"{rng.choice(WORDS_EN)} {rng.choice(WORDS_EN)} for {sectors[0][1]} {n}"
        title_cs = f"{sectors[0][2]}: spolupráce č. {n}"
        subjects = " , ".join(f"<{ID}sector/{s[0]}>" for s in sectors)
        lines = [
            f"{iri} a org:OrganizationalCollaboration , schema:Project ; "
            f"skos:prefLabel {lit(title_en, 'en')} , {lit(title_cs, 'cs')} ; "
            f"skos:altLabel {lit(acronym)} ; "
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
                f"org:organization {iri} ; org:role <{ID}role/{role}> ."
            )
            self.count.triples += 4
            self.count.add("membership")
        if rng.random() < 0.5:
            otype = rng.choice(OUTPUT_TYPES)
            lines.append(
                f"<{ID}output/{slug}-1> a schema:CreativeWork ; "
                f"skos:prefLabel {lit(f'{otype[1].capitalize()} of {acronym}', 'en')} ; "
                f"dct:type <{ID}output-type/{otype[0]}> ; dct:isPartOf {iri} ."
            )
            self.count.triples += 4
            self.count.add("output")
        if rng.random() < 0.2:
            day = rng.randint(1, 28)
            date = typed(f"{end_year}-{end_month + 1:02d}-{day:02d}", "xsd:date")
            lines.append(
                f"<{ID}event/{slug}-final> a schema:Event ; "
                f"skos:prefLabel {lit(f'Final conference of {acronym}', 'en')} , "
                f"{lit(f'Závěrečná konference {acronym}', 'cs')} ; "
                f"schema:startDate {date} ; "
                f"schema:organizer {partners[0]} ; dct:isPartOf {iri} ."
            )
            self.count.triples += 6
            self.count.add("event")
        return lines

    # Files ----------------------------------------------------------------------------

    def graph_block(self, name: str, title: str, body: list[str]) -> str:
        """A named graph and, inside it, the provenance of the graph itself."""
        graph = f"<{BASE}graph/{name}>"
        source = f"<{ID}source/{name}>"
        provenance = (
            f"{graph} a prov:Entity ; prov:wasDerivedFrom {source} ; dct:source {source} ; "
            f"prov:generatedAtTime {typed('2024-01-01T00:00:00Z', 'xsd:dateTime')} .\n"
            f"{source} a foaf:Document , prov:Entity ; dct:title {lit(title, 'en')} ."
        )
        self.count.triples += 7
        return f"{graph} {{\n{provenance}\n" + "\n".join(body) + "\n}\n"

    def write(self, out: Path, project_root: Path) -> dict:
        data = out / "data" / "synthetic"
        if data.exists():
            shutil.rmtree(data)
        data.mkdir(parents=True)
        for folder in COPIED_FOLDERS:
            source = project_root / folder
            target = out / folder
            if target.exists():
                shutil.rmtree(target)
            if source.is_dir():
                shutil.copytree(source, target)

        files = []
        reference = self.graph_block("synthetic-reference", "Synthetic reference schemes",
                                     self.reference())
        files.append(self._write(data / "reference.trig", reference))

        org_iris: list[str] = []
        body: list[str] = []
        part = 0
        start = self.count.triples

        def flush():
            nonlocal body, part, start
            if body:
                part += 1
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
        hub_iri = f"{ID}region/{self.hub.code}"
        summary = {
            "target_triples": self.target,
            "source_triples": self.count.triples,
            "entities": dict(sorted(self.count.entities.items())),
            "graphs": part + 1,
            "files": [str(p.relative_to(out)) for p in files],
            "digest": digest.hexdigest(),
            "hub": {"iri": hub_iri, "incoming": self.count.incoming.get(hub_iri, 0)},
            "samples": {
                "project": f"{ID}project/p{self.projects // 2:06d}",
                "organisation": org_iris[len(org_iris) // 2].strip("<>"),
                "sector": f"{ID}sector/ict",
                "label": "Brno",
            },
        }
        (out / "generated.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return summary

    def _write(self, path: Path, body: str) -> Path:
        path.write_text(PREFIXES + body, encoding="utf-8")
        return path


def generate(target: int, out: Path, project_root: Path, seed: int = 2010) -> dict:
    """Write a synthetic project of about ``target`` source triples under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    return Generator(target, seed).write(out, project_root)


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
