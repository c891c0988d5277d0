"""What the reporter's message says at each step (bot.escalation.view.reporter_text)."""

from __future__ import annotations

from bot.escalation.view import local_time, reporter_text
from bot.store.records import OutboxItem
from tests.fakes.concerns import make_report, make_service


def test_delivered_times_are_uk_time_summer_and_winter() -> None:
    assert local_time("2026-07-01T09:42:00+00:00") == "10:42"  # BST
    assert local_time("2026-12-01T10:42:00+00:00") == "10:42"  # GMT


def test_each_step_says_what_happened(store, clock) -> None:
    esc = make_service(store, clock).submit(make_report(dsl_contact="Sarah Miller, 01234 567890"))

    def said(**payload: object) -> str:
        item = OutboxItem(
            id=1, escalation_id=esc.id, ref=esc.ref, kind="reporter_update", payload=dict(payload)
        )
        return reporter_text(item, esc, name=str)

    assert said(event="submitted").startswith(f"Stored with reference {esc.ref}; delivering to")
    assert f"{esc.ref}: Delivered to the Designated Safeguarding Lead at 10:42." in said(
        event="delivered", at="2026-12-01T10:42:00+00:00"
    )
    not_yet = said(event="not_delivered", dsl="Sarah Miller, 01234 567890")
    assert "Not delivered yet: please speak to the DSL in person" in not_yet
    assert "Sarah Miller, 01234 567890" in not_yet
    for text in (said(event="submitted"), not_yet):
        assert "sent" not in text and "Delivered" not in text
