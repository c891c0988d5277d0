"""Export escalations for copying into CPOMS / MyConcern, and purge old details.

``export(store, "csv" | "json")`` writes one record per escalation, fields in the usual
safeguarding recording order (:data:`EXPORT_FIELDS`). The ``audit_trail`` is a list of
``{"at", "actor_id", "action", "detail"}`` in JSON and one "time action by actor" line per
entry joined with "; " in CSV. CSV cells that a spreadsheet would run as a formula are
prefixed with an apostrophe.

``purge(store, older_than)`` blanks the question, details and resolution note of escalations
resolved more than ``older_than`` ago, sets ``details_purged`` and writes an audit row;
reference, status, dates, people and the audit trail are kept. It also deletes the sampled
question text older than 30 days (``bot.store.question_stats``), whatever ``older_than`` is.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.store import Store, outbox_rows
from bot.store import escalations as rows
from bot.store.question_stats import QuestionStats
from bot.store.records import AuditEntry, Clock, Escalation, utc_now

if TYPE_CHECKING:
    from sqlalchemy import Connection

logger = logging.getLogger(__name__)

EXPORT_FIELDS = (
    "reference",
    "raised_at",
    "reporter",
    "school",
    "type",
    "routed_to",
    "immediate_risk",
    "what_happened",
    "clause_shown",
    "question",
    "told_dsl_in_person",
    "status",
    "claimed_by",
    "resolved_by",
    "resolved_at",
    "recorded_as",
    "details_purged",
    "audit_trail",
)
TYPES = {
    "no": "concern about a child",
    "staff": "allegation about a member of staff",
    "headteacher": "allegation about the headteacher",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record(esc: Escalation, trail: list[AuditEntry]) -> dict[str, Any]:
    """One escalation as an ordered dict of :data:`EXPORT_FIELDS`."""
    return {
        "reference": esc.ref,
        "raised_at": _iso(esc.created_at),
        "reporter": esc.reporter_id,
        "school": esc.school,
        "type": TYPES[esc.about_staff],
        "routed_to": esc.route,
        "immediate_risk": esc.immediate_risk,
        "what_happened": esc.details,
        "clause_shown": esc.passage_id,
        "question": esc.question,
        "told_dsl_in_person": esc.told_dsl_in_person,
        "status": esc.status,
        "claimed_by": esc.claimed_by,
        "resolved_by": esc.resolved_by,
        "resolved_at": _iso(esc.resolved_at),
        "recorded_as": esc.record_ref,
        "details_purged": esc.details_purged,
        "audit_trail": [_audit_json(entry) for entry in trail],
    }


def records(store: Store) -> list[dict[str, Any]]:
    with store.reading() as conn:
        return [record(esc, rows.audit_for(conn, esc)) for esc in rows.list_(conn)]


def export(store: Store, fmt: str) -> str:
    """All escalations as ``csv`` or ``json`` text; ValueError for another format."""
    if fmt == "json":
        return json.dumps(records(store), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(records(store))
    raise ValueError("format must be csv or json")


def _csv(data: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in data:
        trail = "; ".join(_audit_line(entry) for entry in item["audit_trail"])
        writer.writerow({k: _cell(v) for k, v in (item | {"audit_trail": trail}).items()})
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": _iso(entry.at),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "detail": entry.detail,
    }


def _audit_line(entry: dict[str, Any]) -> str:
    line = f"{entry['at']} {entry['action']} by {entry['actor_id']}"
    return f"{line} ({entry['detail']})" if entry["detail"] else line


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat(timespec="seconds").replace("+00:00", "Z")


def purge(
    store: Store,
    older_than: timedelta,
    clock: Clock = utc_now,
    per_school: Mapping[str, timedelta] | None = None,
) -> list[str]:
    """Blank the details of escalations resolved before now - ``older_than`` (a school in
    ``per_school``: before now - its own age, as its admin set it); return refs.

    The DSL's platform message is edited down to "ESC-… — details removed after N days
    (retention)" through the outbox (so it survives outages), and the WAL is checkpointed."""
    now = clock()
    own = dict(per_school or {})
    purged: list[str] = []
    with store.transaction() as conn:
        batches = [(rows.purgeable(conn, now - older_than, except_schools=own), older_than)]
        batches += [(rows.purgeable(conn, now - age, school=s), age) for s, age in own.items()]
        for ids, age in batches:
            purged += [_purge_one(conn, esc_id, now, age) for esc_id in ids]
    samples = QuestionStats(store).purge_samples()  # the 30-day sample of unanswered questions
    store.checkpoint()  # secure_delete zeroed the old text; this clears it from the WAL too
    logger.info("purged details of %d escalation(s), %d sampled question(s)", len(purged), samples)
    return purged


def _purge_one(conn: Connection, esc_id: int, now: datetime, age: timedelta) -> str:
    blank = {"question": "", "details": "", "resolution_note": None, "details_purged": True}
    rows.set_fields(conn, esc_id, now, **blank)
    rows.add_audit(conn, esc_id, "policybot", "details_purged", now)
    ref = rows.get_by_id(conn, esc_id).ref
    edit = {"event": "purged", "days": age.days}  # the DSL's message, too
    outbox_rows.enqueue(conn, esc_id, "destination_update", f"{ref}/purged", now, edit)
    return ref
