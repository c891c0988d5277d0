"""The escalation store: SQLite (WAL) by default, PostgreSQL for multi-worker deployments.

    store = Store.open(settings.database_url)   # connects and applies migrations
    store.mark_event_seen(event_id)             # Slack retry de-duplication across workers
    store.record_feedback(passage_id, helpful)  # no question text
    store.save_conversation_ref(key, ref_dict)  # Teams proactive messaging

Modules: ``engine`` (URL -> engine), ``tables``, ``migrations`` (named, ordered),
``escalations`` and ``outbox_rows`` (statements the services run), ``records`` (data),
``schools`` (the school registry: installed schools, their admins and settings).
"""

from bot.store.records import (
    AuditEntry,
    ConcernReport,
    DeliveryReceipt,
    Escalation,
    OutboxItem,
    utc_now,
)
from bot.store.store import Store

__all__ = [
    "AuditEntry",
    "ConcernReport",
    "DeliveryReceipt",
    "Escalation",
    "OutboxItem",
    "Store",
    "utc_now",
]
