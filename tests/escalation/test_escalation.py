"""The escalation service on a real database: store first, routing, permissions, lifecycle."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot.errors import NotFound, PermissionDenied, StoreError
from bot.escalation.service import EscalationService
from bot.store import Store, tables
from bot.store.engine import make_engine
from tests.fakes.concerns import (
    CHAIR,
    DEPUTY,
    DSL,
    HEAD,
    REPORTER,
    SECRET_DETAILS,
    STRANGER,
    make_report,
    make_service,
)


def _count(store: Store, table: tables.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_submit_has_stored_everything_before_it_returns(store, clock, database_url) -> None:
    esc = make_service(store, clock).submit(make_report())
    other = Store.open(database_url)  # a separate engine: sees only committed data
    try:
        again = make_service(other, clock).get(esc.ref)
        with other.engine.connect() as conn:
            kinds = conn.execute(select(tables.outbox.c.kind).order_by(tables.outbox.c.id))
            assert list(kinds.scalars()) == ["destination_post", "reporter_receipt"]
    finally:
        other.close()
    assert again == esc
    assert esc.ref == "ESC-2026-0001"
    assert (esc.status, esc.route, esc.urgent, esc.details) == ("new", "dsl", False, SECRET_DETAILS)
    assert esc.created_at == clock.now


@pytest.mark.parametrize(
    ("about", "route"), [("no", "dsl"), ("staff", "headteacher"), ("headteacher", "chair")]
)
def test_route_follows_keeping_children_safe_in_education(store, clock, about, route) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report(about_staff=about))
    assert esc.route == route
    assert service.recipients(esc) == {"dsl": (DSL, DEPUTY), "headteacher": (HEAD,)}.get(
        route, (CHAIR,)
    )


@pytest.mark.parametrize(("risk", "urgent"), [("yes", True), ("unsure", True), ("no", False)])
def test_immediate_risk_yes_or_unsure_is_urgent(store, clock, risk, urgent) -> None:
    assert make_service(store, clock).submit(make_report(immediate_risk=risk)).urgent is urgent


def test_bad_report_values_are_refused(store, clock) -> None:
    with pytest.raises(ValueError):
        make_service(store, clock).submit(make_report(immediate_risk="maybe"))
    assert _count(store, tables.escalations) == 0


def test_references_are_unique_and_sequential_under_concurrent_submits(store, clock) -> None:
    service = make_service(store, clock)
    refs: list[str] = []
    barrier = threading.Barrier(6)

    def reporter() -> None:
        barrier.wait()
        for _ in range(8):
            refs.append(service.submit(make_report()).ref)

    threads = [threading.Thread(target=reporter) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(refs) == [f"ESC-2026-{n:04d}" for n in range(1, 49)]
    assert _count(store, tables.outbox) == 96


def test_the_sequence_restarts_each_year(store, clock) -> None:
    service = make_service(store, clock)
    service.submit(make_report())
    clock.advance(days=365)
    assert service.submit(make_report()).ref == "ESC-2027-0001"


def test_a_database_failure_is_a_store_error_with_a_sentence(tmp_path, clock) -> None:
    (tmp_path / "gone").mkdir()
    broken = Store(make_engine(f"sqlite:///{tmp_path / 'gone'}"), clock)
    with pytest.raises(StoreError) as caught:
        make_service(broken, clock).submit(make_report())
    assert "DSL in person" in str(caught.value)


def test_non_dsl_claim_is_refused_and_changes_nothing(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    audit_rows, outbox = _count(store, tables.audit), _count(store, tables.outbox)
    for act in (
        lambda: service.claim(esc.ref, STRANGER),
        lambda: service.resolve(esc.ref, REPORTER),
        lambda: service.record_logged(esc.ref, HEAD, "CPOMS 1"),
    ):
        with pytest.raises(PermissionDenied, match="Designated Safeguarding Lead"):
            act()
    assert service.get(esc.ref) == esc
    assert (_count(store, tables.audit), _count(store, tables.outbox)) == (audit_rows, outbox)


def test_headteacher_may_act_on_staff_allegations_only(store, clock) -> None:
    service = make_service(store, clock)
    child = service.submit(make_report())
    staff = service.submit(make_report(about_staff="staff"))
    head = service.submit(make_report(about_staff="headteacher"))
    with pytest.raises(PermissionDenied):
        service.claim(child.ref, HEAD)
    with pytest.raises(PermissionDenied):
        service.claim(head.ref, HEAD)
    assert service.claim(staff.ref, HEAD).claimed_by == HEAD
    assert service.claim(head.ref, CHAIR).claimed_by == CHAIR


def test_full_lifecycle_is_audited(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report(immediate_risk="yes"))
    clock.advance(minutes=3)
    claimed = service.claim(esc.ref, DEPUTY)
    assert (claimed.status, claimed.claimed_by, claimed.claimed_at) == (
        "claimed",
        DEPUTY,
        clock.now,
    )
    clock.advance(minutes=30)
    logged = service.record_logged(esc.ref, DSL, "  CPOMS   12345 ")
    assert logged.record_ref == "CPOMS 12345"
    clock.advance(hours=2)
    done = service.resolve(esc.ref, DSL, note="spoke to parents")
    assert (done.status, done.resolved_by, done.resolution_note) == (
        "resolved",
        DSL,
        "spoke to parents",
    )
    trail = [(a.action, a.actor_id, a.detail) for a in service.audit(esc.ref)]
    assert trail == [
        ("submitted", "U_REPORTER", None),
        ("urgent_alerted", "policybot", "dsl"),  # every DSL DMed at once
        ("claimed", DEPUTY, None),
        ("recorded", DSL, "CPOMS 12345"),
        ("resolved", DSL, None),
    ]
    assert service.list_open() == []
    assert [e.ref for e in service.list_all()] == [esc.ref]


def test_each_change_enqueues_a_destination_update_and_a_reporter_update(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    service.resolve(esc.ref, DSL)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(tables.outbox.c.kind, tables.outbox.c.payload).order_by(tables.outbox.c.id)
        ).all()
    assert [kind for kind, _ in rows] == [
        "destination_post",
        "reporter_receipt",
        "destination_update",
        "reporter_update",
        "destination_update",
        "reporter_update",
    ]
    assert all(SECRET_DETAILS not in payload for _, payload in rows)


def test_repeated_actions_change_nothing(store, clock) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report())
    service.claim(esc.ref, DSL)
    before = _count(store, tables.audit)
    again = service.claim(esc.ref, DEPUTY)  # someone else already has it
    assert again.claimed_by == DSL
    service.resolve(esc.ref, DSL)
    service.resolve(esc.ref, DEPUTY)
    assert _count(store, tables.audit) == before + 1


def test_unknown_reference_is_not_found(store, clock) -> None:
    service: EscalationService = make_service(store, clock)
    with pytest.raises(NotFound, match="ESC-2026-9999"):
        service.claim("ESC-2026-9999", DSL)
    with pytest.raises(NotFound):
        service.get("nope")


def test_concurrent_submits_with_one_platform_key_store_one_escalation(store, clock) -> None:
    """The unique key, not a check before the write, decides (SQLite and PostgreSQL)."""
    service = make_service(store, clock)
    report = make_report(submission_key="slack:V1:h1")
    with ThreadPoolExecutor(4) as pool:
        refs = {esc.ref for esc in pool.map(lambda _: service.submit(report), range(8))}
    assert len(refs) == 1 and len(service.list_all()) == 1
    assert _count(store, tables.outbox) == 2  # one DSL post, one receipt
