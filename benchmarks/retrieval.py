"""Retrieval at scale: policybot's inverted-index search vs rank-bm25's full scan vs bm25s.

    .venv/bin/python -m benchmarks.retrieval --passages 10000,100000
    .venv/bin/python -m benchmarks.retrieval --passages 1000000 --json benchmarks/out/1m.json

For each size it writes the synthetic corpus as policy files (benchmarks/synthetic.py),
builds policybot's index through the real indexer in a child process (build time, peak
RSS), then starts one worker process per system: (a) policybot ``SearchIndex.search``
(index loaded from disk, memory-mapped arrays), (b) rank-bm25 ``get_scores`` full scan,
(c) bm25s (numpy backend). (b) and (c) get the same analyzer tokens as the index. The
queries are sent to the three workers interleaved (query i to a, b, c in rotating order),
each worker times its own call, and (a)'s top-10 is checked against rank-bm25's (identical,
or equal scores with tied passages in another order). Peak RSS is each worker's own VmHWM.
At 1M passages rank-bm25 takes ~1 s a query, so only ``--rank-bm25-queries`` (default 50
above 100k passages) are sent to it. Prints one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import synthetic
from benchmarks.measure import machine, ms_summary, report, rss_mb
from indexer.analysis import default_analyzer
from indexer.build import passage_terms
from indexer.index import BM25Params
from indexer.model import Passage

SYSTEMS = ("policybot", "rank_bm25", "bm25s")
WARMUP = 10
K = 10
TOL = 1e-7
ANALYZE_UP_TO = 100_000  # above this, (b) and (c) get their tokens from the index's arrays


# --- the three engines, each in its own process ------------------------------------------


def _policybot(index_dir: Path, tokens: Any, params: BM25Params):  # noqa: ANN202
    from indexer.index import SearchIndex

    index = SearchIndex.load(index_dir)

    def search(query: list[str]) -> tuple[list[int], list[float]]:
        hits = index.search(dict(Counter(query)), K)
        return [d for d, _ in hits], [s for _, s in hits]

    return search, lambda result: result


def _rank_bm25(index_dir: Path, tokens: Any, params: BM25Params):  # noqa: ANN202
    import rank_bm25

    if params.variant == "plus":
        model = rank_bm25.BM25Plus(tokens, k1=params.k1, b=params.b, delta=params.delta)
    elif params.variant == "l":
        model = rank_bm25.BM25L(tokens, k1=params.k1, b=params.b, delta=params.delta)
    else:
        model = rank_bm25.BM25Okapi(tokens, k1=params.k1, b=params.b, epsilon=params.epsilon)
    return model.get_scores, _top_of_full_scores


def _top_of_full_scores(scores: np.ndarray) -> tuple[list[int], list[float]]:
    """Top K by (score desc, passage asc): the timed part is get_scores alone."""
    part = np.argpartition(-scores, K)[: K * 4] if len(scores) > K * 4 else np.arange(len(scores))
    order = part[np.lexsort((part, -scores[part]))][:K]
    return order.tolist(), scores[order].tolist()


def _bm25s(index_dir: Path, tokens: Any, params: BM25Params):  # noqa: ANN202
    import bm25s

    model = bm25s.BM25(k1=params.k1, b=params.b)
    model.index(tokens, show_progress=False)

    def search(query: list[str]) -> tuple[list[int], list[float]]:
        try:
            docs, scores = model.retrieve([query], k=K, show_progress=False)
        except (ValueError, KeyError, IndexError):  # no query word in its vocabulary
            return [], []
        return docs[0].tolist(), scores[0].tolist()

    return search, lambda result: result


ENGINES = {"policybot": _policybot, "rank_bm25": _rank_bm25, "bm25s": _bm25s}


def _worker(name: str, index_dir: str, tokens_path: str, params: dict[str, Any], conn: Any) -> None:
    tokens = None if name == "policybot" else read_tokens(Path(tokens_path))
    before = rss_mb()
    started = time.perf_counter()
    search, top = ENGINES[name](Path(index_dir), tokens, BM25Params(**params))
    conn.send(
        {
            "build_seconds": time.perf_counter() - started,
            "rss_before_mb": before["rss_mb"],
            "rss_after_build_mb": rss_mb()["rss_mb"],
        }
    )
    while (query := conn.recv()) is not None:
        started = time.perf_counter()
        result = search(query)
        elapsed = time.perf_counter() - started
        conn.send((elapsed, *top(result)))
    conn.send(rss_mb())


class Worker:
    def __init__(self, name: str, index_dir: Path, tokens_path: Path, params: BM25Params):
        self.name = name
        self.conn, child = mp.get_context("spawn").Pipe()
        self.process = mp.get_context("spawn").Process(
            target=_worker, args=(name, str(index_dir), str(tokens_path), params.to_json(), child)
        )
        self.process.start()
        self.info: dict[str, Any] = self.conn.recv()
        self.times: list[float] = []

    def ask(self, query: list[str], record: bool) -> tuple[list[int], list[float]]:
        self.conn.send(query)
        elapsed, ids, scores = self.conn.recv()
        if record:
            self.times.append(elapsed)
        return ids, scores

    def stop(self) -> dict[str, Any]:
        self.conn.send(None)
        final = self.conn.recv()
        self.process.join()
        return {**self.info, **final, "latency_ms": ms_summary(self.times)}


# --- corpus, index and tokens ----------------------------------------------------------


def _build_child(roots: list[str], out: str, params: dict[str, Any], conn: Any) -> None:
    from indexer.build import build_index

    report = build_index([Path(r) for r in roots], Path(out), BM25Params(**params))
    conn.send(
        {
            "seconds": report.seconds,
            "passages": report.passages,
            "documents": report.documents,
            **rss_mb(),
        }
    )


def build_in_child(roots: list[Path], out: Path, params: BM25Params) -> dict[str, Any]:
    """build_index in a fresh process: its time, counts and own peak RSS."""
    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    process = ctx.Process(
        target=_build_child, args=([str(r) for r in roots], str(out), params.to_json(), child)
    )
    process.start()
    result = conn.recv()
    process.join()
    return result


def prepare(
    root: Path, index_dir: Path, tokens_path: Path, params: BM25Params, reuse: bool
) -> dict[str, Any]:
    """Build the index and the tokens file, or reuse both (and the build figures)."""
    record = index_dir.with_suffix(".build.json")
    if reuse and record.exists() and tokens_path.exists():
        return json.loads(record.read_text())
    build = build_in_child([root], index_dir, params)
    if build["passages"] <= ANALYZE_UP_TO:
        write_tokens(index_dir, tokens_path)
    else:
        tokens_from_index(index_dir, tokens_path)
    record.write_text(json.dumps(build))
    return build


def write_tokens(index_dir: Path, path: Path) -> None:
    """The analyzer's tokens of every indexed passage, as term ids + offsets + vocabulary."""
    analyzer, vocab, ids, offsets = default_analyzer(), {}, [], [0]
    with open(index_dir / "passages.jsonl", encoding="utf-8") as lines:
        for line in lines:
            terms = passage_terms(Passage(**json.loads(line)), analyzer)
            ids.extend(vocab.setdefault(t, len(vocab)) for t in terms)
            offsets.append(len(ids))
    np.savez(path, ids=np.array(ids, dtype=np.int32), offsets=np.array(offsets, dtype=np.int64))
    path.with_suffix(".vocab.json").write_text(json.dumps(list(vocab)))


