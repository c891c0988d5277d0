"""Settings, read once at start from the environment (python-dotenv loads ``.env`` first).

Every variable is listed in ``.env.example`` and the README. A missing or malformed setting
raises :class:`ConfigError` with a sentence that names it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError
from bot.teams.registration import TeamsRegistration

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    index_path: Path = Path("data/index")
    database_url: str = "sqlite:///data/policybot.db"
    default_school: str | None = None
    school_map: Mapping[str, str] = field(default_factory=dict)
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_client_id: str | None = None  # with the secret: OAuth install, many workspaces
    slack_client_secret: str | None = None
    slack_redirect_uri: str | None = None  # https://YOUR-HOST/slack/oauth_redirect
    dsl_channel_id: str | None = None
    dsl_user_ids: tuple[str, ...] = ()
    headteacher_user_ids: tuple[str, ...] = ()
    chair_user_ids: tuple[str, ...] = ()
    port: int = 3000
    retention_days: int = 90
    reminder_urgent_minutes: tuple[int, ...] = (5, 15)
    reminder_normal_minutes: tuple[int, ...] = (60, 120)
    urgent_widen_minutes: int = 5  # then an urgent concern's reminders add the headteacher
    delivery_deadline_minutes: int = 2  # then the reporter is told "not delivered yet"
    delivery_deadline_urgent_minutes: int = 1
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_tenant_id: str | None = None
    teams_dsl_aad_ids: tuple[str, ...] = ()
    teams_headteacher_aad_ids: tuple[str, ...] = ()
    teams_chair_aad_ids: tuple[str, ...] = ()
    teams_insecure_dev: bool = False  # POLICYBOT_TEAMS_INSECURE_DEV=1: anonymous, loopback only
    teams_bots: tuple[TeamsRegistration, ...] = ()  # POLICYBOT_TEAMS_BOTS: a bot per school
    parse_memory_mb: int = 1024  # POLICYBOT_PARSE_MEMORY_MB: address space per parse worker
    unanswered_sample: bool = False  # POLICYBOT_UNANSWERED_SAMPLE=1: keep the 30-day sample
    max_loaded_schools: int = 50  # POLICYBOT_MAX_LOADED_SCHOOLS: school indexes in memory
    sources_refresh_hours: int = 24  # POLICYBOT_SOURCES_REFRESH_HOURS: re-check web sources
    source_hosts: tuple[str, ...] = ()  # POLICYBOT_SOURCE_HOSTS: other hosts a page may link
    embedding_model: Path | None = None  # POLICYBOT_EMBEDDING_MODEL: None = the bundled model
    embedding_sha256: str | None = None  # POLICYBOT_EMBEDDING_SHA256: its weights' sha256
    log_level: str = "INFO"

    @property
    def slack_oauth(self) -> bool:
        """OAuth install mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): a bot token per
        workspace, from the installation store, instead of SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id and self.slack_client_secret)


