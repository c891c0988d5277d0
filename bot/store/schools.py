"""The school registry: which schools this deployment serves, who may set each up, and the
settings each school chose from inside the chat app.

    registry = SchoolRegistry(store)
    school = registry.create_for_install("T0123", "Kite College", "U0INSTALLER")
    registry.by_slack_team("T0123")          # -> SchoolRecord (slug "kite-college")
    registry.is_admin("kite-college", "U0INSTALLER")                  # True
    registry.save_settings("kite-college", {"dsl_channel": "G0DSL"})  # merged, validated
    registry.remove_installation(team_id="T0123")                     # installed=False

A school's ``settings`` (JSON in the database) override its ``school.toml`` and the
environment; keys are :data:`SETTING_KEYS`. Lookups are cached for ``cache_seconds`` (5 s
by default), so a change made through one worker reaches every worker within that time, with
no restart. The installer of a workspace becomes the school's first admin; an uninstalled
school keeps its row, marked ``installed = False``, so a reinstall finds its settings (its
escalations follow the retention purge, never an immediate delete).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from bot.store import tables
from bot.store.store import Store

ID_LIST_KEYS = ("dsl_ids", "headteacher_ids", "chair_ids")
TEXT_KEYS = ("name", "dsl_channel", "dsl_phone", "deputy_phone", "headteacher_phone", "chair_phone")
SETTING_KEYS = (*TEXT_KEYS, *ID_LIST_KEYS, "names", "retention_days")
MAX_SLUG = 60
MAX_TEXT = 200


@dataclass(frozen=True)
class SchoolRecord:
    slug: str
    name: str
    slack_team_id: str | None
    teams_app_id: str | None
    admin_ids: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    installed: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


class SchoolRegistry:
    """The ``schools`` table, with a short per-process cache of lookups."""

    def __init__(self, store: Store, cache_seconds: float = 5.0) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self._cache: dict[tuple[str, str], tuple[float, SchoolRecord | None]] = {}
        self._lock = threading.Lock()

    # --- lookups ------------------------------------------------------------------------

    def get(self, slug: str) -> SchoolRecord | None:
        return self._cached("slug", slug, tables.schools.c.slug)

    def by_slack_team(self, team_id: str) -> SchoolRecord | None:
        """The school of a Slack workspace (installed or not; check ``installed``)."""
        return self._cached("team", team_id, tables.schools.c.slack_team_id)

    def by_teams_app(self, app_id: str) -> SchoolRecord | None:
        """The school of a Teams bot registration (its Microsoft app id)."""
        return self._cached("app", app_id, tables.schools.c.teams_app_id)

    def all(self) -> list[SchoolRecord]:
        with self.store.reading() as conn:
            rows = conn.execute(select(tables.schools).order_by(tables.schools.c.slug))
            return [_record(row) for row in rows]

    def admins(self, slug: str) -> tuple[str, ...]:
        school = self.get(slug)
        return school.admin_ids if school else ()

    def is_admin(self, slug: str | None, user_id: str | None) -> bool:
        """True when ``user_id`` may change ``slug``'s settings and documents."""
        return bool(slug and user_id) and user_id in self.admins(slug or "")

    # --- changes ------------------------------------------------------------------------

    def create_for_install(
        self, team_id: str, team_name: str, installer_user_id: str, slug: str | None = None
    ) -> SchoolRecord:
        """The school of a newly installed workspace, its installer the admin. A workspace
        installed before gets its row back (installed again; its admins and settings kept,
        the installer added when it has no admin). ``slug``: the operator's choice (e.g. from
        POLICYBOT_SCHOOL_MAP); by default one made from the name, unique."""
        t, now = tables.schools, self.store.clock()
        with self.store.transaction() as conn:
            row = conn.execute(select(t).where(t.c.slack_team_id == team_id)).first()
            if row is not None:
                admins = json.loads(row.admin_ids) or [installer_user_id]
                values = {"installed": True, "uninstalled_at": None, "updated_at": now}
                conn.execute(
                    update(t)
                    .where(t.c.slug == row.slug)
                    .values(**values, admin_ids=json.dumps(admins))
                )
                chosen = row.slug
            else:
                chosen = _insert(
                    conn,
                    slug or slugify(team_name),
                    team_name,
                    now,
                    [installer_user_id],
                    slack_team_id=team_id,
                )
        self._forget()
        return self._load(tables.schools.c.slug, chosen)  # type: ignore[return-value]

    def register_teams_app(self, app_id: str, name: str, slug: str | None = None) -> SchoolRecord:
        """The school of a Teams bot registration (its Microsoft app id): the row of ``slug``
        (or of that app id) linked to it, else a new one with no admin yet (add one with
        :meth:`add_admin`); bot.teams.registrations records each configured bot with it."""
        t, now = tables.schools, self.store.clock()
        with self.store.transaction() as conn:
            row = conn.execute(select(t).where(t.c.teams_app_id == app_id)).first()
            if row is None and slug:
                row = conn.execute(select(t).where(t.c.slug == slug)).first()
            if row is not None:
                values = {"teams_app_id": app_id, "updated_at": now}
                conn.execute(update(t).where(t.c.slug == row.slug).values(**values))
                chosen = row.slug
            else:
                chosen = _insert(conn, slug or slugify(name), name, now, [], teams_app_id=app_id)
        self._forget()
        return self._load(tables.schools.c.slug, chosen)  # type: ignore[return-value]

    def add_admin(self, slug: str, user_id: str) -> None:
        def change(row: Any) -> dict[str, Any]:
            admins = json.loads(row.admin_ids)
            return {"admin_ids": json.dumps(list(dict.fromkeys([*admins, user_id])))}

        self._change(slug, change)

    def set_admins(self, slug: str, user_ids: list[str]) -> SchoolRecord:
        """Make ``user_ids`` (in that order, once each) the school's admins, replacing all."""
        admins = json.dumps(list(dict.fromkeys(user_ids)))
        return self._change(slug, lambda row: {"admin_ids": admins})

    def save_settings(self, slug: str, settings: Mapping[str, Any]) -> SchoolRecord:
        """Merge ``settings`` (keys of :data:`SETTING_KEYS`; ValueError for anything else or
        a value of the wrong kind) into the school's; a new ``name`` renames the school."""
        clean = clean_settings(settings)

        def change(row: Any) -> dict[str, Any]:
            merged = {**json.loads(row.settings), **clean}
            values = {"settings": json.dumps(merged, sort_keys=True)}
            if clean.get("name"):
                values["name"] = clean["name"]
            return values

        return self._change(slug, change)

    def remove_installation(
        self, team_id: str | None = None, app_id: str | None = None
    ) -> SchoolRecord | None:
        """Mark the school of a Slack workspace (or Teams app) uninstalled; its settings and
        admins stay for a reinstall. None when no school has that id."""
        t = tables.schools
        column, key = (t.c.slack_team_id, team_id) if team_id else (t.c.teams_app_id, app_id)
        school = self._load(column, key or "")
        if school is None:
            return None
        now = self.store.clock()
        return self._change(school.slug, lambda row: {"installed": False, "uninstalled_at": now})

    # --- internals ----------------------------------------------------------------------

    def _change(self, slug: str, values_for: Callable[[Any], dict[str, Any]]) -> SchoolRecord:
        t = tables.schools
        with self.store.transaction() as conn:
            row = conn.execute(select(t).where(t.c.slug == slug)).first()
            if row is None:
                raise KeyError(slug)
            values = {**values_for(row), "updated_at": self.store.clock()}
            conn.execute(update(t).where(t.c.slug == slug).values(**values))
        self._forget()
        return self._load(t.c.slug, slug)  # type: ignore[return-value]

    def _cached(self, kind: str, key: str, column: Any) -> SchoolRecord | None:
        if not key:
            return None
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get((kind, key))
        if hit is not None and now - hit[0] < self.cache_seconds:
            return hit[1]
        record = self._load(column, key)
        with self._lock:
            self._cache[(kind, key)] = (now, record)
        return record

    def _load(self, column: Any, key: str) -> SchoolRecord | None:
        with self.store.reading() as conn:
            row = conn.execute(select(tables.schools).where(column == key)).first()
        return None if row is None else _record(row)

    def _forget(self) -> None:
        with self._lock:
            self._cache.clear()


