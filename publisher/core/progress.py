"""A small progress display for the command line: a line per step, with its time.

Steps that run past a second show a live elapsed-time counter on a terminal, so an
operator sees the build is alive. Each step's wall and CPU seconds are kept for the
build's manifest.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time


class Progress:
    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        self.cpu_timings: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, name: str):
        start = time.perf_counter()
        cpu_start = time.process_time()
        done = threading.Event()
        live = not self.quiet and self.stream.isatty()

        def tick():
            while not done.wait(1.0):
                elapsed = time.perf_counter() - start
                self.stream.write(f"\r… {name} ({elapsed:.0f} s)")
                self.stream.flush()

        ticker = threading.Thread(target=tick, daemon=True) if live else None
        if ticker:
            ticker.start()
        try:
            yield
        except BaseException:
            done.set()
            self._line(f"✗ {name} failed after {time.perf_counter() - start:.2f} s")
            raise
        finally:
            done.set()
            if ticker:
                ticker.join()
        elapsed = time.perf_counter() - start
        self.timings[name] = round(elapsed, 3)
        # CPU seconds of the whole process (every thread) during the step: on a shared
        # machine the wall time says how long it took, this how much work it was.
        self.cpu_timings[name] = round(time.process_time() - cpu_start, 3)
        self._line(f"✓ {name} ({elapsed:.2f} s)")

    def note(self, text: str) -> None:
        self._line(f"  {text}")

    def _line(self, text: str) -> None:
        if self.quiet:
            return
        prefix = "\r\033[K" if self.stream.isatty() else ""
        self.stream.write(prefix + text + "\n")
        self.stream.flush()
