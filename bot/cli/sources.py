"""``policybot sources``: a school website's policies page as a source of its policies.

    policybot sources add URL --school SLUG     fetch the page, index the PDFs / Word files
    policybot sources list [--school SLUG]
    policybot sources remove URL --school SLUG  and the documents it brought
    policybot sources refresh [--school SLUG]   re-check now (for cron; serve does it daily)

The database is ``DATABASE_URL``; files and indexes go under ``POLICYBOT_DATA_DIR``.
"""

from __future__ import annotations

import sys

import click

from bot import messages
from bot.cli.escalations import open_store
from bot.errors import ConfigError
from bot.policies.sources import RefreshReport
from bot.serve.config import Settings
from bot.serve.wiring import school_library, sources


@click.group(name="sources")
def sources_group() -> None:
    """A school website's policies page: add, list, remove, refresh."""


@sources_group.command("add")
@click.argument("url")
@click.option("--school", required=True, help="The school the page's policies are for.")
@click.pass_obj
def add_command(settings: Settings, url: str, school: str) -> None:
    """Fetch URL, index the PDFs and Word files it links to for SCHOOL, re-check daily."""
    with open_store() as store:
        try:
            report = sources(school_library(store, settings), settings).add(school, url)
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
    _print(report, added=True)


@sources_group.command("list")
@click.option("--school", help="Only this school's sources.")
@click.pass_obj
def list_command(settings: Settings, school: str | None) -> None:
    with open_store() as store:
        library = school_library(store, settings)
        found = library.docs.sources(school)
        if not found:
            click.echo(messages.SOURCES_NONE)
        for source in found:
            checked = source.checked_at.strftime("%Y-%m-%d %H:%M") if source.checked_at else "never"
            count = len(library.docs.source_documents(source.id))
            click.echo(
                messages.SOURCES_LINE.format(
                    school=source.school, url=source.url, checked=checked, count=count
                )
            )


@sources_group.command("remove")
@click.argument("url")
@click.option("--school", required=True)
@click.pass_obj
def remove_command(settings: Settings, url: str, school: str) -> None:
    """Forget URL and remove the policies it brought from SCHOOL's index."""
    with open_store() as store:
        count = sources(school_library(store, settings), settings).remove(school, url)
    if count is None:
        raise click.ClickException(messages.SOURCES_UNKNOWN.format(url=url, school=school))
    click.echo(messages.SOURCES_REMOVED.format(url=url, school=school, count=count))


@sources_group.command("refresh")
@click.option("--school", help="Only this school's sources.")
@click.pass_obj
def refresh_command(settings: Settings, school: str | None) -> None:
    """Re-check every source now: changed files re-indexed, missing ones removed."""
    with open_store() as store:
        reports = sources(school_library(store, settings), settings).refresh(school)
    if not reports:
        click.echo(messages.SOURCES_NONE)
    failed = False
    for report in reports:
        failed = _print(report) or failed
    if failed:
        sys.exit(1)


def _print(report: RefreshReport, added: bool = False) -> bool:
    """Print the report; True when the page could not be fetched."""
    if report.page_error:
        click.echo(f"{report.school} {report.url}: {report.page_error}", err=True)
        return True
    if added:
        line = messages.SOURCES_ADDED.format(
            url=report.url,
            school=report.school,
            indexed=report.fetched,
            failed=len(report.problems),
        )
    else:
        line = messages.SOURCES_REFRESHED.format(
            school=report.school,
            url=report.url,
            fetched=report.fetched,
            unchanged=report.unchanged,
            removed=report.removed,
            failed=len(report.problems),
        )
    click.echo(line)
    for name, problem in report.problems:
        click.echo(messages.SOURCES_PROBLEM.format(name=name, problem=problem))
    return False
