"""Parse policy files in worker processes, in parallel, with a time limit per file.

A damaged or hostile file can make a parser loop for ever or eat memory. ``ParsePool`` runs
a job (load, segment and analyse one file) in up to ``workers`` long-lived child processes
(forked on first use, so an incremental build that parses nothing never forks; a child
inherits the parent's analyzer) and gives each file at most ``timeout`` seconds. A file that
takes longer is reported as ``messages.DOC_TOO_SLOW`` (its child is killed and replaced); a
text or Markdown file over ``MAX_TEXT_MB`` is refused unread. A child that dies (a crash in a
C extension, the kernel's out-of-memory killer) costs only that file. Where ``fork`` is not
available the jobs run in this process, one after another, without a limit.

    with ParsePool(job, timeout=120) as pool:
        outcomes = pool.map(tasks)   # one Outcome per task, in order
"""

from __future__ import annotations

import logging
import multiprocessing
import os
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
MAX_TEXT_MB = 10  # plain text / Markdown: ~5,000 pages; the bundled policies are < 0.2 MB
_TEXT_SUFFIXES = (".txt", ".md", ".markdown")


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
    ) -> None:
        self.job = job
        self.timeout = timeout
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
                results[index] = child.receive()
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
            self._slots.append(_Child(self.job))
        return [child for child in self._slots if child not in working][:wanted]


class _Child:
    """One forked worker process and its pipe."""

    def __init__(self, job: Callable[[Any], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, job), daemon=True, name="policybot-parser"
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
        self.conn.close()


def _serve(conn: Connection, job: Callable[[Any], Any]) -> None:
    """The child: run the job for each task sent until None, answering with an Outcome."""
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(_run(job, task))


def _run(job: Callable[[Any], Any], task: Any) -> Outcome:
    try:
        return Outcome(value=job(task))
    except DocumentError as error:
        return Outcome(problem=error.problem)
    except Exception as error:  # a parser bug: the parent logs its type and reports the file
        return Outcome(crashed=type(error).__name__)
