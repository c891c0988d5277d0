"""Parse policy files in worker processes, in parallel, with a time limit per file.

A damaged or hostile file can make a parser loop for ever or eat memory. ``ParsePool`` runs
a job (load, segment and analyse one file) in up to ``workers`` long-lived child processes
(forked on first use, so an incremental build that parses nothing never forks; a child
inherits the parent's analyzer) and gives each file at most ``timeout`` seconds. A file that
takes longer is reported as ``messages.DOC_TOO_SLOW`` (its child is killed and replaced); a
text or Markdown file over ``MAX_TEXT_MB`` is refused unread. A child that dies (a crash in a
C extension, the kernel's out-of-memory killer) costs only that file. Where ``fork`` is not
available the jobs run in this process, one after another, without a limit.

Each child runs under an address-space limit (``resource.RLIMIT_AS``): what it inherited
plus ``memory_mb`` (default ``PARSE_MEMORY_MB``). A document that needs more is reported as
``messages.DOC_TOO_LARGE_TO_READ`` and the child is replaced. Children die with the build:
each closes the parent's ends of every pipe (so an idle child sees EOF when the build goes)
and asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``).

    with ParsePool(job, timeout=120) as pool:
        outcomes = pool.map(tasks)   # one Outcome per task, in order
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from indexer import messages
from indexer.errors import DocumentError

log = logging.getLogger(__name__)
FILE_TIMEOUT_SECONDS = 120.0
PARSE_MEMORY_MB = 1024  # address space a parser may add to what it inherits
MAX_TEXT_MB = 10  # plain text / Markdown: ~5,000 pages; the bundled policies are < 0.2 MB
_TEXT_SUFFIXES = (".txt", ".md", ".markdown")
_PR_SET_PDEATHSIG = 1
_parent_ends: set[Connection] = set()  # every child closes these: only the build holds them


@dataclass(frozen=True)
class Outcome:
    """What became of one task: ``value`` when ok, else ``problem`` (a sentence for the
    report) and ``crashed`` (a bug or a dead child, logged by type only)."""

    value: Any = None
    problem: str | None = None
    crashed: str | None = None


def check_size(path: Path) -> None:
    """Refuse a text file too large to be one policy before reading a byte of it."""
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        return
    size = path.stat().st_size
    if size > MAX_TEXT_MB * 1_000_000:
        problem = messages.DOC_TOO_LARGE.format(size=size // 1_000_000, limit=MAX_TEXT_MB)
        raise DocumentError(path.name, problem)


class ParsePool:
    def __init__(
        self,
        job: Callable[[Any], Any],
        timeout: float = FILE_TIMEOUT_SECONDS,
        workers: int | None = None,
        memory_mb: int = PARSE_MEMORY_MB,
    ) -> None:
        self.job = job
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._forkable = "fork" in multiprocessing.get_all_start_methods()
        self._slots: list[_Child] = []

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self._slots:
            child.stop()
        self._slots = []

    def map(self, tasks: Sequence[Any]) -> list[Outcome]:
        if not self._forkable:
            return [_run(self.job, task) for task in tasks]
        results: list[Outcome | None] = [None] * len(tasks)
        queue = deque(range(len(tasks)))
        busy: dict[Connection, tuple[_Child, int, float]] = {}
        while queue or busy:
            self._dispatch(tasks, queue, busy)
            deadline = min(limit for _, _, limit in busy.values())
            for conn in wait(list(busy), timeout=max(0.0, deadline - time.monotonic())):
                child, index, _ = busy.pop(conn)  # type: ignore[call-overload]
                outcome = results[index] = child.receive()
                if outcome.problem == messages.DOC_TOO_LARGE_TO_READ:
                    child.kill(grace=5.0)  # it exits by itself: wait, then fork a fresh one
            for conn, (child, index, limit) in list(busy.items()):
                if time.monotonic() >= limit:
                    del busy[conn]
                    child.kill()
                    too_slow = messages.DOC_TOO_SLOW.format(seconds=f"{self.timeout:g}")
                    results[index] = Outcome(problem=too_slow)
        return [r if r is not None else Outcome(crashed="lost") for r in results]

    def _dispatch(
        self,
        tasks: Sequence[Any],
        queue: deque[int],
        busy: dict[Connection, tuple[_Child, int, float]],
    ) -> None:
        working = {child for child, _, _ in busy.values()}
        for child in self._idle_children(working, len(queue)):
            index = queue.popleft()
            conn = child.send(tasks[index])
            busy[conn] = (child, index, time.monotonic() + self.timeout)

    def _idle_children(self, working: set[_Child], wanted: int) -> list[_Child]:
        self._slots = [child for child in self._slots if child.alive()]
        while len(self._slots) < min(self.workers, len(working) + wanted):
            self._slots.append(_Child(self.job, self.memory_mb))
        return [child for child in self._slots if child not in working][:wanted]


class _Child:
    """One forked worker process and its pipe."""

    def __init__(self, job: Callable[[Any], Any], memory_mb: int = PARSE_MEMORY_MB) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child_end = context.Pipe()
        _parent_ends.add(self.conn)
        self.process = context.Process(
            target=_serve,
            args=(child_end, job, memory_mb, os.getpid()),
            daemon=True,
            name="policybot-parser",
        )
        self.process.start()
        child_end.close()

    def send(self, task: Any) -> Connection:
        self.conn.send(task)
        return self.conn

    def receive(self) -> Outcome:
        try:
            outcome = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            return Outcome(crashed="the parser process died")
        return outcome  # type: ignore[no-any-return]

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.kill(grace=1.0)

    def kill(self, grace: float = 0.0) -> None:
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        _parent_ends.discard(self.conn)
        self.conn.close()


def _serve(conn: Connection, job: Callable[[Any], Any], memory_mb: int, parent: int) -> None:
    """The child: run the job for each task sent until None, answering with an Outcome."""
    _die_with(parent)
    for end in list(_parent_ends):  # else this child holds its own pipe open for ever
        end.close()
    _parent_ends.clear()
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome = _run(job, task)
        try:
            conn.send(outcome)
        except MemoryError:
            conn.send(Outcome(problem=messages.DOC_TOO_LARGE_TO_READ))
        if outcome.problem == messages.DOC_TOO_LARGE_TO_READ:
            return  # a fresh child for the next file, not this one's fragmented heap


def _die_with(parent: int) -> None:
    """Ask the kernel to SIGKILL this process when the build that forked it dies (Linux)."""
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        try:
            libc = ctypes.CDLL(libc_name, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            log.debug("PR_SET_PDEATHSIG is not available here")
    if os.getppid() != parent:  # the build died before the request took effect
        os._exit(0)


def _limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at what it has now plus ``memory_mb``."""
    if memory_mb <= 0:
        return
    limit = _address_space() + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        log.warning("could not limit a parser's memory; parsing without a limit")


def _address_space() -> int:
    """This process's virtual memory size in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _run(job: Callable[[Any], Any], task: Any) -> Outcome:
    try:
        return Outcome(value=job(task))
    except DocumentError as error:
        return Outcome(problem=error.problem)
    except MemoryError:
        return Outcome(problem=messages.DOC_TOO_LARGE_TO_READ)
    except Exception as error:  # a parser bug: the parent logs its type and reports the file
        return Outcome(crashed=type(error).__name__)
