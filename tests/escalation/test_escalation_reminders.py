"""Reminders for unclaimed escalations, driven by a hand-moved clock."""

from __future__ import annotations

import pytest

from bot.errors import DeliveryError
from bot.escalation.delivery import targets_for
from bot.escalation.outbox import Outbox
from bot.escalation.reminders import Reminders
from bot.store.records import OutboxItem
from tests.fakes.concerns import CHAIR, DSL, HEAD, make_report, make_service
from tests.fakes.notifier import FakeNotifier


def _reminders(store, clock) -> Reminders:
    return Reminders(store, urgent_minutes=(5, 15), normal_minutes=(60, 120), clock=clock)


def _levels(reminders: Reminders) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(r.escalation.ref, r.level, r.roles) for r in reminders.due_reminders()]


def test_urgent_unclaimed_adds_the_headteacher_at_5_minutes_and_audits_it(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report(immediate_risk="yes"))
    staff = service.submit(make_report(immediate_risk="unsure", about_staff="staff"))
    reminders = _reminders(store, clock)
    clock.advance(minutes=4, seconds=59)
    assert reminders.enqueue_due() == 0
    clock.advance(seconds=1)
    assert _levels(reminders) == [
        (esc.ref, 1, ("dsl", "headteacher")),
        (staff.ref, 1, ("headteacher", "chair")),
    ]
    assert reminders.enqueue_due() == 2
    assert reminders.enqueue_due() == 0  # remembered in the database
    clock.advance(minutes=10)
    assert _levels(reminders) == [
        (esc.ref, 2, ("dsl", "headteacher")),
        (staff.ref, 2, ("headteacher", "chair")),
    ]
    reminders.enqueue_due()
    trail = [(a.action, a.actor_id, a.detail) for a in service.audit(esc.ref)]
    assert trail == [
        ("submitted", "U_REPORTER", None),
        ("urgent_alerted", "policybot", "dsl"),
        ("reminded", "policybot", "1:dsl+headteacher"),
        ("reminded", "policybot", "2:dsl+headteacher"),
    ]


def test_the_urgent_widening_time_is_a_setting(store, clock) -> None:
    esc = make_service(store, clock).submit(make_report(immediate_risk="yes"))
    reminders = Reminders(store, (5, 15), (60, 120), clock=clock, widen_minutes=15)
    clock.advance(minutes=16)
    assert _levels(reminders) == [(esc.ref, 1, ("dsl",)), (esc.ref, 2, ("dsl", "headteacher"))]


def test_an_urgent_concern_dms_its_route_at_once_and_a_normal_one_does_not(store, clock) -> None:
    service = make_service(store, clock)
    urgent = service.submit(make_report(immediate_risk="yes"))
    normal = service.submit(make_report())
    notifier = FakeNotifier()
    Outbox(store, notifier, clock=clock).deliver_due()  # no time has passed
    assert [(s.key, s.kind) for s in notifier.sent() if s.kind == "reminder"] == [
        (f"{urgent.ref}/urgent", "reminder")
    ]
    assert "urgent_alerted" not in [a.action for a in service.audit(normal.ref)]


def test_normal_escalates_to_the_headteacher_at_the_last_step(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    staff = service.submit(make_report(about_staff="staff"))
    reminders = _reminders(store, clock)
    clock.advance(minutes=59)
    assert _levels(reminders) == []
    clock.advance(minutes=61)
    assert _levels(reminders) == [
        (esc.ref, 1, ("dsl",)),
        (esc.ref, 2, ("dsl", "headteacher")),
        (staff.ref, 1, ("headteacher",)),
        (staff.ref, 2, ("headteacher", "chair")),
    ]


def test_reminder_state_survives_a_restart(store, clock, database_url) -> None:
    from bot.store import Store

    make_service(store, clock).submit(make_report(immediate_risk="unsure"))
    clock.advance(minutes=6)
    assert _reminders(store, clock).enqueue_due() == 1
    fresh = Store.open(database_url, clock=clock)
    try:
        assert _reminders(fresh, clock).enqueue_due() == 0
    finally:
        fresh.close()


def test_claimed_escalations_get_no_reminders_and_queued_ones_are_skipped(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report(immediate_risk="yes"))
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    outbox.deliver_due()
    reminders = _reminders(store, clock)
    clock.advance(minutes=5)
    reminders.enqueue_due()
    service.claim(esc.ref, DSL)  # claimed before the reminder went out
    clock.advance(minutes=20)
    assert reminders.enqueue_due() == 0
    outbox.deliver_due()
    assert [s.key for s in notifier.sent() if s.kind == "reminder"] == [f"{esc.ref}/urgent"]
    assert outbox.pending() == 0


def test_reminders_are_delivered_through_the_outbox(store, clock) -> None:
    esc = make_service(store, clock).submit(make_report(immediate_risk="yes"))
    notifier = FakeNotifier()
    outbox = Outbox(store, notifier, clock=clock)
    reminders = _reminders(store, clock)
    clock.advance(minutes=16)
    reminders.enqueue_due()
    outbox.deliver_due()
    assert [k for k in notifier.keys() if "reminder" in k] == [
        f"{esc.ref}/reminder/1",
        f"{esc.ref}/reminder/2",
    ]


def test_a_reminder_with_nobody_to_tell_is_an_error_to_retry_not_done() -> None:
    """Issue 15, failure 1: a reminder row was marked done with zero recipients."""
    item = OutboxItem(id=1, escalation_id=1, ref="ESC-2026-0001", kind="reminder")
    esc = _NoRoute()
    with pytest.raises(DeliveryError):
        targets_for(item, esc, {"dsl": [], "headteacher": []}, "U1")  # type: ignore[arg-type]


class _NoRoute:
    platform, route, reporter_id = "slack", "headteacher", "U1"


def test_reminders_go_only_to_people_who_can_act_on_the_route(store, clock) -> None:
    """The chair is never reminded of a concern they could not then claim: a role a reminder
    adds may act from then on, and nobody is reminded of a concern about themselves."""
    service = make_service(store, clock)
    staff = service.submit(make_report(about_staff="staff"))
    reminders = _reminders(store, clock)
    assert not service.can_act(CHAIR, staff)  # not told yet
    clock.advance(minutes=120)
    reminders.enqueue_due()
    assert service.can_act(CHAIR, service.get(staff.ref))
    assert service.claim(staff.ref, CHAIR).claimed_by == CHAIR


def test_the_headteacher_is_never_reminded_of_a_concern_about_them(store, clock) -> None:
    from bot.escalation.service import EscalationService

    service = EscalationService(store, (DSL,), (HEAD,), (), clock=clock)  # no chair
    head = service.submit(make_report(about_staff="headteacher", immediate_risk="yes"))
    assert head.route == "dsl"
    reminders = _reminders(store, clock)
    clock.advance(minutes=16)
    assert [r.roles for r in reminders.due_reminders()] == [("dsl",), ("dsl",)]
