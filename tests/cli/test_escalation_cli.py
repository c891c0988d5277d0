"""``policybot escalations`` commands against a real database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli.escalations import escalations, parse_age
from tests.fakes.concerns import DSL, SECRET_DETAILS, make_report, make_service


@pytest.fixture
def run(database_url):
    def invoke(*args: str):
        result = CliRunner().invoke(escalations, list(args), env={"DATABASE_URL": database_url})
        return result

    return invoke


def test_list_show_export_purge(store, clock, run, tmp_path) -> None:
    service = make_service(store, clock)
    esc = service.submit(make_report(immediate_risk="yes"))
    service.claim(esc.ref, DSL)
    listed = run("list")
    assert listed.exit_code == 0 and esc.ref in listed.output and "URGENT" in listed.output
    shown = run("show", esc.ref.lower())
    assert shown.exit_code == 0
    assert SECRET_DETAILS in shown.output and "claimed by U_DSL" in shown.output
    out = tmp_path / "x.json"
    assert run("export", "--format", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())[0]["reference"] == esc.ref
    assert run("export", "--format", "csv").output.startswith("reference,raised_at,")
    service.resolve(esc.ref, DSL)
    purged = run("purge", "--older-than", "0d")
    assert purged.exit_code == 0 and "1 resolved" in purged.output
    assert service.get(esc.ref).details_purged


def test_errors_are_one_sentence(run) -> None:
    missing = run("show", "ESC-2026-0404")
    assert missing.exit_code == 1 and "no escalation with the reference" in missing.output
    assert "Traceback" not in missing.output
    bad = run("purge", "--older-than", "soon")
    assert bad.exit_code == 2 and "90d" in bad.output
    assert run("list", "--open").output.strip() == "No escalations."


def test_every_command_has_help_ending_with_an_example() -> None:
    for name, command in escalations.commands.items():
        assert (
            (command.help or "").strip().splitlines()[-1].strip().startswith("Example: policybot")
        ), name


def test_ages() -> None:
    assert parse_age("90d").days == 90
    assert parse_age("2w").days == 14
    assert parse_age("48h").total_seconds() == 48 * 3600


def test_purge_keeps_a_school_s_own_retention(store, clock, run) -> None:
    """A school whose admin chose a longer retention in Settings keeps its details."""
    from bot.store.schools import SchoolRegistry

    schools = SchoolRegistry(store, cache_seconds=0)
    slug = schools.create_for_install("TA", "Alder", "UADMIN").slug
    schools.save_settings(slug, {"retention_days": 3650})
    service = make_service(store, clock)
    kept, gone = (service.submit(make_report(school=s)) for s in (slug, None))
    for esc in (kept, gone):
        service.claim(esc.ref, DSL)
        service.resolve(esc.ref, DSL)
    assert run("purge").exit_code == 0  # default 90 days; the clock's resolve is older
    assert service.get(gone.ref).details_purged and not service.get(kept.ref).details_purged
    assert run("purge", "--older-than", "0d").exit_code == 0  # the operator's age: for all
    assert service.get(kept.ref).details_purged
