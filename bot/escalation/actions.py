"""A person acting on an escalation from a chat skin, platform-neutral: run the change through
the :class:`~bot.escalation.service.EscalationService` off the event loop, and word the outcome.

Both skins call :func:`submit` for a sent "Raise with DSL" form (the reporter is told it was
received only once it is stored; otherwise ``outcome.refusal`` tells them to go to the DSL in
person), and :func:`act` for Claim, Resolve, Reopen, Unassign and Record as logged, and show
``outcome.refusal`` (if any) only to the person who clicked; ``outcome.changed`` says whether
to wake the outbox. A refusal is one of: no database, not allowed (only the DSLs; nothing
changes), no such reference, the database failed, or already claimed by someone else.

    outcome = await submit(service, report, deadline=2.5)
    outcome = await act(service, "claim", ref, user_id, name=mention, text=escape)
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Literal

from bot import messages
from bot.errors import NoRecipient, NotFound, PermissionDenied, StoreError
from bot.escalation.view import Name, Text, as_is
from bot.store.records import ConcernReport, Escalation

log = logging.getLogger(__name__)
Change = Literal["claim", "resolve", "record_logged", "reopen", "unassign"]


@dataclass(frozen=True)
class Outcome:
    escalation: Escalation | None  # as it is now (None when it could not be read)
    refusal: str | None = None  # a sentence for the person who clicked, and only them

    @property
    def changed(self) -> bool:
        """True when the service ran (the outbox may have updates to deliver)."""
        return self.escalation is not None


async def submit(service: Any, report: ConcernReport, deadline: float | None = None) -> Outcome:
    """Store ``report`` (one transaction) and return it; within ``deadline`` seconds if given
    (the save carries on after that, and the DSL still gets the concern if it lands)."""
    if service is None:
        log.error("%s escalation could not be stored: no database", report.platform)
        return Outcome(None, messages.STORE_UNAVAILABLE)
    saving = asyncio.to_thread(service.submit, report)
    try:
        if deadline is None:
            return Outcome(await saving)
        return Outcome(await asyncio.wait_for(asyncio.shield(saving), deadline))
    except TimeoutError:  # a locked or slow database: the reporter must not be left waiting
        log.error(
            "%s escalation not stored within %ss; reporter told to go in person",
            report.platform,
            deadline,
        )
        return Outcome(None, messages.STORE_SLOW)
    except NoRecipient as error:
        log.error("%s escalation refused: nobody is set up to receive it", report.platform)
        return Outcome(None, str(error))
    except (StoreError, ValueError) as error:
        log.error("%s escalation could not be stored: %s", report.platform, type(error).__name__)
        return Outcome(None, messages.STORE_UNAVAILABLE)


async def act(
    service: Any,
    change: Change,
    ref: str,
    user_id: str,
    *args: str,
    name: Name,
    text: Text = as_is,
) -> Outcome:
    """``service.<change>(ref, user_id, *args)``; every failure becomes a refusal sentence."""
    if service is None:
        return Outcome(None, messages.STORE_UNAVAILABLE)
    try:
        esc = await asyncio.to_thread(getattr(service, change), ref, user_id, *args)
    except PermissionDenied:
        return Outcome(None, messages.ESCALATION_NOT_ALLOWED)
    except NotFound:
        return Outcome(None, messages.ESCALATION_NOT_FOUND.format(ref=text(ref)))
    except StoreError:
        return Outcome(None, messages.SOMETHING_WENT_WRONG)
    if change == "claim" and esc.claimed_by and esc.claimed_by != user_id:
        actor = name(esc.claimed_by)
        return Outcome(esc, messages.ESCALATION_ALREADY_CLAIMED.format(ref=esc.ref, actor=actor))
    return Outcome(esc)
