"""A policybot process that dies by SIGKILL at a chosen step of the escalation path.

python tests/hardening/crash_child.py STEP DATABASE_URL PLATFORM_LOG

    after-store          submit one escalation, print its reference, SIGKILL
    after-post-sent      send the DSL post, SIGKILL before recording it
    after-post-recorded  send and record the DSL post, SIGKILL before the receipt
    after-receipt-sent   post + record, send the receipt, SIGKILL before recording it

The steps after the first need one escalation already stored (the test submits it).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from bot.escalation.outbox import Outbox
from bot.store import Store
from tests.fakes.concerns import make_report, make_service
from tests.fakes.notifier import FakeNotifier


def main(step: str, url: str, log: str) -> None:
    store = Store.open(url)
    if step == "after-store":
        print(make_service(store, store.clock).submit(make_report()).ref, flush=True)
    elif step == "after-post-sent":
        Outbox(store, FakeNotifier(Path(log), crash_after_send=True)).deliver_due(1)
    elif step == "after-post-recorded":
        Outbox(store, FakeNotifier(Path(log))).deliver_due(1)
    elif step == "after-receipt-sent":
        Outbox(store, FakeNotifier(Path(log))).deliver_due(1)
        Outbox(store, FakeNotifier(Path(log), crash_after_send=True)).deliver_due(1)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main(*sys.argv[1:])
