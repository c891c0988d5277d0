"""Sweep BM25 variant, k1, b, field weights, glossary weight and the abstention threshold on a
question file; print the figures of each setting (used to choose the defaults, docs/tuning.md).

    .venv/bin/python benchmarks/tune.py ../shared/eval/dev_questions.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from bot import evaluate
from bot.answer import Answerer, Tuning, load_schools
from indexer.analysis import Analyzer
from indexer.build import FieldWeights, build_index, index_from_passages
from indexer.index import BM25Params, SearchIndex


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--quick", action="store_true", help="Only the default setting.")
    parser.add_argument("--all", action="store_true", help="Print every setting, not the top 15.")
    args = parser.parse_args()
    folder = Path("data/tune-index")
    build_index([args.corpus], folder)
    passages, schools = SearchIndex.load(folder).passages, load_schools(folder)
    cases = evaluate.read_cases(args.questions)
    grid = {
        "variant": ["okapi", "plus"], "k1": [0.9, 1.2, 1.6], "b": [0.6, 0.75, 0.9],
        "fields": [FieldWeights(1, 1, 0), FieldWeights(1, 2, 0), FieldWeights(2, 1, 0),
                   FieldWeights(1, 1, 1)],
        "weight": [0.3, 0.5, 0.7], "share": [True, False], "unknown": [0.5],
    }
    if args.quick:
        grid = {name: values[:1] for name, values in grid.items()}
    rows = []
    for combo in itertools.product(*grid.values()):
        c = dict(zip(grid, combo, strict=True))
        analyzer = Analyzer(expansion_weight=c["weight"], share_expansions=c["share"],
                            unknown_source_weight=c["unknown"])
        index = index_from_passages(passages, analyzer,
                                    BM25Params(c["variant"], c["k1"], c["b"]), c["fields"])
        answerer = Answerer(index, schools, analyzer=analyzer,
                            tuning=Tuning())
        figures = evaluate.metrics(evaluate.run(answerer, cases))
        rows.append({**c, "fields": c["fields"].to_json(), **figures})
    rows.sort(key=lambda r: (r["mrr@5"], r["recall@1"]), reverse=True)
    for row in rows if args.all else rows[:15]:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
