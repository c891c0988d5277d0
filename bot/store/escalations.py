"""Escalation and audit rows: the statements the escalation service runs in its transactions.

Every function takes an open :class:`~sqlalchemy.Connection` (inside ``store.transaction()``)
so that an escalation, its audit row and its outbox rows commit together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from bot import messages
from bot.errors import NotFound
from bot.store import tables
from bot.store.dialect import insert_ignore, upsert
from bot.store.records import AuditEntry, ConcernReport, Escalation

E = tables.escalations
A = tables.audit
_FIELDS = [c.name for c in E.columns]


def next_ref(conn: Connection, year: int) -> str:
    """The next reference for ``year`` ("ESC-2026-0042"): an atomic upsert on the counter row.

    The counter row is locked until the caller's transaction ends, so concurrent submits
    (threads, processes, workers on PostgreSQL) never share a number.
    """
    t = tables.ref_counters
    stmt = upsert(conn, t).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=[t.c.year], set_={"last": t.c.last + 1})
    seq = conn.execute(stmt.returning(t.c.last)).scalar_one()
    return f"ESC-{year}-{seq:04d}"


def insert(
    conn: Connection, report: ConcernReport, ref: str, now: datetime, route: str | None = None
) -> int:
    """Store ``report`` as escalation ``ref``; ``route`` if it differs from the report's own
    (no headteacher or chair set up: the DSL)."""
    values: dict[str, Any] = {
        "ref": ref,
        "platform": report.platform,
        "reporter_id": report.reporter_id,
        "team_id": report.team_id,
        "school": report.school,
        "question": report.question or "",
        "passage_id": report.passage_id,
        "details": report.details or "",
        "immediate_risk": report.immediate_risk,
        "about_staff": report.about_staff,
        "told_dsl_in_person": bool(report.told_dsl_in_person),
        "urgent": report.urgent,
        "route": route or report.route,
        "status": "new",
        "created_at": now,
        "updated_at": now,
        "details_purged": False,
    }
    return conn.execute(E.insert().values(**values).returning(E.c.id)).scalar_one()


def claim_submission(conn: Connection, key: str, now: datetime) -> int | None:
    """Take ``key`` for a new escalation; if a submission already took it, the id of the
    escalation stored for it. The key is the primary key of ``submissions``, so two
    concurrent submits cannot both take it (PostgreSQL makes the second wait for the
    first's commit; SQLite runs them one after the other)."""
    S = tables.submissions
    if insert_ignore(conn, S, {"platform_key": key, "created_at": now}, S.c.platform_key):
        return None
    return conn.execute(select(S.c.escalation_id).where(S.c.platform_key == key)).scalar_one()


def link_submission(conn: Connection, key: str, escalation_id: int) -> None:
    S = tables.submissions
    conn.execute(update(S).where(S.c.platform_key == key).values(escalation_id=escalation_id))


def get(conn: Connection, ref: str, for_update: bool = False) -> Escalation:
    """The escalation ``ref``; NotFound if there is none. ``for_update`` locks the row."""
    stmt = select(E).where(E.c.ref == ref)
    if for_update:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise NotFound(messages.ESCALATION_NOT_FOUND.format(ref=ref))
    return to_escalation(row)


def get_by_id(conn: Connection, escalation_id: int) -> Escalation:
    row = conn.execute(select(E).where(E.c.id == escalation_id)).mappings().first()
    if row is None:
        raise NotFound(messages.ESCALATION_NOT_FOUND.format(ref=f"#{escalation_id}"))
    return to_escalation(row)


def list_(conn: Connection, open_only: bool = False) -> list[Escalation]:
    """Escalations, oldest first; ``open_only`` leaves out resolved ones."""
    stmt = select(E).order_by(E.c.created_at, E.c.id)
    if open_only:
        stmt = stmt.where(E.c.status != "resolved")
    return [to_escalation(row) for row in conn.execute(stmt).mappings()]


def set_fields(conn: Connection, escalation_id: int, now: datetime, **values: Any) -> None:
    conn.execute(update(E).where(E.c.id == escalation_id).values(**values, updated_at=now))


def add_audit(
    conn: Connection,
    escalation_id: int,
    actor_id: str,
    action: str,
    now: datetime,
    detail: str | None = None,
) -> int:
    """Record who did what, when; return the audit row id. ``detail``: ids/references only."""
    stmt = A.insert().values(
        escalation_id=escalation_id, at=now, actor_id=actor_id, action=action, detail=detail
    )
    return conn.execute(stmt.returning(A.c.id)).scalar_one()


def audit_for(conn: Connection, escalation: Escalation) -> list[AuditEntry]:
    stmt = select(A).where(A.c.escalation_id == escalation.id).order_by(A.c.at, A.c.id)
    return [
        AuditEntry(
            ref=escalation.ref, at=r.at, actor_id=r.actor_id, action=r.action, detail=r.detail
        )
        for r in conn.execute(stmt)
    ]


def with_history(conn: Connection, escalation: Escalation) -> Escalation:
    """``escalation`` carrying its audit trail (what the DSL's post shows as its timeline)."""
    return replace(escalation, history=tuple(audit_for(conn, escalation)))


def purgeable(
    conn: Connection,
    cutoff: datetime,
    school: str | None = None,
    except_schools: Iterable[str] = (),
) -> list[int]:
    """Ids of resolved escalations, resolved before ``cutoff``, whose details are still kept
    (only ``school``'s when given; none of ``except_schools``, which have their own rule)."""
    stmt = select(E.c.id).where(
        E.c.status == "resolved",
        E.c.resolved_at < cutoff,
        E.c.details_purged.is_(False),
    )
    if school is not None:
        stmt = stmt.where(E.c.school == school)
    others = list(except_schools)
    if others:
        stmt = stmt.where(or_(E.c.school.is_(None), E.c.school.not_in(others)))
    return list(conn.execute(stmt).scalars())


def to_escalation(row: Any) -> Escalation:
    return Escalation(**{name: row[name] for name in _FIELDS})
