"""Answer quality on a question file in the format of ``shared/eval/dev_questions.jsonl``.

Each line: ``{"id", "question", "kind": "answer"|"concern"|"oos", "concern": true|false|null,
"expect": [clause texts]}``. A returned passage is a hit when its text, normalised (curly
quotes straightened, ``**`` removed, whitespace folded, lower case), contains one of
``expect``. Reported: Recall@1, Recall@3, MRR@5 over cases with a non-empty ``expect``;
abstention on ``oos``; false abstention on ``answer``; concern recall and false alarms.
"""

from __future__ import annotations

import json
import re
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
                )
            )
        except (ValueError, KeyError, TypeError):
            raise PolicybotError(f"{path}:{number} is not a question in the eval format.") from None
    return cases


def run(answerer: Answerer, cases: list[Case]) -> list[CaseResult]:
    results = []
    for case in cases:
        answer = answerer.answer(case.question, k=5)
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


def metrics(results: list[CaseResult]) -> dict[str, Any]:
    retrieval = [r for r in results if r.case.expect]
    oos = [r for r in results if r.case.kind == "oos"]
    answerable = [r for r in results if r.case.kind == "answer"]
    concern_true = [r for r in results if r.case.concern is True]
    concern_false = [r for r in results if r.case.concern is False]
    return {
        "cases": len(results),
        "recall@1": _share(retrieval, lambda r: r.rank == 1),
        "recall@3": _share(retrieval, lambda r: r.rank is not None and r.rank <= 3),
        "mrr@5": _mean([1 / r.rank if r.rank else 0.0 for r in retrieval]),
        "oos_abstention": _share(oos, lambda r: not r.answered),
        "false_abstention": _share(answerable, lambda r: not r.answered),
        "concern_recall": _share(concern_true, lambda r: r.flagged),
        "false_alarms": _share(concern_false, lambda r: r.flagged),
    }


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
            out.append(
                {"id": r.case.id, "question": r.case.question, "problems": problems, "top": r.top}
            )
    return out


def _share(items: list[CaseResult], test: Any) -> float | None:
    return round(sum(1 for i in items if test(i)) / len(items), 3) if items else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None
