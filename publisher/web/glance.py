"""The project at a glance: the home page's summary of the project, drawn from the data.

One view query (``sparql/views/home-project.rq``) returns every fact the summary shows,
keyed, with the graph stating it; one more query labels the IRIs. Nothing is typed in the
template but the names of the rows: titles, codes, dates, figures and links come from the
graph, each with its source, and facts only weak sources state carry their confidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from publisher.web.i18n import pick_label
from publisher.web.present import CONFIDENCE_RANK, Presenter, best, name_key, weakest

DCAT = "http://www.w3.org/ns/dcat#"
DURATION = "http://www.w3.org/2006/time#hasXSDDuration"
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?$")


def months(duration: str) -> int | None:
    """Whole months of an xsd:duration in years and months (P3Y, P36M, P2Y6M)."""
    match = _DURATION.match(duration or "")
    if not match or not any(match.groups()):
        return None
    return int(match.group(1) or 0) * 12 + int(match.group(2) or 0)


def money(value: str, lang: str) -> str:
    """A decimal amount written the page language's way (1,460,000 / 1 460 000)."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    text = f"{number:,.2f}".removesuffix(".00")
    if lang == "cs":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


class Glance:
    """Builds the summary of one project from the rows of the view."""

    def __init__(self, p: Presenter, rows: list[dict], labels: dict[str, dict[str, str]]):
        self.p = p
        self.rows = rows
        self.labels = labels

    def link(self, iri: str) -> dict:
        return {"iri": iri, "label": self.p.label(self.labels.get(iri, {}), iri),
                "url": self.p.href(iri)}

    def sources(self, graphs) -> list[dict]:
        return self.p.source_links(graphs)

    def confidence(self, graphs, flags=()) -> str | None:
        return weakest(best(self.p.confidence_of(g) for g in graphs), *flags)

    def of(self, key: str) -> list[dict]:
        return [row for row in self.rows if row["key"].value == key]

    def summary(self, project: str) -> dict:
        return {
            "project": self.link(project),
            "title": self.title(),
            "code": self.code(),
            "call": self.call(),
            "periods": self.periods(),
            "amounts": self.amounts(),
            "partners": self.partners(),
            "sectors": self.links_of("sector"),
            "work_packages": self.work_packages(),
            "events": self.events(),
            "related": self.links_of("related"),
        }

    def title(self) -> dict | None:
        by_lang = {row["value"].language or "": row for row in self.of("title")}
        text = pick_label({lang: row["value"].value for lang, row in by_lang.items()},
                          self.p.lang)
        if not text:
            return None
        row = next(r for r in by_lang.values() if r["value"].value == text)
        return {"text": text, "lang": row["value"].language or "",
                "sources": self.sources([row["g"].value])}

    def code(self) -> dict | None:
        rows = self.of("code")
        if not rows:
            return None
        return {"text": rows[0]["value"].value,
                "sources": self.sources(r["g"].value for r in rows)}

    def call(self) -> dict | None:
        rows = self.of("call")
        if not rows:
            return None
        row = rows[0]
        return {"call": self.link(row["item"].value), "programme": self.link(row["value"].value),
                "sources": self.sources(r["g"].value for r in rows)}

    def periods(self) -> list[dict]:
        """One entry per stated period, the surest (then the most complete) first."""
        fields: dict[str, dict] = defaultdict(lambda: {"graphs": set()})
        for row in self.of("period"):
            entry = fields[str(row["item"])]
            entry["graphs"].add(row["g"].value)
            name = row["p"].value
            if name.startswith(DCAT):
                entry[name[len(DCAT):]] = row["value"].value
            elif name == DURATION:
                entry["months"] = months(row["value"].value)
        periods = []
        for entry in fields.values():
            graphs = sorted(entry.pop("graphs"))
            level = self.confidence(graphs)
            periods.append({**entry, "sources": self.sources(graphs), "confidence": level})
        periods.sort(key=lambda e: (-CONFIDENCE_RANK.get(e["confidence"], 0), -len(e),
                                    e.get("startDate", "")))
        return periods

    def amounts(self) -> list[dict]:
        """Every stated figure, totals before ERDF contributions, surest first."""
        out: list[dict[str, Any]] = []
        for row in self.of("amount"):
            kind = row["p"].value.rsplit("/", 1)[-1] if "p" in row else ""
            flags = [row["flag"].value.rsplit("/", 1)[-1]] if "flag" in row else []
            graphs = [row["g"].value]
            out.append({
                "kind": "erdf" if kind == "erdf-contribution" else "budget",
                "amount": money(row["value"].value, self.p.lang),
                "currency": "EUR",
                "item": self.link(row["item"].value),
                "sources": self.sources(graphs),
                "confidence": self.confidence(graphs, flags),
            })
        out.sort(key=lambda a: (a["kind"] != "budget",
                                -CONFIDENCE_RANK.get(a["confidence"], 0), a["item"]["iri"]))
        return out

    def partners(self) -> dict:
        """The lead partner, how many partners from how many countries (high-confidence
        sources), and the partners that only less certain sources name."""
        base = self.p.scheme.kind_prefix("role")
        members: dict[str, dict] = {}
        for row in self.of("member"):
            role = row["p"].value if "p" in row else ""
            if role not in (base + "lead-partner", base + "partner"):
                continue
            entry = members.setdefault(row["item"].value, {
                "role": role, "graphs": set(), "flags": set(), "countries": set()})
            entry["graphs"].add(row["g"].value)
            if "flag" in row:
                entry["flags"].add(row["flag"].value.rsplit("/", 1)[-1])
            if "value" in row:
                entry["countries"].add(row["value"].value)
        sure: list[tuple[str, dict, str | None]] = []
        weak: list[tuple[str, dict, str | None]] = []
        lead = None
        for iri, entry in members.items():
            level = self.confidence(entry["graphs"], entry["flags"])
            if entry["role"] == base + "lead-partner":
                lead = {**self.link(iri), "sources": self.sources(entry["graphs"])}
            (sure if level == "high" else weak).append((iri, entry, level))
        weak_links = [
            {**self.link(iri), "sources": self.sources(entry["graphs"]), "confidence": level}
            for iri, entry, level in sorted(weak)
        ]
        countries = {c for _iri, entry, _level in sure for c in entry["countries"]}
        return {"lead": lead, "count": len(sure), "countries": len(countries),
                "weak": weak_links}

    def links_of(self, key: str) -> list[dict]:
        iris = {row["item"].value for row in self.of(key)}
        return sorted((self.link(iri) for iri in iris), key=lambda link: name_key(link["label"]))

    def work_packages(self) -> list[dict]:
        found = {}
        for row in self.of("work-package"):
            notation = row["value"].value if "value" in row else ""
            found[row["item"].value] = {**self.link(row["item"].value), "notation": notation}
        return sorted(found.values(), key=lambda w: (w["notation"], w["iri"]))

    def events(self) -> list[dict]:
        found = {}
        for row in self.of("event"):
            iri = row["item"].value
            found[iri] = {**self.link(iri),
                          "date": row["value"].value if "value" in row else "",
                          "venue": self.link(row["p"].value) if "p" in row else None,
                          "sources": self.sources([row["g"].value])}
        return sorted(found.values(), key=lambda e: (e["date"], e["iri"]))


def glance(store, describer, p: Presenter) -> dict | None:
    """The summary of the dataset's own project (the build chose it: the collaboration
    with the most partners), from one view query about it alone."""
    project = describer.display.main_project
    if project is None:
        return None
    rows = store.select(store.view("home-project"), project=ox.NamedNode(project))
    chosen = [row for row in rows if row["g"].value not in describer.derived_graphs]
    if not chosen:
        return None
    iris = {project}
    for row in chosen:
        for name in ("item", "p", "value"):
            if name in row and isinstance(row[name], ox.NamedNode):
                iris.add(row[name].value)
    return Glance(p, chosen, describer.labels_of(iris)).summary(project)
