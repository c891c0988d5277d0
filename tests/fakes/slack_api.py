"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records every call.

Use it as a context manager; point ``SLACK_API_URL`` at ``fake.url`` and give slash commands
``fake.response_url("x")`` as their response_url::

    with FakeSlackAPI() as slack:
        ...
        posts = slack.wait_for("chat.postMessage")
        slack.fail_next("chat.postMessage", times=2, status=429, retry_after=1)

Files a person sends the bot: ``file_id = fake.add_file("policy.pdf", data)`` gives the id
to put in a ``message`` event's ``files``; ``files.info`` describes it and its
``url_private_download`` (GET, ``Authorization: Bearer <bot token>``) serves the bytes, recorded
as method ``"file_download"``.

Each call is recorded as a :class:`Call` (method, parsed form/JSON body, HTTP status) —
response_url POSTs as method ``"response_url"`` with ``path_id``. Messages posted are kept
per channel so ``conversations.history`` returns them (with their metadata), newest first.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.loopback import Failure, LoopbackServer

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
JSON_FIELDS = ("blocks", "view", "metadata", "attachments")


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    status: int = 200
    path_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived (for benchmarks)

    def text(self) -> str:
        """The whole body as one string (for 'is X anywhere in it?')."""
        return json.dumps(self.body, ensure_ascii=False)

    def shown(self) -> str:
        """Only what Slack would display: every string under a ``text`` key, joined."""
        return "\n".join(_shown(self.body))


