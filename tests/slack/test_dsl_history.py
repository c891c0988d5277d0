"""The DSL's post keeps its history (issue 17): a timeline under the post, a confirmation
before Resolve (never the destructive style), and a new block_id on every update; payloads
captured over real HTTP from the fake Web API."""

from __future__ import annotations

from dataclasses import replace

from bot import messages
from bot.escalation.outbox import Outbox, PlatformNotifier
from bot.serve.wiring import escalation_service, slack_notifier
from tests.chat_limits import block_kit_problems, button_styles
from tests.fakes.concerns import make_report


def _actions(blocks: list[dict]) -> dict:
    [actions] = [b for b in blocks if b["type"] == "actions"]
    return actions


def test_the_post_keeps_a_timeline_confirms_resolve_and_renews_block_ids(
    fake_slack, settings, store, clock
) -> None:
    settings = replace(settings, dsl_channel_id="GDSL", dsl_user_ids=("UDSL",))
    service = escalation_service(store, settings, clock)
    outbox = Outbox(store, PlatformNotifier({"slack": slack_notifier(settings)}), clock=clock)
    esc = service.submit(make_report())  # 2026-03-02 09:00 UTC = 09:00 in London
    outbox.deliver_due()
    [post] = fake_slack.messages["GDSL"]
    block_ids = [_actions(post["blocks"])["block_id"]]

    for minutes, act in (
        (2, lambda: service.claim(esc.ref, "UDSL")),
        (20, lambda: service.record_logged(esc.ref, "UDSL", "CPOMS 12345")),
        (28, lambda: service.resolve(esc.ref, "UDSL")),
    ):
        clock.advance(minutes=minutes)
        act()
        outbox.deliver_due()
        block_ids.append(_actions(post["blocks"])["block_id"])

    assert block_kit_problems(post["blocks"], post["text"]) == []
    [timeline] = [b for b in post["blocks"] if b["type"] == "context" and "raised" in str(b)]
    assert timeline["elements"][0]["text"] == " \u00b7 ".join(
        (
            f"{_hm(esc.created_at)} raised",
            f"{_hm(esc.created_at, 2)} claimed by <@UDSL>",
            f"{_hm(esc.created_at, 22)} recorded in CPOMS 12345",
            f"{_hm(esc.created_at, 50)} resolved by <@UDSL>",
        )
    )
    assert len(set(block_ids)) == 4  # a new block_id on every update
    assert "danger" not in button_styles(post["blocks"])


def test_resolve_asks_for_confirmation_first(fake_slack, settings, store, clock) -> None:
    settings = replace(settings, dsl_channel_id="GDSL", dsl_user_ids=("UDSL",))
    esc = escalation_service(store, settings, clock).submit(make_report())
    Outbox(store, PlatformNotifier({"slack": slack_notifier(settings)}), clock=clock).deliver_due()
    [post] = fake_slack.messages["GDSL"]
    buttons = {e["text"]["text"]: e for e in _actions(post["blocks"])["elements"]}
    assert list(buttons) == [
        messages.BUTTON_CLAIM,
        messages.BUTTON_RESOLVE,
        messages.BUTTON_RECORD,
    ]
    confirm = buttons[messages.BUTTON_RESOLVE]["confirm"]
    assert confirm["title"]["text"] == f"Resolve {esc.ref}?" and len(confirm["title"]["text"]) <= 24
    assert confirm["confirm"]["text"] == messages.BUTTON_RESOLVE and "style" not in confirm
    assert "confirm" not in buttons[messages.BUTTON_CLAIM]


def _hm(start, minutes: int = 0) -> str:
    from datetime import timedelta

    from bot.escalation.view import local_time

    return local_time((start + timedelta(minutes=minutes)).isoformat())
