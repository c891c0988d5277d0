"""The JSON contract of ``policybot ask --json`` (README), field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answering.answerer import Answerer
from bot.cli.main import cli

pytestmark = pytest.mark.usefixtures("isolated_env")

PASSAGE_FIELDS = {
    "id": (str,),
    "text": (str,),
    "context": (str, type(None)),
    "document": (str,),
    "school": (str,),
    "section": (str,),
    "clause": (str, type(None)),
    "page": (int, type(None)),
    "ocr": (bool,),
    "score": (float, int),
}
CONTACT_FIELDS = {"role", "name", "phone"}
QUESTIONS = [
    "can I follow an ex-pupil on instagram?",
    "a pupil told me her stepdad hits her",
    "a colleague is messaging a pupil on snapchat",
    "how do I book the minibus",
    "",
    "\U0001f600\U0001f600",
]


@pytest.fixture(scope="module")
def answerer(corpus_index: Path) -> Answerer:
    return Answerer.from_index(corpus_index)


def ask_json(index: Path, *args: str, input: str | None = None) -> list[dict]:
    result = CliRunner().invoke(cli, ["ask", *args, "--json", "--index", str(index)], input=input)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def check_contract(data: dict, question: str) -> None:
    assert {"question", "answered", "passages", "concern", "route"} <= set(data)
    assert data["question"] == question
    assert isinstance(data["answered"], bool)
    assert isinstance(data["passages"], list)
    for passage in data["passages"]:
        for name, types in PASSAGE_FIELDS.items():
            assert isinstance(passage[name], types), (name, passage[name])
        assert passage["text"].strip()
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True), "passages best first"
    assert set(data["concern"]) >= {"level", "reason"}
    assert data["concern"]["level"] in ("none", "report", "urgent")
    assert isinstance(data["concern"]["reason"], str)
    assert (data["concern"]["level"] == "none") == (data["concern"]["reason"] == "")
    check_route(data["route"], data["concern"]["level"])


def check_route(route: dict, level: str) -> None:
    assert isinstance(route, dict)
    for key in ("lead", "dsl"):
        assert set(route[key]) >= CONTACT_FIELDS and route[key]["role"]
    assert isinstance(route["others"], list)
    assert route["emergency"] is (level == "urgent")
    assert route["emergency_number"] == ("999" if level == "urgent" else None)
    assert route["whistleblowing"] in (None, "0800 028 0285")


@pytest.mark.parametrize("question", QUESTIONS)
def test_to_json_follows_the_contract(answerer: Answerer, question: str) -> None:
    data = answerer.answer(question).to_json()
    check_contract(data, question)
    assert json.loads(json.dumps(data)) == data  # plain JSON types only


def test_passages_carry_their_provenance(answerer: Answerer) -> None:
    data = answerer.answer("can I post photos of pupils", school="kaleidoscope-mat").to_json()
    by_id = {p.id: p for p in answerer.index.passages}
    for passage in data["passages"]:
        source = by_id[passage["id"]]
        assert (passage["text"], passage["context"], passage["clause"], passage["section"]) == (
            source.text,
            source.context,
            source.clause,
            source.section,
        )
        assert passage["document"] == "Social Media and Networking Policy"
        assert passage["school"] == "kaleidoscope-mat" and passage["page"] is None


def test_levels_in_json(answerer: Answerer) -> None:
    assert (
        answerer.answer("a pupil said he wants to kill himself").to_json()["concern"]["level"]
        == "urgent"
    )
    assert (
        answerer.answer("a pupil keeps messaging me on tiktok").to_json()["concern"]["level"]
        == "report"
    )
    allegation = answerer.answer("a colleague is messaging a pupil on snapchat").to_json()
    assert allegation["route"]["whistleblowing"] == "0800 028 0285"


def test_cli_json_defaults_to_three_passages_and_k_changes_it(corpus_index: Path) -> None:
    question = "can I be friends with a pupil on facebook"
    (default,) = ask_json(corpus_index, question)
    check_contract(default, question)
    assert len(default["passages"]) == 3
    (five,) = ask_json(corpus_index, question, "-k", "5")
    assert len(five["passages"]) == 5
    assert [p["id"] for p in five["passages"][:3]] == [p["id"] for p in default["passages"]]
    (one,) = ask_json(corpus_index, question, "-k", "1")
    assert len(one["passages"]) == 1


def test_cli_reads_one_question_a_line_from_stdin(corpus_index: Path) -> None:
    questions = ["can I follow an ex-pupil?", "how do I book the minibus", "\U0001f600", "phones"]
    answers = ask_json(corpus_index, "-", input="\n".join(questions) + "\n")
    assert [a["question"] for a in answers] == questions
    for data, question in zip(answers, questions, strict=True):
        check_contract(data, question)


def test_cli_stdin_with_school(corpus_index: Path) -> None:
    answers = ask_json(corpus_index, "-", "--school", "kite-college", input="can I add a learner\n")
    assert {p["school"] for p in answers[0]["passages"]} == {"kite-college"}
    assert answers[0]["route"]["school"] == "kite-college"
