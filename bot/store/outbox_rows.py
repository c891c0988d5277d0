"""Outbox rows: enqueue, lease-claim, renew, complete, retry. Used by
:mod:`bot.escalation.outbox`.

Every due and lease time is the database's clock, read inside the statement that uses it
(:func:`~bot.store.dialect.db_time`), never a worker's: workers whose clocks disagree still
agree on whose lease it is. Each claim gets a new ``lease_token``; ``renew``, ``complete``,
``skip`` and ``retry_later`` change the row only while it still holds that token.

A row is ``pending`` until delivered (``done``) or no longer needed (``skipped``, e.g. a
reminder for an escalation already claimed); rows are never deleted. Rows of one escalation
in one ``stream`` (destination / reporter / reminder) are delivered in order: a row is not
claimable while an earlier row of its stream is still pending.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, or_, select, update

from bot.store import tables
from bot.store.dialect import db_time, insert_ignore
from bot.store.records import DeliveryReceipt, OutboxItem

OB = tables.outbox
E = tables.escalations
STREAMS = {
    "destination_post": "destination",
    "destination_update": "destination",
    "reporter_receipt": "reporter",
    "reporter_update": "reporter",
    "reminder": "reminder",
}


def enqueue(
    conn: Connection,
    escalation_id: int,
    kind: str,
    key: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Add a pending row, due now by the database clock; False (and nothing added) if
    ``key`` is already in the outbox."""
    values = {
        "escalation_id": escalation_id,
        "kind": kind,
        "stream": STREAMS[kind],
        "payload": json.dumps(payload or {}, sort_keys=True),
        "idempotency_key": key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": db_time(conn),
        "created_at": now,
    }
    return insert_ignore(conn, OB, values, OB.c.id)


def claim_next(conn: Connection, worker: str, lease_seconds: float) -> OutboxItem | None:
    """Lease the next due row to ``worker`` with a new token (an atomic conditional UPDATE
    timed by the database clock), or None."""
    for row_id in conn.execute(_due_ids(conn)).scalars():
        token = uuid.uuid4().hex
        leased = conn.execute(
            update(OB)
            .where(OB.c.id == row_id, OB.c.status == "pending", _lease_free(conn))
            .values(
                lease_owner=worker,
                lease_token=token,
                lease_until=db_time(conn, lease_seconds),
                attempts=OB.c.attempts + 1,
            )
        )
        if leased.rowcount == 1:
            return _item(conn, row_id)
    return None


def renew(conn: Connection, item_id: int, token: str, lease_seconds: float) -> bool:
    """Extend a held lease to ``lease_seconds`` from now (database clock); False if the
    lease is no longer this token's."""
    stmt = update(OB).where(_mine(item_id, token)).values(lease_until=db_time(conn, lease_seconds))
    return conn.execute(stmt).rowcount == 1


def _lease_free(conn: Connection) -> Any:
    return or_(OB.c.lease_until.is_(None), OB.c.lease_until < db_time(conn))


def _due_ids(conn: Connection) -> Any:
    earlier = OB.alias("earlier")
    blocked = exists().where(
        and_(
            earlier.c.escalation_id == OB.c.escalation_id,
            earlier.c.stream == OB.c.stream,
            earlier.c.status == "pending",
            earlier.c.id < OB.c.id,
        )
    )
    due = OB.c.next_attempt_at <= db_time(conn)
    return (
        select(OB.c.id)
        .where(OB.c.status == "pending", due, _lease_free(conn), ~blocked)
        .order_by(OB.c.next_attempt_at, OB.c.id)
        .limit(8)
    )


def _item(conn: Connection, row_id: int) -> OutboxItem:
    stmt = select(OB, E.c.ref).join(E, E.c.id == OB.c.escalation_id).where(OB.c.id == row_id)
    r = conn.execute(stmt).one()
    return OutboxItem(
        id=r.id,
        escalation_id=r.escalation_id,
        ref=r.ref,
        kind=r.kind,
        payload=json.loads(r.payload),
        idempotency_key=r.idempotency_key,
        attempts=r.attempts,
        created_at=r.created_at,
        lease_token=r.lease_token or "",
    )


def _mine(item_id: int, token: str) -> Any:
    """The row, only while the claim that issued ``token`` holds it (the fence)."""
    return and_(OB.c.id == item_id, OB.c.lease_token == token, OB.c.status == "pending")


def complete(conn: Connection, item_id: int, token: str, receipt: DeliveryReceipt | None) -> bool:
    """Mark delivered; False if the claim holding ``token`` was overtaken by another."""
    values: dict[str, Any] = {"status": "done", "delivered_at": db_time(conn), "lease_until": None}
    if receipt is not None:
        values.update(channel=receipt.channel, message_id=receipt.message_id)
    return conn.execute(update(OB).where(_mine(item_id, token)).values(**values)).rowcount == 1


def skip(conn: Connection, item_id: int, token: str, reason: str) -> None:
    values = {
        "status": "skipped",
        "delivered_at": db_time(conn),
        "lease_until": None,
        "last_error": reason,
    }
    conn.execute(update(OB).where(_mine(item_id, token)).values(**values))


def retry_later(
    conn: Connection, item_id: int, token: str, delay_seconds: float, error: str
) -> None:
    """Release the lease; the next attempt is ``delay_seconds`` from now (database clock)."""
    values = {
        "next_attempt_at": db_time(conn, delay_seconds),
        "lease_owner": None,
        "lease_until": None,
        "lease_token": None,
        "last_error": error[:200],
    }
    conn.execute(update(OB).where(_mine(item_id, token)).values(**values))


def delivered_at(conn: Connection, item_id: int) -> datetime | None:
    return conn.execute(select(OB.c.delivered_at).where(OB.c.id == item_id)).scalar()


def undelivered_posts(conn: Connection) -> list[tuple[int, datetime, dict[str, Any]]]:
    """``(escalation id, when raised, receipt payload)`` for every escalation whose DSL post
    is still pending and whose reporter has not been told "not delivered yet"."""
    post, receipt, told = OB.alias("post"), OB.alias("receipt"), OB.alias("told")
    stmt = (
        select(post.c.escalation_id, post.c.created_at, receipt.c.payload)
        .join(
            receipt,
            and_(
                receipt.c.escalation_id == post.c.escalation_id,
                receipt.c.kind == "reporter_receipt",
            ),
        )
        .where(post.c.kind == "destination_post", post.c.status == "pending")
        .where(
            ~exists().where(
                and_(
                    told.c.escalation_id == post.c.escalation_id,
                    told.c.idempotency_key.like("%/not-delivered"),
                )
            )
        )
    )
    return [(r[0], r[1], json.loads(r[2])) for r in conn.execute(stmt)]


def counts(conn: Connection) -> dict[str, int]:
    """status -> number of rows."""
    rows = conn.execute(select(OB.c.status, func.count()).group_by(OB.c.status))
    return {status: n for status, n in rows}


def existing_keys(conn: Connection, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(
        conn.execute(select(OB.c.idempotency_key).where(OB.c.idempotency_key.in_(keys))).scalars()
    )


def items_for(conn: Connection, escalation_id: int) -> list[dict[str, Any]]:
    """Every outbox row of one escalation, as dicts (for tests and ``escalations show``)."""
    stmt = select(OB).where(OB.c.escalation_id == escalation_id).order_by(OB.c.id)
    return [dict(row) for row in conn.execute(stmt).mappings()]
