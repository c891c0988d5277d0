"""What the Slack and Teams outbox notifiers share: who an outbox item goes to, and how long
to wait after the platform refused it. (How to reach a target is each skin's business.)

    targets = targets_for(item, esc, destinations, person, reminder_targets)
    raise DeliveryError("...", retry_delay(response.status, response.headers.get("Retry-After")))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.errors import DeliveryError
from bot.store.records import Escalation, OutboxItem

T = TypeVar("T")
REPORTER_KINDS = ("reporter_receipt", "reporter_update")
MISCONFIGURED_RETRY = 300.0  # seconds: a refusal a person has to fix (no channel, bad token)


def targets_for(
    item: OutboxItem,
    escalation: Escalation,
    destinations: Callable[[Escalation], list[T]],
    person: Callable[[str], T],
    reminder_targets: Callable[[OutboxItem], list[T]],
) -> list[T]:
    """Where ``item`` goes: the reporter for receipts and updates; the people a reminder
    names (else the route's destinations); the route's destinations for the DSL's message.
    No destination for the route is a DeliveryError: the item waits until one is set."""
    if item.kind in REPORTER_KINDS:
        return [person(escalation.reporter_id)]
    if item.kind == "reminder":
        targets = reminder_targets(item) or destinations(escalation)
    else:
        targets = destinations(escalation)
    if not targets:  # an error to log and retry, never "done" with nobody told
        raise DeliveryError(
            f"no {escalation.platform} recipient for {item.kind} on route {escalation.route}",
            MISCONFIGURED_RETRY,
        )
    return targets


def retry_delay(status: int, retry_after: str | None = None) -> float | None:
    """Seconds to wait after the platform answered ``status``: its Retry-After for 429, the
    outbox's backoff (None) for 5xx and a 429 without one, a long wait for other refusals."""
    if status == 429:
        try:
            return float(retry_after or "")
        except ValueError:
            return None
    return None if status >= 500 else MISCONFIGURED_RETRY