def load_settings(env: Mapping[str, str] | None = None, dotenv: bool = True) -> Settings:
    """Read settings from ``env`` (default: the process environment after loading .env)."""
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(override=False)
        env = os.environ
    data_dir = Path(_get(env, "POLICYBOT_DATA_DIR") or "data")
    return Settings(
        data_dir=data_dir,
        corpus_dir=Path(_get(env, "POLICYBOT_CORPUS") or "corpus"),
        index_path=Path(_get(env, "POLICYBOT_INDEX") or data_dir / "index"),
        database_url=_get(env, "DATABASE_URL") or f"sqlite:///{data_dir / 'policybot.db'}",
        default_school=_get(env, "POLICYBOT_SCHOOL"),
        school_map=_mapping(env, "POLICYBOT_SCHOOL_MAP"),
        slack_bot_token=_get(env, "SLACK_BOT_TOKEN"),
        slack_signing_secret=_get(env, "SLACK_SIGNING_SECRET"),
        slack_app_token=_get(env, "SLACK_APP_TOKEN"),
        slack_api_url=_url(env, "SLACK_API_URL", DEFAULT_SLACK_API_URL),
        slack_client_id=_get(env, "SLACK_CLIENT_ID"),
        slack_client_secret=_get(env, "SLACK_CLIENT_SECRET"),
        slack_redirect_uri=_get(env, "SLACK_REDIRECT_URI"),
        dsl_channel_id=_get(env, "DSL_CHANNEL_ID"),
        dsl_user_ids=_ids(env, "DSL_USER_IDS"),
        headteacher_user_ids=_ids(env, "HEADTEACHER_USER_IDS"),
        chair_user_ids=_ids(env, "CHAIR_USER_IDS"),
        port=_int(env, "PORT", 3000),
        retention_days=_int(env, "POLICYBOT_RETENTION_DAYS", 90),
        reminder_urgent_minutes=_minutes(env, "POLICYBOT_REMINDERS_URGENT", (5, 15)),
        reminder_normal_minutes=_minutes(env, "POLICYBOT_REMINDERS_NORMAL", (60, 120)),
        urgent_widen_minutes=_int(env, "POLICYBOT_URGENT_WIDEN_MINUTES", 5),
        delivery_deadline_minutes=_int(env, "POLICYBOT_DELIVERY_DEADLINE_MINUTES", 2),
        delivery_deadline_urgent_minutes=_int(env, "POLICYBOT_DELIVERY_DEADLINE_URGENT_MINUTES", 1),
        microsoft_app_id=_get(env, "MICROSOFT_APP_ID"),
        microsoft_app_password=_get(env, "MICROSOFT_APP_PASSWORD"),
        microsoft_app_tenant_id=_get(env, "MICROSOFT_APP_TENANT_ID"),
        teams_dsl_aad_ids=_ids(env, "TEAMS_DSL_AAD_IDS"),
        teams_headteacher_aad_ids=_ids(env, "TEAMS_HEADTEACHER_AAD_IDS"),
        teams_insecure_dev=_get(env, "POLICYBOT_TEAMS_INSECURE_DEV") == "1",
        parse_memory_mb=_int(env, "POLICYBOT_PARSE_MEMORY_MB", 1024),
        unanswered_sample=_flag(env, "POLICYBOT_UNANSWERED_SAMPLE"),
        embedding_model=_path(env, "POLICYBOT_EMBEDDING_MODEL"),
        embedding_sha256=_sha256(env, "POLICYBOT_EMBEDDING_SHA256"),
        teams_chair_aad_ids=_ids(env, "TEAMS_CHAIR_AAD_IDS"),
        max_loaded_schools=max(1, _int(env, "POLICYBOT_MAX_LOADED_SCHOOLS", 50)),
        sources_refresh_hours=_int(env, "POLICYBOT_SOURCES_REFRESH_HOURS", 24),
        source_hosts=_ids(env, "POLICYBOT_SOURCE_HOSTS"),
        teams_bots=_teams_bots(env),
        log_level=(_get(env, "LOG_LEVEL") or "INFO").upper(),
    )


_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
BOTS = "POLICYBOT_TEAMS_BOTS"


