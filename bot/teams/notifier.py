"""Delivers escalation outbox items to Teams (Teams' :class:`bot.escalation.outbox.Notifier`).

Where things go (Keeping Children Safe in Education):

* a concern (route ``dsl``) -> the DSL destination set with "setup dsl" (a channel or chat),
  or, when none is set, a 1:1 chat with each of ``TEAMS_DSL_AAD_IDS``;
* about a member of staff (``headteacher``) -> 1:1 chats with ``TEAMS_HEADTEACHER_AAD_IDS``;
  about the headteacher (``chair``) -> ``TEAMS_CHAIR_AAD_IDS``; never the DSL destination;
* reminders -> the same places, for each role the reminder names;
* receipts and updates -> a 1:1 chat with the reporter.

A person is reached through the record the bot keeps when they message it or install it
(:class:`~bot.teams.directory.Directory`); someone the bot has never seen cannot be messaged
yet, and the item waits (DeliveryError, retried) until they have.

Exactly once: Teams has no way to search what a bot posted, so each post's conversation and
message id are recorded per target under the item's idempotency key right after Teams
accepts it; a retry (or :meth:`find_existing` after a crash) skips the targets recorded.
Connector failures (5xx, 429 with Retry-After, timeouts, network) become DeliveryError.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from microsoft_agents.activity import Activity

from bot.errors import DeliveryError
from bot.escalation.delivery import REPORTER_KINDS, retry_delay, targets_for
from bot.escalation.people import ROLES, People
from bot.escalation.view import (
    RECEIPT_EDITS,
    Catalogue,
    dsl_view,
    purged_text,
    reminder_text,
    reporter_text,
)
from bot.store.records import DeliveryReceipt, Escalation, OutboxItem
from bot.teams.cards import card_message, text_message
from bot.teams.connector import TeamsConnector
from bot.teams.directory import Directory, Record
from bot.teams.escalation_cards import dsl_card, reminder_card
from bot.teams.settings import TeamsSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
CALL_TIMEOUT = 30.0


@dataclass(frozen=True)
class Target:
    """Where one copy of a message goes: ``ref`` (a conversation) or ``person`` (an AAD id)."""

    key: str
    person: str | None = None
    ref: Record | None = None


class TeamsNotifier:
    def __init__(
        self, connector: TeamsConnector, directory: Directory, settings: TeamsSettings
    ) -> None:
        self.connector = connector
        self.directory = directory
        self.settings = settings
        self.schools: dict[str, People] = {}  # a trust: schools with their own Teams people
        self.catalogue: Catalogue | None = None  # school names and clause text for the card

    # --- the Notifier protocol ------------------------------------------------------------

    def deliver(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        return _guard(self._deliver(item, escalation), item)

    def find_existing(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        found = [
            self.directory.sent(item.idempotency_key, t.key)
            for t in self._targets(item, escalation)
        ]
        if not found or not all(found):
            return None
        return DeliveryReceipt(str(found[0]["conversation"]), str(found[0]["activity"]))  # type: ignore[index]

    # --- where ----------------------------------------------------------------------------

    def addresses(
        self, school: str | None = None, personal: bool = False
    ) -> dict[str, list[Target]]:
        """Where each role is reached (see the module's docstring); ``personal``: the DSLs
        each in their own chat even when a DSL conversation is set (an urgent alert). In a
        trust, a school with its own Teams people: only them, privately; never the
        trust-wide DSL conversation."""
        s, own = self.settings, self.schools.get(school or "")
        if own is not None:
            return {role: [_person(aad) for aad in own.holders(role)] for role in ROLES}
        destination = self.directory.dsl_destination()
        if destination and not (personal and s.teams_dsl_aad_ids):
            dsl = [Target("dsl", ref=destination)]
        else:
            dsl = [_person(aad) for aad in s.teams_dsl_aad_ids]
        return {
            "dsl": dsl,
            "headteacher": [_person(aad) for aad in s.teams_headteacher_aad_ids],
            "chair": [_person(aad) for aad in s.teams_chair_aad_ids],
        }

    def holders(self, escalation: Escalation) -> tuple[str, ...]:
        """Entra object ids of the people holding the escalation's route (to @-mention)."""
        s, own = self.settings, self.schools.get(escalation.school or "")
        ids = own or People(s.teams_dsl_aad_ids, s.teams_headteacher_aad_ids, s.teams_chair_aad_ids)
        return ids.holders(escalation.route)

    def destinations(self, escalation: Escalation) -> list[Target]:
        """Where the escalation's own card goes, by its route."""
        return self.addresses(escalation.school)[escalation.route]

    def _targets(self, item: OutboxItem, escalation: Escalation) -> list[Target]:
        reporter = _person(escalation.reporter_id)
        # no lookup needed for the reporter
        urgent = item.payload.get("event") == "urgent"  # an urgent alert: to each DSL's chat
        addresses = {} if item.kind in REPORTER_KINDS else self.addresses(escalation.school, urgent)
        return targets_for(item, escalation, addresses, reporter)

    # --- what -----------------------------------------------------------------------------

    async def _deliver(self, item: OutboxItem, esc: Escalation) -> DeliveryReceipt | None:
        if item.kind == "destination_update":
            await self._update_posts(esc, purged_text(item, esc))
            return None
        if item.kind == "destination_post":
            activity = self._card(esc)
        elif item.kind == "reminder":
            text = reminder_text(item, esc)
            activity = card_message(reminder_card(esc, text), text)
        else:
            activity = text_message(reporter_text(item, esc, name=self.directory.name))
            edited = await self._edit_receipt(item, esc, activity)
            if edited is not None:
                return edited
        return await self._post_each(item, self._targets(item, esc), activity)

    async def _edit_receipt(
        self, item: OutboxItem, esc: Escalation, activity: Activity
    ) -> DeliveryReceipt | None:
        """ "Delivered …" / "Not delivered yet …" replace the receipt's text in the reporter's
        chat, so it never goes on saying only "delivering"; None if it cannot be found."""
        if item.payload.get("event") not in RECEIPT_EDITS:
            return None
        target = _person(esc.reporter_id)
        receipt = self.directory.sent(f"{esc.ref}/receipt", target.key)
        service_url = self._service_url(target)
        if receipt is None or service_url is None:
            return None
        conversation, message_id = str(receipt["conversation"]), str(receipt["activity"])
        await self.connector.update(service_url, conversation, message_id, activity)
        return DeliveryReceipt(conversation, message_id)

    async def _post_each(
        self, item: OutboxItem, targets: list[Target], activity: Activity
    ) -> DeliveryReceipt:
        receipts = []
        for target in targets:
            done = self.directory.sent(item.idempotency_key, target.key)
            if done is None:
                conversation, message_id = await self._post(target, activity)
                self.directory.record_sent(
                    item.idempotency_key, target.key, conversation, message_id
                )
                done = {"conversation": conversation, "activity": message_id}
            receipts.append(DeliveryReceipt(str(done["conversation"]), str(done["activity"])))
        return receipts[0]

    async def _post(self, target: Target, activity: Activity) -> tuple[str, str]:
        if target.ref is not None:
            ref = target.ref
            message_id = await self.connector.post(
                ref["service_url"], ref["conversation"], activity, ref.get("bot_id")
            )
            return ref["conversation"], message_id
        return await self.connector.post_to_person(self.directory, str(target.person), activity)

    async def _update_posts(self, esc: Escalation, purged: str | None = None) -> None:
        """Replace the card wherever the escalation was posted (after a purge: with only
        the reference and why the details are gone)."""
        if purged is not None:
            activity = text_message(purged)
        else:
            activity = self._card(esc)
        candidates = {t.key: t for t in self.destinations(esc)}
        candidates.setdefault("dsl", Target("dsl"))
        updated = 0
        for target in candidates.values():
            done = self.directory.sent(f"{esc.ref}/post", target.key)
            service_url = self._service_url(target)
            if done is None or service_url is None:
                continue
            await self.connector.update(
                service_url, str(done["conversation"]), str(done["activity"]), activity
            )
            updated += 1
        if not updated:
            raise DeliveryError(f"{esc.ref}: destination message not found yet", 30)

    def _card(self, esc: Escalation) -> Activity:
        """The DSL card; its summary (the notification) says "URGENT" for an urgent one."""
        view_card = dsl_card(esc, self.directory.name, self.holders(esc), self.catalogue)
        return card_message(view_card, dsl_view(esc, name=self.directory.name).notice)

    def _service_url(self, target: Target) -> str | None:
        if target.key == "dsl":
            ref = target.ref or self.directory.dsl_destination() or {}
            return ref.get("service_url")
        return (self.directory.user(str(target.person)) or {}).get("service_url")


def _person(aad_id: str) -> Target:
    return Target(aad_id, person=aad_id)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to the end from synchronous code (the outbox's thread); from inside a
    running event loop, in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the caller below
            box["error"] = exc

    thread = threading.Thread(target=run, name="teams-notifier")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _guard(coro: Coroutine[Any, Any, T], item: OutboxItem) -> T:
    """Run a delivery; turn every connector or network failure into DeliveryError."""
    try:
        return run_sync(asyncio.wait_for(coro, CALL_TIMEOUT))
    except DeliveryError:
        raise
    except aiohttp.ClientResponseError as exc:
        log.warning("Teams refused outbox item %s (%s): HTTP %s", item.id, item.ref, exc.status)
        raise DeliveryError(f"Teams connector HTTP {exc.status}", _delay(exc)) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.warning(
            "Teams unreachable for outbox item %s (%s): %s", item.id, item.ref, type(exc).__name__
        )
        raise DeliveryError(f"Teams unreachable: {type(exc).__name__}") from None


def _delay(exc: aiohttp.ClientResponseError) -> float | None:
    return retry_delay(exc.status, exc.headers.get("Retry-After") if exc.headers else None)
