"""Our own staff questions over ../shared/real-corpus (tests/data/real_questions.jsonl).

The file is the project's held-out measure (docs/eval.md): the well-formedness checks always
run; the gold check indexes the three settings' folders (real PDF/.docx parsing, no stubs) and
asks that every ``expect`` string lies inside one passage of the question's own school, so a
hit is possible and the gold is the documents' words, not ours. Without ../shared/real-corpus
beside the repository the gold check is skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.answering.evaluate import normalise, read_cases
from indexer.build import build_index
from indexer.index import SearchIndex

QUESTIONS = Path(__file__).parent.parent / "data" / "real_questions.jsonl"
REAL_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "real-corpus"
SCHOOLS = ("decoy-primary", "positive-progress", "hccp-preschool")


def rows() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]


def test_every_line_is_a_question_in_the_eval_format_with_a_school() -> None:
    data = rows()
    assert len(read_cases(QUESTIONS)) == len(data) >= 90
    assert len({row["id"] for row in data}) == len(data), "ids are unique"
    for row in data:
        assert set(row) == {"id", "school", "question", "kind", "concern", "expect"}, row["id"]
        assert row["school"] in SCHOOLS, row["id"]
        assert row["kind"] in ("answer", "concern", "oos"), row["id"]
        assert row["question"].strip() and isinstance(row["expect"], list), row["id"]
        if row["kind"] == "answer":
            assert row["expect"] and row["concern"] in (False, None), row["id"]
        if row["kind"] == "concern":
            assert row["concern"] is True, row["id"]
        if row["kind"] == "oos":
            assert row["expect"] == [] and row["concern"] is False, row["id"]
        for span in row["expect"]:
            assert 3 <= len(span.split()) <= 30 and span == span.strip(), (row["id"], span)


def test_the_mix_has_out_of_scope_questions_and_concerns_at_every_setting() -> None:
    data = rows()
    kinds = Counter(row["kind"] for row in data)
    assert 0.10 <= kinds["oos"] / len(data) <= 0.20, kinds
    assert 0.08 <= kinds["concern"] / len(data) <= 0.15, kinds
    for school in SCHOOLS:
        mine = Counter(row["kind"] for row in data if row["school"] == school)
        assert mine["answer"] >= 10 and mine["oos"] >= 3 and mine["concern"] >= 2, (school, mine)


@pytest.fixture(scope="module")
def school_passages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    if not REAL_CORPUS.exists():
        pytest.skip("shared/real-corpus not beside the repo")
    out = tmp_path_factory.mktemp("real-corpus") / "index"
    build_index([REAL_CORPUS / school for school in SCHOOLS], out)
    texts: dict[str, list[str]] = {school: [] for school in SCHOOLS}
    for passage in SearchIndex.load(out).passages:
        texts[passage.school].append(normalise(passage.text))
    return texts


def test_every_expected_clause_is_in_one_passage_of_its_own_school(
    school_passages: dict[str, list[str]],
) -> None:
    missing = [
        (row["id"], span)
        for row in rows()
        for span in row["expect"]
        if not any(normalise(span) in text for text in school_passages[row["school"]])
    ]
    assert not missing, missing


def test_a_clause_from_another_school_is_not_accepted_as_gold(
    school_passages: dict[str, list[str]],
) -> None:
    """The gold check can fail: a Positive Progress clause is not in Decoy's passages."""
    span = normalise("no badge means you cannot work your shift")
    assert any(span in text for text in school_passages["positive-progress"])
    assert not any(span in text for text in school_passages["decoy-primary"])
