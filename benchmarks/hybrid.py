"""Query latency and memory of hybrid retrieval (BM25 + embeddings) at 10k and 100k passages.

    python benchmarks/hybrid.py [--sizes 10000,100000] [--queries 300] [--runs 3] [--json F]

The synthetic corpus (benchmarks/synthetic.py) is indexed through the real indexer with BM25
only; its passage vectors are then random unit vectors of the model's width, float16 with their
int8 copies, stored and memory-mapped exactly as real ones (embedding 100k synthetic clauses
would take the machine an hour and tells nothing about query speed). Every query is embedded
for real by the installed model. Reported per size: the full ``Answerer.answer`` time
(embedding, BM25, dense scores, blend, subject rules, abstention) for one school and for all,
dense retrieval alone (embedding + top 30 of every passage), the answer with BM25 alone (it
still embeds the question once, for the semantic concern backstop), and the embedding alone;
p50/p95 in ms of wall and of the process's CPU time, the process RSS with the model and the
index loaded, and the load average. Each size runs ``--runs`` times, each in its own process
(so RSS is that size's alone); every figure is the median over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import machine, ms_summary, report, rss_mb  # noqa: E402
from benchmarks.synthetic import queries, write_corpus  # noqa: E402
from indexer.vectors import QUANTIZED_ARRAYS, quantize  # noqa: E402


def timed(call: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    """Wall p50/p95 (ms) and the process's CPU time a query (``cpu_p50``/``cpu_p95``): on a
    shared machine the CPU time says what the code costs, the wall time what a user waits."""
    wall, cpu = [], []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        call(text)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    cpu_ms = ms_summary(cpu)
    return {**ms_summary(wall), "cpu_p50": cpu_ms["p50"], "cpu_p95": cpu_ms["p95"]}


def stored_vectors(work: Path, size: int, rows: int, dim: int) -> dict[str, np.ndarray]:
    """Random unit vectors (float16) and their int8 copies, saved and memory-mapped as an
    index's are."""
    paths = {name: work / f"{name}-{size}.npy" for name in ("vectors", *QUANTIZED_ARRAYS)}
    if not all(path.exists() for path in paths.values()):
        rng = np.random.default_rng(3)
        vectors = rng.standard_normal((rows, dim), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        np.save(paths["vectors"], vectors.astype(np.float16))
        codes, scales = quantize(np.load(paths["vectors"]))
        np.save(paths["vectors_int8"], codes)
        np.save(paths["vector_scales"], scales)
    return {name: np.load(path, mmap_mode="r") for name, path in paths.items()}


def one_size(size: int, n_queries: int, work: Path) -> dict[str, object]:
    from bot.answering.answerer import Answerer, load_schools
    from indexer.build import build_index
    from indexer.embedding import default_encoder
    from indexer.index import SearchIndex

    corpus = write_corpus(work / f"corpus-{size}", size)
    out = work / f"index-{size}"
    if not (out / "params.json").exists():
        build_index([corpus.root], out, encoder=False)
    index = SearchIndex.load(out)
    encoder = default_encoder().encoder
    assert encoder is not None, "the embedding model is not installed"
    index.arrays.update(stored_vectors(work, size, len(index.passages), encoder.dim))
    index.meta["embedding"] = encoder.describe()
    answerer = Answerer(index, load_schools(out), encoder=encoder)
    school = sorted(answerer.schools)[0]
    texts = queries(n_queries)
    for text in texts[:20]:  # warm-up: first-touch of postings and vectors
        answerer.answer(text)
    results: dict[str, object] = {"passages": len(index.passages), "load_before": _load()}
    results["hybrid_all_schools"] = timed(answerer.answer, texts)
    results["hybrid_one_school"] = timed(lambda text: answerer.answer(text, school), texts)
    scorer = answerer.hybrid
    assert scorer is not None
    results["dense_only_all_schools"] = timed(
        lambda text: scorer.dense.top(encoder.encode_query(text), 30), texts
    )
    hybrid, answerer.hybrid = answerer.hybrid, None
    results["bm25_only_all_schools"] = timed(answerer.answer, texts)
    answerer.hybrid = hybrid
    results["embedding_only"] = timed(encoder.encode_query, texts)
    results.update(rss_mb())
    results["load_after"] = _load()
    return results


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _median_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (the runs themselves are kept beside it)."""
    out: dict[str, Any] = {"runs": runs}
    for key, value in runs[0].items():
        if isinstance(value, dict):
            out[key] = {k: statistics.median(r[key][k] for r in runs) for k in value}
        else:
            out[key] = statistics.median(r[key] for r in runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="processes a size; medians reported")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pb-hybrid")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(one_size(args.one, args.queries, args.work)))
        return
    results: dict[str, object] = {"machine": machine()}
    for size in (int(s) for s in args.sizes.split(",")):
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(size), "--queries", str(args.queries)]
                + ["--work", str(args.work)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        results[str(size)] = _median_runs(runs)
    report(results, args.json)


if __name__ == "__main__":
    main()
