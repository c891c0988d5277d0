"""Inputs that used to crash: each gets a clear answer instead. Duplicated Slack signature
headers (401, not 500), a database that fails during Slack's event de-duplication (the
question is answered anyway, and logged), and file names or document text carrying rich
markup, ANSI escapes and newlines (printed as themselves)."""

from __future__ import annotations

import io
import logging
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from sqlalchemy import text

from bot.cli.main import cli
from bot.cli.terminal import render
from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import event_body, sign
from tests.hardening.conftest import hostile_answer
from tests.slack.live import LiveServer

MENTION = {
    "type": "app_mention",
    "user": "U100",
    "ts": "1.1",
    "channel": "C100",
    "text": "<@UBOT> can I follow an ex-pupil on Instagram?",
}
POLICY = "Phones policy\n\n1. Staff must not photograph pupils on a personal phone.\n"


def post_raw(live: LiveServer, body: str, headers: list[tuple[str, str]]) -> int:
    """POST with exactly these header lines (repeats kept); the response's status."""
    host, port = "127.0.0.1", int(live.url.rsplit(":", 1)[1])
    head = [
        "POST /slack/events HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: close",
        f"Content-Length: {len(body.encode())}",
        "Content-Type: application/json",
        *(f"{name}: {value}" for name, value in headers),
    ]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body.encode())
        raw = b"".join(iter(lambda: sock.recv(65536), b""))
    return int(raw.split(b" ", 2)[1])


@pytest.mark.parametrize("twice", ["X-Slack-Request-Timestamp", "X-Slack-Signature"])
@pytest.mark.parametrize("forged_first", [True, False], ids=["forged-first", "forged-last"])
def test_a_duplicated_signature_header_is_refused_with_401(
    live: LiveServer, fake_slack: FakeSlackAPI, twice: str, forged_first: bool
) -> None:
    """web.py read the first copy and Bolt the last: a forged first copy got through, a
    garbage last one made Bolt raise (500)."""
    body = event_body(MENTION, "EvTwice")
    forged = {
        "X-Slack-Request-Timestamp": "1" if forged_first else "yesterday",
        "X-Slack-Signature": "v0=" + "0" * 64,
    }
    headers = list(sign(body).items())
    at = 0 if forged_first else len(headers)
    headers.insert(at, (twice, forged[twice]))
    assert post_raw(live, body, headers) == 401
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_database_failure_in_deduplication_still_answers_and_is_logged(
    live: LiveServer,
    fake_slack: FakeSlackAPI,
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with runtime.store.engine.begin() as conn:
        conn.execute(text("DROP TABLE processed_events"))  # every insert into it now fails
    caplog.set_level(logging.WARNING)
    body = event_body(MENTION, "EvNoDatabase")
    assert post_raw(live, body, list(sign(body).items())) == 200
    fake_slack.wait_for("chat.postMessage")
    assert "de-duplication failed" in caplog.text
    assert "Instagram" not in caplog.text  # the question is never logged


def test_file_names_with_markup_and_control_characters_print_as_themselves(
    tmp_path: Path,
) -> None:
    school = tmp_path / "corpus" / "kite-college"
    school.mkdir(parents=True)
    (school / "good.txt").write_text(POLICY)
    for name in ("kite[.txt", "policy].txt", "[bold]x[red].txt", "evil\x1b[2J\nFAKE.txt"):
        (school / name).write_bytes(b"")  # empty: each gets a line naming it
    result = CliRunner().invoke(cli, ["index", str(school.parent), "--out", str(tmp_path / "i")])
    assert result.exception is None, result.output
    assert result.exit_code == 0
    for shown in ("kite[.txt", "policy].txt", "[bold]x[red].txt", "evil\ufffd[2J\ufffdFAKE.txt"):
        assert shown in result.output
    assert "\x1b" not in result.output and "\nFAKE" not in result.output


def test_document_text_cannot_drive_the_terminal() -> None:
    title = "Kite[ policy] \x1b[2J\x1b]0;owned\x07 \u202egnp.exe\nFAKE LINE"
    answer = hostile_answer("q", "Staff must \x1b[31mreport\x1b[0m.", "ctx\r", title, "none")
    out = io.StringIO()
    render(answer, Console(file=out, width=200, force_terminal=False, color_system=None))
    printed = out.getvalue()
    assert "Kite[ policy]" in printed
    assert not any(c in printed for c in "\x1b\x07\r\u202e")
    assert "\nFAKE LINE" not in printed
