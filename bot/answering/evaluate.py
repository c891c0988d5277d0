"""Answer quality on a question file in the format of ``shared/eval/dev_questions.jsonl``.

Each line: ``{"id", "question", "kind": "answer"|"concern"|"oos", "concern": true|false|null,
"expect": [clause texts]}``. A returned passage is a hit when its text, normalised (curly
quotes straightened, ``**`` removed, whitespace folded, lower case), contains one of
``expect``. Reported: Recall@1, Recall@3, MRR@5 over cases with a non-empty ``expect``;
abstention on ``oos``; false abstention on ``answer``; concern recall and false alarms.
An optional ``school`` (the index's school slug) says which setting's policies answer the
question; ``run(..., by_school=True)`` searches only those. ``METRICS`` defines each figure
once, as the cases it counts and each case's value, so intervals (eval_report.py) resample
exactly what ``metrics`` averages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answering.answerer import Answerer
from bot.errors import PolicybotError

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES).replace("**", "")).strip().lower()


@dataclass
class Case:
    id: str
    question: str
    kind: str
    concern: bool | None
    expect: list[str]
    school: str | None = None


@dataclass
class CaseResult:
    case: Case
    rank: int | None  # 1-based rank of the first hit within the top 5, or None
    answered: bool
    flagged: bool
    top: list[str] = field(default_factory=list)


def read_cases(path: Path) -> list[Case]:
    cases = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise PolicybotError(f"Cannot read {path} ({error.strerror}).") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            cases.append(
                Case(
                    str(data["id"]),
                    data["question"],
                    data["kind"],
                    data.get("concern"),
                    list(data.get("expect") or []),
                    data.get("school") or None,
                )
            )
        except (ValueError, KeyError, TypeError):
            raise PolicybotError(f"{path}:{number} is not a question in the eval format.") from None
    return cases


def run(answerer: Answerer, cases: list[Case], by_school: bool = False) -> list[CaseResult]:
    """Answer every case; with ``by_school`` each from its own school's policies only."""
    results = []
    for case in cases:
        answer = answerer.answer(case.question, school=case.school if by_school else None, k=5)
        texts = [normalise(hit.passage.text) for hit in answer.hits]
        wanted = [normalise(e) for e in case.expect]
        rank = next((i + 1 for i, t in enumerate(texts[:5]) if any(w in t for w in wanted)), None)
        results.append(
            CaseResult(
                case,
                rank,
                answer.answered,
                answer.concern.flagged,
                [hit.passage.text[:90] for hit in answer.hits[:3]],
            )
        )
    return results


Counted = Callable[[CaseResult], bool]
Value = Callable[[CaseResult], float]

# name -> (which cases the figure counts, each counted case's value); a figure is the mean.
METRICS: dict[str, tuple[Counted, Value]] = {
    "recall@1": (lambda r: bool(r.case.expect), lambda r: float(r.rank == 1)),
    "recall@3": (
        lambda r: bool(r.case.expect),
        lambda r: float(r.rank is not None and r.rank <= 3),
    ),
    "mrr@5": (lambda r: bool(r.case.expect), lambda r: 1 / r.rank if r.rank else 0.0),
    "oos_abstention": (lambda r: r.case.kind == "oos", lambda r: float(not r.answered)),
    "false_abstention": (lambda r: r.case.kind == "answer", lambda r: float(not r.answered)),
    "concern_recall": (lambda r: r.case.concern is True, lambda r: float(r.flagged)),
    "false_alarms": (lambda r: r.case.concern is False, lambda r: float(r.flagged)),
}


def metric_values(results: list[CaseResult], name: str) -> list[float]:
    """The values ``name`` averages: one per case it counts."""
    counted, value = METRICS[name]
    return [value(r) for r in results if counted(r)]


def metrics(results: list[CaseResult]) -> dict[str, Any]:
    figures: dict[str, Any] = {"cases": len(results)}
    for name in METRICS:
        figures[name] = _mean(metric_values(results, name))
    return figures


def misses(results: list[CaseResult]) -> list[dict[str, Any]]:
    out = []
    for r in results:
        problems = []
        if r.case.expect and r.rank != 1:
            problems.append(f"expected clause at rank {r.rank or '>5'}")
        if r.case.kind == "oos" and r.answered:
            problems.append("answered an out-of-scope question")
        if r.case.kind == "answer" and not r.answered:
            problems.append("said not found")
        if r.case.concern is not None and r.flagged != r.case.concern:
            problems.append("concern missed" if r.case.concern else "false concern alarm")
        if problems:
            item = {
                "id": r.case.id,
                "question": r.case.question,
                "problems": problems,
                "top": r.top,
            }
            if r.case.school:
                item["school"] = r.case.school
            out.append(item)
    return out


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None
