"""The school registry (bot.store.schools) on a real database file."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, inspect

from bot.store import Store
from bot.store.schools import SchoolRegistry, slugify


@pytest.fixture
def registry(store: Store) -> SchoolRegistry:
    return SchoolRegistry(store, cache_seconds=0)


def test_the_installer_becomes_the_admin_of_a_new_school(registry: SchoolRegistry) -> None:
    school = registry.create_for_install("T1", "St Mary's C of E Primary", "UINST")
    assert school.slug == "st-marys-c-of-e-primary" and school.installed
    assert registry.by_slack_team("T1") == school
    assert registry.is_admin(school.slug, "UINST")
    assert not registry.is_admin(school.slug, "UOTHER")
    assert registry.admins(school.slug) == ("UINST",)


def test_slugs_are_unique_and_a_reinstall_keeps_the_row(registry: SchoolRegistry) -> None:
    a = registry.create_for_install("T1", "Kite College", "UA")
    b = registry.create_for_install("T2", "Kite College", "UB")
    assert (a.slug, b.slug) == ("kite-college", "kite-college-2")
    registry.save_settings(a.slug, {"dsl_channel": "G1", "dsl_ids": ["UD1", " UD1 "]})
    removed = registry.remove_installation(team_id="T1")
    assert removed is not None and not removed.installed
    again = registry.create_for_install("T1", "Kite College (new name)", "USOMEONE")
    assert again.slug == "kite-college" and again.installed
    assert again.admin_ids == ("UA",)  # the admins stay; a stranger reinstalling is not one
    assert again.settings == {"dsl_channel": "G1", "dsl_ids": ["UD1"]}


def test_settings_are_validated_and_a_name_renames(registry: SchoolRegistry) -> None:
    slug = registry.create_for_install("T1", "Kite", "UA").slug
    saved = registry.save_settings(slug, {"name": " Kite College ", "retention_days": 30})
    assert saved.name == "Kite College" and saved.setting("retention_days") == 30
    for bad in ({"colour": "red"}, {"retention_days": 0}, {"dsl_ids": "UD1"}):
        with pytest.raises(ValueError):
            registry.save_settings(slug, bad)
    with pytest.raises(KeyError):
        registry.save_settings("nope", {"name": "x"})


def test_a_change_reaches_another_worker_s_registry(store: Store) -> None:
    """Two registries on one database (two workers): no restart, a short cache at most."""
    one, two = SchoolRegistry(store, cache_seconds=0), SchoolRegistry(store, cache_seconds=0)
    slug = one.create_for_install("T1", "Kite", "UA").slug
    assert two.get(slug) is not None and two.get(slug).setting("dsl_channel") is None
    one.save_settings(slug, {"dsl_channel": "G9"})
    assert two.get(slug).setting("dsl_channel") == "G9"


def test_teams_registrations_are_schools_too(registry: SchoolRegistry) -> None:
    school = registry.register_teams_app("app-1", "North Star")
    assert registry.by_teams_app("app-1") == school and school.admin_ids == ()
    registry.add_admin(school.slug, "aad-1")
    registry.add_admin(school.slug, "aad-1")
    assert registry.admins(school.slug) == ("aad-1",)
    assert registry.register_teams_app("app-1", "North Star").slug == school.slug
    assert registry.remove_installation(app_id="app-1").installed is False
    assert registry.remove_installation(team_id="T-unknown") is None


def test_slugify() -> None:
    assert slugify("  ") == "school"
    assert slugify("Ysgol Gymraeg — Aberystwyth!") == "ysgol-gymraeg-aberystwyth"


def test_the_slack_sdk_stores_match_the_frozen_tables(store: Store) -> None:
    """Migration 0006 created slack_sdk's own tables as its SQLAlchemy stores define them."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    md = MetaData()
    theirs = [
        SQLAlchemyInstallationStore.build_installations_table(md, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(md, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(md, "slack_oauth_states"),
    ]
    found = inspect(store.engine)
    for table in theirs:
        columns = {c["name"]: c["nullable"] for c in found.get_columns(table.name)}
        assert columns == {c.name: c.nullable for c in table.columns}, table.name
