"""Reminders for escalations nobody has claimed.

An unclaimed (status ``new``) escalation re-notifies its route after each interval in its
schedule, counted from when it was raised:

* urgent (immediate risk "yes"/"unsure"): ``reminder_urgent_minutes`` (default 5, 15) -- the
  DSL and deputies each time;
* normal: ``reminder_normal_minutes`` (default 60, 120) -- the DSL and deputies, and at the
  last step also the headteacher (for an allegation about staff: the headteacher, then also
  the chair of governors; about the headteacher: the chair).

Reminders are ``reminder`` outbox rows with the key ``{ref}/reminder/{level}``: the outbox is
the memory of which were sent, so they survive restarts, and two workers never enqueue the
same one. The payload is ``{"level", "of", "minutes", "user_ids"}``. Call
``enqueue_due()`` periodically (e.g. as the outbox loop's ``on_tick``).

The same tick watches delivery: when an escalation's DSL post is still not delivered
``delivery_minutes`` after it was raised (``urgent_delivery_minutes`` if urgent; default 2
and 1), the reporter's receipt is updated to "Not delivered yet: please speak to the DSL in
person", with the DSL's name and phone (a ``reporter_update``, key ``{ref}/not-delivered``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from bot.escalation.service import EscalationService, People
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
    user_ids: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.escalation.ref}/reminder/{self.level}"

    def payload(self) -> dict[str, object]:
        return {
            "level": self.level,
            "of": self.of,
            "minutes": self.minutes,
            "user_ids": list(self.user_ids),
        }


class Reminders:
    """Works out which reminders are due and enqueues them once."""

    def __init__(
        self,
        store: Store,
        people: People,
        urgent_minutes: Iterable[int] = (5, 15),
        normal_minutes: Iterable[int] = (60, 120),
        clock: Clock = utc_now,
        delivery_minutes: tuple[int, int] = (2, 1),
        schools: Mapping[str, People] | None = None,
    ) -> None:
        self.schools = dict(schools or {})
        self.store = store
        self.people = people
        self.urgent_minutes = tuple(urgent_minutes)
        self.normal_minutes = tuple(normal_minutes)
        self.clock = clock
        self.delivery_minutes, self.urgent_delivery_minutes = delivery_minutes

    @classmethod
    def from_settings(cls, store: Store, settings: Settings, clock: Clock = utc_now) -> Reminders:
        return cls.for_service(EscalationService.from_settings(store, settings, clock), settings)

    @classmethod
    def for_service(cls, service: EscalationService, settings: Settings) -> Reminders:
        """Reminders of ``service``'s escalations, to the same people (per school in a trust)."""
        return cls(
            service.store,
            service.people,
            settings.reminder_urgent_minutes,
            settings.reminder_normal_minutes,
            service.clock,
            (settings.delivery_deadline_minutes, settings.delivery_deadline_urgent_minutes),
            service.schools,
        )

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
            with self.store.transaction() as conn:
                added += outbox_rows.enqueue(
                    conn, reminder.escalation.id, "reminder", reminder.key, now, reminder.payload()
                )
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
                logger.warning("escalation %s not delivered after %d min; reporter told",
                               esc.ref, minutes)  # fmt: skip
        return added

    def _schedule(self, esc: Escalation, now: datetime) -> list[Reminder]:
        if esc.status != "new":
            return []
        steps = self.urgent_minutes if esc.urgent else self.normal_minutes
        return [
            Reminder(esc, level, len(steps), minutes, self._audience(esc, level == len(steps)))
            for level, minutes in enumerate(steps, start=1)
            if esc.created_at + timedelta(minutes=minutes) <= now
        ]

    def _audience(self, esc: Escalation, last: bool) -> tuple[str, ...]:
        people = self.schools.get(esc.school or "", self.people)
        first = people.for_route(esc.route)
        if esc.urgent or not last or esc.route == "chair":
            return first
        extra = people.for_route("headteacher" if esc.route == "dsl" else "chair")
        return tuple(dict.fromkeys(first + extra))
