"""Export (CSV/JSON in recording order) and purge of resolved escalations' details."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from bot.escalation.export import EXPORT_FIELDS
from tests.fakes.concerns import DSL, SECRET_DETAILS, SECRET_QUESTION, make_report, make_service


def _lifecycle(store, clock):
    service = make_service(store, clock)
    esc = service.submit(make_report(immediate_risk="unsure"))
    service.claim(esc.ref, DSL)
    service.record_logged(esc.ref, DSL, "CPOMS 12345")
    service.resolve(esc.ref, DSL, note="parents spoken to")
    service.submit(make_report(about_staff="staff", details='=HYPERLINK("x")'))
    return service, esc


def test_json_export_in_recording_order(store, clock) -> None:
    service, esc = _lifecycle(store, clock)
    data = json.loads(service.export("json"))
    assert [list(item) for item in data] == [list(EXPORT_FIELDS)] * 2
    first = data[0]
    assert first["reference"] == esc.ref
    assert first["raised_at"] == "2026-03-02T09:00:00Z"
    assert (first["type"], first["immediate_risk"], first["status"]) == (
        "concern about a child",
        "unsure",
        "resolved",
    )
    assert first["what_happened"] == SECRET_DETAILS
    assert first["recorded_as"] == "CPOMS 12345"
    assert [a["action"] for a in first["audit_trail"]] == [
        "submitted",
        "urgent_alerted",
        "claimed",
        "recorded",
        "resolved",
    ]
    assert data[1]["type"] == "allegation about a member of staff"


def test_csv_export_has_a_header_and_neutralises_formulas(store, clock) -> None:
    service, esc = _lifecycle(store, clock)
    rows = list(csv.DictReader(io.StringIO(service.export("csv"))))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert rows[0]["reference"] == esc.ref
    assert rows[0]["audit_trail"].startswith("2026-03-02T09:00:00Z submitted by U_REPORTER; ")
    assert "recorded by U_DSL (CPOMS 12345)" in rows[0]["audit_trail"]
    assert rows[1]["what_happened"] == '\'=HYPERLINK("x")'


def test_unknown_format_is_refused(store, clock) -> None:
    with pytest.raises(ValueError):
        make_service(store, clock).export("xml")


def test_purge_removes_details_of_old_resolved_escalations_only(store, clock) -> None:
    service, esc = _lifecycle(store, clock)
    clock.advance(days=89)
    assert service.purge(timedelta(days=90)) == []
    clock.advance(days=2)
    assert service.purge(timedelta(days=90)) == [esc.ref]
    purged = service.get(esc.ref)
    assert (purged.details, purged.question, purged.resolution_note) == ("", "", None)
    assert purged.details_purged and purged.status == "resolved" and purged.record_ref
    assert [a.action for a in service.audit(esc.ref)][-1] == "details_purged"
    open_one = service.list_open()[0]
    assert open_one.details and not open_one.details_purged  # unresolved: kept
    text = service.export("json")
    assert SECRET_DETAILS not in text.split(open_one.ref)[0]
    assert SECRET_QUESTION in text  # only in the open escalation
    assert service.purge(timedelta(days=90)) == []  # nothing left to purge


def test_a_school_s_own_retention_applies_to_its_escalations_only(store, clock) -> None:
    """A school whose admin chose 30 days: its details go after 30; others' after 90."""
    from bot.escalation.export import purge

    service = make_service(store, clock)
    refs = {}
    for school in ("alder", "birch", None):
        esc = service.submit(make_report(school=school))
        service.claim(esc.ref, DSL)
        service.resolve(esc.ref, DSL)
        refs[school] = esc.ref
    clock.advance(days=31)
    own = {"alder": timedelta(days=30)}
    assert purge(store, timedelta(days=90), clock, per_school=own) == [refs["alder"]]
    clock.advance(days=60)
    assert sorted(purge(store, timedelta(days=90), clock, per_school=own)) == sorted(
        [refs["birch"], refs[None]]
    )
