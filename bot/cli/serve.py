"""``policybot serve`` and ``policybot doctor``: thin click commands over bot.serve.runtime and
bot.cli.doctor. Registered in ``bot/cli/main.py`` with ``cli.add_command(serve)`` and
``cli.add_command(doctor)``; both read the Settings the ``cli`` group put in ``ctx.obj``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import click

from bot import messages
from bot.cli.doctor import run_checks
from bot.errors import PolicybotError
from bot.serve.config import Settings
from bot.serve.web import SLACK_PATH

log = logging.getLogger(__name__)
MARKS = {"ok": "\u2713", "warn": "!", "fail": "\u2717"}


@click.command()
@click.option("--port", type=int, default=None, help="Port to listen on (default: $PORT or 3000).")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option(
    "--socket",
    "socket_mode",
    is_flag=True,
    help="Socket Mode (needs SLACK_APP_TOKEN): no public URL needed.",
)
@click.pass_obj
def serve(settings: Settings, port: int | None, host: str, socket_mode: bool) -> None:
    """Answer Slack over HTTP (POST /slack/events, GET /healthz) or in Socket Mode.

    Loads the index once (building it if missing or stale), opens the escalation database,
    delivers pending escalations, then serves until stopped.

    Example: policybot serve --port 3000
    """
    from bot.serve.runtime import build_runtime, serve_http, serve_socket

    try:
        runtime = build_runtime(settings, socket_mode=socket_mode)
    except PolicybotError as error:
        raise click.ClickException(str(error)) from None
    runtime.start_outbox()
    runtime.start_sources()  # web sources re-checked every POLICYBOT_SOURCES_REFRESH_HOURS
    if socket_mode:
        click.echo(messages.SERVE_SOCKET, err=True)
        main = serve_socket(runtime)
    else:
        host = _bind_host(settings, host)
        bound = port if port is not None else settings.port
        click.echo(
            messages.SERVE_LISTENING.format(host=host, port=bound, path=SLACK_PATH), err=True
        )
        main = serve_http(runtime, host, bound)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main)
    runtime.close()


def _bind_host(settings: Settings, host: str) -> str:
    """127.0.0.1 when Teams is anonymous (POLICYBOT_TEAMS_INSECURE_DEV=1), else ``host``."""
    from bot.teams import teams_enabled

    if not teams_enabled(settings):
        return host
    from bot.teams.auth import bind_host

    return bind_host(settings, host)


@click.command()
@click.pass_obj
def doctor(settings: Settings) -> None:
    """Check settings, the index, the database, and Slack and/or Teams as configured.

    Slack: the bot token, the DSL destination and who may act. Teams: that MICROSOFT_APP_ID,
    MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID agree, that TEAMS_DSL_AAD_IDS is
    set, and whether a DSL has chosen the DSL conversation with "setup dsl". Says in plain
    words what is missing; exit status 1 if anything must be fixed.

    Example: policybot doctor
    """
    checks = run_checks(settings)
    for check in checks:
        click.echo(f"{MARKS[check.level]} {check.text}")
    failed = sum(check.level == "fail" for check in checks)
    if failed:
        raise click.ClickException(messages.DOCTOR_FAILED.format(count=failed))
    click.echo(messages.DOCTOR_OK)
