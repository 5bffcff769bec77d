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
import json
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from pathlib import Path

from publisher.core.config import Settings
from publisher.serve.query import Head, Job, QueryRefused

CHUNK_BYTES = 64 * 1024
# Every message from a worker is raw bytes, its first byte its kind. An answer that fits
# in one chunk is one message: ANSWER + head + body. A longer one starts with HEAD + head +
# the first chunk, then DATA + bytes frames, then END (or FAILED + reason). A refusal is
# REFUSED + JSON [status, message, form]. The head is "form\tmedia type\trows\ttruncated"
# after a two-byte length; nothing is pickled on the way back.
ANSWER, HEAD, DATA, END, FAILED, REFUSED = b"A", b"H", b"D", b"E", b"X", b"R"
# A new worker says READY once it has started; a query's time limit starts after that.
READY = b"S"
BOOT_S = 60
# Query workers run at a lower CPU priority than the web workers that serve pages.
QUERY_NICENESS = 10


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was killed."""


class QueryOutOfMemory(QueryTimeout):
    """The query needed more memory than the limit; its worker died (answered like a timeout)."""


class PoolBusy(Exception):
    """No worker came free in time, or this client already runs its share of queries."""


class WorkerFailed(Exception):
    """A worker died or broke the protocol while answering."""


def _encode_head(head: Head) -> bytes:
    text = f"{head.form}\t{head.media_type}\t{head.rows}\t{int(head.truncated)}".encode()
    return len(text).to_bytes(2, "big") + text


def _decode_head(message: bytes) -> tuple[Head, int]:
    """The head at the start of a message (after its kind byte) and where the body starts."""
    length = int.from_bytes(message[1:3], "big")
    form, media_type, rows, truncated = message[3:3 + length].decode().split("\t")
    return Head(form, media_type, int(rows), truncated == "1"), 3 + length


class _AnswerWriter:
    """A binary file-like object: the answer's head and body over a pipe, in as few messages."""

    def __init__(self, conn, head: Head):
        self.conn = conn
        self.head = _encode_head(head)
        self.buffer = bytearray()
        self.started = False

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self._send()
        return len(data)

    def flush(self) -> None:
        """Part of the file interface; frames are sent when full or at the end."""

    def _send(self) -> None:
        if self.started:
            self.conn.send_bytes(DATA + self.buffer)
        else:
            self.conn.send_bytes(HEAD + self.head + self.buffer)
            self.started = True
        self.buffer.clear()

    def finish(self) -> None:
        if self.started:
            if self.buffer:
                self._send()
            self.conn.send_bytes(END)
        else:
            self.conn.send_bytes(ANSWER + self.head + self.buffer)


def _refuse(conn, status: int, message: str, form: str | None = None) -> None:
    conn.send_bytes(REFUSED + json.dumps([status, message, form]).encode("utf-8"))


def _worker_main(conn, settings: Settings) -> None:
    """A worker's life: receive a job, answer it, repeat until the pipe closes."""
    from publisher.core.generation import Generation, Generations
    from publisher.serve.query import prepare
    from publisher.store.backends import open_store

    limit = settings.query_memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    os.nice(QUERY_NICENESS)  # pages and probes go first when queries keep the CPU busy
    store, opened = None, None
    current = Generations(settings.var).current_or_none()
    if current is not None:  # opened before READY: a query's time limit covers the query
        try:
            store, opened = open_store(settings, current), str(current.path)
        except Exception:  # the first job opens it again and reports what is wrong
            store, opened = None, None
    try:
        conn.send_bytes(READY)
    except OSError:  # the web worker that started this one is gone: nothing to serve
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if store is None or job.generation_path != opened:
                if store is not None:
                    store.close()
                store = open_store(settings, Generation(Path(job.generation_path)))
                opened = job.generation_path
            answer = prepare(store, job)
        except QueryRefused as exc:
            _refuse(conn, exc.status, exc.message, exc.form)
            continue
        except MemoryError:
            _refuse(conn, 503, _out_of_memory(settings))
            continue
        except Exception as exc:  # noqa: BLE001 - reported to the caller, worker lives on
            _refuse(conn, 500, f"the query failed: {exc}")
            continue
        writer = _AnswerWriter(conn, answer.head)
        try:
            answer.write(writer)
        except Exception as exc:  # noqa: BLE001 - the caller cuts the response short
            status, reason = 500, f"the query failed while writing its answer: {exc!r}"
            if isinstance(exc, MemoryError):
                status, reason = 503, _out_of_memory(settings)
            del answer
            if writer.started:
                conn.send_bytes(FAILED + reason.encode("utf-8"))
            else:
                writer.buffer.clear()
                _refuse(conn, status, reason)
            continue
        writer.finish()


