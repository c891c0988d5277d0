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

    def holders(self, role: str) -> tuple[str, ...]:
        return {"dsl": self.dsl_ids, "headteacher": self.headteacher_ids}.get(role, self.chair_ids)
