"""Bounded load drivers: a fixed number of concurrent clients for a fixed duration.

Three drivers measure the same thing (completed requests, errors, median and p95
latency): ``inprocess`` calls a function from threads; ``python`` sends HTTP/1.1 requests
over keep-alive connections from threads; ``wrk`` (Debian's package, when installed)
does the same from C, so the client does not eat the 2-core machine's CPU the servers
need. Every run stops by itself after ``duration`` seconds and a bounded request count;
traffic goes to loopback addresses only.
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_REQUESTS_PER_CLIENT = 1_000_000

WRK_REPORT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "errors": %d, "seconds": %f, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass
class Measurement:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "requests": self.requests, "errors": self.errors,
            "req_per_s": round(self.per_second, 1),
            "p50_ms": round(self.p50_ms, 3), "p95_ms": round(self.p95_ms, 3),
        }


def _summarise(latencies: list[float], errors: int, seconds: float) -> Measurement:
    if not latencies:
        return Measurement(0, errors, seconds, 0.0, 0.0)
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return Measurement(len(ordered), errors, seconds, statistics.median(ordered) * 1000,
                       p95 * 1000)


def _threads(work: Callable[[float, list, list], None], concurrency: int,
             duration: float) -> Measurement:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[list[int]] = [[0] for _ in range(concurrency)]
    start = time.perf_counter()
    deadline = start + duration
    threads = [
        threading.Thread(target=work, args=(deadline, latencies[i], errors[i]), daemon=True)
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    seconds = time.perf_counter() - start
    return _summarise([x for part in latencies for x in part], sum(e[0] for e in errors),
                      seconds)


def inprocess(call: Callable[[], object], concurrency: int, duration: float) -> Measurement:
    """Call ``call`` from ``concurrency`` threads until the deadline."""

    def work(deadline, latencies, errors):
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            begin = time.perf_counter()
            if begin >= deadline:
                return
            try:
                call()
            except Exception:  # noqa: BLE001 - counted, the run goes on
                errors[0] += 1
                continue
            latencies.append(time.perf_counter() - begin)

    return _threads(work, concurrency, duration)


def python_http(url: str, accept: str, concurrency: int, duration: float) -> Measurement:
    """GET ``url`` over keep-alive connections from threads until the deadline."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")

    def work(deadline, latencies, errors):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                begin = time.perf_counter()
                if begin >= deadline:
                    return
                try:
                    connection.request("GET", target, headers={"Accept": accept})
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    errors[0] += 1
                    connection.close()
                    connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                            timeout=60)
                    continue
                if response.status != 200:
                    errors[0] += 1
                    continue
                latencies.append(time.perf_counter() - begin)
        finally:
            connection.close()

    return _threads(work, concurrency, duration)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_http(url: str, accept: str, concurrency: int, duration: float) -> Measurement:
    """The same measurement made by wrk (C, event loop), for figures the client can't cap."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    seconds = max(1, int(round(duration)))
    result = subprocess.run(
        ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{seconds}s",
         "--timeout", "60s", "-H", f"Accept: {accept}", "-s", script.name, url],
        capture_output=True, text=True, timeout=seconds + 120, check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("JSON "):
            data = json.loads(line[5:])
            return Measurement(data["requests"] - data["errors"], data["errors"],
                               data["seconds"], data["p50_us"] / 1000, data["p95_us"] / 1000)
    raise RuntimeError(f"wrk gave no report: {result.stdout}\n{result.stderr}")
