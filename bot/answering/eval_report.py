"""An eval run reported overall and per school, each figure with a 95% bootstrap interval.

The interval of a figure resamples, with replacement, the cases that figure counts (its own
denominator: Recall over cases with an ``expect``, abstention over ``oos`` cases, ...) and
takes the 2.5th and 97.5th percentiles of the resampled means. The generator is seeded, so a
run on the same answers gives the same intervals. A figure over no cases has no interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bot.answering.evaluate import METRICS, CaseResult, metric_values, metrics

RESAMPLES = 2000
SEED = 14
CONFIDENCE = 0.95


def interval(
    values: list[float], resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, Any] | None:
    """The percentile bootstrap interval of the mean of ``values``, with its sample size."""
    if not values:
        return None
    sample = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(sample), size=(resamples, len(sample)))
    means = sample[picks].mean(axis=1)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return {"low": round(float(low), 3), "high": round(float(high), 3), "n": len(sample)}


def intervals(
    results: list[CaseResult], resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, dict[str, Any] | None]:
    return {name: interval(metric_values(results, name), resamples, seed) for name in METRICS}


def report(
    results: list[CaseResult], resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, Any]:
    """Overall figures and intervals, then the same for each school named in the cases."""
    schools: dict[str, list[CaseResult]] = {}
    for result in results:
        if result.case.school:
            schools.setdefault(result.case.school, []).append(result)
    return {
        "metrics": metrics(results),
        "intervals": intervals(results, resamples, seed),
        "schools": {
            slug: {"metrics": metrics(mine), "intervals": intervals(mine, resamples, seed)}
            for slug, mine in sorted(schools.items())
        },
        "bootstrap": {"resamples": resamples, "seed": seed, "confidence": CONFIDENCE},
    }


def lines(summary: dict[str, Any]) -> list[str]:
    """The per-school and interval part of the text report (after the overall figures)."""
    boot = summary["bootstrap"]
    out = [f"95% bootstrap intervals ({boot['resamples']} resamples, seed {boot['seed']}):"]
    out += _figures(summary["metrics"], summary["intervals"])
    for slug, part in summary["schools"].items():
        out.append(f"school {slug} ({part['metrics']['cases']} cases):")
        out += _figures(part["metrics"], part["intervals"])
    return out


def _figures(figures: dict[str, Any], spans: dict[str, dict[str, Any] | None]) -> list[str]:
    out = []
    for name in METRICS:
        span = spans[name]
        if span is None:
            out.append(f"{name:>17}: -")
        else:
            out.append(
                f"{name:>17}: {figures[name]:.3f}  [{span['low']:.3f}, "
                f"{span['high']:.3f}]  n={span['n']}"
            )
    return out
