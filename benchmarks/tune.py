"""Sweep BM25 variant, k1, b, field weights, glossary weight and the subject penalty and bonus on a
question file; print the figures of each setting, best first by the MRR@5 averaged over its
neighbours in the grid (k1, b, glossary weight, penalty and bonus one step either way), which is how
the defaults were chosen without fitting a lone spike (docs/tuning.md).

    .venv/bin/python benchmarks/tune.py ../shared/eval/dev_questions.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

from bot.answering import evaluate
from bot.answering.answerer import Answerer, Tuning, load_schools
from indexer.analysis import Analyzer
from indexer.build import (
    DEFAULT_FIELDS,
    DEFAULT_PARAMS,
    FieldWeights,
    build_index,
    index_from_passages,
)
from indexer.index import BM25Params, SearchIndex

STEPPED = ("k1", "b", "weight", "penalty", "bonus")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--quick", action="store_true", help="Only the default settings.")
    parser.add_argument("--all", action="store_true", help="Print every setting, not the top 15.")
    args = parser.parse_args()
    folder = Path("data/tune-index")
    build_index([args.corpus], folder)
    passages, schools = SearchIndex.load(folder).passages, load_schools(folder)
    cases = evaluate.read_cases(args.questions)
    grid: dict[str, list[Any]] = {
        "variant": ["okapi", "plus"],
        "k1": [0.9, 1.2, 1.6],
        "b": [0.6, 0.75, 0.9],
        "fields": [
            FieldWeights(1, 1, 0),
            FieldWeights(1, 2, 0),
            FieldWeights(2, 1, 0),
            FieldWeights(1, 1, 1),
        ],
        "weight": [0.3, 0.5, 0.7],
        "share": [True, False],
        "penalty": [0.0, 0.1, 0.2, 0.3],
        "bonus": [0.0, 0.2],
    }
    if args.quick:
        grid = {
            "variant": [DEFAULT_PARAMS.variant],
            "k1": [DEFAULT_PARAMS.k1],
            "b": [DEFAULT_PARAMS.b],
            "fields": [DEFAULT_FIELDS],
            "weight": [Analyzer().expansion_weight],
            "share": [True],
            "penalty": [Tuning().other_subject_penalty],
            "bonus": [Tuning().named_subject_bonus],
        }
    rows = []
    for combo in itertools.product(*grid.values()):
        c = dict(zip(grid, combo, strict=True))
        analyzer = Analyzer(expansion_weight=c["weight"], share_expansions=c["share"])
        index = index_from_passages(
            passages, analyzer, BM25Params(c["variant"], c["k1"], c["b"]), c["fields"]
        )
        answerer = Answerer(
            index,
            schools,
            analyzer=analyzer,
            tuning=Tuning(other_subject_penalty=c["penalty"], named_subject_bonus=c["bonus"]),
        )
        figures = evaluate.metrics(evaluate.run(answerer, cases))
        rows.append({**c, "fields": c["fields"].to_json(), **figures})
    for row in rows:
        row["neighbourhood_mrr@5"] = round(_neighbourhood_mrr(row, rows, grid), 3)
    rows.sort(key=lambda r: (r["neighbourhood_mrr@5"], r["mrr@5"], r["recall@1"]), reverse=True)
    for row in rows if args.all else rows[:15]:
        print(json.dumps(row))


def _neighbourhood_mrr(
    row: dict[str, Any], rows: list[dict[str, Any]], grid: dict[str, list[Any]]
) -> float:
    """MRR@5 averaged over the settings one grid step away in each numeric setting."""

    def step(name: str, value: Any) -> int:
        return grid[name].index(value)

    near = [
        other["mrr@5"]
        for other in rows
        if all(other[name] == row[name] for name in ("variant", "fields", "share"))
        and all(abs(step(name, other[name]) - step(name, row[name])) <= 1 for name in STEPPED)
    ]
    return sum(near) / len(near)


if __name__ == "__main__":
    main()
