"""Crashes and several worker processes: nothing lost, nothing delivered twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.escalation.outbox import Outbox
from bot.store import Store
from tests.fakes.concerns import expire_leases, make_report, make_service
from tests.fakes.notifier import FakeNotifier

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "fakes" / "outbox_child.py"
pytestmark = pytest.mark.slow


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """The store as ``serve`` opens it: lease and due times from the database's own clock."""
    opened = Store.open(database_url)
    yield opened
    opened.close()


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )


def test_killed_after_store_before_delivery_is_delivered_once_after_restart(
    store, database_url
) -> None:
    child = _spawn("submit", database_url)
    assert child.stdout is not None
    ref = child.stdout.readline().strip()  # printed only after the commit
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert ref.startswith("ESC-")
    notifier = FakeNotifier()
    restarted = Outbox(store, notifier)  # a new process would start exactly like this
    assert restarted.deliver_due() == 3
    assert restarted.deliver_due() == 0
    assert sorted(notifier.keys()) == [f"{ref}/delivered", f"{ref}/post", f"{ref}/receipt"]


def test_killed_after_sending_before_recording_is_not_sent_again(
    store, database_url, tmp_path
) -> None:
    esc = make_service(store, store.clock).submit(make_report())
    log = tmp_path / "platform.sqlite"
    child = _spawn("crash-after-send", database_url, str(log))
    assert child.wait(timeout=60) == -signal.SIGKILL
    notifier = FakeNotifier(log)
    assert notifier.keys() == [f"{esc.ref}/post"]  # the platform got it; the row is pending
    expire_leases(store)
    later = Outbox(store, notifier)
    assert later.deliver_due() == 3  # lease expired: found the post, sent receipt + update
    assert Counter(notifier.keys()) == {
        f"{esc.ref}/post": 1,
        f"{esc.ref}/receipt": 1,
        f"{esc.ref}/delivered": 1,
    }
    stored = make_service(store, store.clock).get(esc.ref)
    assert stored.destination_message_id == notifier.sent()[0].message_id


def test_two_worker_processes_deliver_each_item_exactly_once(store, database_url, tmp_path) -> None:
    service = make_service(store, store.clock)
    refs = [service.submit(make_report()).ref for _ in range(30)]
    log, go = tmp_path / "platform.sqlite", tmp_path / "go"
    FakeNotifier(log)  # create the shared log before the workers race to
    workers = [_spawn("drain", database_url, str(log), str(go)) for _ in range(2)]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    go.touch()
    delivered = [int(w.communicate(timeout=120)[0].strip()) for w in workers]
    sent = FakeNotifier(log).sent()
    counts = Counter(s.key for s in sent)
    assert len(counts) == 90 and set(counts.values()) == {1}  # post, receipt, "delivered"
    assert sum(delivered) == 90
    assert {s.ref for s in sent} == set(refs)
    print(f"two workers delivered {delivered} from {len({s.pid for s in sent})} processes")
