"""Issue 18: two workspaces install policybot by OAuth, each admin sets up their school from
App Home, and each school's concerns reach only its own DSLs with its own token.

Everything runs as ``policybot serve`` runs it: the runtime on a real SQLite file, served
on loopback, the browser's half of the OAuth dance done with ``requests`` (cookies kept),
and Slack's half by the fake Web API (``oauth.v2.access``, ``auth.test`` per token)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from bot import messages
from bot.escalation.form import form_meta
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from bot.slack import escalation_blocks as eb
from bot.slack.home_settings import ACTION_SETTINGS, CALLBACK
from bot.store.schools import SchoolRegistry
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body
from tests.slack import test_escalation_flow as flow
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import wait_until

CLIENT_ID, CLIENT_SECRET = "1234.5678", "client-secret"
WORKSPACES = {
    "TA": {"name": "Alder Primary", "admin": "UADMINA", "channel": "GALDER", "dsl": "UDSLA"},
    "TB": {"name": "Birch Academy", "admin": "UADMINB", "channel": "GBIRCH", "dsl": "UDSLB"},
}


@pytest.fixture
def runtime(
    settings: Settings, answerer: StubAnswerer, tmp_path: Path, fake_slack: FakeSlackAPI
) -> Iterator[Runtime]:
    fake_slack.oauth_clients[CLIENT_ID] = CLIENT_SECRET
    for ws in WORKSPACES.values():
        fake_slack.channels[ws["channel"]] = {"id": ws["channel"], "is_private": True}
        fake_slack.users[ws["dsl"]] = {"id": ws["dsl"], "profile": {"real_name": "Dee Esel"}}
    fake_slack.channels["CPUBLIC"] = {"id": "CPUBLIC", "is_private": False, "is_channel": True}
    oauth = replace(
        settings,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
        corpus_dir=tmp_path / "corpus",
        dsl_user_ids=("UGLOBAL",),  # never used for an installed school
    )
    with running(oauth, answerer) as rt:
        yield rt


live = flow.live  # served over loopback, with this module's runtime


def registry(runtime: Runtime) -> SchoolRegistry:
    assert runtime.slack_app is not None
    return SchoolRegistry(runtime.store, cache_seconds=0)


def install(live: LiveServer, fake: FakeSlackAPI, team: str) -> requests.Response:
    """A browser: the install page, Slack's consent (the fake grants a code), the redirect."""
    ws = WORKSPACES[team]
    page = requests.get(f"{live.url}/slack/install", allow_redirects=False)
    assert page.status_code in (200, 302)
    link = page.headers.get("Location") or page.text
    state = re.search(r"state=([\w-]+)", link)
    assert state is not None, "the install page links to Slack's consent page with a state"
    # the state cookie is Secure (https only): a browser on the real host sends it back
    cookie = page.headers["Set-Cookie"].split(";")[0]
    code = f"code-{team}"
    fake.grant(code, team, ws["name"], ws["admin"])
    redirect = f"{live.url}/slack/oauth_redirect?code={code}&state={state.group(1)}"
    return requests.get(redirect, headers={"Cookie": cookie}, allow_redirects=False)


def event(live: LiveServer, team: str, ev: dict[str, Any], event_id: str) -> None:
    body = json.dumps(
        {
            "team_id": team,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": ev,
        }
    )
    assert live.event(body).status_code == 200


def interact(live: LiveServer, team: str, payload: dict[str, Any]) -> requests.Response:
    response = live.action(action_body({"team": {"id": team}, **payload}))
    assert response.status_code == 200
    return response


def settings_view(slug: str, team: str, channel: str | None = None, **extra: Any) -> dict:
    ws = WORKSPACES[team]
    values: dict[str, Any] = {
        "name": {"name": {"value": f"{ws['name']} School"}},
        "dsl_channel": {"dsl_channel": {"selected_conversation": channel or ws["channel"]}},
        "dsl_ids": {"dsl_ids": {"selected_users": [ws["dsl"]]}},
        "headteacher_ids": {"headteacher_ids": {"selected_user": f"UHEAD{team}"}},
        "chair_ids": {"chair_ids": {"selected_user": None}},
        "dsl_phone": {"dsl_phone": {"value": "01234 100200"}},
        "retention_days": {"retention_days": {"value": "30"}},
        **extra,
    }
    return {
        "type": "modal",
        "id": f"VS{team}",
        "hash": "h",
        "callback_id": CALLBACK,
        "private_metadata": slug,
        "state": {"values": values},
    }


def save_settings(live: LiveServer, team: str, user: str, view: dict) -> requests.Response:
    return interact(live, team, {"type": "view_submission", "user": {"id": user}, "view": view})


