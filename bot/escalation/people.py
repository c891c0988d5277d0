"""The roles an escalation can go to, and who holds them.

The escalation core speaks roles, never addresses: ``"dsl"`` (the DSL and deputies),
``"headteacher"`` (allegations about staff) and ``"chair"`` (the chair of governors, for
allegations about the headteacher). An escalation's ``route`` is one of them, outbox rows and
reminders name them, and each skin turns a role into its own addresses (a private channel,
1:1 chats) when it delivers.

:class:`People` knows who holds each role by the ids they act under (Slack user ids and Teams
AAD object ids alike); the core uses it only to decide who may act on an escalation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import messages
from bot.errors import NoRecipient

ROLES = ("dsl", "headteacher", "chair")


def escalate_to(route: str) -> str:
    """The role above ``route`` for a last reminder: the headteacher above the DSL, the chair
    of governors above the headteacher (and above the chair, the chair)."""
    return "headteacher" if route == "dsl" else "chair"


@dataclass(frozen=True)
class People:
    """Who holds each role, by the ids people act under on any platform."""

    dsl_ids: tuple[str, ...] = ()
    headteacher_ids: tuple[str, ...] = ()
    chair_ids: tuple[str, ...] = ()
    dsl_destination: bool = False  # a DSL channel is set up (it receives even with no ids)
    dsl_channel: str | None = None  # a school's own Slack DSL channel (bot.escalation.schools)

    def holders(self, role: str) -> tuple[str, ...]:
        return {"dsl": self.dsl_ids, "headteacher": self.headteacher_ids}.get(role, self.chair_ids)

    def route_for(self, wanted: str) -> str:
        """The route a concern takes: its own if someone holds it, else the DSL (a concern
        about staff with no headteacher set up, or about the headteacher with no chair, must
        still reach someone). NoRecipient if not even the DSL is set up."""
        if wanted != "dsl" and self.holders(wanted):
            return wanted
        if self.dsl_ids or self.dsl_destination:
            return "dsl"
        raise NoRecipient(messages.ESCALATION_NO_RECIPIENT)