def tokens_from_index(index_dir: Path, path: Path) -> None:
    """The same tokens, from the index's forward arrays (each term repeated tf times): used
    above ANALYZE_UP_TO passages, where re-analysing every passage takes many minutes. The
    full-analysis path at 10k/100k shows these are the analyzer's tokens (top-10 parity)."""
    arrays = {n: np.load(index_dir / f"{n}.npy") for n in ("doc_ptr", "doc_terms", "doc_tfs")}
    tfs = arrays["doc_tfs"].astype(np.int64)
    ids = np.repeat(arrays["doc_terms"], tfs).astype(np.int32)
    offsets = np.concatenate(([0], np.cumsum(tfs)))[arrays["doc_ptr"]]
    np.savez(path, ids=ids, offsets=offsets.astype(np.int64))
    vocab = json.loads((index_dir / "vocab.json").read_text(encoding="utf-8"))
    path.with_suffix(".vocab.json").write_text(json.dumps(vocab))


def read_tokens(path: Path) -> list[list[str]]:
    data = np.load(path)
    vocab = json.loads(path.with_suffix(".vocab.json").read_text())
    ids, offsets = data["ids"], data["offsets"]
    words = [vocab[i] for i in ids.tolist()]
    return [words[a:b] for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]


# --- one size, interleaved --------------------------------------------------------------