def raise_concern(live: LiveServer, team: str, slug: str, n: int) -> str:
    meta = form_meta("can I follow an ex-pupil?", None, slug, "the DSL")
    state = {
        "details": {"details": {"type": "plain_text_input", "value": f"{slug} concern"}},
        "risk": {"risk": {"selected_option": {"value": "no"}}},
        "about": {"about": {"selected_option": {"value": "no"}}},
        "told": {"told": {"selected_option": {"value": "no"}}},
    }
    view = {**eb.raise_modal(meta, None, "the DSL"), "id": f"V{n}", "hash": f"h{n}"}
    payload = {"type": "view_submission", "user": {"id": f"USTAFF{team}"}}
    reply = interact(live, team, {**payload, "view": {**view, "state": {"values": state}}})
    found = re.search(r"ESC-\d{4}-\d{4}", json.dumps(reply.json()))
    assert found is not None, reply.text
    return found.group()


def test_two_workspaces_install_set_up_and_escalate_separately(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    schools = registry(runtime)
    for team, ws in WORKSPACES.items():
        done = install(live, fake_slack, team)
        assert done.status_code == 200, done.text
        school = schools.by_slack_team(team)
        assert school is not None and school.admin_ids == (ws["admin"],)
        welcome = fake_slack.wait_for_where("chat.postMessage", channel="D" + ws["admin"][1:])
        assert fake_slack.token_of(welcome[0]) == f"xoxb-{team.lower()}"
    slugs = {team: schools.by_slack_team(team).slug for team in WORKSPACES}
    assert slugs == {"TA": "alder-primary", "TB": "birch-academy"}

    # each admin sets their school up from App Home (the modal's view_submission)
    for team, ws in WORKSPACES.items():
        assert save_settings(live, team, ws["admin"], settings_view(slugs[team], team)).text == ""
    assert wait_until(lambda: schools.get("alder-primary").setting("names"))
    alder = schools.get("alder-primary")
    assert alder.name == "Alder Primary School"
    assert alder.setting("dsl_channel") == "GALDER" and alder.setting("dsl_ids") == ["UDSLA"]
    assert alder.setting("retention_days") == 30
    assert alder.setting("names") == {"UDSLA": "Dee Esel"}

    # answers show the school's own DSL and phone, as set
    answer = runtime.answerer.answer("can I follow an ex-pupil?", "alder-primary")
    assert (answer.route.dsl.name, answer.route.dsl.phone) == ("Dee Esel", "01234 100200")
    assert answer.route.school_name == "Alder Primary School"

    # each school's concern reaches only its own channel, with its own workspace's token
    refs = {team: raise_concern(live, team, slugs[team], n) for n, team in enumerate(WORKSPACES)}
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    for team, ws in WORKSPACES.items():
        (post,) = [
            c for c in fake_slack.calls_to("chat.postMessage") if c.body["channel"] == ws["channel"]
        ]
        assert refs[team] in post.shown()
        assert fake_slack.token_of(post) == f"xoxb-{team.lower()}"
    tokens = {fake_slack.token_of(c) for c in fake_slack.calls if c.method != "oauth.v2.access"}
    assert tokens <= {"xoxb-ta", "xoxb-tb"}  # there is no other token to use
    assert not any(c.body.get("channel") == "DGLOBAL" for c in fake_slack.calls)


def test_only_the_school_s_admin_sees_and_saves_settings(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    install(live, fake_slack, "TA")
    event(live, "TA", {"type": "app_home_opened", "user": "UADMINA", "tab": "home"}, "Ev1")
    event(live, "TA", {"type": "app_home_opened", "user": "USTAFF", "tab": "home"}, "Ev2")
    homes = fake_slack.wait_for("views.publish", 2)
    by_user = {c.body["user_id"]: json.dumps(c.body["view"]) for c in homes}
    assert ACTION_SETTINGS in by_user["UADMINA"] and ACTION_SETTINGS not in by_user["USTAFF"]

    # the button: a modal for the admin, a refusal for anyone else
    for user in ("UADMINA", "USTAFF"):
        click = {"type": "block_actions", "user": {"id": user}, "trigger_id": "t"}
        action = {"action_id": ACTION_SETTINGS, "value": "alder-primary", "block_id": "b"}
        interact(live, "TA", {**click, "actions": [action]})
    opened = fake_slack.wait_for("views.open", 2)
    views = {c.body["view"].get("callback_id") for c in opened}
    assert views == {CALLBACK, None}
    assert messages.SETTINGS_NOT_ADMIN in json.dumps([c.body for c in opened])

    # a forged submission from a non-admin changes nothing
    refused = save_settings(live, "TA", "USTAFF", settings_view("alder-primary", "TA"))
    assert refused.json()["response_action"] == "errors"
    assert registry(runtime).get("alder-primary").settings == {}


def test_a_public_channel_is_refused_as_the_dsl_destination(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    install(live, fake_slack, "TA")
    view = settings_view("alder-primary", "TA", channel="CPUBLIC")
    reply = save_settings(live, "TA", "UADMINA", view).json()
    assert reply == {
        "response_action": "errors",
        "errors": {"dsl_channel": messages.SETTINGS_PUBLIC_CHANNEL},
    }
    no_dsl = settings_view("alder-primary", "TA", dsl_ids={"dsl_ids": {"selected_users": []}})
    assert "dsl_ids" in save_settings(live, "TA", "UADMINA", no_dsl).json()["errors"]
    assert registry(runtime).get("alder-primary").settings == {}


def test_uninstall_removes_the_installation_and_keeps_the_escalations(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    for team in WORKSPACES:
        install(live, fake_slack, team)
    save_settings(live, "TA", "UADMINA", settings_view("alder-primary", "TA"))
    ref = raise_concern(live, "TA", "alder-primary", 1)
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    event(live, "TA", {"type": "app_uninstalled"}, "EvU")
    stores = runtime.slack_app.oauth_flow.settings.installation_store
    assert wait_until(
        lambda: stores.installations.find_bot(enterprise_id=None, team_id="TA") is None
    )
    assert stores.installations.find_bot(enterprise_id=None, team_id="TB") is not None
    assert wait_until(lambda: registry(runtime).by_slack_team("TA").installed is False)
    assert runtime.escalations.get(ref) is not None  # the retention purge deals with it
    # Birch's installation is untouched: its App Home is still published with its token
    event(live, "TB", {"type": "app_home_opened", "user": "UADMINB", "tab": "home"}, "EvB")
    assert fake_slack.wait_for_where("views.publish", user_id="UADMINB")


def test_tokens_revoked_removes_the_bot(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    install(live, fake_slack, "TA")
    event(live, "TA", {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, "EvR")
    stores = runtime.slack_app.oauth_flow.settings.installation_store
    assert wait_until(
        lambda: stores.installations.find_bot(enterprise_id=None, team_id="TA") is None
    )
    assert wait_until(lambda: registry(runtime).by_slack_team("TA").installed is False)


def test_a_forged_state_installs_nothing(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    fake_slack.grant("code-x", "TX", "Intruder", "UX")
    reply = requests.get(f"{live.url}/slack/oauth_redirect?code=code-x&state=forged")
    assert reply.status_code >= 400
    assert registry(runtime).by_slack_team("TX") is None
    assert not fake_slack.calls_to("oauth.v2.access")


def test_doctor_checks_every_registered_school(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    from bot.cli.doctor import run_checks

    for team in WORKSPACES:
        install(live, fake_slack, team)
    save_settings(live, "TA", "UADMINA", settings_view("alder-primary", "TA"))
    fake_slack.revoked.add("xoxb-tb")  # Birch's token no longer works
    lines = {(c.level, c.text) for c in run_checks(runtime.settings)}
    school = "Alder Primary School"
    assert ("ok", messages.DOCTOR_SCHOOL_AUTH_OK.format(school=school)) in lines
    channel_ok = messages.DOCTOR_SCHOOL_CHANNEL_OK.format(school=school, channel="GALDER")
    assert ("ok", channel_ok) in lines
    refused = messages.DOCTOR_SCHOOL_AUTH_FAILED.format(
        school="Birch Academy", error="invalid_auth"
    )
    assert ("fail", refused) in lines
    assert not any(text == messages.DOCTOR_TOKEN_MISSING for _, text in lines)
    registry(runtime).save_settings("alder-primary", {"dsl_channel": "CPUBLIC", "dsl_ids": []})
    lines = {(c.level, c.text) for c in run_checks(runtime.settings)}
    public = messages.DOCTOR_SCHOOL_CHANNEL_PUBLIC.format(school=school, channel="CPUBLIC")
    assert ("fail", public) in lines
    assert ("fail", messages.DOCTOR_SCHOOL_NO_DSL.format(school=school)) in lines


def test_a_workspace_in_the_school_map_installs_as_that_school(
    runtime: Runtime, answerer: StubAnswerer, fake_slack: FakeSlackAPI
) -> None:
    mapped = replace(runtime.settings, school_map={"TA": "kite-college"})
    runtime.close()  # the same database, served with the operator's map
    with running(mapped, answerer) as rt, LiveServer(rt.web_app()) as server:
        assert install(server, fake_slack, "TA").status_code == 200
        assert registry(rt).by_slack_team("TA").slug == "kite-college"
