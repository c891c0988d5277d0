"""What the Teams skin remembers between turns, kept in the store's ``conversation_refs``
table (any number of workers share it) or, without a database, in memory.

Keys (values are small JSON objects; no question or detail text):

* ``teams:dsl`` -- the DSL destination: a conversation reference, set when a DSL sends
  "setup dsl" in a channel or chat (a channel's reference points at the channel itself, so
  each concern starts a new thread);
* ``teams:user:{aad id}`` -- how to reach a person privately: their Teams user id, display
  name, serviceUrl, tenant, the bot's id, and their 1:1 conversation id once known;
* ``teams:installed:{conversation id}`` -- a conversation the bot was added to;
* ``teams:sent:{idempotency key}|{target}`` -- where an outbox message was posted (Teams has
  no history search, so this is how a retry knows what already went out);
* ``teams:form:{form message id}`` -- the reference a "Raise with DSL" form was sent as.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from microsoft_agents.activity import Activity

from bot import messages
from bot.errors import StoreError

log = logging.getLogger(__name__)
Record = dict[str, Any]
DSL_KEY = "teams:dsl"


class Refs(Protocol):
    def save_conversation_ref(self, key: str, value: dict[str, Any]) -> None: ...

    def get_conversation_ref(self, key: str) -> dict[str, Any] | None: ...


class MemoryRefs:
    """Conversation references in memory: for tests and a process without a database."""

    def __init__(self) -> None:
        self._values: dict[str, Record] = {}
        self._lock = threading.Lock()

    def save_conversation_ref(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._values[key] = dict(value)

    def get_conversation_ref(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._values.get(key)
            return dict(found) if found is not None else None


def person_id(activity: Activity) -> str:
    """The sender's Entra (AAD) object id; their channel id when Teams sends none."""
    sender = activity.from_property
    if sender is None:
        return ""
    return sender.aad_object_id or sender.id or ""


def is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    if conversation is None:
        return False
    if conversation.conversation_type:
        return conversation.conversation_type == "personal"
    return not conversation.is_group


def tenant_of(activity: Activity) -> str | None:
    conversation = activity.conversation
    tenant = conversation.tenant_id if conversation else None
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return tenant or (data.get("tenant") or {}).get("id")


class Directory:
    """``scope``: one bot registration's app id when a deployment hosts several
    (POLICYBOT_TEAMS_BOTS); each then keeps its own keys (``teams:{app id}:dsl``, ...), so one
    school's DSL destination, people and posts are never another's."""

    def __init__(self, refs: Refs | None = None, scope: str | None = None) -> None:
        self.refs: Refs = refs if refs is not None else MemoryRefs()
        self.prefix = f"teams:{scope}:" if scope else "teams:"

    # --- people ---------------------------------------------------------------------------

    def remember(self, activity: Activity) -> None:
        """Keep how to reach the sender privately (written only when something changed;
        best effort: a database failure here must not stop a question or a concern)."""
        try:
            self._remember(activity)
        except StoreError:
            log.warning("could not remember Teams user %s", person_id(activity))

    def _remember(self, activity: Activity) -> None:
        key = person_id(activity)
        sender, bot = activity.from_property, activity.recipient
        if not key or sender is None or not sender.id or not activity.service_url:
            return
        old = self.user(key) or {}
        new = {
            "id": sender.id,
            "name": sender.name or old.get("name"),
            "service_url": activity.service_url,
            "tenant_id": tenant_of(activity),
            "bot_id": bot.id if bot else old.get("bot_id"),
            "conversation": activity.conversation.id if is_personal(activity) else None,
        }
        new["conversation"] = new["conversation"] or old.get("conversation")
        if new != old:
            self.refs.save_conversation_ref(f"{self.prefix}user:{key}", new)

    def user(self, aad_id: str) -> Record | None:
        return self.refs.get_conversation_ref(f"{self.prefix}user:{aad_id}")

    def set_personal(self, aad_id: str, conversation_id: str) -> None:
        record = self.user(aad_id)
        if record is not None and record.get("conversation") != conversation_id:
            self.refs.save_conversation_ref(
                f"{self.prefix}user:{aad_id}", {**record, "conversation": conversation_id}
            )

    def name(self, aad_id: str | None) -> str:
        """A person's display name as Teams last sent it (their id when never seen)."""
        if not aad_id:
            return messages.UNKNOWN
        record = self.user(aad_id) or {}
        return str(record.get("name") or aad_id)

    # --- conversations --------------------------------------------------------------------

    def set_dsl_destination(self, activity: Activity) -> None:
        name = activity.conversation.name if activity.conversation else None
        reference = {**reference_of(activity), "name": name}  # shown on the settings card
        self.refs.save_conversation_ref(f"{self.prefix}dsl", reference)

    def dsl_destination(self) -> Record | None:
        return self.refs.get_conversation_ref(f"{self.prefix}dsl")

    def installed(self, activity: Activity) -> None:
        reference = reference_of(activity)
        key = f"{self.prefix}installed:{reference['conversation']}"
        self.refs.save_conversation_ref(key, reference)

    # --- what went out --------------------------------------------------------------------

    def sent(self, key: str, target: str) -> Record | None:
        return self.refs.get_conversation_ref(f"{self.prefix}sent:{key}|{target}")

    def record_sent(self, key: str, target: str, conversation: str, activity_id: str) -> None:
        value = {"conversation": conversation, "activity": activity_id}
        self.refs.save_conversation_ref(f"{self.prefix}sent:{key}|{target}", value)

    def form_ref(self, form_id: str) -> str | None:
        found = self.refs.get_conversation_ref(f"{self.prefix}form:{form_id}")
        return str(found["ref"]) if found else None

    def record_form(self, form_id: str, ref: str) -> None:
        self.refs.save_conversation_ref(f"{self.prefix}form:{form_id}", {"ref": ref})


def reference_of(activity: Activity) -> Record:
    """Where to post a new message in the activity's conversation: a channel's own id (not
    the thread's ``;messageid=``), the serviceUrl, the tenant and the bot's id."""
    conversation_id = activity.conversation.id if activity.conversation else ""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    channel = (data.get("channel") or {}).get("id")
    return {
        "conversation": channel or conversation_id.split(";messageid=")[0],
        "service_url": activity.service_url,
        "tenant_id": tenant_of(activity),
        "bot_id": activity.recipient.id if activity.recipient else None,
    }
