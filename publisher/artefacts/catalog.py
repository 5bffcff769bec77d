"""The DCAT-AP 3 catalogue, its VoID twin and the schema.org Dataset, computed per build.

The editorial metadata (publisher, licence, themes, keywords, titles) is written once,
in ``data/catalog.trig`` (named graph ``catalog``). This artefact step adds what only a
build knows: issue and modification dates, version, one distribution per dump with its
download URL, size and checksum, the spatial and temporal coverage found in the data,
the ontology the data conforms to, and the VoID statistics. The computed triples go, with
the editorial ones, into ``catalog.nt``, ``void.nt`` and ``dataset.schema.json`` in the
generation, served at ``/catalog`` and ``/void``. They are not put in the store: they
describe the dumps (sizes, checksums), so the dumps cannot hold them, and a graph the
endpoint held but the dumps, VoID and the service description did not count would make
the counts disagree; the endpoint holds exactly what the dumps hold.
"""

from __future__ import annotations

import calendar
import json
from collections import defaultdict
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts import dumps
from publisher.artefacts.queries import Queries
from publisher.core.generation import DumpEntry, Generation, Manifest
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme

CATALOG_GRAPH = "catalog"
BUILD_GRAPH = "catalog-build"
CATALOG_FILE = "catalog.nt"
VOID_FILE = "void.nt"
SCHEMA_FILE = "dataset.schema.json"

COUNTRY = "http://publications.europa.eu/resource/authority/country/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NUTS = "http://data.europa.eu/nuts/code/"
AVAILABILITY = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
FORMAT_FEATURES = {
    "nq": "http://www.w3.org/ns/formats/N-Quads",
    "ttl": "http://www.w3.org/ns/formats/Turtle",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "nt": "http://www.w3.org/ns/formats/N-Triples",
}
DUMP_TEXT = {
    True: ("every named graph, provenance intact", "všechny pojmenované grafy včetně původu"),
    False: ("the union of the named graphs", "sjednocení pojmenovaných grafů"),
}


def _ns(prefix: str):
    base = PREFIXES[prefix]
    return lambda local: ox.NamedNode(base + local)


RDF, RDFS, XSD, DCT, DCAT, FOAF = (_ns(p) for p in ("rdf", "rdfs", "xsd", "dct", "dcat", "foaf"))
VOID, SPDX, SKOS, SCHEMA = (_ns(p) for p in ("void", "spdx", "skos", "schema"))
DCATAP = _ns("dcatap")
A = RDF("type")


