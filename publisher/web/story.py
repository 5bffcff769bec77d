"""The story of a project, for its home and project pages: who took part (name, city,
country, seat), what happened when (events), what came out (outputs with their status),
and a timeline of both drawn on the server.

One view query (``sparql/views/story.rq``) returns every fact, keyed, with the graph that
states it; facts of the derived graphs are left out (the sources speak, not the rules).
Partners are numbered once, in one order (the lead partner first, then by the identifier
of the organisation), so a partner has the same number on every map and list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher.web import i18n
from publisher.web.present import Presenter, best, weakest

XSD = "http://www.w3.org/2001/XMLSchema#"
PARTNER_ROLES = ("lead-partner", "partner")
# A short name is a label a map can carry: an acronym, not a full name in another language.
SHORT_NAME = 14


@dataclass
class Fact:
    """The values one key holds for one item, each with the graphs stating it."""

    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    datatypes: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)


def read(store, subject: str, derived: frozenset[str]) -> dict[str, dict[str, Fact]]:
    """{key: {item IRI: Fact}} of the project's story, from its view."""
    facts: dict[str, dict[str, Fact]] = defaultdict(lambda: defaultdict(Fact))
    # ?focus bound before evaluation: inside every branch of the view's UNION, not joined
    # with each branch's rows over the whole graph afterwards (15 s a page at 1M triples)
    for row in store.select(store.view("story"), focus=ox.NamedNode(subject)):
        graph = row["g"].value
        if graph in derived:
            continue
        fact = facts[row["key"].value][row["item"].value]
        value = row.get("value")
        text = value.value if value is not None else ""
        fact.values[text].add(graph)
        if isinstance(value, ox.Literal):
            fact.datatypes[text] = value.datatype.value
        if "extra" in row:
            fact.extra[text] = row["extra"].value
    return facts


def partner_numbers(facts) -> dict[str, int]:
    """{organisation IRI: number}: the lead partner 1, then the partners by identifier."""
    order = {}
    for org, fact in facts.get("partner", {}).items():
        roles = {role.rsplit("/", 1)[-1] for role in fact.values}
        if roles & set(PARTNER_ROLES):
            order[org] = (0 if "lead-partner" in roles else 1, org)
    return {org: number for number, org in
            enumerate(sorted(order, key=order.__getitem__), start=1)}


def short_name(fact: Fact | None) -> str:
    """The shortest alternative label, when it is short enough to label a marker."""
    if fact is None:
        return ""
    names = sorted(fact.values, key=lambda name: (len(name), name))
    return names[0] if names and len(names[0]) <= SHORT_NAME else ""


def first(fact: Fact | None) -> tuple[str, str | None]:
    """The value of a single-valued fact (the one most sources state) and its datatype."""
    if fact is None or not fact.values:
        return "", None
    value = max(sorted(fact.values), key=lambda v: len(fact.values[v]))
    return value, fact.datatypes.get(value)


