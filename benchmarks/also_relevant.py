"""Where should "Also relevant" stop? Measure the further clauses an answer could show.

For every answered question with gold clauses in the given files, the clauses after the best
one (near-duplicates removed, as the Answerer does) are listed with their score as a share of
the best clause's score and their coverage of the question; a clause is *relevant* when it is
one of the question's golds. For each bar on the score ratio the table gives how many further
clauses would be shown, how many of them are relevant (precision) and how many of the relevant
ones are kept (recall). docs/tuning.md says which bar was chosen and why.

    .venv/bin/python benchmarks/also_relevant.py ../shared/eval/dev_questions.jsonl \
        tests/data/staff_questions.jsonl
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from bot.answering import evaluate
from bot.answering.answerer import Answerer, Tuning
from indexer.build import build_index

BARS = (0.0, 0.45, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def further_clauses(answerer: Answerer, paths: list[Path]) -> list[tuple[float, float, bool]]:
    """(score / best score, coverage, relevant) of every clause shown after the best one."""
    rows = []
    for path in paths:
        for case in evaluate.read_cases(path):
            if case.kind != "answer" or not case.expect:
                continue
            answer = answerer.answer(case.question, k=3)
            if not answer.answered or len(answer.hits) < 2:
                continue
            best = answer.hits[0].score
            expect = [evaluate.normalise(e) for e in case.expect]
            known = answerer.index.term_ids.__contains__
            query = answerer.analyzer.query(case.question, known=known)
            for hit in answer.hits[1:]:
                text = evaluate.normalise(hit.passage.text)
                doc = answerer.index.passages.index(hit.passage)
                rows.append(
                    (
                        hit.score / best,
                        answerer.coverage(query, doc),
                        any(e in text for e in expect),
                    )
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args()
    folder = Path("data/also-index")
    build_index([args.corpus], folder)
    answerer = Answerer.from_index(folder, tuning=replace(Tuning(), also_relevant_ratio=0.0))
    rows = further_clauses(answerer, args.questions)
    relevant = sum(r for *_, r in rows)
    print(f"{len(rows)} further clauses, {relevant} relevant (one of the question's golds)")
    print("ratio bar  coverage bar  shown  relevant  precision  recall")
    for bar in BARS:
        for coverage_bar in (0.0, Tuning().min_coverage):
            shown = [r for ratio, cov, r in rows if ratio >= bar and cov >= coverage_bar]
            kept = sum(shown)
            precision = kept / len(shown) if shown else 1.0
            recall = kept / max(1, relevant)
            print(
                f"{bar:9.2f}  {coverage_bar:12.2f}  {len(shown):5d}  {kept:8d}  "
                f"{precision:9.2f}  {recall:6.2f}"
            )


if __name__ == "__main__":
    main()
