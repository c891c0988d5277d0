"""Per-school escalation people, for a trust: who receives each school's concerns and who
may act on them. A school's ``corpus/<school>/school.toml`` may name its own::

    [escalation.slack]
    dsl_channel = "G0SCHOOLA"                # private channel for this school's concerns
    dsl_user_ids = ["U0DSLA", "U0DEPUTYA"]   # this school's DSL and deputies
    headteacher_user_ids = ["U0HEADA"]
    chair_user_ids = ["U0CHAIRA"]

A school with such a table has its concerns delivered only to its own people, and only its
own DSLs (and its headteacher / chair, on their route) can act on them. A school without one
uses the global settings (``DSL_CHANNEL_ID``, ``DSL_USER_IDS``, ...).

    schools = school_people(corpus_dir, "slack")   # {slug: People}; serve calls this
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.escalation.people import People
from bot.store.schools import SchoolRegistry

SCHOOL_FILE = "school.toml"
KEYS = {"dsl_user_ids", "headteacher_user_ids", "chair_user_ids"}


def school_people(corpus_dir: Path, platform: str = "slack") -> dict[str, People]:
    """``{school slug: People}`` for every school folder whose school.toml has an
    ``[escalation.<platform>]`` table; a malformed one is a ConfigError naming the file."""
    found: dict[str, People] = {}
    for path in sorted(Path(corpus_dir).glob(f"*/{SCHOOL_FILE}")):
        table = _table(path, platform)
        if table is not None:
            found[path.parent.name] = _people(path, table)
    return found


def all_school_people(corpus_dir: Path) -> dict[str, People]:
    """Per school, its Slack and Teams people together (the ids each acts under), for the
    escalation service's "who may act"; each skin reads its own platform's table to
    deliver."""
    slack, teams = school_people(corpus_dir, "slack"), school_people(corpus_dir, "teams")
    merged: dict[str, People] = {}
    for slug in {*slack, *teams}:
        a, b = slack.get(slug, People()), teams.get(slug, People())
        merged[slug] = People(
            tuple(dict.fromkeys((*a.dsl_ids, *b.dsl_ids))),
            tuple(dict.fromkeys((*a.headteacher_ids, *b.headteacher_ids))),
            tuple(dict.fromkeys((*a.chair_ids, *b.chair_ids))),
            dsl_destination=a.dsl_destination,
            dsl_channel=a.dsl_channel,
        )
    return merged


def _table(path: Path, platform: str) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} cannot be read: {error}") from None
    table = (data.get("escalation") or {}).get(platform)
    return table if isinstance(table, dict) else None


def _people(path: Path, table: dict[str, Any]) -> People:
    ids: dict[str, tuple[str, ...]] = {}
    for key in KEYS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: [escalation] {key} must be a list of user ids.")
        ids[key] = tuple(v.strip() for v in value if v.strip())
    channel = table.get("dsl_channel")
    if channel is not None and not isinstance(channel, str):
        raise ConfigError(f"{path}: [escalation] dsl_channel must be a channel id.")
    return People(
        ids["dsl_user_ids"],
        ids["headteacher_user_ids"],
        ids["chair_user_ids"],
        dsl_destination=bool(channel),
        dsl_channel=channel or None,
    )


class LiveSchoolPeople(Mapping[str, People]):
    """Each school's people as its admin set them in the chat app (the registry's settings,
    read through its short cache, so every worker sees a change without a restart), over
    what its ``school.toml`` names (``static``). A registered school never falls back to the
    deployment's global DSLs: until its admin names a DSL, its concerns have no recipient."""

    def __init__(self, static: Mapping[str, People], registry: SchoolRegistry) -> None:
        self.static = dict(static)
        self.registry = registry

    def __getitem__(self, slug: str) -> People:
        record = self.registry.get(slug) if slug else None
        if record is None:
            return self.static[slug]
        return people_from_settings(record.settings, self.static.get(slug, People()))

    def __iter__(self) -> Iterator[str]:
        slugs = dict.fromkeys([*self.static, *(s.slug for s in self.registry.all())])
        return iter(slugs)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def people_from_settings(settings: Mapping[str, Any], base: People | None = None) -> People:
    """``base`` with what the school's settings name (``dsl_ids``, ``headteacher_ids``,
    ``chair_ids``, ``dsl_channel``) in place of its own."""
    base = base or People()
    channel = settings.get("dsl_channel") if "dsl_channel" in settings else base.dsl_channel
    return People(
        tuple(settings.get("dsl_ids", base.dsl_ids)),
        tuple(settings.get("headteacher_ids", base.headteacher_ids)),
        tuple(settings.get("chair_ids", base.chair_ids)),
        dsl_destination=bool(channel),
        dsl_channel=channel or None,
    )
