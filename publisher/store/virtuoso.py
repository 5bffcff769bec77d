"""What Virtuoso 7 answers differently, put right before the answer is parsed.

Measured against Debian's ``virtuoso-opensource`` 7.2 (``tests/test_virtuoso.py``):

- blank nodes in SPARQL JSON results are written ``nodeID://b10011``, which is not a
  blank node label; the label after the scheme is kept;
- ``geo:wktLiteral`` values are stored as Virtuoso's own geometries and come back typed
  ``virtrdf:Geometry``, with coordinates in single precision (``14.2858`` comes back as
  ``14.285799980164``); they are given back as ``geo:wktLiteral`` with each coordinate
  written as the shortest decimal that has the same single-precision value, which is the
  original one whenever it had at most 7 significant digits;
- ``DESCRIBE`` gives a symmetric description (statements pointing at the resource too);
  asked with the ``sql:describe-mode "CBD"`` pragma it gives the concise bounded
  description the embedded store gives;
- ``xsd:duration`` values come back as numbers: months for year-month durations
  (``P36M`` as ``36``), seconds for day-time ones (``P10D`` as ``864000.0``); they are
  written back as durations in canonical form (``P3Y``, ``P10D``), as the embedded store
  writes them; ``xsd:boolean`` values come back as ``1`` and ``0``, written back as
  ``true`` and ``false``;
- a query stopped at the server's time limit is answered ``200`` with what was found so
  far and the header ``X-SQL-State: S1TAT`` ("anytime" answers); that is an error here,
  never a silently partial answer.

What cannot be put right is in ``docs/deployment.md`` (booleans computed by a query come
back as the integers 1 and 0; a constant pattern in ``GRAPH <g>`` for a graph outside the
dataset matches; ``GRAPH ?g {}`` lists no graphs).
"""

from __future__ import annotations

import re
import struct

GEOMETRY = b"http://www.openlinksw.com/schemas/virtrdf#Geometry"
WKT = b"http://www.opengis.net/ont/geosparql#wktLiteral"
DESCRIBE_PRAGMA = 'define sql:describe-mode "CBD"\n'
PARTIAL_STATE = "S1TAT"

_JSON_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
_JSON_GEOMETRY = re.compile(
    rb'"datatype"\s*:\s*"' + re.escape(GEOMETRY) + rb'"\s*,\s*"value"\s*:\s*"([^"\\]*)"'
)
_NT_GEOMETRY = re.compile(rb'"([^"\\]*)"\^\^<' + re.escape(GEOMETRY) + rb">")
XSD = b"http://www.w3.org/2001/XMLSchema#"
_JSON_TYPED = re.compile(
    rb'"datatype"\s*:\s*"' + re.escape(XSD)
    + rb'(duration|boolean)"\s*,\s*"value"\s*:\s*"([^"\\]*)"'
)
_NT_TYPED = re.compile(rb'"([^"\\]*)"\^\^<' + re.escape(XSD) + rb"(duration|boolean)>")
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def is_virtuoso(server_header: str | None) -> bool:
    return (server_header or "").lower().startswith("virtuoso")


def single_precision(number: bytes) -> bytes:
    """The shortest decimal with the same single-precision value as number."""
    value = float(number)
    packed = struct.pack("<f", value)
    target = struct.unpack("<f", packed)[0]
    for decimals in range(0, 10):
        text = f"{target:.{decimals}f}"
        if struct.pack("<f", float(text)) == packed:
            return text.encode()
    return number


def _wkt(text: bytes) -> bytes:
    return _NUMBER.sub(lambda m: single_precision(m.group(0)), text)


def duration(months_or_seconds: bytes) -> bytes:
    """A duration Virtuoso gave as a number, in canonical form (else unchanged)."""
    text = months_or_seconds.decode()
    try:
        number = float(text)
    except ValueError:
        return months_or_seconds
    sign, number = ("-" if number < 0 else ""), abs(number)
    if "." not in text and "e" not in text.lower():  # months
        years, months = divmod(int(number), 12)
        parts = (f"{years}Y" if years else "") + (f"{months}M" if months else "")
        return f"{sign}P{parts}".encode() if parts else b"PT0S"
    days, rest = divmod(number, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    seconds_text = f"{seconds:.6f}".rstrip("0").rstrip(".")
    time_part = ((f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
                 + (f"{seconds_text}S" if seconds else ""))
    text = (f"{int(days)}D" if days else "") + (f"T{time_part}" if time_part else "")
    return f"{sign}P{text}".encode() if text else b"PT0S"


def _typed(kind: bytes, value: bytes) -> bytes:
    if kind == b"boolean":
        return {b"1": b"true", b"0": b"false"}.get(value, value)
    return duration(value)


def fix_json(body: bytes) -> bytes:
    """SPARQL JSON results as the standard writes them."""
    if XSD + b"duration" in body or XSD + b"boolean" in body:
        body = _JSON_TYPED.sub(
            lambda m: b'"datatype": "' + XSD + m.group(1) + b'", "value": "'
            + _typed(m.group(1), m.group(2)) + b'"', body)
    if b"nodeID://" in body:
        body = _JSON_BNODE.sub(rb"\1", body)
    if GEOMETRY in body:
        body = _JSON_GEOMETRY.sub(
            lambda m: b'"datatype": "' + WKT + b'", "value": "' + _wkt(m.group(1)) + b'"', body
        )
    return body


def fix_ntriples(body: bytes) -> bytes:
    if XSD + b"duration" in body or XSD + b"boolean" in body:
        body = _NT_TYPED.sub(
            lambda m: b'"' + _typed(m.group(2), m.group(1)) + b'"^^<' + XSD + m.group(2) + b">",
            body)
    if GEOMETRY in body:
        body = _NT_GEOMETRY.sub(lambda m: b'"' + _wkt(m.group(1)) + b'"^^<' + WKT + b">", body)
    return body
