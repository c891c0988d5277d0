"""The route to raise a concern, built from the school's contacts and the concern level.

Every answer carries one. An allegation about a member of staff goes to the headteacher, and
about the headteacher to the chair of governors (Keeping Children Safe in Education), with the
NSPCC whistleblowing line; a child in immediate danger means 999 first.
"""

from __future__ import annotations

from bot.answering.model import NSPCC_WHISTLEBLOWING, Concern, Person, Route
from indexer.corpus import School

_DSL = "Designated Safeguarding Lead"


def build_route(school: School | None, concern: Concern) -> Route:
    dsl = _contact(school, "dsl", _DSL)
    others = school.deputies if school else ()
    lead = dsl
    whistleblowing = None
    if concern.about_staff:
        key, role = (
            ("chair_of_governors", "Chair of Governors")
            if concern.about_headteacher
            else ("headteacher", "Headteacher")
        )
        lead = _contact(school, key, role)
        whistleblowing = NSPCC_WHISTLEBLOWING
        if school and "allegations" in school.contacts:
            others += (school.contacts["allegations"],)
    return Route(
        school=school.slug if school else None,
        school_name=school.name if school else None,
        lead=lead,
        dsl=dsl,
        others=others,
        emergency=concern.level == "urgent",
        whistleblowing=whistleblowing,
    )


def _contact(school: School | None, key: str, role: str) -> Person:
    person = school.contacts.get(key) if school else None
    return person or Person(role=role)
