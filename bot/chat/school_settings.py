"""Answers that show the school's own people, as its admin set them in the chat app.

:class:`SchoolSettingsAnswers` wraps the answer core: the clauses are the core's, and the
route (who to tell, their phone numbers, the school's name) is rebuilt from the school's
``school.toml`` overlaid with its registry settings (bot.store.schools), read through the
registry's short cache so a change reaches every worker without a restart.

    answers = SchoolSettingsAnswers(answerer, registry)
    answers.answer("can I ...?", "kite-college").route.dsl   # Person(name, phone) from settings
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.answering.model import Answer
from bot.answering.route import build_route
from bot.errors import StoreError
from bot.store.schools import SchoolRecord, SchoolRegistry
from indexer.corpus import Person, School

log = logging.getLogger(__name__)
ROLES = {
    "dsl": "Designated Safeguarding Lead",
    "deputy": "Deputy DSL",
    "headteacher": "Headteacher",
    "chair_of_governors": "Chair of Governors",
}


class SchoolSettingsAnswers:
    def __init__(self, answerer: Any, registry: SchoolRegistry) -> None:
        self.answerer = answerer
        self.registry = registry

    def answer(self, question: str, school: str | None = None, k: int = 3) -> Answer:
        answer: Answer = self.answerer.answer(question, school, k)
        slug = school or answer.route.school
        record = self._record(slug)
        if record is None:
            return answer
        overlaid = overlay(getattr(self.answerer, "schools", {}).get(record.slug), record)
        return replace(answer, route=build_route(overlaid, answer.concern))

    @property
    def schools(self) -> Mapping[str, School]:
        """The core's schools, each registered one overlaid with its settings."""
        schools = dict(getattr(self.answerer, "schools", {}))
        try:
            records = self.registry.all()
        except StoreError:
            return schools
        for record in records:
            schools[record.slug] = overlay(schools.get(record.slug), record)
        return schools

    def __getattr__(self, name: str) -> Any:  # index, default_school, ...: the core's own
        return getattr(self.answerer, name)

    def _record(self, slug: str | None) -> SchoolRecord | None:
        if not slug:
            return None
        try:
            return self.registry.get(slug)
        except StoreError:
            log.warning("school settings unavailable; answering with school.toml's contacts")
            return None


def overlay(school: School | None, record: SchoolRecord) -> School:
    """``school`` (from school.toml, or a bare one) with the registry's name and people."""
    s = record.settings
    base = school or School(slug=record.slug, name=record.name)
    names: Mapping[str, str] = s.get("names") or {}
    contacts = dict(base.contacts)
    deputies = base.deputies
    dsl_ids = list(s.get("dsl_ids") or [])

    def person(key: str, ids: list[str], phone: str | None) -> None:
        old = contacts.get(key) or Person(ROLES[key])
        name = names.get(ids[0]) if ids else None
        contacts[key] = Person(old.role, name or old.name, phone or old.phone)

    if dsl_ids or s.get("dsl_phone"):
        person("dsl", dsl_ids, s.get("dsl_phone"))
    if len(dsl_ids) > 1:
        phone = s.get("deputy_phone")
        deputies = tuple(Person(ROLES["deputy"], names.get(i), phone) for i in dsl_ids[1:])
    for key, ids_key, phone_key in (
        ("headteacher", "headteacher_ids", "headteacher_phone"),
        ("chair_of_governors", "chair_ids", "chair_phone"),
    ):
        if s.get(ids_key) or s.get(phone_key):
            person(key, list(s.get(ids_key) or []), s.get(phone_key))
    name = s.get("name") or record.name or base.name
    return replace(base, name=name, contacts=contacts, deputies=deputies)
