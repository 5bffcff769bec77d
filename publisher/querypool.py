"""Killable query execution: a small pool of worker processes that run public queries.

pyoxigraph cannot interrupt a running query, and a thread cannot be stopped, so every
public query runs in a worker process of its own that can be SIGKILLed. A worker opens
the published store read-only (reopening it when a job names a newer generation), runs
:func:`publisher.query.prepare` and streams the serialized answer back over a pipe. When
the time limit passes before the answer is ready, the worker is killed and replaced, and
the caller gets :class:`QueryTimeout`; other queries keep running in the other workers.
A worker's data segment is capped at ``settings.query_memory_mb``: a query that needs more
stops its worker (the allocation fails) and the caller gets :class:`QueryOutOfMemory`; a
query nested so deeply that it overflows the worker's stack is refused (400).
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from pathlib import Path

from publisher.config import Settings
from publisher.query import Head, Job, QueryRefused

CHUNK_BYTES = 64 * 1024
# After the pickled head, the body comes as raw frames: DATA + bytes, then END or FAILED.
DATA, END, FAILED = b"D", b"E", b"X"


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was killed."""


class QueryOutOfMemory(QueryTimeout):
    """The query needed more memory than the limit; its worker died (answered like a timeout)."""


class PoolBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


class WorkerFailed(Exception):
    """A worker died or broke the protocol while answering."""


class _PipeWriter:
    """A binary file-like object that sends what is written in chunks over a pipe."""

    def __init__(self, conn):
        self.conn = conn
        self.buffer = bytearray()

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.conn.send_bytes(DATA + self.buffer)
            self.buffer.clear()


def _worker_main(conn, settings: Settings) -> None:
    """A worker's life: receive a job, answer it, repeat until the pipe closes."""
    from publisher.generation import Generation
    from publisher.query import prepare
    from publisher.store import open_store

    limit = settings.query_memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    store, opened = None, None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job.generation_path != opened:
                if store is not None:
                    store.close()
                store = open_store(settings, Generation(Path(job.generation_path)))
                opened = job.generation_path
            answer = prepare(store, job)
        except QueryRefused as exc:
            conn.send(("refused", exc.status, exc.message, exc.form))
            continue
        except MemoryError:
            conn.send(("refused", 503, _out_of_memory(settings), None))
            continue
        except Exception as exc:  # noqa: BLE001 - reported to the caller, worker lives on
            conn.send(("refused", 500, f"the query failed: {exc}", None))
            continue
        conn.send(("head", answer.head))
        writer = _PipeWriter(conn)
        try:
            answer.write(writer)
            writer.flush()
        except Exception as exc:  # noqa: BLE001 - the caller cuts the response short
            conn.send_bytes(FAILED + str(exc).encode("utf-8"))
            continue
        conn.send_bytes(END)


# Deep nesting or long operator chains overflow the evaluator's stack, which kills the worker.
TOO_DEEP = ("the query is nested or chained too deeply to evaluate (its worker ran out of "
            "stack); split it or reduce its nesting")


def _out_of_memory(settings: Settings) -> str:
    return (f"the query was stopped: it needed more than the memory limit of "
            f"{settings.query_memory_mb} MiB")


class _Worker:
    def __init__(self, context, settings: Settings):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_worker_main, args=(child, settings), daemon=True, name="query-worker"
        )
        self.process.start()
        child.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class Stream:
    """A running answer: its head, then its body chunks; iterating releases the worker.

    Closing it early (a client went away) kills the worker, whose pipe may still be full.
    """

    def __init__(self, pool: QueryPool, worker: _Worker, head: Head):
        self.pool, self.worker, self.head = pool, worker, head
        self._done = False

    def __iter__(self):
        try:
            while True:
                if not self.worker.conn.poll(self.pool.timeout_s):
                    raise WorkerFailed("the query worker stopped sending its answer")
                message = self.worker.conn.recv_bytes()
                kind = message[:1]
                if kind == DATA:
                    yield message[1:]
                elif kind == END:
                    self._done = True
                    return
                else:
                    raise WorkerFailed(message[1:].decode("utf-8", "replace"))
        finally:
            self.close()

    def read(self) -> bytes:
        return b"".join(self)

    def close(self) -> None:
        if self.worker is None:
            return
        worker, self.worker = self.worker, None
        if self._done:
            self.pool._release(worker)
        else:
            self.pool._discard(worker)


class QueryPool:
    """Up to ``settings.query_workers`` worker processes, started on demand."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.size = max(1, settings.query_workers)
        self.timeout_s = settings.query_timeout_s
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._count = 0
        self._owner = os.getpid()
        self.busy: set[int] = set()
        self.killed: collections.deque[int] = collections.deque(maxlen=100)

    def submit(self, job: Job) -> Stream:
        """Send a job to a free worker; return its Stream once the answer is ready.

        Raises QueryRefused (the query was refused or failed), QueryTimeout (killed at
        the limit) or PoolBusy (no worker came free within the limit).
        """
        deadline = time.monotonic() + self.timeout_s
        worker = self._lease(deadline)
        try:
            worker.conn.send(job)
            remaining = deadline - time.monotonic()
            if not worker.conn.poll(max(0.0, remaining)):
                self._discard(worker)
                raise QueryTimeout(
                    f"the query was stopped after the time limit of {self.timeout_s:g} s"
                )
            message = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._discard(worker)
            if worker.process.exitcode == -signal.SIGABRT:
                raise QueryOutOfMemory(_out_of_memory(self.settings)) from exc
            if worker.process.exitcode in (-signal.SIGSEGV, -signal.SIGBUS):
                raise QueryRefused(400, TOO_DEEP) from exc
            raise WorkerFailed(f"the query worker died: {exc}") from exc
        if message[0] == "refused":
            self._release(worker)
            _, status, text, form = message
            raise QueryRefused(status, text, form)
        return Stream(self, worker, message[1])

    def _lease(self, deadline: float) -> _Worker:
        with self._lock:
            if os.getpid() != self._owner:  # forked (e.g. by a server): start afresh
                self._idle, self._count, self._owner = queue.LifoQueue(), 0, os.getpid()
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = None
                if self._count < self.size:
                    self._count += 1
                    try:
                        worker = _Worker(self._context, self.settings)
                    except Exception:
                        self._count -= 1
                        raise
        if worker is None:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty as exc:
                raise PoolBusy(
                    f"all {self.size} query workers stayed busy for {self.timeout_s:g} s"
                ) from exc
        if not worker.process.is_alive():
            self._discard(worker)
            return self._lease(deadline)
        self.busy.add(worker.pid)
        return worker

    def _release(self, worker: _Worker) -> None:
        self.busy.discard(worker.pid)
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker (stuck, broken or abandoned mid-answer); a new one starts on demand."""
        self.busy.discard(worker.pid)
        worker.kill()
        self.killed.append(worker.pid)
        with self._lock:
            self._count -= 1

    def warm(self) -> None:
        """Start every worker now (in the background), so no request waits for one."""
        def start() -> None:
            started = []
            try:
                while len(started) < self.size:
                    with self._lock:
                        if self._count >= self.size:
                            break
                        self._count += 1
                    try:
                        started.append(_Worker(self._context, self.settings))
                    except Exception:
                        with self._lock:
                            self._count -= 1
                        raise
            finally:
                for worker in started:
                    self._idle.put(worker)

        threading.Thread(target=start, name="query-pool-warm", daemon=True).start()

    def close(self) -> None:
        """Stop the idle workers (busy ones are killed when their streams close)."""
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.kill()
            with self._lock:
                self._count -= 1
