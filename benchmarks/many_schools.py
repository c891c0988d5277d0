"""Many schools, one deployment (issue 18): memory per worker and first-answer latency when
each school has its own index, loaded on first use with a least-recently-used bound.

    python benchmarks/many_schools.py                      # 200 schools x 1,000 clauses
    python benchmarks/many_schools.py --max-loaded 50 --max-loaded 1000 --json out.json

Setup (once, cached in ``--data``): ``--schools`` indexes of ``--clauses`` synthetic
clauses each (benchmarks/synthetic.py's Zipf law), saved as ``data/schools/<slug>/index``
exactly as :class:`bot.policies.library.SchoolLibrary` saves them, with passage vectors
(random unit vectors stamped with the installed model's hash, so queries run the real
hybrid path; their values do not matter for time or memory) and version 1 of each in a
SQLite database. One further school is built through the real path (a 1,000-clause text
file through the parse workers and the embedding model) to time "built once".

Then ``--workers`` worker processes start at once over the same database and data folder;
each answers one question for every school in its own random order (each answer a cold
load of that school: the first-answer latency), then 20 more for schools it still holds
(warm), reporting its resident memory (VmRSS) before the first school, every 50 schools and
at the end. Run for each ``--max-loaded`` (POLICYBOT_MAX_LOADED_SCHOOLS).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import machine, ms_summary, report, rss_mb  # noqa: E402
from benchmarks.synthetic import Sampler, clause_lengths, document_text, queries  # noqa: E402


def slug(n: int) -> str:
    return f"school-{n:04d}"


def prepare(data: Path, schools: int, clauses: int) -> dict[str, Any]:
    """Write the school indexes that are missing; register version 1 of each."""
    from bot.store import Store
    from bot.store.school_docs import SchoolDocs
    from indexer import embedding
    from indexer.build import index_from_passages
    from indexer.corpus import School
    from indexer.model import Passage

    encoder = embedding.default_encoder().encoder
    store = Store.open(f"sqlite:///{data / 'policybot.db'}")
    docs = SchoolDocs(store)
    versions = docs.versions()
    started = time.perf_counter()
    made = 0
    for n in range(schools):
        name = slug(n)
        out = data / "schools" / name / "index"
        if not (out / "params.json").exists():
            sampler = Sampler(seed=1000 + n)
            passages = []
            for i, words in enumerate(clause_lengths(sampler.rng, clauses)):
                document = i // 100
                passages.append(
                    Passage(
                        id=f"{name}/p{document}/{i}",
                        text=sampler.clause(int(words)),
                        context=None,
                        school=name,
                        document=f"Synthetic Policy {document}",
                        section=f"Section {i // 10 % 10 + 1}",
                        clause=f"{i // 10 % 10 + 1}.{i % 10 + 1}",
                        page=None,
                        source=f"{name}/policy-{document}.txt",
                    )
                )
            index = index_from_passages(passages)
            if encoder is not None:
                rng = np.random.default_rng(n)
                vectors = rng.standard_normal((len(passages), encoder.dim)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                texts = [embedding.passage_text(p) for p in passages]
                index.arrays["vectors"] = vectors.astype(np.float16)
                index.arrays["vector_keys"] = np.array(
                    [embedding.text_key(t) for t in texts], dtype=f"S{embedding.KEY_BYTES}"
                )
                index.meta["embedding"] = encoder.describe()
            school = School(name, name.replace("-", " ").title())
            index.save(out, {"files.json": {}, "schools.json": {name: school.to_json()}})
            made += 1
        if versions.get(name, 0) < 1:
            token = docs.take_lease(name, "benchmark")
            assert token is not None
            docs.finish_build(name, token)
    store.close()
    return {"schools_written": made, "setup_seconds": round(time.perf_counter() - started, 1)}


def real_build(data: Path, clauses: int) -> dict[str, Any]:
    """One school built through the real path: parse workers, segmentation, embeddings."""
    from bot.policies.library import Incoming, SchoolLibrary
    from bot.store import Store
    from bot.store.school_docs import SchoolDocs

    store = Store.open(f"sqlite:///{data / 'policybot.db'}")
    library = SchoolLibrary(SchoolDocs(store), data)
    text = document_text(Sampler(seed=99), 1, clauses).encode()
    library.files_dir("real-build").mkdir(parents=True, exist_ok=True)
    for old in library.files_dir("real-build").glob("*"):
        old.unlink()
    started = time.perf_counter()
    added = library.add("real-build", [Incoming("policy.txt", text)])
    seconds = time.perf_counter() - started
    store.close()
    return {"clauses": added.indexed[0].clauses, "seconds": round(seconds, 2)}


def worker(data: Path, schools: int, max_loaded: int, seed: int) -> dict[str, Any]:
    """One serving process: every school once (cold), then 20 warm answers."""
    from bot.answering.answerer import Answerer
    from bot.policies.answers import SchoolAnswers
    from bot.store import Store
    from bot.store.school_docs import SchoolDocs
    from indexer.build import index_from_passages
    from indexer.embedding import default_encoder
    from indexer.model import Passage

    encoder = default_encoder().encoder
    tiny = Passage(
        id="x/1",
        text="Visitors sign in at reception.",
        context=None,
        document="Visitors",
        school="x",
        section="",
        clause=None,
        page=None,
        source="x/a.txt",
    )
    base = Answerer(index_from_passages([tiny]), {}, encoder=encoder)
    base.answer("warm up the model and the analyzer")
    store = Store.open(f"sqlite:///{data / 'policybot.db'}")
    answers = SchoolAnswers(base, SchoolDocs(store), data, max_loaded=max_loaded, encoder=encoder)
    asked = queries(schools + 20, seed=seed)
    order = np.random.default_rng(seed).permutation(schools)
    memory = [{"schools": 0, **rss_mb()}]
    cold = []
    for i, n in enumerate(order, start=1):
        started = time.perf_counter()
        answers.answer(asked[i - 1], slug(int(n)))
        cold.append(time.perf_counter() - started)
        if i % 50 == 0 or i == schools:
            memory.append({"schools": i, **rss_mb()})
    warm = []
    for j, n in enumerate(order[-min(20, max_loaded) :]):
        started = time.perf_counter()
        answers.answer(asked[schools + j], slug(int(n)))
        warm.append(time.perf_counter() - started)
    return {
        "seed": seed,
        "hybrid": encoder is not None,
        "loads": answers.loads,
        "loaded_at_end": len(answers.loaded()),
        "cold_first_answer_ms": ms_summary(cold),
        "warm_answer_ms": ms_summary(warm),
        "rss_mb": memory,
    }


def run_workers(data: Path, schools: int, max_loaded: int, workers: int) -> list[dict[str, Any]]:
    """``workers`` processes at once over the same database and data folder."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(seed), "--data", str(data)]
            + ["--schools", str(schools), "--max-loaded", str(max_loaded)],
            stdout=subprocess.PIPE,
        )
        for seed in range(1, workers + 1)
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"worker failed with status {proc.returncode}")
        results.append(json.loads(out))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--clauses", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-loaded", type=int, action="append")
    parser.add_argument("--data", type=Path, default=Path("/tmp/policybot-many-schools"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        limit = (args.max_loaded or [50])[0]
        print(json.dumps(worker(args.data, args.schools, limit, args.worker)))
        return
    args.data.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "load_before": os.getloadavg(),
        "schools": args.schools,
        "clauses_per_school": args.clauses,
        "setup": prepare(args.data, args.schools, args.clauses),
        "built_once": real_build(args.data, args.clauses),
        "runs": {},
    }
    for limit in args.max_loaded or [50, args.schools]:
        results["runs"][str(limit)] = run_workers(args.data, args.schools, limit, args.workers)
    results["load_after"] = os.getloadavg()
    report(results, args.json)


if __name__ == "__main__":
    main()
