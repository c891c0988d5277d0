"""Plain records written to and read from the escalation store.

These are platform-neutral: the Slack and Teams skins build a :class:`ConcernReport` from
their form, and render an :class:`Escalation` and an :class:`OutboxItem` into their own
messages. They are re-exported by :mod:`bot.escalation.service` and
:mod:`bot.escalation.outbox`; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Platform = Literal["slack", "teams"]
Risk = Literal["yes", "no", "unsure"]
AboutStaff = Literal["no", "staff", "headteacher"]
RouteName = Literal["dsl", "headteacher", "chair"]
Status = Literal["new", "claimed", "resolved"]
OutboxKind = Literal[
    "destination_post", "destination_update", "reporter_receipt", "reporter_update", "reminder"
]

PLATFORMS = ("slack", "teams")
RISKS = ("yes", "no", "unsure")
ABOUT_STAFF = ("no", "staff", "headteacher")
OUTBOX_KINDS = (
    "destination_post",
    "destination_update",
    "reporter_receipt",
    "reporter_update",
    "reminder",
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: now, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Submitted:
    """The fields staff submit with "Raise with DSL": a report carries them, and so does the
    escalation stored from it."""

    platform: Platform
    reporter_id: str
    team_id: str | None
    school: str | None
    question: str
    passage_id: str | None
    details: str
    immediate_risk: Risk
    about_staff: AboutStaff
    told_dsl_in_person: bool


@dataclass(frozen=True)
class ConcernReport(_Submitted):
    """What a member of staff submitted with "Raise with DSL" (the skin's form, as data).

    ``submission_key`` is the platform's own id for this one submission (Slack
    ``slack:<view.id>:<view.hash>``; Teams ``teams:<conversation>:<replyToId>``): a repeat
    with the same key (a double click, a retry, a second worker) returns the escalation
    stored the first time instead of storing another.
    """

    submission_key: str | None = None
    dsl_contact: str | None = None  # the school's DSL, name and phone, as the form showed it

    def validate(self) -> None:
        """Raise ValueError if a field holds a value the skins must never send."""
        checks = (
            (self.platform in PLATFORMS, "platform"),
            (self.immediate_risk in RISKS, "immediate_risk"),
            (self.about_staff in ABOUT_STAFF, "about_staff"),
            (bool(self.reporter_id), "reporter_id"),
        )
        for ok, name in checks:
            if not ok:
                raise ValueError(f"ConcernReport.{name} has a value that is not allowed")

    @property
    def urgent(self) -> bool:
        return self.immediate_risk in ("yes", "unsure")

    @property
    def route(self) -> RouteName:
        """Keeping Children Safe in Education: staff -> headteacher, headteacher -> chair."""
        return {"no": "dsl", "staff": "headteacher", "headteacher": "chair"}[self.about_staff]  # type: ignore[return-value]


@dataclass(frozen=True)
class Escalation(_Submitted):
    """One escalation as stored. ``question``/``details`` are "" once ``details_purged``."""

    id: int
    ref: str
    urgent: bool
    route: RouteName
    status: Status
    claimed_by: str | None
    claimed_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None
    record_ref: str | None
    destination_channel: str | None
    destination_message_id: str | None
    created_at: datetime
    updated_at: datetime
    details_purged: bool
    history: tuple[AuditEntry, ...] = field(default=(), compare=False)  # the trail, if read

    @property
    def is_open(self) -> bool:
        return self.status != "resolved"


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to an escalation, and when. ``detail`` holds ids or references only."""

    ref: str
    at: datetime
    actor_id: str
    action: str
    detail: str | None = None


@dataclass(frozen=True)
class DeliveryReceipt:
    """Where a platform put a message: a channel/conversation id and a message id (Slack ts)."""

    channel: str
    message_id: str


@dataclass(frozen=True)
class OutboxItem:
    """One message to deliver for an escalation.

    ``kind`` is one of :data:`OUTBOX_KINDS`. ``payload`` holds ids and small facts only (never
    question or detail text): ``event`` ("submitted", "claimed", "resolved", "recorded",
    "reopened", "unassigned") and ``actor_id`` for updates; ``roles`` (who to notify: "dsl",
    "headteacher", "chair") for destination posts and reminders, and ``level`` for reminders.
    ``idempotency_key`` is unique and stable across retries and processes: attach it to the
    platform message (Slack ``metadata``) so ``find_existing`` can find it.
    """

    id: int
    escalation_id: int
    ref: str
    kind: OutboxKind
    payload: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""
    attempts: int = 0
    created_at: datetime | None = None
    lease_token: str = ""  # this claim's fence: the store completes the row only with it

    @property
    def may_have_been_sent(self) -> bool:
        """True when an earlier attempt may have reached the platform before a crash."""
        return self.attempts > 1
