"""A fake Teams Bot Connector: a real HTTP server on 127.0.0.1 that a test gives activities
as their ``serviceUrl``, recording every call the bot makes to it::

    with FakeTeamsConnector() as teams:
        activity["serviceUrl"] = teams.url
        ...
        replies = teams.calls_to("a:staff")          # every call in one conversation
        teams.fail_next(times=2, status=500)         # or status=429, retry_after=1

Handled (Bot Framework REST v3): ``POST /v3/conversations`` (create: a 1:1 chat with the same
member always gets the same id, as in Teams), ``POST /v3/conversations/{id}/activities``
(send), ``POST .../activities/{activity id}`` (reply), ``PUT .../activities/{activity id}``
(update). Each becomes a :class:`Call` with the parsed JSON body.

Files a person sends the bot in the 1:1 chat: ``attachment = teams.file_attachment(name,
data)`` is the ``application/vnd.microsoft.teams.file.download.info`` attachment Teams puts
on the message; its ``downloadUrl`` (pre-authorised, as OneDrive's are) serves the bytes from
this server, each GET recorded in ``teams.downloads``.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.fakes.loopback import Failure, LoopbackServer


@dataclass
class Call:
    kind: str  # "create", "send", "reply", "update", "members"
    conversation: str
    activity_id: str | None
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    response_id: str | None = None  # the id the fake gave a sent message

    def cards(self) -> list[dict[str, Any]]:
        return [a.get("content") or {} for a in self.body.get("attachments") or []]

    def shown(self) -> str:
        """Everything a person would read: the text and every TextRun/TextBlock/label."""
        return "\n".join([self.body.get("text") or "", *_texts(self.cards())])


class FakeTeamsConnector(LoopbackServer):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: list[Failure] = []
        self._chats: dict[str, str] = {}
        self.rosters: dict[str, list[dict[str, str]]] = {}  # conversation -> its members
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        super().__init__(self._handler(), poll_interval=0.05)

    @property
    def url(self) -> str:
        return f"{self.base}/"

    def fail_next(self, times: int = 1, status: int = 500, retry_after: int | None = None) -> None:
        with self._lock:
            self._failures.extend(Failure(status, retry_after) for _ in range(times))

    def calls_to(self, conversation: str, kind: str | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.conversation == conversation and c.status < 300 and kind in (None, c.kind)
            ]

    def of_kind(self, kind: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.kind == kind and c.status < 300]

    def chat_with(self, member_id: str) -> str | None:
        """The 1:1 conversation id created for ``member_id``, if any."""
        with self._lock:
            return self._chats.get(member_id)

    def file_attachment(self, name: str, data: bytes) -> dict[str, Any]:
        file_id = f"file-{next(self._ids)}"
        with self._lock:
            self.files[file_id] = data
        return {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": name,
            "content": {
                "downloadUrl": f"{self.base}/files/{file_id}",
                "uniqueId": file_id,
                "fileType": name.rpartition(".")[2],
            },
        }

    # --- the server -----------------------------------------------------------------------

    def _answer(
        self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        parts = [unquote(p) for p in urlsplit(path).path.strip("/").split("/")]
        kind, conversation, activity_id = _route(method, parts)
        with self._lock:
            failure = self._failures.pop(0) if self._failures and kind != "unknown" else None
            status = failure.status if failure else (404 if kind == "unknown" else 200)
            if kind == "create" and not failure:
                member = ((body.get("members") or [{}])[0]).get("id", "")
                conversation = self._chats.setdefault(member, f"a:chat-{next(self._ids)}")
            call = Call(kind, conversation, activity_id, body, status, headers)
            self.calls.append(call)
            if failure:
                extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                return status, {"error": {"code": "Fake", "message": "failing"}, **extra}
            if kind == "create":
                return 201, {"id": conversation}
            if kind == "members":
                if conversation not in self.rosters:
                    call.status = 404
                    return 404, {"error": {"code": "NotFound", "message": "no roster"}}
                return 200, self.rosters[conversation]  # type: ignore[return-value]
            call.response_id = activity_id if kind == "update" else f"m-{next(self._ids)}"
            return status, {"id": call.response_id}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                if self.path.startswith("/files/"):
                    self._download()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                body = json.loads(raw or b"{}")
                status, reply = fake._answer(self.command, self.path, body, dict(self.headers))
                retry_after = reply.pop("Retry-After", None) if isinstance(reply, dict) else None
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if retry_after:
                    self.send_header("Retry-After", retry_after)
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT = do_GET = _serve

            def _download(self) -> None:
                file_id = self.path.split("/")[2]
                with fake._lock:
                    fake.downloads.append(file_id)
                    data = fake.files.get(file_id)
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def _route(method: str, parts: list[str]) -> tuple[str, str, str | None]:
    if parts[:2] != ["v3", "conversations"]:
        return "unknown", "", None
    if len(parts) == 2 and method == "POST":
        return "create", "", None
    if len(parts) == 4 and parts[3] == "members" and method == "GET":
        return "members", parts[2], None
    if len(parts) == 4 and parts[3] == "activities" and method == "POST":
        return "send", parts[2], None
    if len(parts) == 5 and parts[3] == "activities":
        return ("update" if method == "PUT" else "reply"), parts[2], parts[4]
    return "unknown", parts[2] if len(parts) > 2 else "", None


def _texts(node: Any) -> list[str]:
    """Every string under a ``text``, ``label`` or ``title`` key, depth first."""
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    if not isinstance(node, dict):
        return []
    found = [str(node[k]) for k in ("text", "label", "title") if isinstance(node.get(k), str)]
    return found + [text for value in node.values() for text in _texts(value)]