class Iris:
    """The catalogue's own IRIs: fragments of the catalogue document under the base."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.base = scheme.base

    def node(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.scheme.catalog_node(name))

    @property
    def catalog(self):
        return self.node("catalog")

    @property
    def dataset(self):
        return self.node("dataset")


def _lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=XSD(datatype) if datatype else None)


def _datetime(iso: str) -> ox.Literal:
    return _lit(iso, "dateTime")


def _objects(triples, subject, predicate) -> list:
    return [t.object for t in triples if t.subject == subject and t.predicate == predicate]


def editorial_triples(store: ox.Store, scheme: Scheme) -> list[ox.Triple]:
    graph = ox.NamedNode(scheme.graph(CATALOG_GRAPH))
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, graph)
    ]


def _rows(context, name: str, **bindings) -> list:
    """Rows of a catalogue query (``sparql/catalog/``, as written into the generation)."""
    return list(Queries(context.work).run(context.store, "catalog", name, **bindings))


def _period_bound(literal: ox.Literal, end: bool) -> date | None:
    """The first (or last) day a gYear, gYearMonth, date or dateTime literal covers."""
    text = literal.value
    try:
        year = int(text[:4])
        if len(text) == 4:
            return date(year, 12, 31) if end else date(year, 1, 1)
        month = int(text[5:7])
        if len(text) == 7:
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, int(text[8:10]))
    except ValueError:
        return None


class Collected:
    """What the build's one pass over the store (:mod:`publisher.artefacts.scan`) collects
    for the catalogue: the rows of ``coverage-places.rq`` and ``examples.rq``, which would
    each read the whole store again."""

    def __init__(self, scheme: Scheme):
        self.catalog_graph = ox.NamedNode(scheme.graph(CATALOG_GRAPH))
        self.entity_prefix = scheme.entity_prefix
        self.places: set[str] = set()
        self.members: dict[str, set[str]] = defaultdict(set)

    def add(self, graph, subject, predicate: str, obj) -> None:
        if not isinstance(obj, ox.NamedNode):
            return
        value = obj.value
        if value.startswith((COUNTRY, NUTS)) and graph != self.catalog_graph:
            self.places.add(value)
        if predicate == RDF_TYPE and isinstance(subject, ox.NamedNode) and (
                subject.value.startswith(self.entity_prefix)):
            self.members[value].add(subject.value)

    def examples(self) -> list[str]:
        """The first entity of each class, most populous classes first (as examples.rq)."""
        ranked = sorted(self.members.items(), key=lambda item: (-len(item[1]), item[0]))
        return [min(members) for _cls, members in ranked]


def coverage(context, iris: Iris, collected: Collected | None = None
             ) -> tuple[list[str], tuple[date, date] | None]:
    """The places (countries, NUTS regions) the data links to, and the period of its topic."""
    catalog_graph = ox.NamedNode(iris.scheme.graph(CATALOG_GRAPH))
    found = collected.places if collected is not None else {
        row["place"].value for row in _rows(context, "coverage-places", catalog=catalog_graph)}
    places = sorted(p for p in found if not _has_narrower(p, found))
    starts: list[date | None] = []
    ends: list[date | None] = []
    for row in _rows(context, "coverage-period", dataset=iris.dataset):
        if row["start"] is not None:
            starts.append(_period_bound(row["start"], end=False))
        if row["end"] is not None:
            ends.append(_period_bound(row["end"], end=True))
    first, last = [d for d in starts if d], [d for d in ends if d]
    period = (min(first), max(last)) if first and last else None
    return places, period


def _has_narrower(place: str, places: set[str]) -> bool:
    """A NUTS code is implied by a longer code it prefixes (CZ04 by CZ042): keep the finest."""
    return place.startswith(NUTS) and any(
        other != place and other.startswith(place) for other in places
    )


def ontologies(context) -> list[tuple[ox.NamedNode, list[ox.Literal]]]:
    found: dict[ox.NamedNode, list] = {}
    for row in _rows(context, "ontologies"):
        labels = found.setdefault(row["ontology"], [])
        if row["label"] is not None:
            labels.append(row["label"])
    return sorted(found.items(), key=lambda item: item[0].value)


def _dates(context) -> dict:
    """First issue, last modification and version, carried from build to build."""
    previous = context.previous.manifest().get("catalog", {}) if context.previous else {}
    built_at = context.manifest["built_at"]
    changed = context.manifest.get("changes", {})
    content_changed = not previous or any(changed.get(k) for k in ("added", "changed", "removed"))
    return {
        "issued": previous.get("issued", built_at),
        "modified": built_at if content_changed else previous.get("modified", built_at),
        "version": context.work.id,
    }


def computed_triples(context, editorial: list[ox.Triple], dates: dict,
                     collected: Collected | None = None) -> list[ox.Triple]:
    """The DCAT triples only a build can state."""
    iris = Iris(context.scheme)
    catalog, dataset = iris.catalog, iris.dataset
    out = [
        ox.Triple(catalog, A, DCAT("Catalog")),
        ox.Triple(catalog, DCAT("dataset"), dataset),
        ox.Triple(dataset, A, DCAT("Dataset")),
    ]
    for subject in (catalog, dataset):
        out += [
            ox.Triple(subject, DCT("issued"), _datetime(dates["issued"])),
            ox.Triple(subject, DCT("modified"), _datetime(dates["modified"])),
        ]
    out.append(ox.Triple(dataset, DCAT("version"), _lit(dates["version"])))

    for ontology, labels in ontologies(context):
        out += [ox.Triple(dataset, DCT("conformsTo"), ontology),
                ox.Triple(ontology, A, DCT("Standard"))]
        out += [ox.Triple(ontology, DCT("title"), label) for label in labels]

    places, period = coverage(context, iris, collected)
    for place in places:
        node = ox.NamedNode(place)
        out += [ox.Triple(catalog, DCT("spatial"), node), ox.Triple(dataset, DCT("spatial"), node),
                ox.Triple(node, A, DCT("Location"))]
    if period:
        node = iris.node("period")
        out += [
            ox.Triple(dataset, DCT("temporal"), node),
            ox.Triple(node, A, DCT("PeriodOfTime")),
            ox.Triple(node, DCAT("startDate"), _lit(period[0].isoformat(), "date")),
            ox.Triple(node, DCAT("endDate"), _lit(period[1].isoformat(), "date")),
        ]

    licences = _objects(editorial, dataset, DCT("license"))
    availability = ox.NamedNode(AVAILABILITY)
    out += [ox.Triple(availability, A, SKOS("Concept")),
            ox.Triple(availability, SKOS("prefLabel"), _lit("stable", lang="en"))]
    for entry in dumps.published(context.manifest):
        out += _distribution(iris, entry, licences, context.manifest["built_at"], availability)
    return out


def _distribution(iris: Iris, entry: DumpEntry, licences, built_at: str,
                  availability) -> list:
    fmt = dumps.format_of(entry)
    node, checksum = iris.node(f"dump-{fmt.key}"), iris.node(f"dump-{fmt.key}-checksum")
    media, file_type = ox.NamedNode(fmt.media_type_iri), ox.NamedNode(fmt.file_type_iri)
    what_en, what_cs = DUMP_TEXT[fmt.named_graphs]
    packed_en, packed_cs = (", gzip", ", gzip") if fmt.gzip else ("", "")
    out = [
        ox.Triple(iris.dataset, DCAT("distribution"), node),
        ox.Triple(node, A, DCAT("Distribution")),
        ox.Triple(node, DCT("title"), _lit(f"Complete dump, {fmt.label}{packed_en}", lang="en")),
        ox.Triple(node, DCT("title"), _lit(f"Úplný export, {fmt.label}{packed_cs}", lang="cs")),
        ox.Triple(node, DCT("description"), _lit(
            f"The whole knowledge graph as {fmt.label} ({what_en}){packed_en}.", lang="en")),
        ox.Triple(node, DCT("description"), _lit(
            f"Celý znalostní graf ve formátu {fmt.label} ({what_cs}){packed_cs}.", lang="cs")),
        ox.Triple(node, DCAT("downloadURL"), ox.NamedNode(iris.scheme.dump(entry["file"]))),
        ox.Triple(node, DCAT("accessURL"), ox.NamedNode(iris.scheme.dumps)),
        ox.Triple(node, DCAT("mediaType"), media),
        ox.Triple(media, A, DCT("MediaType")),
        ox.Triple(node, DCT("format"), file_type),
        ox.Triple(file_type, A, DCT("MediaTypeOrExtent")),
        ox.Triple(node, DCAT("byteSize"), _lit(entry["bytes"], "nonNegativeInteger")),
        ox.Triple(node, SPDX("checksum"), checksum),
        ox.Triple(checksum, A, SPDX("Checksum")),
        ox.Triple(checksum, SPDX("algorithm"), ox.NamedNode(SHA256)),
        ox.Triple(checksum, SPDX("checksumValue"), _lit(entry["sha256"], "hexBinary")),
        ox.Triple(node, DCATAP("availability"), availability),
        ox.Triple(node, DCT("issued"), _datetime(built_at)),
    ]
    if fmt.gzip:
        gzip_type = ox.NamedNode(dumps.IANA + dumps.GZIP_MEDIA_TYPE)
        out += [ox.Triple(node, DCAT("compressFormat"), gzip_type),
                ox.Triple(gzip_type, A, DCT("MediaType"))]
    out += [ox.Triple(node, DCT("license"), licence) for licence in licences]
    return out


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_triples(context, examples: list[str]) -> list[ox.Triple]:
    """The VoID description of the dataset, from the statistics counted at build time."""
    scheme = context.scheme
    iris = Iris(scheme)
    dataset = iris.dataset
    stats = context.manifest["stats"]
    count = lambda n: _lit(n, "integer")  # noqa: E731
    out = [ox.Triple(dataset, A, VOID("Dataset"))]
    for name, key in (("triples", "triples"), ("entities", "entities"), ("classes", "classes"),
                      ("properties", "properties"), ("distinctSubjects", "distinct_subjects"),
                      ("distinctObjects", "distinct_objects")):
        out.append(ox.Triple(dataset, VOID(name), count(stats[key])))
    out += [
        ox.Triple(dataset, VOID("sparqlEndpoint"), ox.NamedNode(scheme.endpoint)),
        ox.Triple(dataset, VOID("uriSpace"), _lit(scheme.entity_prefix)),
        ox.Triple(dataset, VOID("rootResource"), iris.catalog),
    ]
    out += [ox.Triple(dataset, VOID("exampleResource"), ox.NamedNode(iri)) for iri in examples]
    for entry in dumps.published(context.manifest):
        out.append(ox.Triple(dataset, VOID("dataDump"),
                             ox.NamedNode(scheme.dump(entry["file"]))))
        out.append(ox.Triple(dataset, VOID("feature"),
                             ox.NamedNode(FORMAT_FEATURES[entry["format"]])))
    vocabularies = {_namespace(c) for c in stats["class_partitions"]}
    vocabularies |= {_namespace(p) for p in stats["property_partitions"]}
    out += [ox.Triple(dataset, VOID("vocabulary"), ox.NamedNode(v)) for v in sorted(vocabularies)]
    for i, (cls, n) in enumerate(stats["class_partitions"].items()):
        part = iris.node(f"class-{i}")
        out += [ox.Triple(dataset, VOID("classPartition"), part),
                ox.Triple(part, VOID("class"), ox.NamedNode(cls)),
                ox.Triple(part, VOID("entities"), count(n))]
    for i, (prop, n) in enumerate(stats["property_partitions"].items()):
        part = iris.node(f"property-{i}")
        out += [ox.Triple(dataset, VOID("propertyPartition"), part),
                ox.Triple(part, VOID("property"), ox.NamedNode(prop)),
                ox.Triple(part, VOID("triples"), count(n))]
    for name, linkset in sorted(stats["linksets"].items()):
        node, target = iris.node(f"linkset-{name}"), iris.node(f"authority-{name}")
        out += [
            ox.Triple(dataset, VOID("subset"), node),
            ox.Triple(node, A, VOID("Linkset")),
            ox.Triple(node, VOID("subjectsTarget"), dataset),
            ox.Triple(node, VOID("objectsTarget"), target),
            ox.Triple(node, VOID("triples"), count(sum(linkset["links"].values()))),
            ox.Triple(target, A, VOID("Dataset")),
            ox.Triple(target, VOID("uriSpace"), _lit(linkset["namespace"])),
            ox.Triple(target, RDFS("label"), _lit(name)),
        ]
        out += [ox.Triple(node, VOID("linkPredicate"), ox.NamedNode(p))
                for p in sorted(linkset["links"])]
    return out


def example_resources(context, iris: Iris, limit: int = 3,
                      collected: Collected | None = None) -> list[str]:
    """The dataset's topic first, then the first entity of each of a few classes."""
    examples = [t.object.value for t in context.store.quads_for_pattern(
        iris.dataset, SCHEMA("about"), None, ox.NamedNode(iris.scheme.graph(CATALOG_GRAPH)))]
    firsts = collected.examples() if collected is not None else (
        row["first"].value
        for row in _rows(context, "examples", prefix=_lit(iris.scheme.entity_prefix)))
    for first in firsts:
        if len(examples) >= limit:
            break
        if first not in examples:
            examples.append(first)
    return examples


