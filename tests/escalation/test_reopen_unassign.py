"""Reopen and Unassign (issue 17): a DSL can reopen a resolved concern and take a claim off
someone; each is audited, told to the reporter, kept in the post's timeline, refused to
anyone who may not act, and a second click changes nothing. Real SQLite (and PostgreSQL when
configured) stores."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.errors import PermissionDenied
from bot.escalation.people import People
from bot.escalation.reminders import Reminders
from bot.escalation.service import EscalationService
from bot.escalation.view import TIMELINE_ENTRIES, actions_for, dsl_view, reporter_text
from bot.store import tables
from bot.store.records import OutboxItem
from tests.fakes.concerns import DEPUTY, DSL, HEAD, STRANGER, make_report, make_service


def _actions(service: EscalationService, ref: str) -> list[str]:
    return [entry.action for entry in service.audit(ref)]


def _outbox_events(store, kind: str) -> list[str]:
    with store.reading() as conn:
        rows = conn.execute(select(tables.outbox).where(tables.outbox.c.kind == kind))
        return [json.loads(row.payload)["event"] for row in rows.mappings()]


def test_reopen_makes_a_resolved_concern_open_again_held_by_its_claimant(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    service.resolve(esc.ref, DSL, "spoke to parents")
    clock.advance(minutes=30)

    reopened = service.reopen(esc.ref, DEPUTY)

    assert (reopened.status, reopened.claimed_by) == ("claimed", DSL)
    assert reopened.resolved_by is None and reopened.resolution_note is None
    assert actions_for(reopened) == ("unassign", "resolve", "record")
    [entry] = [e for e in service.audit(esc.ref) if e.action == "reopened"]
    assert entry.actor_id == DEPUTY
    assert "reopened" in _outbox_events(store, "destination_update")
    assert "reopened" in _outbox_events(store, "reporter_update")


def test_a_concern_resolved_unclaimed_is_reopened_held_by_whoever_reopened_it(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.resolve(esc.ref, DSL)

    reopened = service.reopen(esc.ref, DEPUTY)

    assert (reopened.status, reopened.claimed_by) == ("claimed", DEPUTY)
    assert Reminders(store, (5,), (60,), clock).due_reminders() == []  # owned: no reminder storm


def test_unassign_puts_a_claimed_concern_back_to_new_and_reminders_resume(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    clock.advance(minutes=90)
    reminders = Reminders(store, (5,), (60,), clock)
    assert reminders.due_reminders() == []  # claimed: nobody is reminded

    back = service.unassign(esc.ref, DEPUTY, DSL)

    assert (back.status, back.claimed_by, back.claimed_at) == ("new", None, None)
    assert actions_for(back) == ("claim", "resolve", "record")
    assert [r.escalation.ref for r in reminders.due_reminders()] == [esc.ref]
    assert "unassigned" in _outbox_events(store, "reporter_update")


def test_double_clicks_change_nothing_the_second_time(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    service.unassign(esc.ref, DSL, DSL)
    service.unassign(esc.ref, DSL, DSL)  # the second click of a double click
    service.resolve(esc.ref, DSL)
    service.reopen(esc.ref, DSL)
    again = service.reopen(esc.ref, DSL)

    assert _actions(service, esc.ref).count("unassigned") == 1
    assert _actions(service, esc.ref).count("reopened") == 1
    assert again.status == "claimed" and again.history  # the answer carries the trail


def test_unassign_undoes_only_the_claim_the_button_showed(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    service.unassign(esc.ref, DSL, DSL)
    service.claim(esc.ref, DEPUTY)  # the deputy claims it between the two clicks

    late = service.unassign(esc.ref, DSL, DSL)  # a stale click, naming the old claimant

    assert (late.status, late.claimed_by) == ("claimed", DEPUTY)


@pytest.mark.parametrize("change", ["reopen", "unassign"])
def test_someone_who_may_not_act_is_refused_and_nothing_changes(store, clock, change) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    if change == "reopen":
        service.resolve(esc.ref, DSL)
    before = service.get(esc.ref)

    with pytest.raises(PermissionDenied):
        getattr(service, change)(esc.ref, STRANGER)

    assert service.get(esc.ref) == before
    assert f"{change}ed" not in _actions(service, esc.ref)


def test_nobody_reopens_or_unassigns_a_concern_about_themselves(store, clock) -> None:
    """A headteacher who is also a DSL cannot act on a concern about the headteacher."""
    service = EscalationService(store, (DSL, HEAD), (HEAD,), ("U_CHAIR",), clock=clock)
    esc = service.submit(make_report(about_staff="headteacher"))
    service.claim(esc.ref, "U_CHAIR")

    with pytest.raises(PermissionDenied):
        service.unassign(esc.ref, HEAD)
    service.resolve(esc.ref, "U_CHAIR")
    with pytest.raises(PermissionDenied):
        service.reopen(esc.ref, HEAD)
    assert service.get(esc.ref).status == "resolved"


def test_in_a_trust_only_that_schools_dsls_may_reopen(store, clock) -> None:
    schools = {"oak-primary": People(("U_OAK_DSL",)), "elm-high": People(("U_ELM_DSL",))}
    service = EscalationService(store, (), clock=clock, schools=schools)
    esc = service.submit(make_report(school="oak-primary"))
    service.resolve(esc.ref, "U_OAK_DSL")

    with pytest.raises(PermissionDenied):
        service.reopen(esc.ref, "U_ELM_DSL")
    assert service.reopen(esc.ref, "U_OAK_DSL").status == "claimed"


def test_the_timeline_keeps_every_step_with_its_time_and_who(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())  # 09:00 in London
    steps = [
        (2, lambda: service.claim(esc.ref, DSL)),
        (3, lambda: service.unassign(esc.ref, DEPUTY, DSL)),
        (5, lambda: service.claim(esc.ref, DEPUTY)),
        (10, lambda: service.resolve(esc.ref, DEPUTY)),
        (30, lambda: service.reopen(esc.ref, DSL)),
    ]
    for minutes, step in steps:
        clock.advance(minutes=minutes)
        step()

    view = dsl_view(service.get(esc.ref), name=lambda user: f"@{user}")

    assert view.timeline == (
        "09:00 raised",
        f"09:02 claimed by @{DSL}",
        f"09:05 unassigned by @{DEPUTY}",
        f"09:10 claimed by @{DEPUTY}",
        f"09:20 resolved by @{DEPUTY}",
        f"09:50 reopened by @{DSL}",
    )
    assert view.actions == ("unassign", "resolve", "record") and view.holder == DEPUTY


def test_a_long_history_keeps_the_first_entry_and_the_latest(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    for _ in range(TIMELINE_ENTRIES):
        clock.advance(minutes=1)
        service.claim(esc.ref, DSL)
        service.unassign(esc.ref, DSL, DSL)

    timeline = dsl_view(service.get(esc.ref), name=str).timeline

    assert len(timeline) == TIMELINE_ENTRIES
    assert timeline[0].endswith("raised") and timeline[1] == "\u2026"
    assert timeline[-1].endswith(f"unassigned by {DSL}")


def test_the_reporter_is_told_of_a_reopen_and_an_unassign(store, clock) -> None:
    esc = make_service(store, clock).submit(make_report())

    def told(event: str) -> str:
        item = OutboxItem(1, esc.id, esc.ref, "reporter_update", {"event": event, "actor_id": DSL})
        return reporter_text(item, esc, name=lambda user: f"@{user}")

    assert told("reopened") == f"Your concern {esc.ref} has been reopened by @{DSL}."
    assert told("unassigned") == (
        f"Your concern {esc.ref} is waiting to be picked up again by "
        "the Designated Safeguarding Lead."
    )
