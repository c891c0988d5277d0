"""A school website on 127.0.0.1: a policies page linking to files, served with ETag and
Last-Modified, answering ``304 Not Modified`` to a matching conditional GET.

    with PolicySite() as site:
        site.put("/docs/phones.pdf", pdf)          # linked from /policies
        site.unlink("/docs/phones.pdf")            # still served, no longer on the page
        site.requests                              # (path, status) of every GET
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.loopback import LoopbackServer

LAST_MODIFIED = "Wed, 02 Dec 2026 10:00:00 GMT"


class PolicySite(LoopbackServer):
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.linked: list[str] = []
        self.extra_links: list[str] = []  # links the page holds that are not files here
        self.requests: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        super().__init__(_handler_for(self))

    @property
    def page(self) -> str:
        return f"{self.base}/policies"

    def put(self, path: str, data: bytes, linked: bool = True) -> None:
        with self._lock:
            self.files[path] = data
            if linked and path not in self.linked:
                self.linked.append(path)

    def unlink(self, path: str) -> None:
        with self._lock:
            self.linked.remove(path)

    def statuses(self, path: str) -> list[int]:
        with self._lock:
            return [status for p, status in self.requests if p == path]

    def html(self) -> bytes:
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in self.linked)
        links += "".join(f'<li><a href="{href}">x</a></li>' for href in self.extra_links)
        return f"<html><body><h1>Policies</h1><ul>{links}</ul></body></html>".encode()


def _handler_for(site: PolicySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/policies":
                self._send(200, site.html(), {"Content-Type": "text/html"})
                return
            data = site.files.get(path)
            if data is None:
                self._send(404, b"", {})
                return
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            self._send(200, data, {"Content-Type": "application/octet-stream", **headers})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            with site._lock:
                site.requests.append((self.path, status))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
