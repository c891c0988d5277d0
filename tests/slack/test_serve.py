"""``policybot serve`` as the Procfile runs it (a real process on a loopback port, the real
bundled corpus and index) and ``policybot doctor``, both against the fake Slack Web API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import click
import pytest
import requests
from click.testing import CliRunner

from bot import messages
from bot.cli.serve import doctor
from bot.serve.config import Settings
from indexer.build import build_index
from tests.fakes.loopback import free_port
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import SIGNING_SECRET, command_body, event_body, sign

REPO = Path(__file__).resolve().parents[2]
KEEP_DISTANCE = "Keep a professional distance from pupils and ex-pupils"
SERVE = (
    "from bot.cli.serve import serve; from bot.serve.config import load_settings; "
    "serve(obj=load_settings())"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("index") / "index"
    build_index([REPO / "corpus"], out)
    return out


@pytest.fixture
def served(fake_slack: FakeSlackAPI, index_dir: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "POLICYBOT_CORPUS": str(REPO / "corpus"),
        "POLICYBOT_INDEX": str(index_dir),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "DSL_USER_IDS": "UDSL",
        "PORT": str(port),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--host", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_healthy(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("policybot serve did not become healthy")


def _post(url: str, body: str, ctype: str) -> requests.Response:
    headers = {"Content-Type": ctype, **sign(body)}
    return requests.post(f"{url}/slack/events", data=body.encode(), headers=headers, timeout=5)


def test_served_process_answers_from_the_bundled_corpus(served: str, fake_slack: FakeSlackAPI):
    body = command_body("can I follow an ex-pupil on Instagram?", fake_slack.response_url("a"))
    assert _post(served, body, "application/x-www-form-urlencoded").status_code == 200
    (answer,) = fake_slack.wait_for("response_url")
    assert KEEP_DISTANCE in answer.shown()
    assert "Raise with DSL" in answer.shown()


def test_served_process_answers_a_disclosure_privately(served: str, fake_slack: FakeSlackAPI):
    event = {
        "type": "app_mention",
        "user": "U100",
        "ts": "1.1",
        "channel": "C100",
        "text": "<@UBOT> a pupil told me her uncle hits her, what do I do",
    }
    assert _post(served, event_body(event), "application/json").ok
    posts = fake_slack.wait_for("chat.postMessage", 2)
    in_channel = [p for p in posts if p.body["channel"] == "C100"]
    assert [p.body["text"] for p in in_channel] == [messages.SLACK_PRIVATE_REPLY_SENT]
    (private,) = [p for p in posts if p.body["channel"] == "D100"]
    assert "999" in private.shown()


def _doctor(settings: Settings) -> click.testing.Result:
    group = click.Group(commands={"doctor": doctor})
    return CliRunner().invoke(group, ["doctor"], obj=settings)


def test_doctor_passes_a_complete_setup(fake_slack, settings, index_dir, tmp_path):
    fake_slack.channels["GDSL"] = {"id": "GDSL", "is_private": True}
    ok = replace(
        settings,
        corpus_dir=REPO / "corpus",
        index_path=index_dir,
        database_url=f"sqlite:///{tmp_path / 'db'}",
        dsl_channel_id="GDSL",
        slack_app_token="xapp-1",
        headteacher_user_ids=("UH",),
        chair_user_ids=("UC",),
    )
    result = _doctor(ok)
    assert result.exit_code == 0, result.output
    assert messages.DOCTOR_OK in result.output
    assert [c.method for c in fake_slack.calls] == ["auth.test", "conversations.info"]


def test_doctor_says_what_is_missing(fake_slack, settings, tmp_path):
    fake_slack.valid_tokens = {"xoxb-other"}
    bad = replace(
        settings,
        index_path=tmp_path / "none",
        database_url=f"sqlite:///{tmp_path / 'db'}",
        dsl_user_ids=(),
        dsl_channel_id=None,
    )
    result = _doctor(bad)
    assert result.exit_code == 1
    assert (
        messages.DOCTOR_INDEX_MISSING.format(path=bad.index_path, corpus=bad.corpus_dir)
        in result.output
    )
    assert "Slack refused the bot token (invalid_auth)" in result.output
    assert messages.DOCTOR_NO_DSL_USERS in result.output
    assert "xoxb-test" not in result.output


def test_doctor_refuses_a_public_or_unknown_dsl_channel(fake_slack, settings, tmp_path):
    fake_slack.channels["CPUB"] = {"id": "CPUB", "is_private": False}
    public = replace(settings, dsl_channel_id="CPUB", database_url=f"sqlite:///{tmp_path / 'db'}")
    assert messages.DOCTOR_CHANNEL_PUBLIC.format(channel="CPUB") in _doctor(public).output
    missing = replace(public, dsl_channel_id="GNONE")
    assert "GNONE cannot be used (channel_not_found)" in _doctor(missing).output
