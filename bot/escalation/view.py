"""What an escalation looks like to people, platform-neutral: the DSL destination's message,
the reporter's receipts and updates, and reminders.

Both skins draw the same view (Slack Block Kit in ``bot/slack/escalation_blocks.py``, Teams
Adaptive Cards in ``bot/teams/escalation_cards.py``) and only add their own markup, so the
words, the facts, their order and the actions offered are decided once, here. Every string
comes from ``bot.messages``.

A skin passes two functions: ``name`` turns a user id into how that person is shown (a
Slack mention, a Teams display name) and ``text`` makes any other value safe to show (Slack:
mrkdwn escaping; Teams: nothing, its TextRuns are never read as Markdown). ``question`` and
``details`` stay raw, because each skin cuts them to its own size limits before escaping.

    view = dsl_view(esc, name=mention, text=escape, catalogue=catalogue)
    view.facts        # (Fact("Raised by", "<@U100>"), Fact("School", "Kite College"), ...)
    view.clause       # Clause("“Staff must report …”", "Child Protection Policy · 4 Reporting")
    view.actions      # ("claim", "resolve", "record") while new; ("unassign", "resolve",
                      # "record") once claimed; ("reopen", "record") once resolved
    view.timeline     # ("09:00 raised", "09:02 claimed by <@U1>", …) from ``esc.history``

A :class:`Catalogue` (the skins get one built over the index: ``bot.chat.catalogue``) names
the school and quotes the clause the reporter was shown; without one, or when the index no
longer has them, the post falls back to the school's slug and the clause's id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from bot import messages
from bot.store.records import AuditEntry, Escalation, OutboxItem

RECEIPT_EDITS = ("delivered", "not_delivered")  # reporter updates that rewrite the receipt
SCHOOL_TIME_ZONE = ZoneInfo("Europe/London")  # times the reporter reads ("at 10:42")
Name = Callable[[str | None], str]
Text = Callable[[str], str]
Action = Literal["claim", "unassign", "resolve", "reopen", "record"]
ACTION_LABELS: dict[Action, str] = {
    "claim": messages.BUTTON_CLAIM,
    "unassign": messages.BUTTON_UNASSIGN,
    "resolve": messages.BUTTON_RESOLVE,
    "reopen": messages.BUTTON_REOPEN,
    "record": messages.BUTTON_RECORD,
}
QUOTE_CHARS = 200  # of the clause shown, on the DSL's post
TIMELINE_ENTRIES = 12  # the first, then the latest: a post's history stays phone-sized
TIMELINE = {
    "submitted": messages.DSL_TIMELINE_RAISED,
    "claimed": messages.DSL_TIMELINE_CLAIMED,
    "recorded": messages.DSL_TIMELINE_RECORDED,
    "resolved": messages.DSL_TIMELINE_RESOLVED,
    "reopened": messages.DSL_TIMELINE_REOPENED,
    "unassigned": messages.DSL_TIMELINE_UNASSIGNED,
}


def as_is(value: str) -> str:
    return value


@dataclass(frozen=True)
class Quoted:
    """A clause as the index holds it: its verbatim text and where it is from."""

    text: str
    source: str  # "Child Protection Policy · 4 Reporting concerns · clause 4.2 · page 3"


class Catalogue(Protocol):
    """What the index knows that the escalation row does not: names, not ids."""

    def school_name(self, slug: str) -> str | None: ...

    def quote(self, passage_id: str) -> Quoted | None: ...


@dataclass(frozen=True)
class Clause:
    """The clause the reporter was shown, for the DSL: its first 200 characters in quotes
    (through ``text``) and its policy and section; the bare id when the index lost it."""

    quote: str | None
    source: str


@dataclass(frozen=True)
class Fact:
    """One ``label: value`` line (the value already through the skin's ``name``/``text``)."""

    label: str
    value: str


@dataclass(frozen=True)
class DslView:
    """The DSL destination's message for one escalation (also its update after a change)."""

    ref: str
    title: str
    notice: str  # the notification text: the title, or "URGENT: concern …" for an urgent one
    urgent: str | None  # "Immediate risk: Yes" for an urgent one
    alert: tuple[str, ...]  # an urgent one's route holders, through ``name`` (to @-mention)
    facts: tuple[Fact, ...]  # raised by, school, immediate risk, about staff, told the DSL
    question: str | None  # raw
    clause: Clause | None  # the clause shown (quoted), if one was
    details: str | None  # raw; None once purged
    purged: str | None  # the note shown instead of purged details
    status: Fact
    recorded: Fact | None  # where a DSL logged it (CPOMS / MyConcern reference)
    actions: tuple[Action, ...]
    holder: str  # the raw id of whoever claimed it ("" when nobody): Unassign names it
    timeline: tuple[str, ...]  # "10:42 raised", "10:44 claimed by @Jo", … (school's clock)
    version: str  # changes with every update (Slack asks for a new block_id each time)


def dsl_view(
    esc: Escalation,
    name: Name,
    text: Text = as_is,
    alert_ids: Sequence[str] = (),
    catalogue: Catalogue | None = None,
) -> DslView:
    """The view of ``esc`` for the DSL destination; ``alert_ids`` (the route's holders) are
    @-mentioned when it is urgent; ``catalogue`` names the school and quotes the clause."""
    risk = messages.RAISE_RISK_OPTIONS[esc.immediate_risk]
    purged = esc.details_purged
    title = messages.DSL_POST_TITLE.format(ref=esc.ref)
    return DslView(
        ref=esc.ref,
        title=title,
        notice=messages.DSL_POST_URGENT_NOTICE.format(ref=esc.ref, risk=risk)
        if esc.urgent
        else title,
        urgent=messages.DSL_URGENT.format(risk=risk) if esc.urgent else None,
        alert=tuple(name(i) for i in dict.fromkeys(alert_ids)) if esc.urgent else (),
        facts=_facts(esc, name, text, catalogue),
        question=None if purged else (esc.question or None),
        clause=_clause(esc, text, catalogue) if not purged else None,
        details=None if purged else (esc.details or messages.UNKNOWN),
        purged=messages.DSL_PURGED if purged else None,
        status=Fact(messages.DSL_STATUS, status_text(esc, name)),
        recorded=Fact(messages.DSL_RECORDED, text(esc.record_ref)) if esc.record_ref else None,
        actions=actions_for(esc),
        holder=esc.claimed_by or "",
        timeline=timeline(esc, name, text),
        version=f"{esc.updated_at.timestamp():.6f}".replace(".", ""),
    )


def timeline(esc: Escalation, name: Name, text: Text = as_is) -> tuple[str, ...]:
    """What happened so far, oldest first, in the school's time: raised, claimed, recorded
    (its reference), resolved, reopened, unassigned; from the audit trail when the
    escalation carries it (``esc.history``), else from its fields. A long history keeps
    the first entry and the latest ones."""
    if not esc.history:
        return _timeline_from_fields(esc, name, text)
    lines = [line for entry in esc.history if (line := _entry(entry, name, text))]
    if len(lines) > TIMELINE_ENTRIES:
        lines = [lines[0], messages.DSL_TIMELINE_GAP, *lines[2 - TIMELINE_ENTRIES :]]
    return tuple(lines)


def _entry(entry: AuditEntry, name: Name, text: Text) -> str | None:
    """One audit row as a timeline entry; None for the rows staff need not see there
    (reminders, rerouting, the urgent alert: ``policybot escalations show`` lists them)."""
    template = TIMELINE.get(entry.action)
    if template is None:
        return None
    record = text(entry.detail or messages.UNKNOWN)
    return template.format(time=_at(entry.at), actor=name(entry.actor_id), record=record)


def _timeline_from_fields(esc: Escalation, name: Name, text: Text) -> tuple[str, ...]:
    lines = [messages.DSL_TIMELINE_RAISED.format(time=_at(esc.created_at))]
    if esc.claimed_at:
        actor = name(esc.claimed_by)
        lines.append(messages.DSL_TIMELINE_CLAIMED.format(time=_at(esc.claimed_at), actor=actor))
    if esc.record_ref:
        record = text(esc.record_ref)
        lines.append(messages.DSL_TIMELINE_RECORDED.format(time=_at(esc.updated_at), record=record))
    if esc.status == "resolved" and esc.resolved_at:
        actor = name(esc.resolved_by)
        lines.append(messages.DSL_TIMELINE_RESOLVED.format(time=_at(esc.resolved_at), actor=actor))
    return tuple(lines)


def _at(when: datetime) -> str:
    if when.tzinfo is None:  # SQLite hands back naive UTC
        when = when.replace(tzinfo=UTC)
    return local_time(when.isoformat())


def status_text(esc: Escalation, name: Name) -> str:
    """The status: new (not yet claimed), claimed by someone, or resolved by someone."""
    if esc.status == "resolved":
        return messages.DSL_STATUS_RESOLVED.format(actor=name(esc.resolved_by))
    if esc.status == "claimed":
        return messages.DSL_STATUS_CLAIMED.format(actor=name(esc.claimed_by))
    return messages.DSL_STATUS_NEW


def actions_for(esc: Escalation) -> tuple[Action, ...]:
    """Claim while new, Unassign while claimed, Resolve until resolved, Reopen once
    resolved; Record as logged always."""
    first: dict[str, tuple[Action, ...]] = {
        "new": ("claim", "resolve"),
        "claimed": ("unassign", "resolve"),
        "resolved": ("reopen",),
    }
    return (*first[esc.status], "record")


def reporter_text(item: OutboxItem, esc: Escalation, name: Name, text: Text = as_is) -> str:
    """What the reporter is told privately: the receipt, or what a DSL did."""
    event = item.payload.get("event", "submitted")
    actor, ref = name(item.payload.get("actor_id")), text(esc.ref)
    if event == "claimed":
        return messages.ESCALATION_CLAIMED.format(ref=ref, actor=actor)
    if event == "resolved":
        return messages.ESCALATION_RESOLVED.format(ref=ref, actor=actor)
    if event == "recorded":
        return messages.ESCALATION_RECORDED.format(ref=ref)
    if event == "reopened":
        return messages.ESCALATION_REOPENED.format(ref=ref, actor=actor)
    route_name = messages.ROUTE_NAMES[esc.route]
    if event == "unassigned":
        return messages.ESCALATION_UNASSIGNED.format(ref=ref, route_name=route_name)
    if event == "delivered":
        time = local_time(item.payload.get("at"))
        return messages.ESCALATION_DELIVERED.format(ref=ref, route_name=route_name, time=time)
    if event == "not_delivered":
        dsl = text(item.payload.get("dsl") or messages.DSL_UNKNOWN)
        return messages.ESCALATION_NOT_DELIVERED.format(ref=ref, dsl=dsl)
    return messages.ESCALATION_RECEIPT.format(ref=ref, route_name=route_name)


def purged_text(item: OutboxItem, esc: Escalation, text: Text = as_is) -> str | None:
    """What the DSL's message is edited down to after a purge, or None for other updates."""
    if item.payload.get("event") != "purged":
        return None
    return messages.DSL_PURGED_POST.format(ref=text(esc.ref), days=item.payload.get("days", ""))


def local_time(iso: str | None) -> str:
    """An ISO UTC time as the school's clock shows it (UK time), e.g. "10:42"."""
    if not iso:
        return messages.UNKNOWN
    return datetime.fromisoformat(iso).astimezone(SCHOOL_TIME_ZONE).strftime("%H:%M")


def reminder_text(item: OutboxItem, esc: Escalation, text: Text = as_is) -> str:
    """The re-notification of an escalation nobody has claimed yet (its reference, route and
    age: minutes since it was raised); for an urgent one, the DM each of the route's people
    gets at once (``event`` "urgent"), and "URGENT: " first. The skins add Claim (while it
    is ``new``) and a link to the original post."""
    ref = text(esc.ref)
    if item.payload.get("event") == "urgent":
        risk = messages.RAISE_RISK_OPTIONS[esc.immediate_risk]
        return messages.ESCALATION_URGENT_ALERT.format(ref=ref, risk=risk)
    minutes, route_name = item.payload.get("minutes", ""), messages.ROUTE_NAMES[esc.route]
    reminder = messages.ESCALATION_REMINDER.format(ref=ref, route_name=route_name, minutes=minutes)
    return messages.ESCALATION_URGENT_MARK + reminder if esc.urgent else reminder


def _facts(
    esc: Escalation, name: Name, text: Text, catalogue: Catalogue | None
) -> tuple[Fact, ...]:
    told = messages.YES if esc.told_dsl_in_person else messages.NO
    return (
        Fact(messages.DSL_FACT_RAISED_BY, name(esc.reporter_id)),
        Fact(messages.DSL_FACT_SCHOOL, text(school_name(esc.school, catalogue))),
        Fact(messages.DSL_FACT_RISK, messages.RAISE_RISK_OPTIONS[esc.immediate_risk]),
        Fact(messages.DSL_FACT_ABOUT, messages.RAISE_STAFF_OPTIONS[esc.about_staff]),
        Fact(messages.DSL_FACT_TOLD, told),
        *_rerouted(esc),
    )


def _rerouted(esc: Escalation) -> tuple[Fact, ...]:
    """The note on a concern about staff that came to the DSL for want of anyone else."""
    if esc.route != "dsl" or esc.about_staff == "no":
        return ()
    return (Fact(messages.DSL_FACT_NOTE, messages.DSL_REROUTED[esc.about_staff]),)


def school_name(slug: str | None, catalogue: Catalogue | None) -> str:
    """The school's name as its school.toml gives it; the slug when none is known."""
    if not slug:
        return messages.UNKNOWN
    return (catalogue.school_name(slug) if catalogue else None) or slug


def _clause(esc: Escalation, text: Text, catalogue: Catalogue | None) -> Clause | None:
    if not esc.passage_id:
        return None
    found = catalogue.quote(esc.passage_id) if catalogue else None
    if found is None:
        return Clause(None, text(esc.passage_id))
    quote = messages.DSL_CLAUSE_QUOTE.format(text=text(cut_words(found.text, QUOTE_CHARS)))
    return Clause(quote, text(found.source))


def cut_words(value: str, limit: int) -> str:
    """``value`` whitespace-normalised, at most ``limit`` characters: cut at a word, "…"."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    head = value[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:") + "\u2026"
