"""Load policy files in a worker process with a time limit per file.

A damaged or hostile file can make a parser loop for ever or eat memory. ``LoaderWorker``
runs ``load_document`` in one long-lived child process (forked once per build, on first
use, so an incremental build that parses nothing never forks) and waits at most
``timeout`` seconds for each file. A file that takes longer is reported as
``messages.DOC_TOO_SLOW`` (the child is killed and a fresh one is forked for the next
file); a text or Markdown file over ``MAX_TEXT_MB`` is refused unread.
A child that dies (a crash in a C extension, the kernel's out-of-memory killer) costs only
that file. Where ``fork`` is not available the files are loaded in this process, without a
limit.

    with LoaderWorker(timeout=120) as worker:
        loaded = worker.load(path)      # LoadedDocument, or DocumentError / LoaderCrashed
"""

from __future__ import annotations

import logging
import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot import messages
from bot.errors import DocumentError
from indexer.loaders import load_document
from indexer.model import LoadedDocument

log = logging.getLogger(__name__)
FILE_TIMEOUT_SECONDS = 120.0
MAX_TEXT_MB = 10  # plain text / Markdown: ~5,000 pages; the bundled policies are < 0.2 MB
_TEXT_SUFFIXES = (".txt", ".md", ".markdown")


class LoaderCrashed(Exception):
    """The loader raised something that is not a DocumentError (a bug), or its process died."""


class LoaderWorker:
    def __init__(self, timeout: float = FILE_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._process: Any = None
        self._conn: Connection | None = None
        self._forkable = "fork" in multiprocessing.get_all_start_methods()

    def __enter__(self) -> LoaderWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self, path: Path) -> LoadedDocument:
        _check_size(path)
        if not self._forkable:
            return load_document(path)
        conn = self._connection()
        conn.send(str(path))
        if not conn.poll(self.timeout):
            self._kill()
            too_slow = messages.DOC_TOO_SLOW.format(seconds=f"{self.timeout:g}")
            raise DocumentError(path.name, too_slow)
        try:
            status, value = conn.recv()
        except (EOFError, OSError):
            self._kill()
            raise LoaderCrashed("the loader process died") from None
        if status == "document_error":
            raise DocumentError(path.name, value)
        if status == "crashed":
            raise LoaderCrashed(value)
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
        self._kill(grace=1.0)

    def _connection(self) -> Connection:
        if self._conn is None or self._process is None or not self._process.is_alive():
            self._kill()
            parent, child = multiprocessing.get_context("fork").Pipe()
            self._process = multiprocessing.get_context("fork").Process(
                target=_serve, args=(child,), daemon=True, name="policybot-loader"
            )
            self._process.start()
            child.close()
            self._conn = parent
        return self._conn

    def _kill(self, grace: float = 0.0) -> None:
        if self._process is not None:
            self._process.join(grace)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None


def _check_size(path: Path) -> None:
    """Refuse a text file too large to be one policy before reading a byte of it."""
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        return
    size = path.stat().st_size
    if size > MAX_TEXT_MB * 1_000_000:
        problem = messages.DOC_TOO_LARGE.format(size=size // 1_000_000, limit=MAX_TEXT_MB)
        raise DocumentError(path.name, problem)


def _serve(conn: Connection) -> None:
    """The child: load each path sent until None, answering (status, value)."""
    while True:
        try:
            wanted = conn.recv()
        except EOFError:
            return
        if wanted is None:
            return
        conn.send(_load(Path(wanted)))


def _load(path: Path) -> tuple[str, Any]:
    try:
        return "ok", load_document(path)
    except DocumentError as error:
        return "document_error", error.problem
    except Exception as error:  # a loader bug: the parent logs it and reports the file
        return "crashed", type(error).__name__
