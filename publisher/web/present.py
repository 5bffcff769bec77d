"""Turning IRIs and descriptions into what people read: labels, names, links, head metadata.

Shared by the HTML templates and the ``.json`` twin, so both show the same words. Labels
follow the language fallback chain of :mod:`publisher.web.i18n`; an IRI with no label
shows as a compact name (``org:Membership``) rather than a bare IRI.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

from publisher.artefacts.display import Display
from publisher.artefacts.search_index import fold
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.serve.describe import Description, Value
from publisher.web.i18n import pick_label, t
from publisher.web.messages import TERM_NAMES

SCHEMA = "http://schema.org/"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

# schema.org types a page can claim in its JSON-LD, by the entity's own classes.
SCHEMA_TYPES = {
    "http://www.w3.org/ns/org#OrganizationalCollaboration": "Project",
    "http://www.w3.org/ns/org#FormalOrganization": "Organization",
    "http://www.w3.org/2004/02/skos/core#Concept": "DefinedTerm",
    "http://xmlns.com/foaf/0.1/Document": "CreativeWork",
    "http://www.w3.org/ns/org#Membership": "OrganizationRole",
}


# Confidence levels of named graphs and flagged facts, weakest first.
CONFIDENCE_RANK = {"low": 1, "medium": 2, "high": 3}


def best(levels) -> str | None:
    """The strongest of some confidence levels (a fact two sources state is as sure as the
    surer one); None when none is known."""
    known = [level for level in levels if level in CONFIDENCE_RANK]
    return max(known, key=CONFIDENCE_RANK.__getitem__) if known else None


def weakest(*levels) -> str | None:
    """The weakest of some confidence levels (a flag on a fact caps its sources' level)."""
    known = [level for level in levels if level in CONFIDENCE_RANK]
    return min(known, key=CONFIDENCE_RANK.__getitem__) if known else None


def name_key(label: str) -> str:
    """Sort key of a name: case and accents folded, leading quotes and signs ignored
    (“ARLEG” sorts under A)."""
    return re.sub(r"^\W+", "", fold(label))


def curie(iri: str) -> str:
    """prefix:local for IRIs under a known namespace, else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, chosen = namespace, prefix
    if best and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(best):] or "_"):
        return f"{chosen}:{iri[len(best):]}"
    return iri


def fallback_name(iri: str) -> str:
    """A readable name for an IRI without a label."""
    compact = curie(iri)
    if compact != iri:
        return compact
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail or iri


def humanise(iri: str) -> str:
    """'memberDuring' → 'member during' (for predicates without any name)."""
    local = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return _CAMEL.sub(" ", local).replace("_", " ").lower() or iri


class Presenter:
    """Everything a page needs to name and link things, in one language."""

    def __init__(self, scheme: Scheme, display: Display, lang: str):
        self.scheme = scheme
        self.display = display
        self.lang = lang

    def label(self, labels: dict[str, str], iri: str | None = None) -> str:
        text = pick_label(labels or {}, self.lang)
        if text:
            return text
        if iri:
            term = self.display.term_labels(iri)
            text = pick_label(term, self.lang) if term else None
            return text or fallback_name(iri)
        return ""

    def href(self, iri: str) -> str:
        return self.scheme.link_for(iri)

    def is_local(self, iri: str) -> bool:
        return self.scheme.is_ours(iri)

    def property_name(self, predicate: str, types: list[str]) -> str:
        """The name of a property in the page language: its shape's sh:name or its label,
        else the site's own name for another vocabulary's term, else any name it has."""
        names = self.display.property_names(predicate, types)
        if self.lang not in names and predicate in TERM_NAMES:
            names = TERM_NAMES[predicate]
        return pick_label(names, self.lang) or humanise(predicate)

    def property_help(self, predicate: str, types: list[str]) -> str:
        return pick_label(self.display.property_description(predicate, types), self.lang) or ""

    def group_name(self, labels: dict[str, str]) -> str:
        return pick_label(labels, self.lang) or ""

    def kind_name(self, kind: str) -> str:
        """The name of an /id/{type}/ segment: its main class's label, else the segment."""
        named = t(f"type.{kind}", self.lang)
        if named != f"type.{kind}":
            return named
        for cls in self.display.type_classes(kind):
            labels = self.display.term_labels(cls)
            if labels and self.scheme.is_vocabulary(cls):
                return pick_label(labels, self.lang) or ""
        for cls in self.display.type_classes(kind):
            labels = self.display.term_labels(cls)
            if labels:
                return pick_label(labels, self.lang) or ""
        return kind.replace("-", " ").capitalize()

    def source(self, graph: str) -> dict:
        """A named graph as a citable source: its name and the document it came from."""
        entry = self.display.graphs.get(graph)
        labels = entry["labels"] if entry else {}
        name = pick_label(labels, self.lang) or fallback_name(graph)
        documents = entry["sources"] if entry else []
        href = self.href(documents[0]) if documents else self.href(graph)
        return {"graph": graph, "name": name, "href": href, "documents": documents,
                "confidence": entry.get("confidence") if entry else None}

    def source_links(self, graphs) -> list[dict]:
        """The sources of some graphs, once each in IRI order: name, link and confidence."""
        return [{"name": s["name"], "url": s["href"], "confidence": s["confidence"]}
                for s in (self.source(g) for g in sorted(set(graphs)))]

    def source_names(self, graphs) -> str:
        return "; ".join(self.source(g)["name"] for g in graphs)

    def confidence_of(self, graph: str) -> str | None:
        return self.display.confidence(graph)

    def value_confidence(self, value: Value) -> str | None:
        """How far a value can be trusted: its surest source, capped by a confidence flag
        the value itself carries (a low-confidence amount or membership)."""
        level = best(self.display.confidence(g) for g in value.sources)
        flag = self.scheme.term("confidence")
        for prop in value.properties:
            if prop.predicate == flag:
                flags = [child.value.rsplit("/", 1)[-1] for child in prop.values]
                level = weakest(level, *flags) or level
        return level

    def kind_of(self, iri: str) -> str | None:
        split = self.scheme.split_entity(iri)
        return split[0] if split else None

    def value_text(self, value: Value) -> str:
        if value.kind == "iri":
            return self.label(value.labels, value.value)
        return value.value

    def schema_org(self, description: Description, kind: str | None) -> Markup:
        """schema.org JSON-LD for <head>, safe inside a script element."""
        schema_type = "Thing"
        for iri in description.type_iris:
            if iri.startswith(SCHEMA):
                schema_type = iri[len(SCHEMA):]
                break
            if iri in SCHEMA_TYPES:
                schema_type = SCHEMA_TYPES[iri]
        data: dict[str, str | list[str]] = {
            "@context": "https://schema.org",
            "@type": schema_type,
            "@id": description.iri,
            "url": description.iri,
            "name": self.label(description.labels, description.iri),
        }
        alternate = [v for lang, v in description.labels.items() if lang != self.lang]
        if alternate:
            data["alternateName"] = alternate
        summary = self.summary(description)
        if summary:
            data["description"] = summary
        homepage = description.find("http://xmlns.com/foaf/0.1/homepage")
        if homepage and homepage.values:
            data["sameAs"] = [v.value for v in homepage.values]
        return json_script(data)

    def summary(self, description: Description) -> str:
        for predicate in ("http://purl.org/dc/terms/description",
                          "http://www.w3.org/2000/01/rdf-schema#comment",
                          "http://www.w3.org/2004/02/skos/core#definition"):
            prop = description.find(predicate)
            if prop:
                by_lang = {v.lang or "": v.value for v in prop.values if v.kind == "literal"}
                text = pick_label(by_lang, self.lang)
                if text:
                    return text
        return ""


def json_script(data) -> Markup:
    """JSON for a <script type="application/ld+json"> block: no '<', '>' or '&' survive."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a script data block
