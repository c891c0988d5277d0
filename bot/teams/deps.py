"""What the Teams handlers need, in one object: settings, the answer core, the escalation
service (one for both skins), the directory and the connector."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext

from bot.chat.skin import Answers, SkinDeps
from bot.errors import StoreError
from bot.teams.connector import TeamsConnector
from bot.teams.directory import Directory, is_personal, person_id, tenant_of
from bot.teams.settings import TeamsSettings

__all__ = ["Answers", "Records", "TeamsDeps"]
log = logging.getLogger(__name__)


class Records(Protocol):
    """The store's small records (``bot.store.Store``): event ids and feedback."""

    def mark_event_seen(self, event_id: str) -> bool: ...

    def record_feedback(
        self, passage_id: str, helpful: bool, platform: str | None = None, school: str | None = None
    ) -> None: ...


@dataclass
class TeamsDeps(SkinDeps):
    settings: TeamsSettings
    directory: Directory
    connector: TeamsConnector
    escalations: Any = None  # bot.escalation.service.EscalationService (shared with Slack)
    records: Records | None = None
    kick: Callable[[], None] = field(default=lambda: None)  # deliver the outbox now
    library: Any = None  # bot.policies.library.SchoolLibrary: policies sent in the 1:1 chat
    school: str | None = None  # one of several registrations (POLICYBOT_TEAMS_BOTS): its school
    registry: Any = None  # bot.store.schools.SchoolRegistry: the settings card saves there

    def school_for(self, activity: Activity) -> str | None:
        """The registration's school when the deployment hosts several; else the school for a
        conversation, team or tenant (POLICYBOT_SCHOOL_MAP), or the default."""
        if self.school:
            return self.school
        data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        conversation = activity.conversation.id.split(";")[0] if activity.conversation else None
        return self.school_of(conversation, (data.get("team") or {}).get("id"), tenant_of(activity))

    def is_dsl(self, activity: Activity) -> bool:
        return person_id(activity) in self.settings.teams_dsl_aad_ids

    def first_time(self, activity: Activity) -> bool:
        """False for a redelivery of an activity already handled (by any worker)."""
        if self.records is None or not activity.id:
            return True
        try:
            return self.records.mark_event_seen(f"teams:{activity.id}")
        except StoreError:  # answering twice is better than not answering
            log.warning("Teams de-duplication failed (database unavailable); answering anyway")
            return True

    async def send_private(self, context: TurnContext, message: Activity) -> None:
        """Send to the person who spoke, in their 1:1 chat with the bot (here, when it is one)."""
        if is_personal(context.activity):
            await context.send_activity(message)
            return
        await self.connector.post_to_person(self.directory, person_id(context.activity), message)
