"""``policybot serve`` for the multi-worker tests, with this worker's clock moved.

python tests/fakes/serve_child.py OFFSET_SECONDS LEASE_SECONDS serve [serve options]

OFFSET_SECONDS moves every reading of the worker's own clock (``bot.store.records.utc_now``,
the default clock of the escalation service, outbox and reminders), as a server whose clock
is that far off would; the database's clock is untouched. LEASE_SECONDS is the outbox
lease, shorter than a slow Slack call in the tests. Settings come from the environment.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, tzinfo
from functools import partial

import bot.cli.main
import bot.serve.runtime
import bot.store.records
from bot.escalation.outbox import Outbox


def skew_clock(offset: float) -> None:
    class Skewed(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Skewed:  # type: ignore[override]
            return datetime.now(tz) + timedelta(seconds=offset)  # type: ignore[return-value]

    bot.store.records.datetime = Skewed  # type: ignore[misc]


if __name__ == "__main__":
    offset, lease = float(sys.argv[1]), float(sys.argv[2])
    skew_clock(offset)
    bot.serve.runtime.Outbox = partial(Outbox, lease=timedelta(seconds=lease))  # type: ignore[misc]
    sys.argv = [sys.argv[0], *sys.argv[3:]]
    bot.cli.main.main()
