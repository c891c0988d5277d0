"""What the Slack listeners need, in one object: settings, the answer core and the records.

``SlackDeps`` is built once by :func:`bot.slack.app.build_app`. The records (processed
events, feedback) are small interfaces so the listeners don't care whether they are backed
by the escalation database (``bot.store``) or, when none is given, by memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.answering.model import Route
from bot.chat.skin import SkinDeps
from bot.errors import StoreError
from bot.slack.settings import SlackSettings
from bot.store.schools import SchoolRecord, SchoolRegistry


class EventLog(Protocol):
    def mark_event_seen(self, event_id: str) -> bool:
        """True the first time ``event_id`` is seen, False for a retry of it."""
        ...


class FeedbackLog(Protocol):
    def record_feedback(
        self, passage_id: str, helpful: bool, platform: str, school: str | None
    ) -> None: ...


class MemoryEventLog:
    """Processed event ids in memory: for tests and a single process without a database."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def mark_event_seen(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen.add(event_id)
            return True


class MemoryFeedbackLog:
    def __init__(self) -> None:
        self.records: list[tuple[str, bool, str, str | None]] = []

    def record_feedback(
        self, passage_id: str, helpful: bool, platform: str, school: str | None
    ) -> None:
        self.records.append((passage_id, helpful, platform, school))


@dataclass
class SlackDeps(SkinDeps):
    settings: SlackSettings
    events: EventLog = field(default_factory=MemoryEventLog)
    feedback: FeedbackLog = field(default_factory=MemoryFeedbackLog)
    escalations: Any = None  # bot.escalation.service.EscalationService, when a store is configured
    kick: Callable[[], None] = lambda: None  # start an outbox delivery now (not in 2 s)
    registry: SchoolRegistry | None = None  # OAuth mode: the schools installed (bot.store)
    # policies sent by DM (bot.policies.library.SchoolLibrary); SkinDeps.is_admin says who
    library: Any = None
    refs: Any = None  # bot.store.Store: a pending Replace, per school and person

    def school_for(self, channel_id: str | None = None, team_id: str | None = None) -> str | None:
        """The school for a channel (POLICYBOT_SCHOOL_MAP), else the workspace's installed
        school (the registry), else the workspace in POLICYBOT_SCHOOL_MAP, else the default."""
        if channel_id and channel_id in self.settings.school_map:
            return self.settings.school_map[channel_id]
        school = self.registered_school(team_id)
        return school.slug if school else self.school_of(team_id)

    def registered_school(self, team_id: str | None) -> SchoolRecord | None:
        """The installed school of workspace ``team_id`` (OAuth mode), else None."""
        if self.registry is None or not team_id:
            return None
        try:
            school = self.registry.by_slack_team(team_id)
        except StoreError:
            return None
        return school if school and school.installed else None

    async def route(self, school: str | None) -> Route:
        """The school's route to the DSL (an empty question is answered with just the route)."""
        return (await self.answer("", school)).route

    def is_dsl(self, user_id: str | None) -> bool:
        return bool(user_id) and user_id in self.settings.dsl_user_ids

    def receives_escalations(self, user_id: str | None) -> bool:
        """DSLs and deputies, and the headteacher / chair for allegations about staff (a
        trust's per-school people included)."""
        s = self.settings
        schools = getattr(self.escalations, "schools", {}).values()
        listed = [(*p.dsl_ids, *p.headteacher_ids, *p.chair_ids) for p in schools]
        everyone = {*s.dsl_user_ids, *s.headteacher_user_ids, *s.chair_user_ids}
        return bool(user_id) and user_id in everyone.union(*listed)
