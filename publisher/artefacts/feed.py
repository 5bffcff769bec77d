"""The change history as a Linked Data Event Stream (TREE/LDES), as RDF.

``{base}changes`` is the ``ldes:EventStream``; its view is page 0. Pages hold the
versions of the history in the order the builds produced them, ``page_size`` per page,
so a full page never changes again; each page links to the next with a
``tree:GreaterThanOrEqualToRelation`` on ``dct:modified`` (every version reachable
from it is at least that recent). A member is one version of a resource (an entity, an
ontology term, a graph's provenance, any IRI subject): its IRI,
``dct:isVersionOf`` the entity, ``dct:modified`` the build time and an Activity
Streams type (Create, Update, Delete) saying what happened, in the default graph; and
the entity's state at that generation, its triples with the version as subject, each in
the named graph that states it (blank-node structures included). A deletion carries no
state and is declared the LDES way (``ldes:versionDeletePath rdf:type``,
``ldes:versionDeleteObject as:Delete``). So a client that keeps the latest version of
each entity (materialised onto ``dct:isVersionOf``) and drops the deleted ones holds
the published graph, quad for quad. Nothing here knows HTTP.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from publisher.artefacts.changes import ADDED, CHANGED, REMOVED, States
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme

AS = "https://www.w3.org/ns/activitystreams#"
ACTIVITY = {ADDED: AS + "Create", CHANGED: AS + "Update", REMOVED: AS + "Delete"}
FEED_PREFIXES = {**PREFIXES, "as": AS}


def _ns(prefix: str):
    base = FEED_PREFIXES[prefix]
    return lambda local: ox.NamedNode(base + local)


RDF, XSD, DCT, SH, TREE, LDES = (_ns(p) for p in ("rdf", "xsd", "dct", "sh", "tree", "ldes"))
A = RDF("type")


def version_iri(scheme: Scheme, version: dict) -> ox.NamedNode:
    """An entity's version names it by kind and slug; any other resource's by a digest."""
    iri = version["entity"]
    if scheme.split_entity(iri):
        return ox.NamedNode(scheme.feed_version(version["generation"], iri))
    digest = hashlib.sha256(iri.encode("utf-8")).hexdigest()[:24]
    return ox.NamedNode(f"{scheme.feed}/version/{version['generation']}/resource/{digest}")


def page_count(versions: int, page_size: int) -> int:
    return max(1, -(-versions // page_size))


def is_full(page: int, versions: int, page_size: int) -> bool:
    """A page that is full and not the last never changes again (cache it for good)."""
    return page < page_count(versions, page_size) - 1


def _modified(at: str) -> ox.Literal:
    return ox.Literal(at, datatype=XSD("dateTime"))


def root_triples(scheme: Scheme, polling_interval_s: int) -> list[ox.Triple]:
    """The event stream: its paths, its member shape and its view."""
    stream = ox.NamedNode(scheme.feed)
    shape = ox.NamedNode(scheme.feed_node("member-shape"))
    view, description = ox.NamedNode(scheme.feed_page(0)), ox.NamedNode(scheme.feed_node("view"))
    out = [
        ox.Triple(stream, A, LDES("EventStream")),
        ox.Triple(stream, LDES("timestampPath"), DCT("modified")),
        ox.Triple(stream, LDES("versionOfPath"), DCT("isVersionOf")),
        ox.Triple(stream, LDES("versionDeletePath"), A),
        ox.Triple(stream, LDES("versionDeleteObject"), ox.NamedNode(ACTIVITY[REMOVED])),
        ox.Triple(stream, TREE("shape"), shape),
        ox.Triple(stream, TREE("view"), view),
        ox.Triple(view, A, TREE("Node")),
        ox.Triple(view, TREE("viewDescription"), description),
        ox.Triple(description, A, TREE("ViewDescription")),
        ox.Triple(description, LDES("pollingInterval"),
                  ox.Literal(str(polling_interval_s), datatype=XSD("integer"))),
        ox.Triple(shape, A, SH("NodeShape")),
    ]
    one = ox.Literal("1", datatype=XSD("integer"))
    for i, (path, extra) in enumerate((
        (DCT("isVersionOf"), [(SH("nodeKind"), SH("IRI")), (SH("maxCount"), one)]),
        (DCT("modified"), [(SH("datatype"), XSD("dateTime"))]),
        (A, [(SH("nodeKind"), SH("IRI"))]),  # the activity, and the entity's own types
    )):
        prop = ox.NamedNode(scheme.feed_node(f"member-shape-{i}"))
        out += [ox.Triple(shape, SH("property"), prop), ox.Triple(prop, SH("path"), path),
                ox.Triple(prop, SH("minCount"), one)]
        out += [ox.Triple(prop, p, o) for p, o in extra]
    return out


def page_quads(scheme: Scheme, history: list[dict], page: int, page_size: int,
               states: States) -> list[ox.Quad] | None:
    """One page: its members and relation (default graph), and each version's state
    (the entity's quads then, the version as subject, blank nodes apart per member)."""
    triples = page_triples(scheme, history, page, page_size)
    if triples is None:
        return None
    out = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    start = page * page_size
    for n, version in enumerate(history[start:start + page_size], start):
        text = states.get(f"{version['generation']} {version['entity']}")
        if not text:
            continue
        member, entity = version_iri(scheme, version), version["entity"]
        labels: dict[ox.BlankNode, ox.BlankNode] = {}

        def blank(t, n=n, labels=labels):
            if isinstance(t, ox.BlankNode):
                return labels.setdefault(t, ox.BlankNode(f"v{n}b{len(labels)}"))
            return t

        for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
            subject = member if quad.subject.value == entity and isinstance(
                quad.subject, ox.NamedNode) else blank(quad.subject)
            out.append(ox.Quad(subject, quad.predicate, blank(quad.object), quad.graph_name))
    return out


def page_triples(scheme: Scheme, history: list[dict], page: int,
                 page_size: int) -> list[ox.Triple] | None:
    """One page of members and its relation to the next page; None past the end."""
    count = page_count(len(history), page_size)
    if not 0 <= page < count:
        return None
    stream, node = ox.NamedNode(scheme.feed), ox.NamedNode(scheme.feed_page(page))
    out = [ox.Triple(node, A, TREE("Node"))]
    if page + 1 < count:
        relation = ox.NamedNode(f"{node.value}#next")
        first_next = history[(page + 1) * page_size]["at"]
        out += [
            ox.Triple(node, TREE("relation"), relation),
            ox.Triple(relation, A, TREE("GreaterThanOrEqualToRelation")),
            ox.Triple(relation, TREE("path"), DCT("modified")),
            ox.Triple(relation, TREE("value"), _modified(first_next)),
            ox.Triple(relation, TREE("node"), ox.NamedNode(scheme.feed_page(page + 1))),
        ]
    for version in history[page * page_size:(page + 1) * page_size]:
        member = version_iri(scheme, version)
        out += [
            ox.Triple(stream, TREE("member"), member),
            ox.Triple(member, A, ox.NamedNode(ACTIVITY[version["change"]])),
            ox.Triple(member, DCT("isVersionOf"), ox.NamedNode(version["entity"])),
            ox.Triple(member, DCT("modified"), _modified(version["at"])),
        ]
    return out
