"""The school's settings as an Adaptive Card (1.5), for its admin in their 1:1 chat (they
type "settings"): the same fields as Slack's Settings modal (bot.slack.home_settings).

* school name; the DSL and deputies, the headteacher, the chair of governors (Teams' people
  picker: an ``Input.ChoiceSet`` over ``graph.microsoft.com/users``, which gives Entra object
  ids); the phone numbers shown on answers; retention in days;
* where concerns go: on Teams that is chosen by a DSL typing "setup dsl" in a private channel
  or group chat of DSLs only (bot.teams.handlers.questions), so the card says where they go
  now and how to change it, rather than offering a field Teams cannot check;
* Save is an ``Action.Execute`` (verb :data:`VERB_SAVE`): the answer replaces the card, for
  the admin only, with the saved values or the problems to put right.

    card = settings_card(school, destination="DSLs", names=directory.name)
    values, problems = read_card(data)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot import messages
from bot.store.schools import SchoolRecord
from bot.teams.cards import Card, card, container, execute, plain
from bot.teams.guard import is_entra_id

VERB_SAVE = "school_settings_save"
PEOPLE = (
    ("dsl_ids", messages.SETTINGS_DSL_IDS, True),
    ("headteacher_ids", messages.SETTINGS_HEADTEACHER, False),
    ("chair_ids", messages.SETTINGS_CHAIR, False),
)
PHONES = (
    ("dsl_phone", messages.SETTINGS_DSL_PHONE),
    ("deputy_phone", messages.SETTINGS_DEPUTY_PHONE),
    ("headteacher_phone", messages.SETTINGS_HEADTEACHER_PHONE),
    ("chair_phone", messages.SETTINGS_CHAIR_PHONE),
)
USERS = {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}


def settings_card(
    school: SchoolRecord,
    destination: str | None,
    names: Callable[[str], str],
    notice: str | None = None,
    values: Mapping[str, Any] | None = None,
    problem: bool = False,
) -> Card:
    """The card for ``school``: ``values`` (default: its saved settings) in the fields,
    ``destination`` (the "setup dsl" conversation's name, None when concerns go to each DSL)
    and a ``notice`` on top (a problem in the attention style)."""
    s = {**school.settings, **(values or {})}
    body: list[Card] = [plain(messages.SETTINGS_TITLE, weight="bolder", size="large")]
    if notice:
        body.append(container([plain(notice)], "attention" if problem else "good"))
    body.append(plain(messages.TEAMS_SETTINGS_INTRO.format(school=s.get("name") or school.name)))
    body.append(_text("name", messages.SETTINGS_NAME, s.get("name") or school.name))
    where = (
        messages.TEAMS_SETTINGS_DESTINATION_SET.format(where=destination)
        if destination
        else messages.TEAMS_SETTINGS_DESTINATION_NONE
    )
    body.append(
        container(
            [
                plain(messages.TEAMS_SETTINGS_DESTINATION, weight="bolder"),
                plain(where),
                plain(messages.TEAMS_SETTINGS_DESTINATION_HINT, isSubtle=True),
            ]
        )
    )
    for key, label, many in PEOPLE:
        body.append(_people(key, label, list(s.get(key) or []), many, names))
    for key, label in PHONES:
        body.append(_text(key, label, s.get(key) or ""))
    days = s.get("retention_days")
    body.append(
        {
            "type": "Input.Number",
            "id": "retention_days",
            "label": messages.SETTINGS_RETENTION,
            "min": 1,
            "max": 3650,
            **({"value": days} if isinstance(days, int) else {}),
        }
    )
    body.append(plain(messages.SETTINGS_RETENTION_HINT, isSubtle=True))
    save = execute(messages.SETTINGS_SAVE, VERB_SAVE, {"school": school.slug}, "positive")
    return card(body, [save])


def read_card(data: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``(settings, problem)`` from the card's submitted inputs: the values to save (keys of
    bot.store.schools.SETTING_KEYS) and the first thing to put right, or None."""
    values: dict[str, Any] = {"name": _str(data.get("name")) or None}
    problem = None
    for key, label, _ in PEOPLE:
        ids = [part.strip() for part in _str(data.get(key)).split(",") if part.strip()]
        if any(not is_entra_id(i) for i in ids):
            problem = problem or messages.TEAMS_SETTINGS_BAD_PERSON.format(field=label)
        values[key] = [i for i in ids if is_entra_id(i)]
    if not values["dsl_ids"]:
        problem = problem or messages.SETTINGS_NO_DSL
    for key, _ in PHONES:
        values[key] = _str(data.get(key)) or None
    days = data.get("retention_days")
    text = _str(days)
    if text:
        number = float(text) if _is_number(text) else 0.0
        if not number.is_integer() or not 1 <= number <= 3650:
            problem = problem or messages.SETTINGS_RETENTION_RANGE
        values["retention_days"] = int(number) if number.is_integer() else None
    else:
        values["retention_days"] = None
    return values, problem


def _text(key: str, label: str, value: str) -> Card:
    return {"type": "Input.Text", "id": key, "label": label, "value": value, "maxLength": 200}


def _people(key: str, label: str, ids: list[str], many: bool, names: Callable[[str], str]) -> Card:
    """Teams' people picker, showing the people chosen so far by name."""
    return {
        "type": "Input.ChoiceSet",
        "id": key,
        "label": label,
        "isMultiSelect": many,
        "style": "filtered",
        "placeholder": messages.TEAMS_SETTINGS_PICK_HINT,
        "choices": [{"title": names(i), "value": i} for i in ids],
        "choices.data": USERS,
        "value": ",".join(ids),
        **({"isRequired": True, "errorMessage": messages.SETTINGS_NO_DSL} if many else {}),
    }


def _str(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
