"""Raising a concern with the DSL: the platform-free escalation core.

Skins (Slack, Teams) call this; it never imports a chat SDK.

    service = EscalationService(store, dsl_ids, headteacher_ids, chair_ids)
    esc = service.submit(ConcernReport(...))   # stored + outbox rows, committed, then returns
    service.claim(esc.ref, user_id)             # DSLs (and, for allegations, the route's holder)
    service.resolve(esc.ref, user_id, note=None)
    service.record_logged(esc.ref, user_id, "CPOMS 12345")
    service.reopen(esc.ref, user_id)             # a resolved one is open (claimed) again
    service.unassign(esc.ref, user_id, claimant)  # a claimed one is new again

* ``submit`` writes the escalation, an audit row and two outbox rows (``destination_post``
  to the DSL destination, ``reporter_receipt`` to the reporter) in ONE transaction and returns
  only after commit. An urgent one also gets a ``reminder`` row (key ``{ref}/urgent``, event
  ``urgent``: a DM to each of the route's people at once) and an ``urgent_alerted`` audit
  row. If the database fails it raises :class:`StoreError` whose text
  (``messages.STORE_UNAVAILABLE``) tells the reporter to go to the DSL in person.
* ``claim`` / ``resolve`` / ``record_logged`` / ``reopen`` / ``unassign``: a user who may
  not act gets :class:`PermissionDenied` (text: ``messages.ESCALATION_NOT_ALLOWED``) and
  nothing changes. Otherwise one transaction writes the change, an audit row and two outbox
  rows (``destination_update``; ``reporter_update`` with ``payload["event"]``). Repeating an
  action that is already done (a double click, a claim of an escalation someone else
  claimed, any change to a resolved one except ``record_logged`` and ``reopen``, a reopen of
  an open one, an unassign of one that is not claimed, or no longer by the claimant the
  button showed) changes nothing and returns the escalation as it is (with ``history``):
  compare ``esc.claimed_by`` with the user to word the reply.
* Reminders go only to people who can act: a role a reminder widened an escalation to (the
  headteacher on an unclaimed DSL concern) may act on it from then on (:func:`widened_roles`).
* Routing (Keeping Children Safe in Education): a concern about a member of staff goes to
  the headteacher, one about the headteacher to the chair of governors, never to the DSL
  channel. The route is a role (:mod:`bot.escalation.people`); the outbox rows name it and
  each skin turns it into addresses. ``recipients(esc)`` gives the ids of the people who
  hold it, on any platform (who may act).

Delivery happens later, in :mod:`bot.escalation.outbox`. Nothing here logs question, detail
or name text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from bot import messages
from bot.errors import PermissionDenied
from bot.escalation.people import People
from bot.store import Store, outbox_rows
from bot.store import escalations as rows
from bot.store.records import AuditEntry, Clock, ConcernReport, Escalation, utc_now

__all__ = ["AuditEntry", "ConcernReport", "Escalation", "EscalationService"]

logger = logging.getLogger(__name__)


class EscalationService:
    """Submit, act on and read escalations. Every change is one database transaction."""

    def __init__(
        self,
        store: Store,
        dsl_ids: Iterable[str],
        headteacher_ids: Iterable[str] = (),
        chair_ids: Iterable[str] = (),
        clock: Clock = utc_now,
        dsl_destination: bool = False,
        schools: Mapping[str, People] | None = None,
    ) -> None:
        self.store = store
        ids = tuple(dsl_ids), tuple(headteacher_ids), tuple(chair_ids)
        self.people = People(*ids, dsl_destination=dsl_destination)
        # a trust, or installed schools (a live mapping: bot.escalation.schools)
        self.schools: Mapping[str, People] = schools if schools is not None else {}
        self.clock = clock

    def people_for(self, school: str | None) -> People:
        """The school's own people when it names them, else the global ones."""
        return self.schools.get(school or "", self.people)

    # --- who --------------------------------------------------------------------------

    def recipients(self, escalation: Escalation) -> tuple[str, ...]:
        """Ids of the people holding the escalation's route (DSL and deputies, headteacher,
        or chair), on every platform; in a trust, of the escalation's own school."""
        return self.people_for(escalation.school).holders(escalation.route)

    def can_act(
        self, user_id: str, escalation: Escalation, widened: Iterable[str] | None = None
    ) -> bool:
        """DSLs (deputies included), the headteacher/chair for their own route, and the
        holders of a role a reminder was widened to (``widened``; read from the audit trail
        when None); never someone the concern is about (a headteacher who is also a DSL,
        for one about the headteacher)."""
        people = self.people_for(escalation.school)  # only that school's people
        if escalation.about_staff == "headteacher" and user_id in people.headteacher_ids:
            return False
        if user_id in people.dsl_ids:
            return True
        if widened is None:
            widened = widened_roles(self.audit(escalation.ref))
        roles = {escalation.route, *widened} - {"dsl"}
        return any(user_id in people.holders(role) for role in roles)

    # --- changes ----------------------------------------------------------------------

    def submit(self, report: ConcernReport) -> Escalation:
        """Store the escalation and its outbox rows; return once committed. A report whose
        ``submission_key`` was submitted before returns that escalation, adding nothing."""
        report.validate()
        route = self.people_for(report.school).route_for(report.route)  # NoRecipient: at once
        now = self.clock()
        with self.store.transaction() as conn:
            key = report.submission_key
            earlier = rows.claim_submission(conn, key, now) if key else None
            if earlier is not None:
                esc = rows.get_by_id(conn, earlier)
                logger.info("repeated submission of %s: nothing new stored", esc.ref)
                return esc
            ref = rows.next_ref(conn, now.year)
            esc_id = rows.insert(conn, report, ref, now, route)
            if route != report.route:
                rows.add_audit(conn, esc_id, "policybot", "rerouted", now, f"{report.route}->dsl")
            if key:
                rows.link_submission(conn, key, esc_id)
            rows.add_audit(conn, esc_id, report.reporter_id, "submitted", now)
            esc = rows.get_by_id(conn, esc_id)
            post = {"event": "submitted", "route": esc.route, "roles": [esc.route]}
            outbox_rows.enqueue(conn, esc_id, "destination_post", f"{ref}/post", now, post)
            receipt = {"event": "submitted", "dsl": report.dsl_contact}
            outbox_rows.enqueue(conn, esc_id, "reporter_receipt", f"{ref}/receipt", now, receipt)
            if esc.urgent:  # every one of the route's people is DMed at once, too
                alert = {"event": "urgent", "level": 0, "minutes": 0, "roles": [esc.route]}
                outbox_rows.enqueue(conn, esc_id, "reminder", f"{ref}/urgent", now, alert)
                rows.add_audit(conn, esc_id, "policybot", "urgent_alerted", now, esc.route)
        logger.info("escalation %s stored (route=%s, urgent=%s)", ref, esc.route, esc.urgent)
        return esc

    def claim(self, ref: str, user_id: str) -> Escalation:
        def apply(esc: Escalation) -> dict[str, Any] | None:
            if esc.status != "new":
                return None
            return {"status": "claimed", "claimed_by": user_id, "claimed_at": self.clock()}

        return self._change(ref, user_id, "claimed", apply)

    def resolve(self, ref: str, user_id: str, note: str | None = None) -> Escalation:
        def apply(esc: Escalation) -> dict[str, Any] | None:
            if esc.status == "resolved":
                return None
            values = {"status": "resolved", "resolved_by": user_id, "resolved_at": self.clock()}
            return values | {"resolution_note": note or None}

        return self._change(ref, user_id, "resolved", apply)

    def reopen(self, ref: str, user_id: str) -> Escalation:
        """A resolved concern is open again, held by whoever claimed it (or, if nobody did,
        by the person reopening it, so that it is never open and unowned without reminders
        firing at once). Anything not resolved: nothing changes (a double click)."""

        def apply(esc: Escalation) -> dict[str, Any] | None:
            if esc.status != "resolved":
                return None
            values: dict[str, Any] = {"status": "claimed", "resolved_by": None}
            values |= {"resolved_at": None, "resolution_note": None}
            if not esc.claimed_by:
                values |= {"claimed_by": user_id, "claimed_at": self.clock()}
            return values

        return self._change(ref, user_id, "reopened", apply)

    def unassign(self, ref: str, user_id: str, claimant: str | None = None) -> Escalation:
        """A claimed concern goes back to ``new`` (nobody holds it; reminders start again).
        With ``claimant`` (who the button showed as holding it), only that claim is undone:
        a second click after someone else claimed it changes nothing."""

        def apply(esc: Escalation) -> dict[str, Any] | None:
            if esc.status != "claimed" or (claimant and esc.claimed_by != claimant):
                return None
            return {"status": "new", "claimed_by": None, "claimed_at": None}

        return self._change(ref, user_id, "unassigned", apply)

    def record_logged(self, ref: str, user_id: str, system_ref: str) -> Escalation:
        """Record where the concern was logged ("CPOMS 12345", "MyConcern 678")."""
        system_ref = " ".join(system_ref.split())[:255]

        def apply(esc: Escalation) -> dict[str, Any] | None:
            return (
                None
                if not system_ref or esc.record_ref == system_ref
                else {"record_ref": system_ref}
            )

        return self._change(ref, user_id, "recorded", apply, detail=system_ref)

    def _change(
        self,
        ref: str,
        user_id: str,
        action: str,
        apply: Callable[[Escalation], dict[str, Any] | None],
        detail: str | None = None,
    ) -> Escalation:
        now = self.clock()
        with self.store.transaction() as conn:
            esc = rows.get(conn, ref, for_update=True)
            if not self.can_act(user_id, esc, widened_roles(rows.audit_for(conn, esc))):
                logger.warning("refused %s of %s by user %s", action, ref, user_id)
                raise PermissionDenied(messages.ESCALATION_NOT_ALLOWED)
            values = apply(esc)
            if values is None:
                logger.info("%s of %s by %s changed nothing", action, ref, user_id)
                return rows.with_history(conn, esc)
            rows.set_fields(conn, esc.id, now, **values)
            audit_id = rows.add_audit(conn, esc.id, user_id, action, now, detail)
            payload = {"event": action, "actor_id": user_id}
            outbox_rows.enqueue(
                conn, esc.id, "destination_update", f"{ref}/update/{audit_id}", now, payload
            )
            outbox_rows.enqueue(
                conn, esc.id, "reporter_update", f"{ref}/reporter/{audit_id}", now, payload
            )
            esc = rows.with_history(conn, rows.get_by_id(conn, esc.id))
        logger.info("escalation %s %s by %s", ref, action, user_id)
        return esc

    # --- reading ----------------------------------------------------------------------

    def get(self, ref: str) -> Escalation:
        """The escalation ``ref``, with its audit trail (``history``); raises NotFound."""
        with self.store.reading() as conn:
            return rows.with_history(conn, rows.get(conn, ref))

    def list_open(self) -> list[Escalation]:
        """Escalations not yet resolved, oldest first (for the DSLs' App Home)."""
        with self.store.reading() as conn:
            return rows.list_(conn, open_only=True)

    def list_all(self) -> list[Escalation]:
        with self.store.reading() as conn:
            return rows.list_(conn)

    def audit(self, ref: str) -> list[AuditEntry]:
        with self.store.reading() as conn:
            return rows.audit_for(conn, rows.get(conn, ref))

    def export(self, fmt: str) -> str:
        """Every escalation as CSV or JSON, in recording order (see bot.escalation.export)."""
        from bot.escalation.export import export

        return export(self.store, fmt)

    def purge(self, older_than: timedelta) -> list[str]:
        """Remove question/details of escalations resolved more than ``older_than`` ago."""
        from bot.escalation.export import purge

        return purge(self.store, older_than, self.clock)


def widened_roles(trail: Iterable[AuditEntry]) -> set[str]:
    """The roles reminders have gone to (``reminded`` rows, detail ``level:role+role``):
    those told of a concern may act on it."""
    return {
        role
        for entry in trail
        if entry.action == "reminded" and entry.detail
        for role in entry.detail.partition(":")[2].split("+")
    }
