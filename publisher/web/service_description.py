"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql gives RDF clients).

It names the endpoint, the query language, every result format, the union default graph
and the dataset: the default graph and each named graph with its size, read from the
published generation's manifest. The endpoint is named by the scheme of the generation
(its manifest's base IRI), so a build on another base is described as it was built.
"""

from __future__ import annotations

import pyoxigraph as ox

from publisher.core.generation import Manifest
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme

SD = PREFIXES["sd"]
VOID = PREFIXES["void"]
DCT = PREFIXES["dct"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = "http://www.w3.org/ns/formats/"
# Result formats of the endpoint, as the W3C format IRIs name them.
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG",
)


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(scheme: Scheme, manifest: Manifest,
             allowlist: tuple[str, ...] = ()) -> list[ox.Triple]:
    """The service description as triples."""
    service = ox.NamedNode(scheme.service)
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    stats = manifest.get("stats", {})
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(scheme.endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"),
                  ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, ox.NamedNode(DCT + "title"),
                  ox.Literal("Clusters Cord knowledge graph: SPARQL endpoint", language="en")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"),
                  ox.Literal(str(stats.get("triples", 0)),
                             datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))),
    ]
    if allowlist:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for name in RESULT_FORMAT_IRIS:
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name)))
    for graph_iri, count in sorted(stats.get("graphs", {}).items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(graph_iri)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"),
                      ox.Literal(str(count), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))),
        ]
    return triples
