"""Where should the semantic concern backstop's threshold sit? Calibrate on ordinary questions.

For each question the regex classifier does not flag, the backstop's best similarity to the
concern exemplars is computed (bot/answering/concern_semantic.py). The table gives, per
threshold, the false alarm rate of regex + backstop on the ordinary questions (``concern:
false`` in the calibration files) and the recall of the backstop *alone* on the concern set, so
the threshold can be chosen as the lowest one keeping false alarms at or under 5%.

    .venv/bin/python benchmarks/concern_threshold.py

Calibration data only (defaults below): the bundled dev set's ordinary questions, our
staff/role questions and tests/data/concern_cases.jsonl. ``--measure FILE...`` reports recall
and false alarms at the chosen threshold on other files (held-out: run once, never tune on it);
``--school`` keeps only those schools' questions there.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.answering.concern import default_classifier
from bot.answering.concern_semantic import DEFAULT_THRESHOLD, SemanticConcern
from indexer.embedding import default_encoder

ROOT = Path(__file__).resolve().parent.parent
ORDINARY = (
    ROOT / "../shared/eval/dev_questions.jsonl",
    ROOT / "tests/data/staff_questions.jsonl",
    ROOT / "tests/data/role_questions.jsonl",
)
CONCERNS = ROOT / "tests/data/concern_cases.jsonl"
THRESHOLDS = (0.45, 0.5, 0.52, 0.54, 0.56, 0.58, 0.6, 0.62, 0.64, 0.66, 0.7)


def _label(row: dict) -> bool | None:
    return row.get("concern", True if "category" in row else None)


def read(path: Path, schools: set[str] | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if not schools or r.get("school") in schools]


def scores(backstop: SemanticConcern, questions: list[str]) -> list[tuple[bool, float]]:
    """(regex flagged, best exemplar similarity) per question."""
    regex = backstop.classifier
    return [(regex.classify(q).flagged, backstop.nearest(q)[1]) for q in questions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", type=Path, nargs="*", default=[])
    parser.add_argument("--school", action="append")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    status = default_encoder()
    if status.encoder is None:
        raise SystemExit("no embedding model installed")
    backstop = SemanticConcern(default_classifier(), status.encoder)
    if args.measure:
        measure(backstop, args.measure, set(args.school or []), args.threshold)
        return
    ordinary = [r["question"] for p in ORDINARY for r in read(p) if r.get("concern") is False]
    concerns = [r["question"] for r in read(CONCERNS)]
    o, c = scores(backstop, ordinary), scores(backstop, concerns)
    regex_fa = sum(f for f, _ in o)
    print(f"ordinary n={len(o)} (regex alone flags {regex_fa}); concern_cases n={len(c)}")
    print("threshold  false_alarms(regex+semantic)  semantic-alone recall on concern_cases")
    for t in THRESHOLDS:
        fa = sum(f or s >= t for f, s in o) / len(o)
        rec = sum(s >= t for _, s in c) / len(c)
        print(f"{t:9.2f}  {fa:28.3f}  {rec:.3f}")
    top = sorted((s for f, s in o if not f), reverse=True)[:5]
    print("highest ordinary similarities:", " ".join(f"{s:.3f}" for s in top))


def measure(backstop: SemanticConcern, paths: list[Path], schools: set[str], t: float) -> None:
    backstop.threshold = t
    for path in paths:
        # a concern-case file (a "category" per line, no "concern" field) holds concerns only
        rows = [r for r in read(path, schools) if _label(r) is not None]
        pos = [r for r in rows if _label(r)]
        neg = [r for r in rows if not _label(r)]
        regex = backstop.classifier
        r_hit = sum(regex.classify(r["question"]).flagged for r in pos)
        s_hit = sum(backstop.classify(r["question"]).flagged for r in pos)
        r_fa = sum(regex.classify(r["question"]).flagged for r in neg)
        s_fa = sum(backstop.classify(r["question"]).flagged for r in neg)
        print(
            f"{path.name}: concerns n={len(pos)} recall regex {r_hit}/{len(pos)}"
            f" -> +semantic {s_hit}/{len(pos)}; ordinary n={len(neg)} false alarms regex"
            f" {r_fa} -> +semantic {s_fa}"
        )


if __name__ == "__main__":
    main()
