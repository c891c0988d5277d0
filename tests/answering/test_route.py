"""The route to raise a concern, on every answer: DSL, headteacher, chair, 999, NSPCC."""

from __future__ import annotations

import pytest

from bot.answering.model import NSPCC_WHISTLEBLOWING, Concern
from bot.answering.route import build_route
from indexer.corpus import Person, School, read_school
from tests.conftest import CORPUS_DIR

pytestmark = pytest.mark.usefixtures("isolated_env")

SCHOOL = School(
    slug="oak-primary",
    name="Oak Primary",
    contacts={
        "dsl": Person("Designated Safeguarding Lead", "Ann Lee", "01234 000001"),
        "headteacher": Person("Headteacher", "Bob Head", "01234 000002"),
        "chair_of_governors": Person("Chair of Governors", "Cat Chair", "01234 000003"),
        "allegations": Person("LADO", None, "01234 000004"),
    },
    deputies=(Person("Deputy DSL", "Dee Puty", "01234 000005"),),
)


def test_no_concern_leads_with_the_dsl() -> None:
    route = build_route(SCHOOL, Concern())
    assert route.lead == route.dsl
    assert (route.dsl.name, route.dsl.phone) == ("Ann Lee", "01234 000001")
    assert [c.name for c in route.others] == ["Dee Puty"]
    assert not route.emergency and route.whistleblowing is None
    data = route.to_json()
    assert data["school"] == "oak-primary" and data["school_name"] == "Oak Primary"
    assert data["emergency_number"] is None


def test_urgent_concern_means_999_first() -> None:
    route = build_route(SCHOOL, Concern(level="urgent", reason="danger"))
    assert route.emergency
    assert route.to_json()["emergency_number"] == "999"
    assert route.lead.name == "Ann Lee"


def test_allegation_about_staff_goes_to_the_headteacher_with_nspcc_line() -> None:
    route = build_route(SCHOOL, Concern(level="report", reason="r", about_staff=True))
    assert (route.lead.role, route.lead.name) == ("Headteacher", "Bob Head")
    assert route.whistleblowing == NSPCC_WHISTLEBLOWING == "0800 028 0285"
    assert "01234 000004" in [c.phone for c in route.others]  # the allegations officer
    assert route.dsl.name == "Ann Lee"


def test_allegation_about_the_headteacher_goes_to_the_chair_of_governors() -> None:
    concern = Concern(level="report", reason="r", about_staff=True, about_headteacher=True)
    route = build_route(SCHOOL, concern)
    assert (route.lead.role, route.lead.name) == ("Chair of Governors", "Cat Chair")
    assert route.whistleblowing == "0800 028 0285"


def test_route_without_a_known_school_still_names_the_roles() -> None:
    route = build_route(None, Concern(level="report", reason="r", about_staff=True))
    assert route.lead.role == "Headteacher" and route.lead.name is None
    assert route.dsl.role == "Designated Safeguarding Lead"
    assert route.whistleblowing == "0800 028 0285"
    assert route.to_json()["school"] is None


def test_bundled_school_allegations_route_carries_its_dofa_number() -> None:
    school = read_school(CORPUS_DIR / "kaleidoscope-mat")
    route = build_route(school, Concern(level="report", reason="r", about_staff=True))
    assert "01275 888808" in [c.phone for c in route.others]
    assert route.lead.role == "Headteacher"


def test_bundled_school_with_a_principal_uses_its_role_names() -> None:
    school = read_school(CORPUS_DIR / "kite-college")
    assert build_route(school, Concern(about_staff=True, level="report")).lead.role == "Principal"
    chair = build_route(school, Concern(about_staff=True, about_headteacher=True, level="report"))
    assert chair.lead.role == "Chair of the Trustee Board"
