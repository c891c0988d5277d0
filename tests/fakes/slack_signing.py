"""Sign requests exactly as Slack does, and build the bodies Slack sends.

Slack's signature: ``v0=`` + hex HMAC-SHA256 of ``"v0:{timestamp}:{raw body}"`` keyed with
the signing secret, in ``X-Slack-Signature``, with the timestamp in
``X-Slack-Request-Timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import TEAM_ID

SIGNING_SECRET = "test-signing-secret"


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack would send with ``body``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def command_body(text: str, response_url: str, user: str = "U100", channel: str = "C100") -> str:
    """A ``/policy`` slash-command body (form-encoded)."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": channel,
            "user_id": user,
            "command": "/policy",
            "text": text,
            "response_url": response_url,
            "trigger_id": "trigger-1",
        }
    )


def event_body(event: dict[str, Any], event_id: str = "Ev001") -> str:
    """An Events API ``event_callback`` body (JSON)."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    )


def action_body(payload: dict[str, Any]) -> str:
    """An interactivity body (``payload=`` JSON, form-encoded), e.g. block_actions."""
    payload = {"team": {"id": TEAM_ID}, "api_app_id": "A0001", "token": "legacy", **payload}
    return urlencode({"payload": json.dumps(payload)})
