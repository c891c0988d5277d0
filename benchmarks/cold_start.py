"""Cold start: process start -> first answer, and peak RSS, for ``policybot ask``.

    .venv/bin/python -m benchmarks.cold_start
    .venv/bin/python -m benchmarks.cold_start --runs 7 --passages 50000

Two corpora, each indexed once beforehand (the index is on disk and up to date, as after
``policybot index``): the bundled corpus/, and a synthetic one of ``--passages`` clauses
(benchmarks/synthetic.py). Each run is a fresh ``policybot ask QUESTION`` subprocess (the
default path: settings, staleness check of the corpus, index load, answer, render); wall
time to exit and the process's own peak RSS (wait4). It also lists the slowest top-level
imports of ``bot.cli.main`` (``python -X importtime``).

Targets: < 1 s to the first answer on the bundled corpus; RSS < 200 MB with 50k passages.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from benchmarks.measure import machine, report, run_measured

ROOT = Path(__file__).resolve().parent.parent
POLICYBOT = str(ROOT / ".venv" / "bin" / "policybot")
QUESTION = "can I follow an ex-pupil on Instagram?"


def clean_env(corpus: Path, data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POLICYBOT_", "SLACK_", "MICROSOFT_", "TEAMS_", "DATABASE_URL"))
    }
    env.update(POLICYBOT_CORPUS=str(corpus), POLICYBOT_DATA_DIR=str(data_dir))
    return env


def measure_corpus(corpus: Path, question: str, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        env = clean_env(corpus, Path(tmp))
        built = run_measured([POLICYBOT, "index", str(corpus)], env=env, cwd=tmp)
        if built["status"] != 0:
            raise SystemExit(f"indexing failed: {built['stderr'][-500:]}")
        samples = [
            run_measured([POLICYBOT, "ask", question], env=env, cwd=tmp) for _ in range(runs)
        ]
    failed = [s for s in samples if s["status"] != 0]
    if failed:
        raise SystemExit(f"policybot ask failed: {failed[0]['stderr'][-500:]}")
    seconds = [s["seconds"] for s in samples]
    peaks = [s["peak_rss_mb"] for s in samples]
    return {
        "median_seconds": round(statistics.median(seconds), 3),
        "median_peak_rss_mb": round(statistics.median(peaks), 1),
        "seconds": [round(x, 3) for x in seconds],
        "peak_rss_mb": peaks,
        "index_seconds": round(built["seconds"], 2),
    }


def baseline(runs: int) -> dict[str, float]:
    """The floor: a bare interpreter, and importing bot.cli.main (no index, no answer)."""
    bare = [run_measured([sys.executable, "-c", "pass"])["seconds"] for _ in range(runs)]
    cli = [run_measured([sys.executable, "-c", "import bot.cli.main"]) for _ in range(runs)]
    return {
        "python_seconds": round(statistics.median(bare), 3),
        "import_bot_cli_seconds": round(statistics.median(c["seconds"] for c in cli), 3),
        "import_bot_cli_peak_rss_mb": statistics.median(c["peak_rss_mb"] for c in cli),
    }


def slowest_imports(module: str = "bot.cli.main", top: int = 12) -> list[dict[str, Any]]:
    """Top-level packages by cumulative import time (ms) when importing ``module``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    totals: dict[str, float] = {}
    for line in out.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if match and len(match.group(2)) <= 2:  # imported directly by the module's own code
            name = match.group(3).split(".")[0]
            totals[name] = totals.get(name, 0.0) + int(match.group(1)) / 1000
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return [{"package": name, "ms": round(ms, 1)} for name, ms in ranked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/policybot-bench"))
    parser.add_argument("--json", type=Path, help="Also write the summary here.")
    args = parser.parse_args()
    big = synthetic.write_corpus(args.work / f"corpus-{args.passages}", args.passages)
    big_question = "can I " + " ".join(synthetic.queries(1)[0].split()[2:])
    results = {
        "machine": machine(),
        "baseline": baseline(args.runs),
        "bundled": measure_corpus(ROOT / "corpus", QUESTION, args.runs),
        f"synthetic_{args.passages}": measure_corpus(big.root, big_question, args.runs),
        "slowest_imports_of_bot_cli": slowest_imports(),
    }
    report(results, args.json)


if __name__ == "__main__":
    main()