class Story:
    """Turns the facts into what the templates draw, in one language."""

    def __init__(self, p: Presenter, facts, labels: dict[str, dict[str, str]]):
        self.p = p
        self.facts = facts
        self.labels = labels
        self.numbers = partner_numbers(facts)

    def label(self, iri: str) -> str:
        return self.p.label(self.labels.get(iri, {}), iri)

    def fact(self, key: str, item: str) -> Fact | None:
        return self.facts.get(key, {}).get(item)

    def level(self, graphs, flags=()) -> str | None:
        return weakest(best(self.p.confidence_of(g) for g in graphs), *flags)

    def sources(self, graphs) -> list[dict]:
        return self.p.source_links(graphs)

    def partners(self) -> list[dict]:
        """The partners in number order: name, short name, city, country, seat, sources."""
        lang = self.p.lang
        out = []
        for org, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            fact = self.fact("partner", org)
            assert fact is not None  # the partners are numbered from their partner facts
            graphs = {g for gs in fact.values.values() for g in gs}
            flags = [flag.rsplit("/", 1)[-1] for flag in fact.extra.values()]
            city, _ = first(self.fact("city", org))
            country, _ = first(self.fact("country", org))
            seat = self.fact("seat", org)
            point = None
            if seat is not None and seat.values:
                lat, _ = first(seat)
                try:
                    point = (float(seat.extra[lat]), float(lat))
                except (KeyError, ValueError):
                    point = None
            out.append({
                "number": number, "iri": org, "label": self.label(org), "url": self.p.href(org),
                "short": short_name(self.fact("short", org)),
                "lead": any(role.endswith("/lead-partner") for role in fact.values),
                "city": city, "country": self.label(country) if country else "",
                "point": point,
                "where": i18n.coordinates(point[1], point[0], lang) if point else "",
                "confidence": self.level(graphs, flags), "sources": self.sources(graphs),
            })
        return out

    def status(self, item: str) -> tuple[str, list[dict]]:
        """'completed' when a source reports it done, else 'planned' when one announces
        it, else 'unknown'; with the sources saying so."""
        fact = self.fact("status", item)
        if fact is None:
            return "unknown", []
        by_status = {value.rsplit("/", 1)[-1]: graphs for value, graphs in fact.values.items()}
        for status in ("completed", "planned"):
            if status in by_status:
                return status, self.sources(by_status[status])
        return "unknown", []

    def when(self, item: str, *keys: str) -> dict:
        """The first date stated among keys, with its precision and its words."""
        for key in keys:
            value, datatype = first(self.fact(key, item))
            if value:
                return {"key": key, "value": value, "sort": sortable(value),
                        "text": i18n.date_text(value, datatype, self.p.lang)}
        return {"key": None, "value": "", "sort": "9999", "text": ""}

    def events(self) -> list[dict]:
        out = []
        for item, fact in self.facts.get("event", {}).items():
            status, status_sources = self.status(item)
            start = self.when(item, "start")
            end = self.when(item, "end")
            place, _ = first(self.fact("place", item))
            graphs = {g for gs in fact.values.values() for g in gs}
            out.append({
                "kind": "event", "iri": item, "label": self.label(item), "url": self.p.href(item),
                "date": start,
                "end": end if end["key"] and end["value"] != start["value"] else None,
                "status": status, "status_sources": status_sources,
                "place": ({"label": self.label(place), "url": self.p.href(place)}
                          if place else None),
                "confidence": self.level(graphs),
            })
        return sorted(out, key=lambda e: (e["date"]["sort"], e["label"]))

    def outputs(self) -> list[dict]:
        out = []
        for item, fact in self.facts.get("output", {}).items():
            status, status_sources = self.status(item)
            by, _ = first(self.fact("by", item))
            graphs = {g for gs in fact.values.values() for g in gs}
            out.append({
                "kind": "output", "iri": item, "label": self.label(item),
                "url": self.p.href(item), "date": self.when(item, "issued", "due"),
                "status": status, "status_sources": status_sources,
                "by": {"label": self.label(by), "url": self.p.href(by)}
                if by and self.p.kind_of(by) == "meta-cluster" else None,
                "confidence": self.level(graphs),
            })
        rank = {"completed": 0, "planned": 1, "unknown": 2}
        return sorted(out, key=lambda o: (rank[o["status"]], o["date"]["sort"],
                                          i18n.sort_key(o["label"], self.p.lang)))

    def summary(self) -> dict:
        events, outputs = self.events(), self.outputs()
        return {"partners": self.partners(), "events": events, "outputs": outputs,
                "timeline": timeline(events + outputs, self.p.lang)}


def sortable(value: str) -> str:
    """A date value as a string that sorts in time order ('2012' before '2012-02')."""
    return value if re.match(r"^\d{4}", value or "") else "9999"


def timeline(items: list[dict], lang: str) -> dict:
    """The dated items grouped by year, in date order, for a list drawn as a time axis;
    undated items apart."""
    dated = sorted((item for item in items if item["date"]["key"]),
                   key=lambda item: (item["date"]["sort"], item["kind"], item["label"]))
    years: dict[str, list[dict]] = {}
    for item in dated:
        years.setdefault(item["date"]["sort"][:4], []).append(item)
    undated = sorted((item for item in items if not item["date"]["key"]),
                     key=lambda item: i18n.sort_key(item["label"], lang))
    return {"years": [{"year": year, "items": entries} for year, entries in years.items()],
            "undated": undated}


def story(store, describer, p: Presenter, subject: str) -> dict | None:
    """The story of the project at subject, or None when it has no partners, events or
    outputs."""
    facts = read(store, subject, describer.derived_graphs)
    if not any(facts.get(key) for key in ("partner", "event", "output")):
        return None
    iris = {item for by_item in facts.values() for item in by_item}
    for key in ("country", "place", "by"):
        for fact in facts.get(key, {}).values():
            iris |= set(fact.values)
    return Story(p, facts, describer.labels_of(iris)).summary()



_numbers: dict[str, dict[str, tuple[int, str]]] = {}


def main_numbers(store, describer, generation_id: str, p: Presenter) -> dict[str, tuple[int, str]]:
    """{organisation IRI: (number, short name)} for the partners of the dataset's own
    project (which the build chose), computed once per generation, so every map numbers a
    partner the same way."""
    if generation_id not in _numbers:
        found: dict[str, tuple[int, str]] = {}
        project = describer.display.main_project
        if project is not None:
            facts = read(store, project, describer.derived_graphs)
            for org, number in partner_numbers(facts).items():
                found[org] = (number, short_name(facts.get("short", {}).get(org)))
        _numbers.clear()
        _numbers[generation_id] = found
    return _numbers[generation_id]