def slugify(name: str) -> str:
    """ "St Mary's C of E Primary" -> "st-marys-c-of-e-primary" (ASCII, at most 60)."""
    text = re.sub(r"['\u2019]", "", name.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_SLUG].strip("-")
    return slug or "school"


def clean_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Validated settings: text trimmed, id lists of strings, retention a whole number."""
    clean: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in SETTING_KEYS:
            raise ValueError(f"unknown school setting {key!r}")
        if key in ID_LIST_KEYS:
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{key} must be a list of user ids")
            clean[key] = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        elif key == "retention_days":
            if value is not None and (not isinstance(value, int) or not 1 <= value <= 3650):
                raise ValueError("retention_days must be a whole number of days, 1 to 3650")
            clean[key] = value
        elif key == "names":
            if not isinstance(value, Mapping):
                raise ValueError("names must map user ids to names")
            clean[key] = {str(k): str(v)[:MAX_TEXT] for k, v in value.items()}
        else:
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{key} must be text")
            clean[key] = (value or "").strip()[:MAX_TEXT] or None
    return clean


def _insert(
    conn: Connection, wanted: str, name: str, now: datetime, admins: list[str], **ids: str
) -> str:
    """Insert a new, installed school under a unique slug made from ``wanted``; the slug."""
    slug = _unique_slug(conn, wanted)
    conn.execute(
        tables.schools.insert().values(
            slug=slug,
            name=(name or slug)[:MAX_TEXT],
            admin_ids=json.dumps(admins),
            settings="{}",
            installed=True,
            created_at=now,
            updated_at=now,
            **ids,
        )
    )
    return slug


def _unique_slug(conn: Connection, wanted: str) -> str:
    t = tables.schools
    taken = set(conn.execute(select(t.c.slug).where(t.c.slug.like(f"{wanted}%"))).scalars())
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _record(row: Any) -> SchoolRecord:
    return SchoolRecord(
        slug=row.slug,
        name=row.name,
        slack_team_id=row.slack_team_id,
        teams_app_id=row.teams_app_id,
        admin_ids=tuple(json.loads(row.admin_ids)),
        settings=json.loads(row.settings),
        installed=bool(row.installed),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