def _first(triples, subject, predicate, lang: str = "en"):
    values = _objects(triples, subject, predicate)
    for value in values:
        if isinstance(value, ox.Literal) and value.language == lang:
            return value.value
    return values[0].value if values else None


def schema_dataset(triples: list[ox.Triple], iris: Iris, manifest: Manifest) -> dict:
    """The schema.org Dataset (JSON-LD) for search engines, from the computed catalogue."""
    dataset = iris.dataset
    licence = next(iter(_objects(triples, dataset, DCT("license"))), None)
    cc_licence = _objects(triples, licence, SKOS("exactMatch")) if licence else []
    publisher = next(iter(_objects(triples, dataset, DCT("publisher"))), None)
    period = next(iter(_objects(triples, dataset, DCT("temporal"))), None)
    document = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset.value,
        "name": _first(triples, dataset, DCT("title")),
        "description": _first(triples, dataset, DCT("description")),
        "url": iris.base,
        "version": _first(triples, dataset, DCAT("version")),
        "inLanguage": ["en", "cs"],
        "keywords": sorted({k.value for k in _objects(triples, dataset, DCAT("keyword"))}),
        "isAccessibleForFree": True,
        "datePublished": _first(triples, dataset, DCT("issued")),
        "dateModified": _first(triples, dataset, DCT("modified")),
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": iris.catalog.value,
                                  "name": _first(triples, iris.catalog, DCT("title"))},
        "distribution": [
            {"@type": "DataDownload", "contentUrl": iris.scheme.dump(e["file"]),
             "encodingFormat": e["media_type"], "contentSize": f"{e['bytes']} B"}
            for e in dumps.published(manifest)
        ],
    }
    if licence is not None:
        document["license"] = (cc_licence[0] if cc_licence else licence).value
    if publisher is not None:
        document["publisher"] = document["creator"] = {
            "@type": "Organization", "name": _first(triples, publisher, FOAF("name"))}
    if period is not None:
        start = _first(triples, period, DCAT("startDate"))
        end = _first(triples, period, DCAT("endDate"))
        document["temporalCoverage"] = f"{start}/{end}"
    places = [p.value for p in _objects(triples, dataset, DCT("spatial"))
              if p.value.startswith(COUNTRY)]
    if places:
        document["spatialCoverage"] = [{"@type": "Place", "sameAs": p} for p in places]
    return {k: v for k, v in document.items() if v is not None}


