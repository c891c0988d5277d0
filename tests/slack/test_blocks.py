"""Block Kit rendering: escaping, limits, order, buttons."""

from __future__ import annotations

import json

from bot import messages
from bot.answering.model import Hit
from bot.answering.presenter import present
from bot.slack import blocks
from bot.slack.text import question_from_message
from tests.slack.answers import make_answer, passage

INJECTIONS = "<!channel> <@U123> <https://evil.example|click> & <#C1|x>"


def _texts(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _buttons(rendered: list[dict]) -> list[str]:
    return [e["text"]["text"] for b in rendered if b["type"] == "actions" for e in b["elements"]]


def test_user_text_is_escaped_everywhere() -> None:
    rendered = blocks.answer_blocks(present(make_answer(INJECTIONS)))
    shown = [b["text"]["text"] for b in rendered if "text" in b] + [
        e["text"] for b in rendered if b["type"] == "context" for e in b["elements"]
    ]
    everything = " ".join(shown)
    assert "&lt;!channel&gt;" in everything
    for token in ("<!channel>", "<@U123>", "<https://evil", "<#C1"):
        assert token not in everything


def test_answer_has_clause_citation_and_buttons() -> None:
    rendered = blocks.answer_blocks(present(make_answer("can I follow an ex-pupil?")))
    text = _texts(rendered)
    assert "Staff will not:" in text and "Staff must not follow" in text
    assert "Social Media Policy \u00b7 4.2 Communicating" in text and "page 5" in text
    overdue = messages.REVIEW_OVERDUE.format(document="Social Media Policy", due="January 2025")
    assert text.count(overdue) == 1  # once per answer, not once per clause
    assert messages.ALSO_RELEVANT in text
    assert _buttons(rendered) == [
        "Raise with DSL",
        "Helpful",
        "Not helpful",
        "Share in channel",
    ]
    assert len(rendered) <= blocks.MESSAGE_BLOCK_LIMIT


def test_sensitive_answer_puts_route_first_and_cannot_be_shared() -> None:
    view = present(make_answer("a pupil told me something", level="report"))
    rendered = blocks.answer_blocks(view)
    assert view.parts[0].kind == "banner"
    assert "Sarah Miller, 01234 567890" in rendered[0]["text"]["text"]
    assert "Share in channel" not in _buttons(rendered)
    assert "Raise with DSL" in _buttons(rendered)


def test_nothing_found_says_so_and_still_offers_the_dsl() -> None:
    rendered = blocks.answer_blocks(present(make_answer("quantum physics", hits=0)))
    assert messages.NOT_FOUND in _texts(rendered)
    assert _buttons(rendered) == ["Raise with DSL"]


def test_long_clause_is_cut_at_a_word_with_the_full_text_one_click_away() -> None:
    long_text = ("word <b>&amp; " * 900).strip()
    answer = make_answer("long one", hits=0)
    answer = type(answer)(**{**answer.__dict__, "hits": (Hit(passage("long", long_text), 1.0),)})
    answer = type(answer)(**{**answer.__dict__, "answered": True})
    rendered = blocks.answer_blocks(present(answer))
    clause = next(b for b in rendered if b.get("accessory"))
    assert len(clause["text"]["text"]) <= blocks.SECTION_LIMIT
    assert clause["accessory"]["text"]["text"] == messages.BUTTON_FULL_CLAUSE
    assert blocks.read_value(clause["accessory"]["value"])["p"] == "long"
    for block in rendered:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= blocks.SECTION_LIMIT
    modal = blocks.full_clause_modal(long_text)
    joined = " ".join(b["text"]["text"] for b in modal["blocks"])
    assert " ".join(joined.split()) == blocks.escape(long_text)


def test_fit_never_splits_an_escape() -> None:
    text, cut = blocks.fit("&" * 5000, 3000)
    assert cut and len(text) <= 3000 and text.endswith("&amp;")


def test_button_value_stays_within_slack_limit() -> None:
    value = blocks.answer_value('"' * 5000, "kite-college", "p0")
    assert len(value) <= blocks.VALUE_LIMIT
    assert blocks.read_value(value)["p"] == "p0"


def test_message_text_is_cleaned_before_search() -> None:
    raw = "<@UBOT> can I post on <!channel> &lt;b&gt; &amp; <https://x.test|this link> <#C1|staff>"
    assert question_from_message(raw) == "can I post on <b> & this link #staff"
