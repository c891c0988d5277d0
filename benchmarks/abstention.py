"""Fit the semantic abstention (a logistic model of the top clause's cosine and coverage) on
the TUNING split only, and print its curves and the chosen operating point.

    python benchmarks/abstention.py REAL_INDEX DEV_INDEX [--lam 10] [--min-oos 0.85]

REAL_INDEX holds the real-corpus schools (docs/eval.md "Running it"); only the tuning
school's questions (decoy-primary, both real-corpus files) are read from it, each answered
from its own school. DEV_INDEX is the bundled corpus, for the bundled dev set. The held-out
schools are never read here.

Positives are answerable questions (``kind: answer``), negatives out-of-scope ones; the
classes are weighted equally and the weights L2-regularised (``--lam``), as there are few
out-of-scope questions. The threshold is the one with the lowest leave-one-out false
abstention among those whose leave-one-out out-of-scope abstention is at least ``--min-oos``
(so the point is not chosen on the very probabilities it is judged by). Printed: the
coefficients on the raw features (paste into bot/answering/hybrid.py), the leave-one-out
AUC, and the abstention / false-abstention curves for the combined model and for the cosine
alone, on the tuning split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tune_hybrid import CachedEncoder, read, run  # noqa: E402

from bot.answering.answerer import Answerer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUNING_SCHOOLS = {"decoy-primary"}
REAL_FILES = [
    ROOT / "tests/data/real_questions.jsonl",
    ROOT / "../shared/eval/real_dev_questions.jsonl",
]
DEV_FILE = ROOT / "../shared/eval/dev_questions.jsonl"
FEATURES = ("cosine", "coverage")


def rows_of(index: Path, files: list[Path], schools: set[str] | None) -> list[dict]:
    answerer = Answerer.from_index(index)
    if answerer.hybrid is None:
        sys.exit(f"{index} holds no vectors from the installed model.")
    answerer.hybrid.encoder = CachedEncoder(answerer.hybrid.encoder)  # type: ignore[assignment]
    cases = [case for path in files for case in read(path, schools)]
    return [r for r in run(answerer, cases, "hybrid") if r["case"]["kind"] in ("answer", "oos")]


def fit(x: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression by gradient descent, on standardised features;
    returned as (weights, bias) on the raw features."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(z.shape[1]), 0.0
    balance = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    for _ in range(4000):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * balance
        w -= 0.1 * (z.T @ g + lam * w) / len(y)
        b -= 0.1 * g.mean()
    return w / sd, float(b - (w * mu / sd).sum())


def prob(model: tuple[np.ndarray, float], x: np.ndarray) -> np.ndarray:
    w, b = model
    return 1 / (1 + np.exp(-(x @ w + b)))


def auc(p: np.ndarray, y: np.ndarray) -> float:
    pos, neg = p[y == 1], p[y == 0]
    return float(np.mean([(a > n) + 0.5 * (a == n) for a in pos for n in neg]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("real_index", type=Path)
    parser.add_argument("dev_index", type=Path)
    parser.add_argument("--lam", type=float, default=10.0)
    parser.add_argument("--min-oos", type=float, default=0.85)
    args = parser.parse_args()
    rows = rows_of(args.real_index, REAL_FILES, TUNING_SCHOOLS)
    rows += rows_of(args.dev_index, [DEV_FILE], None)
    x = np.array([[r[f] or 0.0 for f in FEATURES] for r in rows])
    y = np.array([r["case"]["kind"] == "answer" for r in rows], dtype=float)
    print(f"tuning split: {int(y.sum())} answerable, {int((1 - y).sum())} out of scope")
    for columns, name in (([0], "cosine alone"), ([0, 1], "cosine + coverage")):
        part = x[:, columns]
        loo = np.array(
            [
                prob(fit(np.delete(part, i, 0), np.delete(y, i), args.lam), part[i : i + 1])[0]
                for i in range(len(y))
            ]
        )
        model = fit(part, y, args.lam)
        print(f"\n{name}: weights {np.round(model[0], 3)} bias {model[1]:.3f}")
        print(f"  leave-one-out AUC {auc(loo, y):.3f}")
        print("  t     oos_abstention (LOO / fitted)  false_abstention (LOO / fitted)")
        fitted = prob(model, part)
        best = None
        for t in np.round(np.arange(0.05, 0.96, 0.05), 2):
            lo, fi = loo < t, fitted < t
            print(
                f"  {t:.2f}  {lo[y == 0].mean():.3f} / {fi[y == 0].mean():.3f}"
                f"                 {lo[y == 1].mean():.3f} / {fi[y == 1].mean():.3f}"
            )
        for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
            lo = loo < t
            if lo[y == 0].mean() >= args.min_oos and (best is None or lo[y == 1].mean() < best[2]):
                best = (float(t), float(lo[y == 0].mean()), float(lo[y == 1].mean()))
        print(f"  chosen (LOO oos >= {args.min_oos}, least LOO false abstention): {best}")


if __name__ == "__main__":
    main()
