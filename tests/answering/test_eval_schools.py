"""`policybot eval`: per-school figures, --by-school answering and the bootstrap intervals.

The index is real: two settings' Markdown policies written into tmp_path and indexed with the
indexer. Both settings have a rule about lending a phone charger; Beta's wording is the closer
match for both questions, so without --by-school Alpha's question is answered from Beta's
policy, and with it from Alpha's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answering import eval_report, evaluate
from bot.answering.answerer import Answerer
from bot.cli.main import cli
from indexer.build import build_index

pytestmark = pytest.mark.usefixtures("isolated_env")

ALPHA_RULE = "A charger may be borrowed by staff from the office drawer."
BETA_RULE = "Staff must never lend a phone charger to a colleague or a pupil."
QUESTIONS = [
    {
        "id": "a1",
        "school": "alpha",
        "question": "can I lend my phone charger to a colleague?",
        "kind": "answer",
        "concern": False,
        "expect": ["borrowed by staff from the office drawer"],
    },
    {
        "id": "b1",
        "school": "beta",
        "question": "can I lend my phone charger to a colleague?",
        "kind": "answer",
        "concern": False,
        "expect": ["never lend a phone charger to a colleague"],
    },
    {
        "id": "a2",
        "school": "alpha",
        "question": "what is the wifi password for visitors?",
        "kind": "oos",
        "concern": False,
        "expect": [],
    },
]


def write_school(root: Path, slug: str, rule: str) -> None:
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "school.toml").write_text(f'name = "{slug.title()} School"\n', encoding="utf-8")
    (folder / "equipment.md").write_text(
        f"# Equipment Policy\n\n## Chargers\n\n{rule}\n\n## Laptops\n\n"
        "School laptops are returned to the trolley at the end of each day.\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def two_schools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two-schools")
    write_school(root / "corpus", "alpha", ALPHA_RULE)
    write_school(root / "corpus", "beta", BETA_RULE)
    build_index([root / "corpus"], root / "index")
    return root / "index"


def write_questions(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def eval_json(index: Path, questions: Path, *flags: str) -> dict:
    result = CliRunner().invoke(
        cli, ["eval", str(questions), "--index", str(index), "--json", *flags]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_by_school_answers_each_question_from_its_own_school(
    two_schools: Path, tmp_path: Path
) -> None:
    cases = evaluate.read_cases(write_questions(tmp_path / "q.jsonl", QUESTIONS))
    answerer = Answerer.from_index(two_schools)
    mixed = {r.case.id: r for r in evaluate.run(answerer, cases)}
    own = {r.case.id: r for r in evaluate.run(answerer, cases, by_school=True)}
    assert mixed["a1"].rank != 1 and mixed["a1"].top[0].startswith("Staff must never lend")
    assert own["a1"].rank == 1 and own["b1"].rank == 1
    assert all(not text.startswith("Staff must never") for text in own["a1"].top)


def test_eval_reports_each_school_and_keeps_the_overall_fields(
    two_schools: Path, tmp_path: Path
) -> None:
    questions = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    mixed = eval_json(two_schools, questions)
    own = eval_json(two_schools, questions, "--by-school")
    assert {"metrics", "misses", "intervals", "schools", "bootstrap", "by_school"} <= set(own)
    assert own["by_school"] is True and mixed["by_school"] is False
    assert set(own["schools"]) == {"alpha", "beta"}
    assert own["schools"]["alpha"]["metrics"]["cases"] == 2
    assert own["schools"]["alpha"]["metrics"]["recall@1"] == 1.0
    assert mixed["schools"]["alpha"]["metrics"]["recall@1"] == 0.0
    assert own["metrics"]["recall@1"] == 1.0 and mixed["metrics"]["recall@1"] == 0.5
    assert own["intervals"]["recall@1"] == {"low": 1.0, "high": 1.0, "n": 2}
    assert own["schools"]["beta"]["intervals"]["oos_abstention"] is None
    assert [m["school"] for m in mixed["misses"] if m["id"] == "a1"] == ["alpha"]


def test_text_report_keeps_the_figure_lines_and_adds_intervals_per_school(
    two_schools: Path,
    tmp_path: Path,
) -> None:
    questions = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    result = CliRunner().invoke(
        cli, ["eval", str(questions), "--index", str(two_schools), "--by-school"]
    )
    assert result.exit_code == 0, result.output
    assert "         recall@1: 1.0\n" in result.output
    assert "95% bootstrap intervals (2000 resamples, seed 14):" in result.output
    assert "school alpha (2 cases):" in result.output and "school beta (1 cases):" in result.output


def test_by_school_refuses_questions_without_a_school_or_with_an_unknown_one(
    two_schools: Path,
    tmp_path: Path,
) -> None:
    unnamed = write_questions(
        tmp_path / "unnamed.jsonl", [{**QUESTIONS[0], "school": None}, QUESTIONS[1]]
    )
    result = CliRunner().invoke(
        cli, ["eval", str(unnamed), "--index", str(two_schools), "--by-school"]
    )
    assert result.exit_code == 1 and 'no "school" field (first: a1)' in result.output
    assert "Traceback" not in result.output
    unknown = write_questions(tmp_path / "unknown.jsonl", [{**QUESTIONS[0], "school": "gamma"}])
    result = CliRunner().invoke(
        cli, ["eval", str(unknown), "--index", str(two_schools), "--by-school"]
    )
    assert result.exit_code == 1 and "gamma" in result.output and "alpha, beta" in result.output


def results_with_ranks(ranks: list[int | None]) -> list[evaluate.CaseResult]:
    return [
        evaluate.CaseResult(evaluate.Case(str(i), "q", "answer", False, ["x"]), rank, True, False)
        for i, rank in enumerate(ranks)
    ]


def test_interval_brackets_the_figure_and_narrows_with_more_cases() -> None:
    small = eval_report.intervals(results_with_ranks([1, None] * 10))["recall@1"]
    large = eval_report.intervals(results_with_ranks([1, None] * 200))["recall@1"]
    assert small is not None and large is not None
    assert small["low"] < 0.5 < small["high"] and large["low"] < 0.5 < large["high"]
    assert large["high"] - large["low"] < (small["high"] - small["low"]) / 2
    # For 400 cases at 0.5 the normal approximation gives about 0.5 +/- 0.049.
    assert 0.44 <= large["low"] <= 0.46 and 0.54 <= large["high"] <= 0.56
    assert (small["n"], large["n"]) == (20, 400)


def test_interval_is_reproducible_and_counts_only_the_figures_own_cases() -> None:
    results = results_with_ranks([1, 2, None, 1, 4]) + [
        evaluate.CaseResult(evaluate.Case("o", "q", "oos", False, []), None, False, False)
    ]
    assert eval_report.intervals(results) == eval_report.intervals(results)
    spans = eval_report.intervals(results)
    assert spans["recall@1"]["n"] == 5 and spans["oos_abstention"] == {
        "low": 1.0,
        "high": 1.0,
        "n": 1,
    }
    assert spans["concern_recall"] is None
    assert eval_report.interval([]) is None


def test_several_files_and_a_school_filter_give_a_split(two_schools: Path, tmp_path: Path) -> None:
    first = write_questions(tmp_path / "first.jsonl", QUESTIONS[:1])
    second = write_questions(tmp_path / "second.jsonl", QUESTIONS[1:])
    both = eval_json(two_schools, first, "--by-school", str(second))
    assert both["metrics"]["cases"] == 3
    alpha = eval_json(two_schools, first, str(second), "--by-school", "--school", "alpha")
    assert alpha["metrics"]["cases"] == 2 and set(alpha["schools"]) == {"alpha"}
    result = CliRunner().invoke(
        cli, ["eval", str(first), "--index", str(two_schools), "--school", "gamma"]
    )
    assert result.exit_code == 1 and "No question in the files belongs to gamma" in result.output
