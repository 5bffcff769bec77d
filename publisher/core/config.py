"""One settings object for the whole publisher.

Settings come from, in rising precedence: the defaults below, an optional TOML file
(``clusterscord.toml`` in the project root, or the file named by ``CLUSTERSCORD_CONFIG``),
environment variables ``CLUSTERSCORD_<NAME>``, and command-line flags. This is the only
module that reads the environment; everything else receives a :class:`Settings`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_IRI = "https://data.clusterscord.eu/"

ENV_PREFIX = "CLUSTERSCORD_"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the setting and its source."""


@dataclass(frozen=True)
class Settings:
    """Every knob of the publisher. Limits are settings, not constants scattered in code."""

    root: Path = field(default_factory=lambda: Path.cwd())
    base_iri: str = DEFAULT_BASE_IRI
    var_dir: Path | None = None
    backend: str = "oxigraph"
    remote_query_url: str = ""
    remote_update_url: str = ""
    remote_store_url: str = ""
    remote_grace_s: int = 600  # superseded generations' remote graphs kept this long
    host: str = "127.0.0.1"
    port: int = 8080
    server: str = "granian"  # or "gunicorn" (behind a buffering proxy only: docs/hostile-input.md)
    workers: int = 2
    threads: int = 8
    keepalive_s: int = 10  # an idle connection, or one slow to send its headers, is closed
    max_requests: int = 100_000  # gunicorn: a worker is recycled after about this many (0: never)
    workers_lifetime_s: int = 0  # granian: a worker is replaced after this long (0: never; >= 60)
    workers_max_rss_mb: int = 1024  # granian: a worker grown past this is replaced (0: never)
    read_timeout_s: float = 10.0  # the whole request body must arrive within this
    send_timeout_s: float = 10.0  # each piece of an answer must be taken within this
    max_header_bytes: int = 16384  # header fields in all: 431
    query_per_client: int = 1  # uncached queries one client address runs at once, per worker
    query_queue_s: float = 0.5  # a query waits this long for a free worker, then 503
    page_max_rows: int = 1000  # rows the SPARQL page renders as a table
    page_max_bytes: int = 2 * 2**20  # largest answer the SPARQL page renders
    cache_max_body_bytes: int = 4096  # a POST with a longer body is never cached
    query_timeout_s: float = 10.0
    query_workers: int = 2
    query_memory_mb: int = 1024
    max_rows: int = 10000
    max_request_bytes: int = 1_000_000
    max_query_chars: int = 100_000
    page_size: int = 50
    map_max_seats: int = 500  # a map of more seats is not drawn (fellow members, regions)
    map_max_member_seats: int = 1000  # an entity's own members' seats, drawn up to this many
    trust_forwarded: bool = False
    service_allowlist: tuple[str, ...] = ()
    cache_max_age_s: int = 300
    cache_max_bytes: int = 64 * 2**20  # generation cache per web worker (0: no cache)
    cache_max_entry_bytes: int = 2**20  # larger answers are not kept
    changes_page_size: int = 100
    ldes_polling_interval_s: int = 3600
    shacl_engine: str = "auto"
    shacl_sparql_min_quads: int = 50_000
    build_memory_max_mb: int = 150  # sources up to this size are built in memory, then saved
    # Larger sources up to this size are loaded, validated and derived in memory, then saved
    # and built on disk; above it, every step works on disk.
    rules_memory_max_mb: int = 1024
    sitemap_max_urls: int = 50000
    dcat_ap_shapes_dir: str = ""

    @property
    def var(self) -> Path:
        return self.var_dir if self.var_dir is not None else self.root / "var"

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)

    def __post_init__(self):
        if not self.base_iri.endswith("/"):
            raise ConfigError(f"base_iri must end with '/': {self.base_iri!r}")
        if not self.base_iri.startswith(("http://", "https://")):
            raise ConfigError(f"base_iri must be an http(s) IRI: {self.base_iri!r}")
        if self.backend not in ("oxigraph", "remote"):
            raise ConfigError(f"backend must be 'oxigraph' or 'remote', not {self.backend!r}")
        if self.server not in ("gunicorn", "granian"):
            raise ConfigError(f"server must be 'gunicorn' or 'granian', not {self.server!r}")
        if self.shacl_engine not in ("auto", "pyshacl", "sparql"):
            raise ConfigError(f"shacl_engine must be auto, pyshacl or sparql: {self.shacl_engine}")
        if self.backend == "remote" and not self.remote_query_url:
            raise ConfigError("backend 'remote' needs remote_query_url")
        for name in ("query_timeout_s", "max_rows", "max_request_bytes", "page_size", "workers",
                     "threads", "query_memory_mb", "read_timeout_s", "send_timeout_s",
                     "max_header_bytes", "query_per_client",
                     "page_max_rows", "page_max_bytes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, not {getattr(self, name)!r}")
        if self.workers_lifetime_s and self.workers_lifetime_s < 60:
            raise ConfigError(f"workers_lifetime_s must be 0 or at least 60, "
                              f"not {self.workers_lifetime_s!r}")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port must be between 0 and 65535, not {self.port!r}")


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(name: str, raw, origin: str):
    """Convert a raw value (string from the environment, or TOML value) to the field's type."""
    if name not in _FIELDS:
        raise ConfigError(f"unknown setting {name!r} in {origin}")
    current = getattr(Settings(), name)
    try:
        if isinstance(current, bool):
            if isinstance(raw, bool):
                return raw
            value = str(raw).strip().lower()
            if value in ("1", "true", "yes", "on"):
                return True
            if value in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"not a boolean: {raw!r}")
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
        if isinstance(current, tuple):
            if isinstance(raw, str):
                return tuple(item.strip() for item in raw.split(",") if item.strip())
            return tuple(raw)
        if name in ("root", "var_dir"):
            return Path(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r} in {origin}: {exc}") from exc


def load_settings(root: Path | None = None, environ=None, **overrides) -> Settings:
    """Build the settings from file, environment and explicit overrides (CLI flags)."""
    environ = os.environ if environ is None else environ
    root = Path(root or environ.get(ENV_PREFIX + "ROOT") or Path.cwd()).resolve()
    values: dict = {"root": root}

    config_file = Path(environ.get(ENV_PREFIX + "CONFIG") or root / "clusterscord.toml")
    if config_file.is_file():
        try:
            table = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc
        for key, raw in table.items():
            values[key] = _coerce(key, raw, str(config_file))

    for key, raw in environ.items():
        if key.startswith(ENV_PREFIX) and key not in (ENV_PREFIX + "CONFIG", ENV_PREFIX + "ROOT"):
            name = key[len(ENV_PREFIX):].lower()
            values[name] = _coerce(name, raw, f"environment variable {key}")

    for key, raw in overrides.items():
        if raw is not None:
            values[key] = _coerce(key, raw, "command line")

    if "var_dir" in values and not values["var_dir"].is_absolute():
        values["var_dir"] = root / values["var_dir"]
    return Settings(**values)
