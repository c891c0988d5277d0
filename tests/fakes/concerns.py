"""Builders for concern reports and a wired-up escalation service, for the escalation tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from bot.escalation.service import ConcernReport, EscalationService
from bot.store import Store, tables
from bot.store.records import utc_now

DSL = "U_DSL"
DEPUTY = "U_DEPUTY"
HEAD = "U_HEAD"
CHAIR = "U_CHAIR"
REPORTER = "U_REPORTER"
STRANGER = "U_STRANGER"

SECRET_DETAILS = "Pupil Zebedee Quarrington said her stepdad hits her"
SECRET_QUESTION = "what do I do if a child tells me about bruises from Mr Xylophone"

BASE = ConcernReport(
    platform="slack",
    reporter_id=REPORTER,
    team_id="T1",
    school="oak-primary",
    question=SECRET_QUESTION,
    passage_id="oak-primary/safeguarding#4.2",
    details=SECRET_DETAILS,
    immediate_risk="no",
    about_staff="no",
    told_dsl_in_person=False,
)


def make_report(**changes: Any) -> ConcernReport:
    return replace(BASE, **changes)


def make_service(store: Store, clock: Any) -> EscalationService:
    return EscalationService(store, (DSL, DEPUTY), (HEAD,), (CHAIR,), clock=clock)


def expire_leases(store: Store) -> None:
    """What the database clock passing every lease time does (tests never sleep for it)."""
    past = utc_now() - timedelta(hours=1)
    with store.transaction() as conn:
        conn.execute(update(tables.outbox).values(lease_until=past))