class FakeSlackAPI(LoopbackServer):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.valid_tokens: set[str] | None = None
        # OAuth: client id -> secret; one-time codes -> the workspace they install; the bot
        # token issued to each workspace (auth.test answers for the token's own team)
        self.oauth_clients: dict[str, str] = {}
        self.oauth_codes: dict[str, dict[str, str]] = {}
        self.issued: dict[str, dict[str, str]] = {}
        self.revoked: set[str] = set()
        self.slow: dict[str, float] = {}  # method -> seconds every call of it takes
        self.down: set[str] = set()  # channels whose chat.postMessage answers HTTP 500
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}  # id -> (info, bytes)
        self._failures: dict[str, list[Failure]] = {}
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        super().__init__(_handler_for(self))

    # -- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The value for SLACK_API_URL."""
        return f"{self.base}/api/"

    def response_url(self, path_id: str) -> str:
        return f"{self.base}/response/{path_id}"

    # -- control and inspection ------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        times: int = 1,
        status: int = 500,
        retry_after: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status`` (429 + Retry-After).

        ``delay`` seconds pass before the answer; with ``status=200`` the call then succeeds
        (a timeout for a client that gave up first, after the message went out)."""
        with self._cond:
            self._failures.setdefault(method, []).extend(
                Failure(status, retry_after, delay) for _ in range(times)
            )

    def calls_to(self, method: str, include_failed: bool = False) -> list[Call]:
        with self._cond:
            return [
                c for c in self.calls if c.method == method and (include_failed or c.status == 200)
            ]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until ``count`` successful calls of ``method`` arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.calls_to(method)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(f"waited for {count} x {method}; calls seen: {seen}")
                self._cond.wait(left)
            return self.calls_to(method)

    def wait_for_where(
        self, method: str, count: int = 1, timeout: float = 10.0, **match: str
    ) -> list[Call]:
        """Like :meth:`wait_for`, counting only calls whose body has the ``match`` values."""
        deadline = time.monotonic() + timeout

        def matching() -> list[Call]:
            return [
                c
                for c in self.calls_to(method)
                if all(c.body.get(k) == v for k, v in match.items())
            ]

        with self._cond:
            while len(matching()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"waited for {count} x {method} {match}")
                self._cond.wait(left)
            return matching()

    def grant(self, code: str, team_id: str, team_name: str, user_id: str) -> str:
        """Slack's consent page, approved: ``code`` (for /slack/oauth_redirect) installs the
        app in ``team_id`` for ``user_id``; the bot token oauth.v2.access will issue."""
        token = f"xoxb-{team_id.lower()}"
        self.oauth_codes[code] = {"team_id": team_id, "team_name": team_name, "user_id": user_id}
        self.issued[token] = {"team_id": team_id, "team_name": team_name}
        return token

    def token_of(self, call: Call) -> str | None:
        """The bot token a recorded call was made with."""
        auth = call.headers.get("Authorization") or call.headers.get("authorization") or ""
        return auth.removeprefix("Bearer ") or None

    def add_file(self, name: str, data: bytes, mimetype: str = "application/pdf") -> str:
        """A file as Slack stores one a person uploaded; returns its id."""
        file_id = f"F{next(self._ts):06d}"
        info = {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "filetype": name.rpartition(".")[2],
            "size": len(data),
            "url_private": f"{self.base}/files/{file_id}/{name}",
            "url_private_download": f"{self.base}/files/{file_id}/download/{name}",
        }
        self.files[file_id] = (info, data)
        return file_id

    # -- the API ---------------------------------------------------------------------------

    def handle(
        self, method: str, body: dict[str, Any], token: str | None, auth: str = ""
    ) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return _oauth_v2_access(self, body, auth)
        if token in self.revoked or (
            self.valid_tokens is not None and token not in self.valid_tokens
        ):
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test" and token in self.issued:
            team = self.issued[token]
            return {**_auth_test(self, body), "team_id": team["team_id"], "team": team["team_name"]}
        handler = _METHODS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(self, body)

    def record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def take_failure(self, method: str) -> Failure | None:
        with self._cond:
            pending = self._failures.get(method)
            return pending.pop(0) if pending else None

    def next_ts(self) -> str:
        n = next(self._ts)
        return f"{1700000000 + n}.{n:06d}"


def _shown(node: Any, key: str = "") -> list[str]:
    if isinstance(node, dict):
        return [text for k, v in node.items() for text in _shown(v, k)]
    if isinstance(node, list):
        return [text for item in node for text in _shown(item, key)]
    return [node] if key == "text" and isinstance(node, str) else []


def _auth_test(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://fake.slack.test/",
        "team": "Fake School",
        "user": "policybot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
    }


def _oauth_v2_access(fake: FakeSlackAPI, body: dict[str, Any], auth: str) -> dict[str, Any]:
    """Exchange a one-time code for a bot token; the client proves itself with HTTP Basic
    auth (or client_id / client_secret in the body), as slack_sdk sends them."""
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if auth.startswith("Basic "):
        client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
    if not client_id or fake.oauth_clients.get(str(client_id)) != secret:
        return {"ok": False, "error": "invalid_client_id"}
    grant = fake.oauth_codes.pop(str(body.get("code")), None)
    if grant is None:
        return {"ok": False, "error": "invalid_code"}
    token = next(t for t, team in fake.issued.items() if team["team_id"] == grant["team_id"])
    return {
        "ok": True,
        "app_id": "A0001",
        "authed_user": {"id": grant["user_id"]},
        "scope": "chat:write,commands",
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": BOT_USER_ID,
        "team": {"id": grant["team_id"], "name": grant["team_name"]},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _post_message(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    channel = str(body.get("channel", ""))
    if channel.startswith("U"):
        channel = "D" + channel[1:]
    message = {
        "type": "message",
        "ts": fake.next_ts(),
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": body.get("text", ""),
        "blocks": body.get("blocks"),
        "metadata": body.get("metadata"),
        "thread_ts": body.get("thread_ts"),
    }
    fake.messages.setdefault(channel, []).append(message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}


def _permalink(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    channel, ts = str(body.get("channel")), str(body.get("message_ts"))
    if not any(m["ts"] == ts for m in fake.messages.get(channel, [])):
        return {"ok": False, "error": "message_not_found"}
    link = f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"
    return {"ok": True, "channel": channel, "permalink": link}


def _post_ephemeral(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "message_ts": fake.next_ts()}


def _update(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    for message in fake.messages.get(str(body.get("channel")), []):
        if message["ts"] == body.get("ts"):
            message.update(text=body.get("text", ""), blocks=body.get("blocks"))
            return {"ok": True, "channel": body["channel"], "ts": message["ts"]}
    return {"ok": False, "error": "message_not_found"}


def _view(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    view = dict(body.get("view") or {})
    view.setdefault("id", body.get("view_id") or f"V{next(fake._ts):06d}")
    return {"ok": True, "view": {**view, "hash": "fakehash"}}


def _conversations_open(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    user = str(body.get("users", "")).split(",")[0]
    return {"ok": True, "channel": {"id": "D" + user[1:]}}


def _conversations_info(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    channel = fake.channels.get(str(body.get("channel")))
    if channel is None:
        return {"ok": False, "error": "channel_not_found"}
    return {"ok": True, "channel": channel}


def _conversations_history(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    messages = list(reversed(fake.messages.get(str(body.get("channel")), [])))
    return {"ok": True, "messages": messages, "has_more": False}


def _files_info(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    found = fake.files.get(str(body.get("file")))
    if found is None:
        return {"ok": False, "error": "file_not_found"}
    return {"ok": True, "file": found[0]}


def _users_info(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    user = fake.users.get(str(body.get("user")))
    if user is None:
        return {"ok": False, "error": "user_not_found"}
    return {"ok": True, "user": user}


_METHODS = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.postEphemeral": _post_ephemeral,
    "chat.update": _update,
    "chat.getPermalink": _permalink,
    "views.open": _view,
    "views.update": _view,
    "views.publish": _view,
    "views.push": _view,
    "conversations.open": _conversations_open,
    "conversations.info": _conversations_info,
    "conversations.history": _conversations_history,
    "users.info": _users_info,
    "files.info": _files_info,
}


def _handler_for(fake: FakeSlackAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``fake.calls`` instead."""

        def do_POST(self) -> None:
            body = _parse_body(self)
            path = self.path.split("?", 1)[0]
            if path.startswith("/response/"):
                fake.record(Call("response_url", body, path_id=path.rsplit("/", 1)[1]))
                self._send(200, b"ok", "text/plain")
                return
            method = path.removeprefix("/api/")
            failure = fake.take_failure(method)
            time.sleep(fake.slow.get(method, 0.0))
            if failure is not None and failure.delay:
                time.sleep(failure.delay)
            if (
                failure is None
                and method == "chat.postMessage"
                and body.get("channel") in fake.down
            ):
                failure = Failure(500, None)
            if failure is not None and failure.status != 200:
                fake.record(Call(method, body, status=failure.status))
                self._fail(failure)
                return
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") or None
            result = fake.handle(method, body, token or body.get("token"), auth)
            fake.record(Call(method, body, headers=dict(self.headers)))
            self._send(200, json.dumps(result).encode(), "application/json")

        def do_GET(self) -> None:
            if self.path.startswith("/files/"):
                self._download()
            else:
                self.do_POST()

        def _download(self) -> None:
            """A file's bytes for a bot token (Slack's url_private needs one)."""
            token = self.headers.get("Authorization", "").removeprefix("Bearer ") or None
            file_id = self.path.split("/")[2]
            allowed = token is not None and (
                fake.valid_tokens is None or token in fake.valid_tokens
            )
            found = fake.files.get(file_id)
            status = 200 if allowed and found else 403 if not allowed else 404
            fake.record(Call("file_download", {"file": file_id}, status=status))
            if status != 200 or found is None:
                self._send(status, b"", "text/plain")
                return
            self._send(200, found[1], found[0]["mimetype"])

        def _fail(self, failure: Failure) -> None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            code = "ratelimited" if failure.status == 429 else "internal_error"
            error = b'{"ok": false, "error": "%s"}' % code.encode()  # JSON, as Slack answers
            self._send(failure.status, error, "application/json", headers)

        def _send(
            self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _parse_body(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length).decode("utf-8") if length else ""
    query = handler.path.partition("?")[2]
    if "json" in handler.headers.get("Content-Type", ""):
        body: dict[str, Any] = json.loads(raw or "{}")
    else:
        body = dict(parse_qsl(raw, keep_blank_values=True))
    body.update(parse_qsl(query, keep_blank_values=True))
    for name in JSON_FIELDS:
        if isinstance(body.get(name), str):
            try:
                body[name] = json.loads(body[name])
            except ValueError:
                pass
    return body
