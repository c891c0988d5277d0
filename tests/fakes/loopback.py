"""What the fakes of chat platforms share: a real HTTP server on 127.0.0.1 in a daemon
thread, used as a context manager, and the failures a test queues for it.

    class FakeThing(LoopbackServer):
        def __init__(self) -> None:
            super().__init__(handler_class)     # a BaseHTTPRequestHandler subclass

    with FakeThing() as fake:
        fake.base                               # http://127.0.0.1:PORT
"""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Failure:
    """One queued failure: answer ``status`` (a 429 with Retry-After ``retry_after``),
    after ``delay`` seconds."""

    status: int
    retry_after: int | None
    delay: float = 0.0


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops connections under concurrent load
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timed out) before the answer is not an error of the fake."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler], poll_interval: float = 0.5) -> None:
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"


def free_port() -> int:
    """A port nobody listens on right now (for a process the test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
