"""``policybot doctor``'s Teams checks, run only when Teams is configured
(:func:`bot.teams.teams_enabled`): the app registration's settings agree with each other,
the DSLs (and headteacher / chair) are listed, and whether a DSL has chosen the conversation
concerns go to with "setup dsl". Nothing here calls Microsoft or prints the client secret.
"""

from __future__ import annotations

from bot import messages
from bot.chat.check import Check
from bot.errors import PolicybotError
from bot.teams.directory import Directory, Refs
from bot.teams.package import is_app_id
from bot.teams.registration import TeamsRegistration
from bot.teams.settings import TeamsSettings


def teams_checks(settings: TeamsSettings, refs: Refs | None = None) -> list[Check]:
    """Every Teams check, in the order a school would fix them. Several bots
    (POLICYBOT_TEAMS_BOTS): each bot's credentials and admins; its school's people and
    destination are the school's settings, which ``doctor`` checks for every school."""
    if settings.teams_bots:
        return [check for bot in settings.teams_bots for check in bot_checks(bot)]
    return [
        *credential_checks(settings),
        *people_checks(settings),
        destination_check(settings, refs),
    ]


def credential_checks(s: TeamsSettings) -> list[Check]:
    """MICROSOFT_APP_ID / _PASSWORD / _TENANT_ID: all three, or (local development) none."""
    if not s.microsoft_app_id:
        partial = [
            name
            for name, value in (
                ("MICROSOFT_APP_PASSWORD", s.microsoft_app_password),
                ("MICROSOFT_APP_TENANT_ID", s.microsoft_app_tenant_id),
            )
            if value
        ]
        if partial:
            names = " and ".join(partial) + (" are" if len(partial) > 1 else " is")
            return [Check("fail", messages.DOCTOR_TEAMS_APP_ID_MISSING.format(set_names=names))]
        return [Check("fail", messages.DOCTOR_TEAMS_ANONYMOUS)]
    checks = []
    if not is_app_id(s.microsoft_app_id):
        checks.append(
            Check("warn", messages.DOCTOR_TEAMS_APP_ID_ODD.format(app_id=s.microsoft_app_id))
        )
    if not s.microsoft_app_password:
        checks.append(Check("fail", messages.DOCTOR_TEAMS_PASSWORD_MISSING))
    if not s.microsoft_app_tenant_id:
        checks.append(Check("warn", messages.DOCTOR_TEAMS_TENANT_MISSING))
    if not checks:
        ok = messages.DOCTOR_TEAMS_CREDENTIALS_OK.format(
            app_id=s.microsoft_app_id, tenant=s.microsoft_app_tenant_id
        )
        checks.append(Check("ok", ok))
    return checks


def bot_checks(bot: TeamsRegistration) -> list[Check]:
    """One of several bots: its tenant and its admins (its secret is checked at start)."""
    names = {"app_id": bot.app_id, "school": bot.school}
    suffix = bot.school.upper().replace("-", "_")
    checks = []
    if not bot.tenant_id:
        checks.append(
            Check("warn", messages.DOCTOR_TEAMS_BOT_NO_TENANT.format(**names, suffix=suffix))
        )
    if not bot.admins:
        checks.append(
            Check("warn", messages.DOCTOR_TEAMS_BOT_NO_ADMIN.format(**names, suffix=suffix))
        )
    if not checks:
        checks.append(
            Check("ok", messages.DOCTOR_TEAMS_BOT_OK.format(**names, tenant=bot.tenant_id))
        )
    return checks


def people_checks(s: TeamsSettings) -> list[Check]:
    """Who may act on Teams, and where allegations about staff go."""
    if s.teams_dsl_aad_ids:
        count = len(s.teams_dsl_aad_ids)
        checks = [Check("ok", messages.DOCTOR_TEAMS_DSLS_OK.format(count=count))]
    else:
        checks = [Check("fail", messages.DOCTOR_TEAMS_NO_DSLS)]
    if not s.teams_headteacher_aad_ids:
        checks.append(Check("fail", messages.DOCTOR_TEAMS_NO_HEADTEACHER))
    if not s.teams_chair_aad_ids:
        checks.append(Check("fail", messages.DOCTOR_TEAMS_NO_CHAIR))
    return checks


def destination_check(s: TeamsSettings, refs: Refs | None = None) -> Check:
    """Whether a DSL has sent "setup dsl" somewhere (its conversation reference is stored)."""
    if refs is not None:
        return _destination(Directory(refs))
    from bot.store import Store

    try:
        store = Store.open(s.database_url)
    except (PolicybotError, OSError):
        return Check("warn", messages.DOCTOR_TEAMS_DESTINATION_UNKNOWN)
    try:
        return _destination(Directory(store))
    except PolicybotError:
        return Check("warn", messages.DOCTOR_TEAMS_DESTINATION_UNKNOWN)
    finally:
        store.close()


def _destination(directory: Directory) -> Check:
    found = directory.dsl_destination()
    if not found or not found.get("conversation"):
        return Check("warn", messages.DOCTOR_TEAMS_NO_DESTINATION)
    conversation = str(found["conversation"])
    return Check("ok", messages.DOCTOR_TEAMS_DESTINATION_OK.format(conversation=conversation))