def _teams_bots(env: Mapping[str, str]) -> tuple[TeamsRegistration, ...]:
    """POLICYBOT_TEAMS_BOTS=APP-ID=school-slug,...: one Azure Bot registration per school, each
    with MICROSOFT_APP_PASSWORD_<SLUG> (required), MICROSOFT_APP_TENANT_ID_<SLUG> (else
    MICROSOFT_APP_TENANT_ID) and POLICYBOT_TEAMS_ADMINS_<SLUG> (Entra object ids), where
    <SLUG> is the slug in capitals with "-" as "_" (kite-college -> KITE_COLLEGE)."""
    pairs = _ids(env, BOTS)
    if not pairs:
        return ()
    if _get(env, "MICROSOFT_APP_ID"):
        raise ConfigError(
            f"Set either MICROSOFT_APP_ID (one bot for the whole deployment) or {BOTS} "
            "(one bot registration per school), not both."
        )
    bots: list[TeamsRegistration] = []
    for pair in pairs:
        app_id, sep, slug = (part.strip() for part in pair.partition("="))
        if not sep or not app_id or not slug:
            raise ConfigError(
                f"{BOTS} must look like APP-ID=school-slug,APP-ID=other-school (each app id "
                "is the bot's Application (client) ID)."
            )
        if not _GUID.fullmatch(app_id):
            raise ConfigError(
                f"{BOTS}: {app_id!r} is not an Application (client) ID; copy the GUID from "
                "the bot's app registration (Entra ID > App registrations > Overview)."
            )
        if not _SLUG.fullmatch(slug):
            raise ConfigError(
                f"{BOTS}: {slug!r} is not a school slug (lower-case letters, digits and "
                "hyphens, e.g. kite-college)."
            )
        if any(b.app_id.lower() == app_id.lower() for b in bots):
            raise ConfigError(f"{BOTS} names the app id {app_id} twice.")
        if any(b.school == slug for b in bots):
            raise ConfigError(f"{BOTS} gives the school {slug} two bots; give each school one.")
        bots.append(_registration(env, app_id, slug))
    return tuple(bots)


def _registration(env: Mapping[str, str], app_id: str, slug: str) -> TeamsRegistration:
    suffix = slug.upper().replace("-", "_")
    secret = f"MICROSOFT_APP_PASSWORD_{suffix}"
    password = _get(env, secret)
    if not password:
        raise ConfigError(
            f"{secret} is not set: the bot {app_id} (school {slug} in {BOTS}) needs the "
            "client secret of its app registration."
        )
    tenant_name = f"MICROSOFT_APP_TENANT_ID_{suffix}"
    tenant = _get(env, tenant_name)
    if tenant is None:
        tenant_name, tenant = "MICROSOFT_APP_TENANT_ID", _get(env, "MICROSOFT_APP_TENANT_ID")
    if tenant is not None and not _GUID.fullmatch(tenant):
        raise ConfigError(
            f"{tenant_name} must be the Directory (tenant) ID GUID of the app registration "
            "(Entra ID > Overview > Tenant ID), not a domain name."
        )
    admins_name = f"POLICYBOT_TEAMS_ADMINS_{suffix}"
    admins = _ids(env, admins_name)
    if any(not _GUID.fullmatch(admin) for admin in admins):
        raise ConfigError(
            f"{admins_name} must hold Entra object ids (GUIDs), comma-separated: find them "
            "in Entra ID > Users > Object ID."
        )
    return TeamsRegistration(app_id, slug, password, tenant, admins)


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = _get(env, name)
    return Path(raw).expanduser() if raw else None


def _sha256(env: Mapping[str, str], name: str) -> str | None:
    raw = _get(env, name)
    if raw is None:
        return None
    if len(raw) != 64 or any(c not in "0123456789abcdefABCDEF" for c in raw):
        raise ConfigError(f"{name} must be a sha256: 64 hexadecimal digits (it is {raw!r}).")
    return raw.lower()


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = _get(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (it is {raw!r}).") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative (it is {value}).")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    """``1`` on, ``0`` or unset off; anything else names the setting."""
    raw = _get(env, name) or "0"
    if raw not in ("0", "1"):
        raise ConfigError(f"{name} must be 1 (on) or 0 (off) (it is {raw!r}).")
    return raw == "1"


def _ids(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = _get(env, name) or ""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _minutes(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    parts = _ids(env, name)
    if not parts:
        return default
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ConfigError(f"{name} must be minutes separated by commas, e.g. 5,15.")
    return tuple(int(part) for part in parts)


def _mapping(env: Mapping[str, str], name: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in _ids(env, name):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{name} must look like C0123=school-slug,T0456=other-school.")
        mapping[key.strip()] = value.strip()
    return mapping


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = _get(env, name) or default
    if not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http(s) URL (it is {raw!r}).")
    return raw if raw.endswith("/") else raw + "/"
