"""A separate policybot process for the crash and multi-worker tests.

python tests/fakes/outbox_child.py submit DATABASE_URL
    submit one escalation, print its reference, then wait to be killed
python tests/fakes/outbox_child.py crash-after-send DATABASE_URL LOG
    deliver one item and SIGKILL itself after the platform got it, before recording
python tests/fakes/outbox_child.py drain DATABASE_URL LOG GO_FILE
    print "ready", wait for GO_FILE, deliver until the outbox is empty, print the count
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.escalation.outbox import Outbox
from bot.store import Store
from tests.fakes.concerns import make_report, make_service
from tests.fakes.notifier import FakeNotifier


def main(mode: str, url: str, *rest: str) -> None:
    store = Store.open(url)
    if mode == "submit":
        print(make_service(store, store.clock).submit(make_report()).ref, flush=True)
        time.sleep(600)
    elif mode == "crash-after-send":
        Outbox(store, FakeNotifier(Path(rest[0]), crash_after_send=True)).deliver_due(1)
    elif mode == "drain":
        drain(Outbox(store, FakeNotifier(Path(rest[0]))), Path(rest[1]))


def drain(outbox: Outbox, go: Path) -> None:
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.01)
    delivered = 0
    while outbox.pending():
        delivered += outbox.deliver_due(5)
    print(delivered, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
