"""Sweep BM25 variant, k1, b, field weights, glossary weight and the abstention threshold on a
question file; print the figures of each setting (used to choose the defaults, docs/tuning.md).

    .venv/bin/python benchmarks/tune.py ../shared/eval/dev_questions.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
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
    args = parser.parse_args()
    folder = Path("data/tune-index")
    build_index([args.corpus], folder)
    passages, schools = SearchIndex.load(folder).passages, load_schools(folder)
    cases = evaluate.read_cases(args.questions)
    variants = [("okapi", 1.2, 0.75)] if args.quick else [
        (v, k1, b) for v in ("okapi", "plus", "l") for k1 in (0.9, 1.2, 1.6) for b in (0.4, 0.6, 0.75, 0.9)]
    field_options = [FieldWeights()] if args.quick else [
        FieldWeights(1, 1, 1), FieldWeights(2, 1, 1), FieldWeights(2, 1, 0), FieldWeights(1, 1, 0)]
    weights = [0.4] if args.quick else [0.25, 0.4, 0.6]
    rows = []
    for (variant, k1, b), fields, weight in itertools.product(variants, field_options, weights):
        analyzer = Analyzer(expansion_weight=weight)
        index = index_from_passages(passages, analyzer, BM25Params(variant, k1, b), fields)
        answerer = Answerer(index, schools, analyzer=analyzer)
        figures = evaluate.metrics(evaluate.run(answerer, cases))
        rows.append({"variant": variant, "k1": k1, "b": b, "fields": fields.to_json(),
                     "expansion_weight": weight, **figures})
    rows.sort(key=lambda r: (r["mrr@5"], r["recall@1"]), reverse=True)
    for row in rows[:15]:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