# Deep nesting or long operator chains overflow the evaluator's stack, which kills the worker.
TOO_DEEP = ("the query is nested or chained too deeply to evaluate (its worker ran out of "
            "stack); split it or reduce its nesting")


def _out_of_memory(settings: Settings) -> str:
    return (f"the query was stopped: it needed more than the memory limit of "
            f"{settings.query_memory_mb} MiB")


class _Worker:
    client: str | None = None  # whose answer it is streaming
    ready = False  # said READY (its start-up does not count against a query's time limit)

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


class AnswerTooLarge(Exception):
    """The answer is longer than the reader would take (``Stream.read(limit)``)."""


class Stream:
    """A running answer: its head, then its body chunks; iterating releases the worker.

    A complete answer (one message) has released its worker already. The whole answer
    must arrive by ``deadline`` (the query's time limit covers its stream, so a slow reader
    cannot hold a worker past it). Closing a partial answer early (a client went away, or
    was too slow) kills the worker, whose pipe may still be full.
    """

    def __init__(self, pool: QueryPool, worker: _Worker | None, head: Head, first: bytes,
                 deadline: float = 0.0):
        self.pool, self.worker, self.head = pool, worker, head
        self.deadline = deadline
        self._first = first
        self._done = worker is None

    def __iter__(self):
        try:
            if self._first:
                yield self._first
            while self.worker is not None and not self._done:
                if not self.worker.conn.poll(max(0.0, self.deadline - time.monotonic())):
                    raise WorkerFailed(f"the answer was not complete within the time limit of "
                                       f"{self.pool.timeout_s:g} s")
                message = self.worker.conn.recv_bytes()
                kind = message[:1]
                if kind == DATA:
                    yield message[1:]
                elif kind == END:
                    self._done = True
                else:
                    raise WorkerFailed(message[1:].decode("utf-8", "replace"))
        finally:
            self.close()

    def read(self, limit: int | None = None) -> bytes:
        """The whole answer; AnswerTooLarge (the worker stopped) past ``limit`` bytes."""
        if self.worker is None and (limit is None or len(self._first) <= limit):
            return self._first
        chunks, size = [], 0
        for chunk in self:
            size += len(chunk)
            if limit is not None and size > limit:
                self.close()
                raise AnswerTooLarge(f"the answer is longer than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self.worker is None:
            return
        worker, self.worker = self.worker, None
        if self._done:
            self.pool._release(worker)
        else:
            self.pool._discard(worker)


class _Share:
    """How many queries each client address runs at once (waiting for a worker included)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._counts: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def take(self, client: str | None) -> None:
        if client is None:
            return
        with self._lock:
            if self._counts[client] >= self.limit:
                raise PoolBusy(f"this client already runs {self.limit} queries at once; "
                               f"wait for one to finish")
            self._counts[client] += 1

    def give_back(self, client: str | None) -> None:
        if client is None:
            return
        with self._lock:
            self._counts[client] -= 1
            if self._counts[client] <= 0:
                del self._counts[client]


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
        self._closed = False
        self.busy: set[int] = set()
        self.killed: collections.deque[int] = collections.deque(maxlen=100)
        self.queue_s = min(settings.query_queue_s, settings.query_timeout_s)
        self.share = _Share(settings.query_per_client)

    def submit(self, job: Job, client: str | None = None) -> Stream:
        """Send a job to a free worker; return its Stream once the answer is ready.

        Raises QueryRefused (the query was refused or failed), QueryTimeout (killed at
        the limit) or PoolBusy (no worker came free within ``query_queue_s``, or
        ``client`` already runs ``query_per_client`` queries). The client's share is held
        until the answer has been read or closed.
        """
        self.share.take(client)
        try:
            stream = self._submit(job)
        except BaseException:
            self.share.give_back(client)
            raise
        if stream.worker is None:
            self.share.give_back(client)
        else:
            stream.worker.client = client
        return stream

    def _submit(self, job: Job) -> Stream:
        worker = self._lease(time.monotonic() + self.queue_s)
        self._started(worker)
        deadline = time.monotonic() + self.timeout_s
        try:
            worker.conn.send(job)
            remaining = deadline - time.monotonic()
            if not worker.conn.poll(max(0.0, remaining)):
                self._discard(worker)
                raise QueryTimeout(
                    f"the query was stopped after the time limit of {self.timeout_s:g} s"
                )
            message = worker.conn.recv_bytes()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._discard(worker)
            if worker.process.exitcode == -signal.SIGABRT:
                raise QueryOutOfMemory(_out_of_memory(self.settings)) from exc
            if worker.process.exitcode in (-signal.SIGSEGV, -signal.SIGBUS):
                raise QueryRefused(400, TOO_DEEP) from exc
            raise WorkerFailed(f"the query worker died: {exc}") from exc
        kind = message[:1]
        if kind == REFUSED:
            self._release(worker)
            status, text, form = json.loads(message[1:])
            raise QueryRefused(status, text, form)
        if kind not in (ANSWER, HEAD):
            self._discard(worker)
            raise WorkerFailed("the query worker broke the protocol")
        head, body_start = _decode_head(message)
        if kind == ANSWER:
            self._release(worker)
            return Stream(self, None, head, message[body_start:], deadline)
        return Stream(self, worker, head, message[body_start:], deadline)

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
            wait = deadline - time.monotonic()
            with self._lock:
                starting = self._count - len(self.busy) - self._idle.qsize()
            if starting > 0:  # a worker is on its way: a pool still starting is not busy
                wait = max(wait, self.timeout_s)
            try:
                worker = self._idle.get(timeout=max(0.0, wait))
            except queue.Empty as exc:
                raise PoolBusy(
                    f"all {self.size} query workers are busy; try again in a few seconds"
                ) from exc
        if not worker.process.is_alive():
            self._discard(worker)
            return self._lease(deadline)
        self.busy.add(worker.pid)
        return worker

    def _started(self, worker: _Worker) -> None:
        """Wait for a new worker's READY (its start, not the query's time)."""
        if worker.ready:
            return
        try:
            if worker.conn.poll(BOOT_S) and worker.conn.recv_bytes() == READY:
                worker.ready = True
                return
        except (EOFError, OSError):
            pass
        self._discard(worker)
        raise WorkerFailed(f"a query worker did not start within {BOOT_S} s")

    def _release(self, worker: _Worker) -> None:
        self.busy.discard(worker.pid)
        self.share.give_back(worker.client)
        worker.client = None
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker (stuck, broken or abandoned mid-answer); start its replacement."""
        self.busy.discard(worker.pid)
        self.share.give_back(worker.client)
        worker.client = None
        worker.kill()
        self.killed.append(worker.pid)
        with self._lock:
            self._count -= 1
        if os.getpid() == self._owner and not self._closed:
            self.warm()  # its replacement starts now, not when the next query comes

    def warm(self) -> None:
        """Start every worker now (in the background), so no request waits for one."""
        def start() -> None:
            for _ in range(self.size):
                with self._lock:
                    if self._count >= self.size:
                        return
                    self._count += 1
                try:
                    worker = _Worker(self._context, self.settings)
                except Exception:
                    with self._lock:
                        self._count -= 1
                    raise
                self._idle.put(worker)  # ready for a query at once, not after the others

        threading.Thread(target=start, name="query-pool-warm", daemon=True).start()

    def close(self) -> None:
        """Stop the idle workers (busy ones are killed when their streams close)."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.kill()
            with self._lock:
                self._count -= 1
