"""Reminders for escalations nobody has claimed.

An unclaimed (status ``new``) escalation re-notifies its route after each interval in its
schedule, counted from when it was raised:

* urgent (immediate risk "yes"/"unsure"): ``urgent_minutes`` (default 5, 15) -- the route's
  role (the DSL and deputies), and from ``widen_minutes`` (default 5) on also the role above
  it (the headteacher; the chair for a concern about staff). (The route's people were already
  DMed when it was raised: see :meth:`EscalationService.submit`.)
* normal: ``normal_minutes`` (default 60, 120) -- the DSL and deputies, and at the last step
  also the headteacher (for an allegation about staff: the headteacher, then also the chair
  of governors; about the headteacher: the chair).

Reminders are ``reminder`` outbox rows with the key ``{ref}/reminder/{level}``: the outbox is
the memory of which were sent, so they survive restarts, and two workers never enqueue the
same one. Each enqueued reminder writes a ``reminded`` audit row (detail: its level and
roles, e.g. ``1:dsl+headteacher``). The payload is ``{"level", "of", "minutes", "roles"}``:
roles, not addresses, so each skin reaches the people of a role its own way (Slack DMs,
Teams chats). Call ``enqueue_due()`` periodically (e.g. as the outbox loop's ``on_tick``).

The same tick watches delivery: when an escalation's DSL post is still not delivered
``delivery_minutes`` after it was raised (``urgent_delivery_minutes`` if urgent; default 2
and 1), the reporter's receipt is updated to "Not delivered yet: please speak to the DSL in
person", with the DSL's name and phone (a ``reporter_update``, key ``{ref}/not-delivered``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.escalation.people import escalate_to
from bot.store import Store, outbox_rows
from bot.store import escalations as rows
from bot.store.records import Clock, Escalation, utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    escalation: Escalation
    level: int
    of: int
    minutes: int
    roles: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.escalation.ref}/reminder/{self.level}"

    def payload(self) -> dict[str, object]:
        return {
            "level": self.level,
            "of": self.of,
            "minutes": self.minutes,
            "roles": list(self.roles),
        }


class Reminders:
    """Works out which reminders are due and enqueues them once."""

    def __init__(
        self,
        store: Store,
        urgent_minutes: Iterable[int] = (5, 15),
        normal_minutes: Iterable[int] = (60, 120),
        clock: Clock = utc_now,
        delivery_minutes: tuple[int, int] = (2, 1),
        widen_minutes: int = 5,
    ) -> None:
        self.store = store
        self.urgent_minutes = tuple(urgent_minutes)
        self.normal_minutes = tuple(normal_minutes)
        self.clock = clock
        self.delivery_minutes, self.urgent_delivery_minutes = delivery_minutes
        self.widen_minutes = widen_minutes

    def due_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Reminders whose time has come and that are not yet in the outbox."""
        now = now or self.clock()
        with self.store.reading() as conn:
            candidates = [
                r for esc in rows.list_(conn, open_only=True) for r in self._schedule(esc, now)
            ]
            seen = outbox_rows.existing_keys(conn, [r.key for r in candidates])
        return [r for r in candidates if r.key not in seen]

    def enqueue_due(self, now: datetime | None = None) -> int:
        """Enqueue due reminders; return how many were new (others already enqueued)."""
        now = now or self.clock()
        added = 0
        for reminder in self.due_reminders(now):
            esc = reminder.escalation
            with self.store.transaction() as conn:
                new = outbox_rows.enqueue(
                    conn, esc.id, "reminder", reminder.key, now, reminder.payload()
                )
                if new:
                    detail = f"{reminder.level}:{'+'.join(reminder.roles)}"
                    rows.add_audit(conn, esc.id, "policybot", "reminded", now, detail)
                added += new
            logger.info("reminder %d for %s enqueued", reminder.level, reminder.escalation.ref)
        self.enqueue_not_delivered(now)
        return added

    def enqueue_not_delivered(self, now: datetime | None = None) -> int:
        """Tell each reporter whose concern is past its delivery deadline, once."""
        now = now or self.clock()
        added = 0
        with self.store.transaction() as conn:
            for esc_id, raised, receipt in outbox_rows.undelivered_posts(conn):
                esc = rows.get_by_id(conn, esc_id)
                minutes = self.urgent_delivery_minutes if esc.urgent else self.delivery_minutes
                if raised + timedelta(minutes=minutes) > now:
                    continue
                payload = {"event": "not_delivered", "dsl": receipt.get("dsl")}
                key = f"{esc.ref}/not-delivered"
                added += outbox_rows.enqueue(conn, esc_id, "reporter_update", key, now, payload)
                logger.warning(
                    "escalation %s not delivered after %d min; reporter told", esc.ref, minutes
                )
        return added

    def _schedule(self, esc: Escalation, now: datetime) -> list[Reminder]:
        if esc.status != "new":
            return []
        steps = self.urgent_minutes if esc.urgent else self.normal_minutes
        return [
            Reminder(esc, level, len(steps), minutes, self._audience(esc, level, minutes))
            for level, minutes in enumerate(steps, start=1)
            if esc.created_at + timedelta(minutes=minutes) <= now
        ]

    def _audience(self, esc: Escalation, level: int, minutes: int) -> tuple[str, ...]:
        """The roles a reminder goes to: the route's, and also the role above it at the last
        normal step, or for an urgent one from ``widen_minutes`` on."""
        steps = self.urgent_minutes if esc.urgent else self.normal_minutes
        widen = minutes >= self.widen_minutes if esc.urgent else level == len(steps)
        above = escalate_to(esc.route)
        if (
            not widen
            or above == esc.route
            or (above == "headteacher" and esc.about_staff == "headteacher")
        ):
            return (esc.route,)  # never the person the concern is about
        return (esc.route, above)
