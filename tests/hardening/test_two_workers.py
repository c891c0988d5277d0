"""Issue 15, failure 2: two ``policybot serve`` processes share one database; Slack takes
longer to answer ``chat.postMessage`` than an outbox lease lasts, and the second worker's
clock is 90 s ahead. Every DSL gets each escalation once and every reporter one receipt:
leases are renewed while a delivery runs, fenced by a token, and timed by the database's
clock, so neither a slow Slack nor a worker's wrong clock makes a second delivery."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from benchmarks.soak import drain, serve_worker, wait_healthy
from bot.escalation.form import form_meta
from bot.slack import escalation_blocks as eb
from indexer.build import build_index
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body, sign

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "fakes" / "serve_child.py"
SKEW = 90.0  # seconds the second worker's clock is ahead
CASES = {  # name: (outbox lease, seconds Slack takes per chat.postMessage)
    "lease-shorter-than-slack": (2.0, 3.0),  # renewed while the post runs
    "default-lease-skew-beyond-it": (60.0, 1.0),  # 90 s > 60 s: only the DB clock saves it
}
DSLS = ("UDSL1", "UDSL2")  # no DSL channel: each DSL gets a DM, one after the other
ESCALATIONS = 4


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("index") / "index"
    build_index([ROOT / "corpus"], out)
    return out


@pytest.fixture(params=list(CASES))
def workers(
    request: pytest.FixtureRequest, index_dir: Path, tmp_path: Path
) -> Iterator[tuple[FakeSlackAPI, str, list[str]]]:
    lease, slow = CASES[request.param]
    db = f"sqlite:///{tmp_path / 'policybot.db'}"
    with FakeSlackAPI() as fake:
        fake.slow["chat.postMessage"] = slow
        dms = {"DSL_USER_IDS": ",".join(DSLS), "DSL_CHANNEL_ID": ""}
        procs = [serve_worker(fake, index_dir, db, tmp_path, t, lease, **dms) for t in (0.0, SKEW)]
        try:
            yield fake, db, [wait_healthy(proc, port) for proc, port in procs]
        finally:
            for proc, _ in procs:
                proc.terminate()
                proc.wait(timeout=20)


def _submit(url: str, n: int) -> str:
    meta = form_meta("can I follow an ex-pupil on Instagram?", None, "kite-college", "DSL")
    view = {**eb.raise_modal(meta, None, "DSL"), "id": f"V{n}", "hash": f"h{n}"}
    state = {
        "details": {"details": {"type": "plain_text_input", "value": f"marker {n}"}},
        "risk": {"risk": {"selected_option": {"value": "no"}}},
        "about": {"about": {"selected_option": {"value": "no"}}},
        "told": {"told": {"selected_option": {"value": "no"}}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": f"UREP{n}"},
        "view": {**view, "state": {"values": state}},
    }
    body = action_body(payload)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    response = requests.post(f"{url}/slack/events", data=body.encode(), headers=headers)
    assert response.status_code == 200
    found = re.search(r"ESC-\d{4}-\d{4}", response.text)
    assert found is not None, "the reporter was not given a reference"
    return found.group()


def test_slow_slack_and_skewed_clocks_deliver_each_message_once(workers) -> None:
    fake, db, urls = workers
    refs = [_submit(urls[n % 2], n) for n in range(ESCALATIONS)]
    assert drain(db, timeout=120)

    keys = Counter(
        (channel, (m.get("metadata") or {}).get("event_payload", {}).get("key"))
        for channel, messages in fake.messages.items()
        for m in messages
    )
    expected = Counter(
        {("D" + dsl[1:], f"{ref}/post"): 1 for ref in refs for dsl in DSLS}
        | {(f"DREP{n}", f"{ref}/receipt"): 1 for n, ref in enumerate(refs)}
    )
    assert keys == expected  # every DSL once per escalation, every reporter once
