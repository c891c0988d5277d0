"""What the Slack and Teams outbox notifiers share: who an outbox item goes to, and how long
to wait after the platform refused it. (How to reach a role is each skin's business: it
hands in its addresses for each role, and gets back the ones this item goes to.)

    targets = targets_for(item, esc, {"dsl": [...], "headteacher": [...], "chair": [...]},
                          reporter=esc.reporter_id)
    raise DeliveryError("...", retry_delay(response.status, response.headers.get("Retry-After")))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from bot.errors import DeliveryError
from bot.store.records import Escalation, OutboxItem

T = TypeVar("T")
REPORTER_KINDS = ("reporter_receipt", "reporter_update")
MISCONFIGURED_RETRY = 300.0  # seconds: a refusal a person has to fix (no channel, bad token)


def roles_for(item: OutboxItem, escalation: Escalation) -> tuple[str, ...]:
    """The roles ``item`` goes to: those a reminder names, else the escalation's route (a
    reminder queued before reminders named roles goes to the route too)."""
    if item.kind == "reminder":
        named = tuple(str(role) for role in item.payload.get("roles") or ())
        return named or (escalation.route,)
    return (escalation.route,)


def targets_for(
    item: OutboxItem,
    escalation: Escalation,
    addresses: Mapping[str, Sequence[T]],
    reporter: T,
) -> list[T]:
    """Where ``item`` goes: ``reporter`` for receipts and updates; else the ``addresses`` of
    each role it goes to (:func:`roles_for`), in order and once each. No address at all (a
    post or a reminder) is a DeliveryError: logged, and retried until one is set."""
    if item.kind in REPORTER_KINDS:
        return [reporter]
    targets: list[T] = []
    for role in roles_for(item, escalation):
        for target in addresses.get(role, ()):
            if target not in targets:
                targets.append(target)
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
