"""``policybot escalations``: list, show, export and purge escalations (for DSLs and admins).

A thin click layer: each command parses, calls one library function and turns library
errors into a one-sentence error. Register it in ``bot/cli/main.py`` with
``cli.add_command(escalations)``. The database is ``DATABASE_URL`` (see the README).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click

from bot import messages
from bot.errors import ConfigError, StoreError
from bot.escalation.export import export as export_records
from bot.escalation.export import purge as purge_details
from bot.escalation.export import record
from bot.serve.config import load_settings
from bot.store import Store
from bot.store import escalations as rows
from bot.store.engine import write_private

UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'90d', '12w', '48h', '30m' -> timedelta; ClickException otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text.lower())
    if not match:
        raise click.BadParameter(messages.CLI_BAD_DURATION)
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def school_retention(store: Store) -> dict[str, timedelta]:
    """Each registered school's retention, as its admin set it (bot.store.schools)."""
    from bot.store.schools import SchoolRegistry

    days = {s.slug: s.setting("retention_days") for s in SchoolRegistry(store).all()}
    return {slug: timedelta(days=n) for slug, n in days.items() if n}


@contextmanager
def open_store() -> Iterator[Store]:
    try:
        store = Store.open(load_settings().database_url)
    except (ConfigError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


@click.group()
def escalations() -> None:
    """Escalations raised with the DSL: list, show, export, purge."""


@escalations.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only escalations not yet resolved.")
def list_command(open_only: bool) -> None:
    """List escalations, oldest first: reference, raised, status, route, risk, claimed by.

    Example: policybot escalations list --open
    """
    with open_store() as store, store.reading() as conn:
        found = rows.list_(conn, open_only=open_only)
    if not found:
        click.echo(messages.CLI_NO_ESCALATIONS)
    for esc in found:
        raised = esc.created_at.strftime("%Y-%m-%d %H:%M")
        urgent = "URGENT" if esc.urgent else "-"
        claimed = esc.claimed_by or "-"
        click.echo(f"{esc.ref}  {raised}  {esc.status:<8}  {esc.route:<11}  {urgent:<6}  {claimed}")


@escalations.command("show")
@click.argument("ref")
def show_command(ref: str) -> None:
    """Show one escalation in recording order, with its audit trail.

    Example: policybot escalations show ESC-2026-0042
    """
    with open_store() as store, store.reading() as conn:
        esc = rows.get(conn, ref.strip().upper())
        fields = record(esc, rows.audit_for(conn, esc))
    trail = fields.pop("audit_trail")
    for name, value in fields.items():
        click.echo(f"{name.replace('_', ' ')}: {'' if value is None else value}")
    click.echo(messages.CLI_AUDIT_TRAIL)
    for entry in trail:
        detail = f" ({entry['detail']})" if entry["detail"] else ""
        click.echo(f"  {entry['at']}  {entry['action']} by {entry['actor_id']}{detail}")


@escalations.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
def export_command(fmt: str, output: Path | None) -> None:
    """Export every escalation for CPOMS / MyConcern, in the usual recording order.

    Example: policybot escalations export --format csv -o escalations.csv
    """
    with open_store() as store:
        text = export_records(store, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_private(output, text)  # 0600: an export holds concern details


@escalations.command("purge")
@click.option(
    "--older-than", "older_than", default=None, help="Age, e.g. 90d (default: retention)."
)
def purge_command(older_than: str | None) -> None:
    """Remove question and details of escalations resolved longer ago than the given age.

    Reference, status, dates, people and the audit trail are kept. Without --older-than,
    a school whose admin set its retention in App Home -> Settings keeps its own days.

    Example: policybot escalations purge --older-than 90d
    """
    age_text = older_than or f"{load_settings().retention_days}d"
    age = parse_age(age_text)
    with open_store() as store:
        own = None if older_than else school_retention(store)
        purged = purge_details(store, age, per_school=own)
    click.echo(messages.CLI_PURGED.format(count=len(purged), age=age_text))
