"""Deliver escalation messages exactly once, through a platform skin's :class:`Notifier`.

The escalation service only writes outbox rows; an :class:`Outbox` worker (a background
thread in every ``policybot serve`` process, any number of processes) delivers them:

1. claim one due row with a lease and a new token (an atomic conditional UPDATE, so no two
   workers or processes ever hold the same row). Lease times are the database's clock, not
   the worker's; the lease is renewed every third of its length while the platform is being
   called (:class:`LeaseKeeper`), and completion is fenced by the token;
2. if an earlier attempt may have reached the platform (``item.may_have_been_sent``: the
   process died after sending, before recording), ask ``notifier.find_existing`` first;
3. otherwise ``notifier.deliver``; then record the receipt and mark the row done in one
   transaction (a ``destination_post`` receipt is saved on the escalation as
   ``destination_channel`` / ``destination_message_id``);
4. on :class:`DeliveryError` (5xx, 429, timeout, network) keep the row pending and retry
   with exponential backoff, honouring ``retry_after``. Rows are never dropped. A reminder
   for an escalation no longer ``new`` is marked ``skipped``.

Rows of one escalation are delivered in order per stream: a ``destination_update`` waits for
its ``destination_post``, a ``reporter_update`` for the ``reporter_receipt``.

A skin implements :class:`Notifier`. ``deliver`` renders the item from the escalation
(``item.kind``, ``item.payload``) and returns a :class:`DeliveryReceipt` for messages it
posts (required for ``destination_post``), attaching ``item.idempotency_key`` to the
message (Slack: ``chat.postMessage`` ``metadata``); ``find_existing`` looks that key up
(Slack: ``conversations.history`` with metadata) and returns the receipt or None.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from bot.errors import DeliveryError, StoreError
from bot.store import Store, outbox_rows
from bot.store import escalations as rows
from bot.store.records import Clock, DeliveryReceipt, Escalation, OutboxItem, utc_now

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["DeliveryReceipt", "Notifier", "Outbox", "OutboxItem", "PlatformNotifier"]

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    """What a chat platform skin implements to deliver outbox items."""

    def deliver(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        """Send the message; raise DeliveryError(retry_after=...) if it may succeed later."""
        ...

    def find_existing(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        """The message already sent for ``item.idempotency_key``, or None."""
        ...


class PlatformNotifier:
    """Routes each item to the notifier of its escalation's platform ("slack", "teams")."""

    def __init__(self, notifiers: Mapping[str, Notifier]) -> None:
        self.notifiers = dict(notifiers)

    def _for(self, escalation: Escalation) -> Notifier:
        try:
            return self.notifiers[escalation.platform]
        except KeyError:
            raise DeliveryError(f"no notifier for {escalation.platform}", 300) from None

    def deliver(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        return self._for(escalation).deliver(item, escalation)

    def find_existing(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        return self._for(escalation).find_existing(item, escalation)


class Outbox:
    """Delivers due outbox rows. Safe to run in many threads and processes at once."""

    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        worker_id: str | None = None,
        clock: Clock = utc_now,
        lease: timedelta = timedelta(seconds=60),
        backoff_base: float = 2.0,
        backoff_max: float = 300.0,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.clock = clock
        self.lease = lease
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._wake = threading.Event()

    def kick(self) -> None:
        """Wake :meth:`run_forever` now instead of after its interval (e.g. after submit)."""
        self._wake.set()

    def deliver_due(self, limit: int = 50) -> int:
        """Deliver up to ``limit`` due rows; return how many were delivered."""
        delivered = 0
        for _ in range(limit):
            item = self._claim()
            if item is None:
                break
            delivered += self._process(item)
        return delivered

    def pending(self) -> int:
        with self.store.reading() as conn:
            return outbox_rows.counts(conn).get("pending", 0)

    def run_forever(
        self,
        stop_event: threading.Event,
        interval: float = 2.0,
        on_tick: Callable[[], object] | None = None,
    ) -> None:
        """Deliver until ``stop_event`` is set (pending rows first, at start-up).

        Between rounds it waits ``interval`` seconds or until :meth:`kick`; ``on_tick`` (e.g.
        ``reminders.enqueue_due``) runs before each round.
        """
        logger.info("outbox worker %s started", self.worker_id)
        while not stop_event.is_set():
            busy = False
            try:
                if on_tick is not None:
                    on_tick()
                busy = self.deliver_due() > 0
            except Exception as exc:  # the loop must outlive any one failure
                logger.error("outbox loop failed: %s", type(exc).__name__)
            if not busy and not stop_event.is_set():
                self._wake.wait(interval)  # kick() or the interval, whichever comes first
                self._wake.clear()
        logger.info("outbox worker %s stopped", self.worker_id)

    def start_thread(
        self, interval: float = 2.0, on_tick: Callable[[], object] | None = None
    ) -> threading.Event:
        """Run :meth:`run_forever` in a daemon thread; set the returned event (then
        :meth:`kick`) to stop it."""
        stop = threading.Event()
        thread = threading.Thread(
            target=self.run_forever, args=(stop, interval, on_tick), name="outbox", daemon=True
        )
        thread.start()
        return stop

    def _claim(self) -> OutboxItem | None:
        try:
            with self.store.transaction() as conn:
                return outbox_rows.claim_next(conn, self.worker_id, self.lease.total_seconds())
        except StoreError:
            return None

    def _process(self, item: OutboxItem) -> int:
        with self.store.reading() as conn:  # the trail too: the DSL's post shows it
            esc = rows.with_history(conn, rows.get_by_id(conn, item.escalation_id))
        reason = _no_longer_needed(item, esc)
        if reason:
            with self.store.transaction() as conn:
                outbox_rows.skip(conn, item.id, item.lease_token, reason)
            return 0
        try:
            with LeaseKeeper(self.store, item, self.lease):
                receipt = self._send(item, esc)
        except DeliveryError as exc:
            self._retry(item, exc.retry_after, "DeliveryError")
            return 0
        except Exception as exc:  # a skin bug must not lose the row
            logger.error("outbox item %s (%s) raised %s", item.id, item.ref, type(exc).__name__)
            self._retry(item, None, type(exc).__name__)
            return 0
        self._complete(item, receipt)
        return 1

    def _send(self, item: OutboxItem, esc: Escalation) -> DeliveryReceipt | None:
        if item.may_have_been_sent:
            found = self.notifier.find_existing(item, esc)
            if found is not None:
                logger.info("outbox item %s (%s %s) was already sent", item.id, item.ref, item.kind)
                return found
        return self.notifier.deliver(item, esc)

    def _complete(self, item: OutboxItem, receipt: DeliveryReceipt | None) -> None:
        with self.store.transaction() as conn:
            mine = outbox_rows.complete(conn, item.id, item.lease_token, receipt)
            if mine and receipt is not None and item.kind == "destination_post":
                rows.set_fields(
                    conn,
                    item.escalation_id,
                    self.clock(),
                    destination_channel=receipt.channel,
                    destination_message_id=receipt.message_id,
                )
            if mine and item.kind == "destination_post":
                _tell_reporter_delivered(conn, item, self.clock())
        if not mine:
            logger.warning("outbox item %s (%s) lease lost after delivery", item.id, item.ref)
            return
        logger.info("delivered outbox item %s (%s %s)", item.id, item.ref, item.kind)

    def _retry(self, item: OutboxItem, retry_after: float | None, error: str) -> None:
        delay = self.backoff_delay(item.attempts, retry_after)
        with self.store.transaction() as conn:
            outbox_rows.retry_later(conn, item.id, item.lease_token, delay, error)
        logger.warning(
            "outbox item %s (%s %s) attempt %d failed (%s); retry in %.0fs",
            item.id,
            item.ref,
            item.kind,
            item.attempts,
            error,
            delay,
        )

    def backoff_delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before the next attempt: ``retry_after`` if given, else exponential."""
        if retry_after is not None and retry_after >= 0:
            return min(float(retry_after), 3600.0)
        return min(self.backoff_max, self.backoff_base * 2 ** max(attempts - 1, 0))


def _no_longer_needed(item: OutboxItem, esc: Escalation) -> str | None:
    """Why ``item`` should be skipped rather than sent, or None."""
    if item.kind == "reminder" and esc.status != "new":
        return "no longer new"
    if item.payload.get("event") == "not_delivered" and esc.destination_message_id:
        return "delivered meanwhile"
    return None


def _tell_reporter_delivered(conn: Connection, item: OutboxItem, now: datetime) -> None:
    """Only now that the DSL's post went out is the reporter told "delivered" (at the time
    the database recorded it), in the same transaction that records the delivery."""
    at = outbox_rows.delivered_at(conn, item.id)
    payload = {"event": "delivered", "at": at.isoformat() if at else None}
    key = f"{item.ref}/delivered"
    outbox_rows.enqueue(conn, item.escalation_id, "reporter_update", key, now, payload)


class LeaseKeeper:
    """Renews ``item``'s lease every third of ``lease`` while a delivery runs, so a slow
    platform never lets the lease lapse and another worker send the message again.

        with LeaseKeeper(store, item, lease):
            receipt = notifier.deliver(item, escalation)
    """

    def __init__(self, store: Store, item: OutboxItem, lease: timedelta) -> None:
        self.store, self.item, self.seconds = store, item, lease.total_seconds()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.seconds / 3):
            if not self._renew():
                logger.warning(
                    "outbox item %s (%s) lease lost while delivering", self.item.id, self.item.ref
                )
                return

    def _renew(self) -> bool:
        try:
            with self.store.transaction() as conn:
                return outbox_rows.renew(conn, self.item.id, self.item.lease_token, self.seconds)
        except StoreError:
            return True  # the database is briefly unavailable: try again next round
