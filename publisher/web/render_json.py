"""The plain-JSON twin of an entity page: one stable shape, no RDF library needed.

Shape (documented as ``EntityPage`` in /openapi.json)::

    {"iri", "url", "lang", "label", "labels": {lang: text}, "description",
     "types": [Link], "groups": [{"name", "properties": [Property]}],
     "incoming": [{"iri", "name", "count", "items": [Link], "offset", "next"}],
     "sources": [{"graph", "name", "url"}], "formats": {ext: url}}
    Link     = {"iri", "label", "url"}
    Property = {"iri", "name", "disputed", "values": [Value]}
    Value    = {"type": "link", "iri", "label", "url", "sources", "confidence",
                "properties"?}
             | {"type": "literal", "value", "lang"?, "datatype"?, "sources", "confidence"}
             | {"type": "node", "types", "properties", "sources", "confidence"}
    confidence: "high" | "medium" | "low" | null (the surest source, capped by a flag on
    the value itself)
"""

from __future__ import annotations

from publisher.core.scheme import with_query
from publisher.serve.describe import Description, Incoming, Value
from publisher.web.present import Presenter


def link(p: Presenter, iri: str, labels: dict[str, str]) -> dict:
    return {"iri": iri, "label": p.label(labels, iri), "url": p.href(iri)}


def value_json(p: Presenter, value: Value, types: list[str]) -> dict:
    sources = [p.source(g)["name"] for g in value.sources]
    if value.kind == "literal":
        out: dict[str, object] = {"type": "literal", "value": value.value}
        if value.lang:
            out["lang"] = value.lang
        if value.datatype:
            out["datatype"] = value.datatype
        out["sources"] = sources
        out["confidence"] = p.value_confidence(value)
        return out
    if value.kind == "iri":
        out = {"type": "link", **link(p, value.value, value.labels), "sources": sources}
    else:
        out = {"type": "node", "types": [link(p, t, {}) for t in value.types],
               "sources": sources}
    out["confidence"] = p.value_confidence(value)
    if value.properties or value.kind == "node":
        out["properties"] = [
            {"iri": prop.predicate, "name": p.property_name(prop.predicate, value.types),
             "values": [value_json(p, child, value.types) for child in prop.values]}
            for prop in value.properties
        ]
    return out


def incoming_json(p: Presenter, block: Incoming, page_path: str) -> dict:
    next_offset = block.next_offset
    return {
        "iri": block.predicate,
        "name": p.property_name(block.predicate, []),
        "count": block.count,
        "offset": block.offset,
        "items": [link(p, item.value, item.labels) for item in block.items],
        "next": with_query(page_path, incoming=block.predicate, offset=next_offset)
        if next_offset is not None else None,
    }


def entity_json(p: Presenter, d: Description, page_path: str, formats: dict[str, str]) -> dict:
    types = d.type_iris
    return {
        "iri": d.iri,
        "url": p.href(d.iri),
        "lang": p.lang,
        "label": p.label(d.labels, d.iri),
        "labels": d.labels,
        "description": p.summary(d),
        "types": [link(p, t.value, t.labels) for t in d.types],
        "groups": [
            {
                "name": p.group_name(group.labels),
                "properties": [
                    {
                        "iri": prop.predicate,
                        "name": p.property_name(prop.predicate, types),
                        "disputed": prop.disputed,
                        "values": [value_json(p, v, types) for v in prop.values],
                    }
                    for prop in group.properties
                ],
            }
            for group in d.groups
        ],
        "incoming": [incoming_json(p, block, page_path) for block in d.incoming],
        "sources": [
            {"graph": g, "name": p.source(g)["name"], "url": p.source(g)["href"]}
            for g in d.graphs
        ],
        "formats": formats,
    }
