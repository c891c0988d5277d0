"""``policybot serve`` for a Teams-only school, as the Procfile runs it: a real process on a
loopback port with the bundled corpus, POST /api/messages answered through the fake Bot
Connector, and a concern delivered by the process's own outbox worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot import messages
from tests.fakes.loopback import free_port
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.teams.activities import (
    DSL,
    DSL_CHANNEL,
    ONLY_DSLS,
    STAFF,
    channel,
    message,
    personal,
    submit,
)

REPO = Path(__file__).resolve().parents[2]
SERVE = (
    "from bot.cli.serve import serve; from bot.serve.config import load_settings; "
    "serve(obj=load_settings())"
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port, log = free_port(), tmp_path / "serve.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "POLICYBOT_CORPUS": str(REPO / "corpus"),
        "POLICYBOT_INDEX": str(tmp_path / "index"),
        "POLICYBOT_SCHOOL": "kite-college",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "TEAMS_DSL_AAD_IDS": DSL["aadObjectId"],
        "POLICYBOT_TEAMS_INSECURE_DEV": "1",  # anonymous, against the loopback fake
        "PORT": str(port),
    }
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE, "--host", "127.0.0.1"], env=env, cwd=tmp_path, stderr=err
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(lambda: proc.poll() is None and _healthy(url), log)
            yield url, log
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=1).ok
    except requests.ConnectionError:
        return False


def _wait_for(condition, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out; server log:\n{log.read_text()[-3000:]}")


def test_teams_only_school_is_answered_and_escalated_by_policybot_serve(served) -> None:
    url, log = served
    post = lambda activity: requests.post(f"{url}/api/messages", json=activity, timeout=10)  # noqa: E731
    with FakeTeamsConnector() as teams:
        teams.rosters[DSL_CHANNEL] = ONLY_DSLS
        post(message(teams.url, "setup dsl", user=DSL, conversation=channel(DSL_CHANNEL)))
        post(message(teams.url, "can I follow an ex-pupil on Instagram?"))
        [answer] = teams.calls_to(personal(STAFF)["id"])
        assert "Instagram" in answer.shown() or "social media" in answer.shown().lower()

        form = {"verb": "raise_submit", "q": "q", "details": "facts", "risk": "no", "about": "no"}
        post(submit(teams.url, form, replyToId="m-form"))
        _wait_for(lambda: len(teams.calls_to(DSL_CHANNEL, "send")) == 1, log)

    assert "ESC-" in teams.calls_to(DSL_CHANNEL, "send")[0].shown()
    assert "ANONYMOUS" in log.read_text()
    assert messages.TEAMS_SETUP_DONE in teams.calls_to(channel(DSL_CHANNEL)["id"])[0].shown()