def compare(a: tuple[list[int], list[float]], b: tuple[list[int], list[float]]) -> str:
    """'identical', 'ties' (same scores, tied passages in another order) or 'different'."""
    (a_ids, a_scores), (b_ids, b_scores) = a, b
    n = len(a_ids)
    if n == 0 or not np.allclose(a_scores, b_scores[:n], rtol=TOL, atol=TOL):
        return "different" if n or b_scores[:1] and b_scores[0] > 0 else "identical"
    if a_ids == b_ids[:n]:
        return "identical"
    last = b_scores[n - 1]
    tied = [
        i
        for i in range(n)
        if a_ids[i] != b_ids[i]
        and (
            sum(abs(s - b_scores[i]) <= TOL * max(1, abs(s)) for s in b_scores) > 1
            or abs(b_scores[i] - last) <= TOL * max(1, abs(last))
        )
    ]
    return "ties" if len(tied) == sum(a_ids[i] != b_ids[i] for i in range(n)) else "different"


def run_size(n: int, args: argparse.Namespace, params: BM25Params) -> dict[str, Any]:
    work = args.work
    corpus = synthetic.write_corpus(work / f"corpus-{n}", n)
    index_dir, tokens_path = work / f"index-{n}", work / f"tokens-{n}.npz"
    build = prepare(corpus.root, index_dir, tokens_path, params, args.reuse)
    analyzer = default_analyzer()
    queries = [analyzer.tokens(q) for q in synthetic.queries(args.queries)]
    queries = [q for q in queries if q]
    rank_limit = args.rank_bm25_queries or (len(queries) if n <= 100_000 else 50)
    workers = {name: Worker(name, index_dir, tokens_path, params) for name in args.systems}
    parity: Counter[str] = Counter()
    for i, query in enumerate(queries):
        record, results = i >= WARMUP, {}
        names = list(workers)
        for name in names[i % len(names) :] + names[: i % len(names)]:
            if name == "rank_bm25" and i >= rank_limit + WARMUP:
                continue
            results[name] = workers[name].ask(query, record)
        if record and "rank_bm25" in results and "policybot" in results:
            parity[compare(results["policybot"], results["rank_bm25"])] += 1
    summary = {name: worker.stop() for name, worker in workers.items()}
    return {
        "passages": build["passages"],
        "documents": build["documents"],
        "queries": len(queries) - WARMUP,
        "rank_bm25_queries": min(rank_limit, len(queries)),
        "policybot_build": {k: build[k] for k in ("seconds", "peak_rss_mb")},
        **summary,
        "top10_vs_rank_bm25": dict(parity),
        "ratios": _ratios(summary),
    }


def _ratios(summary: dict[str, Any]) -> dict[str, float]:
    def p50(name: str) -> float | None:
        return summary.get(name, {}).get("latency_ms", {}).get("p50")

    a, b, c = p50("policybot"), p50("rank_bm25"), p50("bm25s")
    out = {}
    if a and b:
        out["a_over_b_p50"], out["b_over_a_speedup"] = round(a / b, 5), round(b / a, 1)
    if a and c:
        out["a_over_c_p50"] = round(a / c, 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", default="10000,100000", help="Sizes, comma separated.")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument(
        "--rank-bm25-queries",
        type=int,
        default=0,
        help="Queries sent to rank-bm25 (default: all up to 100k, 50 above).",
    )
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--variant", default="okapi", choices=("okapi", "plus", "l"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/policybot-bench"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse the index and tokens of an earlier run (and its build figures).",
    )
    parser.add_argument("--json", type=Path, help="Also write the summary here.")
    args = parser.parse_args()
    args.systems = [s for s in args.systems.split(",") if s]
    params = BM25Params(args.variant, k1=1.5, b=0.75, epsilon=0.25, delta=1.0)
    results = {"machine": machine(), "bm25": params.to_json(), "sizes": []}
    for n in (int(x) for x in args.passages.split(",")):
        results["sizes"].append(run_size(n, args, params))
        print(json.dumps(results["sizes"][-1]), flush=True)
    report(results, args.json)


if __name__ == "__main__":
    main()