def write(context, collected: Collected | None = None) -> None:
    """Artefact step: the computed catalogue and VoID, as files and as a named graph."""
    iris = Iris(context.scheme)
    dates = _dates(context)
    editorial = editorial_triples(context.store, context.scheme)
    computed = computed_triples(context, editorial, dates, collected)
    void = void_triples(context, example_resources(context, iris, collected=collected))
    catalog = list(dict.fromkeys(editorial + computed))
    _save(context.work.path / CATALOG_FILE, catalog)
    titles = [t for t in editorial if t.subject == iris.dataset and t.predicate == DCT("title")]
    _save(context.work.path / VOID_FILE, list(dict.fromkeys(titles + void)))
    (context.work.path / SCHEMA_FILE).write_text(
        json.dumps(schema_dataset(catalog, iris, context.manifest), ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    context.manifest["catalog"] = dates


def _save(path: Path, triples: list[ox.Triple]) -> None:
    ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)


@lru_cache(maxsize=8)
def _load(path: Path) -> tuple[ox.Triple, ...]:
    return tuple(
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    )


def catalog_triples(generation: Generation) -> tuple[ox.Triple, ...]:
    """The computed catalogue of a published generation (read once per generation)."""
    return _load(generation.path / CATALOG_FILE)


def void_description(generation: Generation) -> tuple[ox.Triple, ...]:
    return _load(generation.path / VOID_FILE)


def dataset_jsonld(generation: Generation) -> dict:
    """The schema.org Dataset JSON-LD of a generation, for the home page's <head>."""
    return json.loads(_schema_text(generation.path / SCHEMA_FILE))


@lru_cache(maxsize=8)
def _schema_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")
