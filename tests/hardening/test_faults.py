"""Failing dependencies: Slack's API (500, 429, unreachable) while answering and while
delivering escalations, a locked or unreachable database during submit, a full disk while
writing the index, and SIGKILL at every step of the escalation path. Nothing is lost,
nothing is delivered twice, nobody sees a traceback."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import requests
from sqlalchemy import create_engine, text

from bot import messages
from bot.answering.answerer import Answerer
from bot.errors import IndexingError
from bot.escalation.form import form_meta
from bot.escalation.outbox import Outbox
from bot.serve.runtime import Runtime, build_runtime
from bot.slack import escalation_blocks as eb
from bot.store import Store
from indexer.build import build_index
from indexer.index import SearchIndex
from tests.conftest import CORPUS_DIR
from tests.fakes.concerns import expire_leases, make_report, make_service
from tests.fakes.notifier import FakeNotifier
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import event_body
from tests.hardening.conftest import DSL_CHANNEL, Everything, with_settings
from tests.slack.live import LiveServer
from tests.slack.test_escalation_flow import submit, wait_until

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "hardening" / "crash_child.py"
SECRET_QUESTION = "can I follow Zebulon Quigley-Marsh on Instagram"
SECRET_DETAILS = "Zebulon Quigley-Marsh said his stepdad locks him out"


def mention(live: LiveServer, question: str, event_id: str, ok: tuple[int, ...] = (200,)) -> None:
    event = {
        "type": "app_mention",
        "user": "U100",
        "ts": "1.1",
        "channel": "C100",
        "text": f"<@UBOT> {question}",
    }
    assert live.event(event_body(event, event_id)).status_code in ok


def raise_view(question: str = SECRET_QUESTION) -> dict:
    meta = form_meta(question, None, "kite-college", "Sarah Miller")
    return {**eb.raise_modal(meta, None, "Sarah Miller"), "id": "V1"}


def rows(runtime: Runtime) -> dict[str, int]:
    with runtime.store.engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
            for t in ("escalations", "audit", "outbox")
        }


def delivered(fake: FakeSlackAPI, channel: str) -> Counter[str]:
    """How many times each reference was posted to ``channel``."""
    refs: Counter[str] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        if call.body["channel"] == channel:
            refs.update(r for r in _refs(call.shown()))
    return refs


def _refs(shown: str) -> set[str]:
    return set(re.findall(r"ESC-\d{4}-\d{4,}", shown))


# --- Slack failing while answering --------------------------------------------------------


def test_answers_get_through_slack_500_and_429(live, fake_slack: FakeSlackAPI) -> None:
    fake_slack.fail_next("chat.postMessage", times=1, status=500)
    mention(live, "can I follow an ex-pupil on Instagram?", "EvA1")
    fake_slack.wait_for("chat.postMessage")
    fake_slack.fail_next("chat.postMessage", times=1, status=429, retry_after=1)
    mention(live, "can I post photos of pupils?", "EvA2")
    answers = fake_slack.wait_for("chat.postMessage", 2)
    assert all("Raise with DSL" in a.shown() for a in answers)


def test_posting_an_answer_failing_for_good_is_logged_without_the_question(
    live, fake_slack: FakeSlackAPI, all_logs: Everything
) -> None:
    fake_slack.fail_next("chat.postMessage", times=20, status=500)
    mention(live, SECRET_QUESTION, "EvB1")
    assert wait_until(lambda: "Slack listener failed" in all_logs.text())
    assert requests.get(f"{live.url}/healthz", timeout=5).ok
    assert "Zebulon" not in all_logs.text() and "Traceback" not in all_logs.text()
    fake_slack._failures.clear()
    mention(live, "can I follow an ex-pupil?", "EvB2")
    fake_slack.wait_for("chat.postMessage")  # the next question is answered


def test_slack_unreachable_while_answering_is_logged_and_survived(
    settings, real_answerer: Answerer, all_logs: Everything
) -> None:
    dead = with_settings(settings, slack_api_url="http://127.0.0.1:9/api/")
    runtime = build_runtime(dead, real_answerer)
    with LiveServer(runtime.web_app()) as live:
        # Bolt checks the token with auth.test first: unreachable -> 500, and Slack retries
        mention(live, SECRET_QUESTION, "EvC1", ok=(200, 500))
        assert wait_until(lambda: "Slack listener failed" in all_logs.text())
        assert requests.get(f"{live.url}/healthz", timeout=5).ok
    runtime.close()
    assert "Zebulon" not in all_logs.text()


# --- Slack failing while delivering escalations -------------------------------------------


def test_escalations_submitted_during_an_outage_are_delivered_exactly_once(
    live, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    fake_slack.fail_next("chat.postMessage", times=4, status=500)
    fake_slack.fail_next("chat.postMessage", times=2, status=429, retry_after=1)
    fake_slack.fail_next("conversations.open", times=2, status=503)
    for i in range(5):
        reply = submit(live, raise_view(), f"{SECRET_DETAILS} ({i})")
        assert reply["response_action"] == "update"
    refs = {esc.ref for esc in runtime.escalations.list_all()}
    assert len(refs) == 5
    assert wait_until(lambda: runtime.outbox.pending() == 0, timeout=30)
    assert delivered(fake_slack, DSL_CHANNEL) == Counter({ref: 1 for ref in refs})
    assert delivered(fake_slack, "D100") == Counter({ref: 1 for ref in refs})


# --- the database failing during submit ---------------------------------------------------


def test_a_locked_database_tells_the_reporter_to_go_in_person_then_saves_once(
    live, fake_slack: FakeSlackAPI, runtime: Runtime, settings
) -> None:
    path = settings.database_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    release = threading.Timer(4.0, holder.execute, ("ROLLBACK",))
    release.start()
    try:
        reply = submit(live, raise_view(), SECRET_DETAILS)
    finally:
        release.join()
        holder.close()
    assert messages.STORE_SLOW in json.dumps(reply)
    # the write was only waiting: once the lock goes it is saved whole and delivered once
    assert wait_until(lambda: rows(runtime)["escalations"] == 1, timeout=40)
    assert rows(runtime) == {"escalations": 1, "audit": 1, "outbox": 2}
    assert wait_until(lambda: runtime.outbox.pending() == 0, timeout=30)
    assert sum(delivered(fake_slack, DSL_CHANNEL).values()) == 1


def test_an_unreachable_database_tells_the_reporter_to_go_in_person(
    live, fake_slack: FakeSlackAPI, runtime: Runtime, all_logs: Everything
) -> None:
    working = runtime.store.engine
    runtime.store.engine = create_engine(  # a stopped PostgreSQL / a bad DATABASE_URL
        "postgresql+psycopg://policybot:pw@127.0.0.1:9/policybot", hide_parameters=True
    )
    try:
        reply = submit(live, raise_view(), SECRET_DETAILS)
    finally:
        runtime.store.engine.dispose()
        runtime.store.engine = working
    shown = json.dumps(reply)
    assert messages.STORE_UNAVAILABLE in shown and "Traceback" not in shown
    assert "psycopg" not in shown and "Error" not in shown
    assert rows(runtime) == {"escalations": 0, "audit": 0, "outbox": 0}
    assert "Zebulon" not in all_logs.text()
    time.sleep(0.3)
    assert delivered(fake_slack, DSL_CHANNEL) == Counter()


def test_serve_with_an_unreachable_database_fails_with_a_sentence(settings) -> None:
    bad = with_settings(settings, database_url="postgresql://u:pw@127.0.0.1:9/none")
    with pytest.raises(Exception) as caught:
        build_runtime(bad, object())
    assert "Traceback" not in str(caught.value) and "pw" not in str(caught.value)


# --- a full disk while writing the index --------------------------------------------------


def test_disk_full_while_writing_the_index_keeps_the_old_one_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "index"
    build_index([CORPUS_DIR], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    serving = Answerer.from_index(out)
    expected = serving.answer("can I follow an ex-pupil on Instagram?").best.passage.id

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "save", disk_full)
    shutil.copytree(CORPUS_DIR, tmp_path / "corpus")  # another root: the index is rewritten
    with pytest.raises(IndexingError) as caught:
        build_index([tmp_path / "corpus"], out)
    assert "previous index is unchanged" in str(caught.value)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".index.*"))
    assert serving.answer("can I follow an ex-pupil on Instagram?").best.passage.id == expected
    assert Answerer(SearchIndex.load(out), {}).answer("ex-pupil instagram").hits


# --- SIGKILL at every step of the escalation path -----------------------------------------

STEPS = ["after-store", "after-post-sent", "after-post-recorded", "after-receipt-sent"]


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_sigkill_at_every_step_loses_nothing_and_sends_nothing_twice(
    step: str, database_url: str, tmp_path: Path
) -> None:
    store = Store.open(database_url)  # as serve opens it: the database's clock
    log = tmp_path / "platform.sqlite"
    FakeNotifier(log)
    ref = (
        None
        if step == "after-store"
        else make_service(store, store.clock).submit(make_report()).ref
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.run(
        [sys.executable, str(CHILD), step, database_url, str(log)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    ref = ref or child.stdout.strip()
    assert ref.startswith("ESC-")
    expire_leases(store)  # the dead process's lease runs out
    restarted = Outbox(store, FakeNotifier(log))
    restarted.deliver_due()
    restarted.deliver_due()
    counts = Counter(FakeNotifier(log).keys())
    assert counts == {f"{ref}/post": 1, f"{ref}/receipt": 1, f"{ref}/delivered": 1}
    assert restarted.pending() == 0
    esc = make_service(store, store.clock).get(ref)
    assert esc.destination_message_id is not None
    store.close()
