"""``policybot doctor``: check a deployment and say in plain words what is missing: settings,
the index, the database, then Slack (auth, DSL destination, who may act) when Slack is
configured and Teams (:mod:`bot.teams.doctor`) when Teams is.

Each check returns :class:`~bot.chat.check.Check` lines: ``ok``, ``warn`` or ``fail``.
Nothing here prints tokens or secrets.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import messages
from bot.chat.check import Check
from bot.errors import PolicybotError
from bot.serve.config import Settings
from bot.serve.wiring import model_choice, slack_enabled
from bot.teams import teams_enabled


def run_checks(settings: Settings, client: WebClient | None = None) -> list[Check]:
    """Every check, in the order a school would fix them: Slack's when Slack is configured
    (or nothing is), Teams' (bot.teams.doctor) when Teams is."""
    slack = slack_enabled(settings)
    checks = config_checks(settings) if slack else [Check("ok", messages.DOCTOR_SLACK_OFF)]
    checks += [index_check(settings), embedding_check(settings), database_check(settings)]
    if slack and settings.slack_oauth:  # every registered school, with its own token
        from bot.cli.doctor_schools import school_checks

        checks = [c for c in checks if c.text != messages.DOCTOR_TOKEN_MISSING]
        checks.extend(school_checks(settings))
        slack = False  # the global DSL / headteacher / chair settings are not used
    elif slack and settings.slack_bot_token:
        client = client or WebClient(settings.slack_bot_token, base_url=settings.slack_api_url)
        auth = slack_auth_check(client, settings)
        checks.append(auth)
        if auth.level == "ok":
            checks.extend(dsl_destination_checks(client, settings))
    if slack:
        checks.extend(route_checks(settings))
    if teams_enabled(settings):
        from bot.teams.doctor import teams_checks

        checks.extend(teams_checks(settings))
    return checks


def config_checks(s: Settings) -> list[Check]:
    return [
        _either(bool(s.slack_bot_token), messages.DOCTOR_TOKEN_OK, messages.DOCTOR_TOKEN_MISSING),
        _either(
            bool(s.slack_signing_secret or s.slack_app_token),
            messages.DOCTOR_SECRET_OK,
            messages.DOCTOR_SECRET_MISSING,
        ),
        Check("ok", messages.DOCTOR_APP_TOKEN_OK)
        if s.slack_app_token
        else Check("warn", messages.DOCTOR_APP_TOKEN_MISSING),
    ]


def index_check(s: Settings) -> Check:
    from indexer.build import index_current
    from indexer.index import read_params

    where = {"path": s.index_path, "corpus": s.corpus_dir}
    try:
        params = read_params(s.index_path)
        current = not s.corpus_dir.exists() or index_current(
            [s.corpus_dir], s.index_path, model_choice(s)
        )
    except PolicybotError:
        return Check("fail", messages.DOCTOR_INDEX_MISSING.format(**where))
    if not current:
        return Check("warn", messages.DOCTOR_INDEX_STALE.format(**where))
    count = params.get("passages", "?")
    return Check("ok", messages.DOCTOR_INDEX_FRESH.format(count=count, **where))


def embedding_check(s: Settings) -> Check:
    """Whether answers use embeddings beside BM25, and whether the index holds their vectors."""
    from indexer.embedding import default_encoder
    from indexer.index import read_params

    status = default_encoder(model_choice(s))
    if status.encoder is None:
        return Check("warn", messages.DOCTOR_EMBEDDING_MISSING.format(reason=status.reason))
    try:
        made_by = (read_params(s.index_path).get("embedding") or {}).get("sha256")
    except PolicybotError:
        made_by = None
    if made_by != status.encoder.sha256:
        return Check(
            "warn",
            messages.DOCTOR_EMBEDDING_STALE.format(
                model=status.reason, path=s.index_path, corpus=s.corpus_dir
            ),
        )
    return Check("ok", messages.DOCTOR_EMBEDDING_OK.format(model=status.reason))


def database_check(s: Settings) -> Check:
    from bot.store import Store

    try:
        Store.open(s.database_url).close()
    except (PolicybotError, OSError):  # OSError: e.g. a file where the data folder should be
        return Check("fail", messages.DOCTOR_DB_FAILED)
    return Check("ok", messages.DOCTOR_DB_OK)


def slack_auth_check(client: WebClient, s: Settings) -> Check:
    result = _slack(lambda: client.auth_test(), s)
    if isinstance(result, Check):
        return result
    return Check(
        "ok", messages.DOCTOR_AUTH_OK.format(team=result.get("team"), user=result.get("user"))
    )


def dsl_destination_checks(client: WebClient, s: Settings) -> list[Check]:
    if s.dsl_channel_id:
        return [_channel_check(client, s)]
    if not s.dsl_user_ids:
        return [Check("fail", messages.DOCTOR_NO_DSL)]
    return [_user_check(client, s, user) for user in s.dsl_user_ids]


def route_checks(s: Settings) -> list[Check]:
    checks = []
    if not s.dsl_user_ids:
        checks.append(Check("fail", messages.DOCTOR_NO_DSL_USERS))
    if not s.headteacher_user_ids:
        checks.append(Check("fail", messages.DOCTOR_NO_HEADTEACHER))
    if not s.chair_user_ids:
        checks.append(Check("fail", messages.DOCTOR_NO_CHAIR))
    return checks


def _channel_check(client: WebClient, s: Settings) -> Check:
    channel = s.dsl_channel_id or ""
    result = _slack(
        lambda: client.conversations_info(channel=channel),
        s,
        messages.DOCTOR_CHANNEL_FAILED,
        channel=channel,
    )
    if isinstance(result, Check):
        return result
    info = result.get("channel") or {}
    if not (info.get("is_private") or info.get("is_group") or info.get("is_im")):
        return Check("fail", messages.DOCTOR_CHANNEL_PUBLIC.format(channel=channel))
    return Check("ok", messages.DOCTOR_CHANNEL_OK.format(channel=channel))


def _user_check(client: WebClient, s: Settings, user: str) -> Check:
    result = _slack(lambda: client.users_info(user=user), s, messages.DOCTOR_USER_FAILED, user=user)
    return (
        result
        if isinstance(result, Check)
        else Check("ok", messages.DOCTOR_USER_OK.format(user=user))
    )


def _slack(
    call: Callable[[], object],
    s: Settings,
    refused: str = messages.DOCTOR_AUTH_FAILED,
    **names: object,
) -> dict | Check:
    """The Slack response's data, or a failed Check worded with ``refused``."""
    try:
        response = call()
    except SlackApiError as exc:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        return Check("fail", refused.format(error=data.get("error", "error"), **names))
    except (SlackClientError, OSError):
        return Check("fail", messages.DOCTOR_UNREACHABLE.format(url=s.slack_api_url))
    return getattr(response, "data", {}) or {}


def _either(ok: bool, good: str, bad: str) -> Check:
    return Check("ok", good) if ok else Check("fail", bad)
