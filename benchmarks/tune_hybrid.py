"""Tune and measure hybrid retrieval on a question file, answering each question from its own
school (the ``school`` field), and sweep the semantic abstention threshold.

    python benchmarks/tune_hybrid.py INDEX QUESTIONS.jsonl [--schools a,b] [--grid]
        [--mode hybrid|bm25|dense] [--weight W --weight-no-glossary W2] [--curve]

Without --grid: one configuration (the shipped HybridTuning unless overridden), its
Recall@1/@3, MRR@5, OOS abstention and false abstention at the shipped threshold, and with
--curve the abstention / false-abstention curve over the confidence threshold (the shipped
logistic of cosine and coverage; benchmarks/abstention.py fits it).
With --grid: every blend weight pair, sorted by MRR then R@1 (use on the tuning split only).
Query vectors are cached per run, so the grid costs one embedding per question.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.answering.answerer import Answerer, Tuning  # noqa: E402
from bot.answering.evaluate import normalise  # noqa: E402
from bot.answering.hybrid import HybridTuning  # noqa: E402
from indexer.analysis import Analyzer  # noqa: E402


def read(path: Path, schools: set[str] | None) -> list[dict[str, Any]]:
    cases = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [c for c in cases if schools is None or c.get("school") in schools]


def run(answerer: Answerer, cases: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    """Per case: rank of the first gold (1-5 or None), the top cosine, BM25 'answered'."""
    out = []
    scorer = answerer.hybrid
    for case in cases:
        if mode == "bm25":
            answerer.hybrid = None
        answer = answerer.answer(case["question"], case.get("school"), k=5)
        answerer.hybrid = scorer
        texts = [normalise(h.passage.text) for h in answer.hits]
        wanted = [normalise(e) for e in case.get("expect") or []]
        rank = next((i + 1 for i, t in enumerate(texts) if any(w in t for w in wanted)), None)
        cosine = coverage = None
        if scorer is not None and answer.hits:
            top = answer.hits[0].passage.id
            doc = _doc_of(answerer, top)
            cosine = scorer.cosine(scorer.embed(case["question"]), doc)
            known = answerer.index.term_ids.__contains__
            coverage = answerer.coverage(answerer.analyzer.query(case["question"], known), doc)
        out.append(
            {
                "case": case,
                "rank": rank,
                "answered": answer.answered,
                "cosine": cosine,
                "coverage": coverage,
            }
        )
    return out


_IDS: dict[int, dict[str, int]] = {}


def _doc_of(answerer: Answerer, passage_id: str) -> int:
    ids = _IDS.setdefault(id(answerer), {p.id: i for i, p in enumerate(answerer.index.passages)})
    return ids[passage_id]


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gold = [r for r in rows if r["case"].get("expect")]
    oos = [r for r in rows if r["case"]["kind"] == "oos"]
    answerable = [r for r in rows if r["case"]["kind"] == "answer"]

    def share(items: list[dict[str, Any]], test: Any) -> float | None:
        return round(sum(1 for i in items if test(i)) / len(items), 3) if items else None

    return {
        "n": len(rows),
        "n_gold": len(gold),
        "n_oos": len(oos),
        "n_answer": len(answerable),
        "r@1": share(gold, lambda r: r["rank"] == 1),
        "r@3": share(gold, lambda r: r["rank"] is not None and r["rank"] <= 3),
        "mrr@5": round(float(np.mean([1 / r["rank"] if r["rank"] else 0.0 for r in gold])), 3)
        if gold
        else None,
        "oos_abstention": share(oos, lambda r: not r["answered"]),
        "false_abstention": share(answerable, lambda r: not r["answered"]),
    }


def curve(rows: list[dict[str, Any]], tuning: HybridTuning) -> list[tuple[float, float, float]]:
    """(threshold, OOS abstention, false abstention) when answering iff the top clause's
    confidence (HybridTuning's logistic of cosine and coverage) >= t."""

    def confidence(row: dict[str, Any]) -> float:
        z = (
            tuning.cosine_weight * (row["cosine"] or 0.0)
            + tuning.coverage_weight * (row["coverage"] or 0.0)
            + tuning.bias
        )
        return float(1 / (1 + np.exp(-z)))

    oos = [confidence(r) for r in rows if r["case"]["kind"] == "oos"]
    answerable = [confidence(r) for r in rows if r["case"]["kind"] == "answer"]
    points = []
    for t in np.arange(0.05, 0.96, 0.05):
        points.append(
            (
                round(float(t), 3),
                round(float(np.mean([c < t for c in oos])), 3) if oos else float("nan"),
                round(float(np.mean([c < t for c in answerable])), 3)
                if answerable
                else float("nan"),
            )
        )
    return points


class CachedEncoder:
    """The real encoder, remembering query vectors for the length of one tuning run."""

    def __init__(self, encoder: Any) -> None:
        self.encoder, self.cache = encoder, {}
        self.sha256, self.dim, self.name = encoder.sha256, encoder.dim, encoder.name

    def encode_query(self, text: str) -> np.ndarray:
        if text not in self.cache:
            self.cache[text] = self.encoder.encode_query(text)
        return self.cache[text]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--schools", help="comma-separated school slugs to keep")
    parser.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--weight", type=float)
    parser.add_argument("--weight-no-glossary", type=float)
    parser.add_argument("--min-confidence", type=float)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--norm", choices=("bound", "max"))
    parser.add_argument("--no-glossary", action="store_true", help="query without the glossary")
    parser.add_argument("--no-subjects", action="store_true", help="no role penalty or bonus")
    args = parser.parse_args()
    schools = set(args.schools.split(",")) if args.schools else None
    cases = [c for path in args.questions for c in read(path, schools)]
    answerer = Answerer.from_index(args.index)
    if args.no_glossary:
        empty = Path(tempfile.mkdtemp()) / "glossary.txt"
        empty.write_text("", encoding="utf-8")
        answerer.analyzer = Analyzer(glossary_path=empty)
    if args.no_subjects:
        answerer.tuning = Tuning(other_subject_penalty=0.0, named_subject_bonus=0.0)
    if answerer.hybrid is None and args.mode != "bm25":
        sys.exit("The index holds no vectors from the installed model.")
    if answerer.hybrid is not None:
        answerer.hybrid.encoder = CachedEncoder(answerer.hybrid.encoder)  # type: ignore[assignment]
    base = HybridTuning()
    changes = {
        k: v
        for k, v in (
            ("dense_weight", args.weight),
            ("dense_weight_no_glossary", args.weight_no_glossary),
            ("min_confidence", args.min_confidence),
            ("bm25_norm", args.norm),
        )
        if v is not None
    }
    if args.mode == "dense":
        changes.update(dense_weight=1.0, dense_weight_no_glossary=1.0)
    base = dataclasses.replace(base, **changes)
    if args.grid:
        results = []
        for w in (0.1, 0.2, 0.3, 0.4):
            for w2 in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
                if w2 < w:
                    continue
                answerer.hybrid.tuning = dataclasses.replace(  # type: ignore[union-attr]
                    base, dense_weight=w, dense_weight_no_glossary=w2
                )
                results.append(((w, w2), summary(run(answerer, cases, "hybrid"))))
        results.sort(key=lambda item: (-(item[1]["mrr@5"] or 0), -(item[1]["r@1"] or 0)))
        for (w, w2), m in results:
            print(f"w={w:.1f} w_no_glossary={w2:.1f} {json.dumps(m)}")
        return
    if answerer.hybrid is not None:
        answerer.hybrid.tuning = base
    rows = run(answerer, cases, args.mode)
    print(json.dumps({"mode": args.mode, "tuning": dataclasses.asdict(base), **summary(rows)}))
    if args.curve:
        print("threshold  oos_abstention  false_abstention")
        for t, a, f in curve(rows, base):
            print(f"{t:9.3f}  {a:14.3f}  {f:16.3f}")
    if args.misses:
        for r in rows:
            if (
                r["rank"] != 1
                and r["case"].get("expect")
                or (r["case"]["kind"] == "oos") == r["answered"]
                and r["case"]["kind"] != "concern"
            ):
                print(
                    r["case"]["id"],
                    r["rank"],
                    r["answered"],
                    round(r["cosine"] or 0, 3),
                    r["case"]["question"],
                )


if __name__ == "__main__":
    main()
