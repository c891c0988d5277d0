"""Query latency and memory of hybrid retrieval (BM25 + embeddings) at 10k and 100k passages.

    python benchmarks/hybrid.py [--sizes 10000,100000] [--queries 300] [--json out.json]

The synthetic corpus (benchmarks/synthetic.py) is indexed through the real indexer with BM25
only; its passage vectors are then random unit vectors of the model's width, float16, stored
and memory-mapped exactly as real ones (embedding 100k synthetic clauses would take the
machine an hour and tells nothing about query speed). Every query is embedded for real by the
installed model. Reported per size: the full ``Answerer.answer`` time (embedding, BM25, dense
scores, blend, subject rules, abstention), BM25-only answer time, and the embedding alone;
p50/p95 in ms, and the process RSS with the model and the index loaded. Each size runs in its
own process so RSS is that size's alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import machine, ms_summary, report, rss_mb  # noqa: E402
from benchmarks.synthetic import queries, write_corpus  # noqa: E402


def timed(call: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    timings = []
    for text in texts:
        started = time.perf_counter()
        call(text)
        timings.append(time.perf_counter() - started)
    return ms_summary(timings)


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
    vectors_path = work / f"vectors-{size}.npy"
    if not vectors_path.exists():
        rng = np.random.default_rng(3)
        vectors = rng.standard_normal((len(index.passages), encoder.dim), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        np.save(vectors_path, vectors.astype(np.float16))
    index.arrays["vectors"] = np.load(vectors_path, mmap_mode="r")
    index.meta["embedding"] = encoder.describe()
    answerer = Answerer(index, load_schools(out), encoder=encoder)
    school = sorted(answerer.schools)[0]
    texts = queries(n_queries)
    for text in texts[:20]:  # warm-up: first-touch of postings and vectors
        answerer.answer(text)
    results: dict[str, object] = {"passages": len(index.passages)}
    results["hybrid_all_schools"] = timed(answerer.answer, texts)
    results["hybrid_one_school"] = timed(lambda text: answerer.answer(text, school), texts)
    hybrid, answerer.hybrid = answerer.hybrid, None
    results["bm25_only_all_schools"] = timed(answerer.answer, texts)
    answerer.hybrid = hybrid
    results["embedding_only"] = timed(encoder.encode_query, texts)
    results.update(rss_mb())
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
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
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--queries",
                str(args.queries),
                "--work",
                str(args.work),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results[str(size)] = json.loads(done.stdout.strip().splitlines()[-1])
    report(results, args.json)


if __name__ == "__main__":
    main()
