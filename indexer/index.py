"""The saved, self-describing BM25 index and search over it.

On disk an index is a folder::

    params.json      format version, analyzer settings, BM25 parameters, corpus hash, build
                     time, counts, and the sha256 and size of every other file
    passages.jsonl   one passage a line, in id order (the text staff see)
    files.json       per source file: content hash, passage range, title, warnings
    schools.json     school metadata (names, contacts) for the DSL route
    vocab.json       the terms, by term id
    *.npy            plain numpy arrays (no pickle): the forward index (doc -> terms), the
                     inverted index (term -> docs), document lengths

Scores follow rank-bm25's formulas exactly (BM25Okapi, BM25Plus or BM25L) but come from the
inverted index, so a query costs the postings of its terms, not the size of the corpus.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.errors import IndexLoadError
from indexer.model import Passage
from indexer.vectors import QUANTIZED_ARRAYS

FORMAT = "policybot-index"
FORMAT_VERSION = 1
ARRAYS = ("doc_ptr", "doc_terms", "doc_tfs", "post_ptr", "post_docs", "post_tfs", "doc_len")
# passage embeddings (indexer/embedding.py), present when a model was installed at build time
VECTOR_ARRAYS = ("vectors", "vector_keys") + QUANTIZED_ARRAYS
_HASH_LIMIT = 64 * 1024 * 1024
_IMPACT_CACHE_POSTINGS = 20_000_000  # ~320 MB of per-posting impacts kept between queries
_SCRATCH = threading.local()  # per-thread score accumulator, reused across queries


@dataclass(frozen=True)
class BM25Params:
    variant: str = "okapi"  # okapi | plus | l
    k1: float = 1.2
    b: float = 0.75
    epsilon: float = 0.25  # okapi: floor for negative idf, as a share of the mean idf
    delta: float = 1.0  # plus / l

    def to_json(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "k1": self.k1,
            "b": self.b,
            "epsilon": self.epsilon,
            "delta": self.delta,
        }


@dataclass
class SearchIndex:
    passages: Sequence[Passage]  # a list, or LazyPassages when loaded from disk
    vocab: list[str]
    arrays: dict[str, np.ndarray]
    params: BM25Params = field(default_factory=BM25Params)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.term_ids = {term: i for i, term in enumerate(self.vocab)}
        doc_len = self.arrays["doc_len"].astype(np.float64)
        self.avgdl = float(doc_len.mean()) if len(doc_len) else 0.0
        df = np.diff(self.arrays["post_ptr"]).astype(np.float64)
        self.idf = bm25_idf(df, len(self.passages), self.params)
        self.coverage_idf = np.log1p((len(self.passages) - df + 0.5) / (df + 0.5))
        self._impact_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._cached_postings = 0
        relative_length = doc_len / max(self.avgdl, 1e-9)
        self.norm = self.params.k1 * (1 - self.params.b + self.params.b * relative_length)

    # --- search ---------------------------------------------------------------------

    def search(
        self, weights: dict[str, float], k: int = 10, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top ``k`` (passage index, score), best first, ties by lower index; ``allowed`` is a
        boolean mask.

        Exact (MaxScore): terms are taken rarest first; once the k-th best complete score of
        the passages holding them beats the most that the remaining, common terms could add,
        passages holding only common terms cannot reach the top ``k`` and are never scored.
        """
        terms = self._weighted(weights)
        if not terms or k <= 0:
            return []
        found = self._pruned(terms, k, allowed)
        docs, values = found if found is not None else self._dense(terms, allowed)
        values = values + self._constant(terms)
        if len(docs) > k:
            keep = np.flatnonzero(values >= np.partition(values, len(values) - k)[len(values) - k])
            docs, values = docs[keep], values[keep]
        order = np.lexsort((docs, -values))[:k]
        return [(int(docs[i]), float(values[i])) for i in order]

    def scores(self, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Exact BM25 scores of every passage that holds at least one query term."""
        terms = self._weighted(weights)
        docs, values = self._dense(terms, None) if terms else (np.empty(0, np.int64), np.empty(0))
        return docs.astype(np.int64), values + self._constant(terms)

    def _constant(self, terms: list[tuple[int, float]]) -> float:
        """What every passage gets for the query terms it does not hold (BM25Plus: delta)."""
        zero = self.params.delta if self.params.variant == "plus" else 0.0
        return sum(idf * zero for _, idf in terms)

    def _weighted(self, weights: dict[str, float]) -> list[tuple[int, float]]:
        """(term id, idf x weight) of the query terms the index knows, in query order."""
        out = []
        for term, weight in weights.items():
            tid = self.term_ids.get(term)
            if tid is not None:
                out.append((tid, float(self.idf[tid]) * weight))
        return out

    def _postings(self, tid: int) -> tuple[np.ndarray, int]:
        start, end = int(self.arrays["post_ptr"][tid]), int(self.arrays["post_ptr"][tid + 1])
        return np.asarray(self.arrays["post_docs"][start:end]), start

    def _impacts(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """The term's postings and, for each, (term factor - its value at tf = 0): the same
        floats the formula gives per passage, computed once per term and kept (bounded)."""
        cached = self._impact_cache.get(tid)
        if cached is None:
            docs, start = self._postings(tid)
            tfs = np.asarray(self.arrays["post_tfs"][start : start + len(docs)], dtype=np.float64)
            gain, zero = self._term_gain(tfs, self.norm[docs])
            cached = (docs, gain - zero)
            self._cached_postings += len(docs)
            if self._cached_postings > _IMPACT_CACHE_POSTINGS:
                self._impact_cache.clear()
                self._cached_postings = len(docs)
            self._impact_cache[tid] = cached
        return cached

    def _all_contributions(self, tid: int, idf: float) -> tuple[np.ndarray, np.ndarray]:
        docs, impact = self._impacts(tid)
        return docs, idf * impact

    def _dense(
        self, terms: list[tuple[int, float]], allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every passage holding a query term, with its score (before the tf = 0 constant)."""
        if not hasattr(_SCRATCH, "acc") or len(_SCRATCH.acc) != len(self.passages):
            _SCRATCH.acc = np.zeros(len(self.passages))
            _SCRATCH.hit = np.zeros(len(self.passages), dtype=bool)
        acc, hit = _SCRATCH.acc, _SCRATCH.hit
        positive = all(idf > 0 for _, idf in terms)  # then held <=> score > 0
        for tid, idf in terms:
            docs, values = self._all_contributions(tid, idf)
            acc[docs] += values
            if not positive:
                hit[docs] = True
        docs = np.flatnonzero(acc if positive else hit)
        values = acc[docs]
        acc.fill(0.0)
        hit.fill(False)
        if allowed is not None:
            keep = allowed[docs]
            docs, values = docs[keep], values[keep]
        return docs, values

    def _pruned(
        self, terms: list[tuple[int, float]], k: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The top-k candidates and their scores, or None when pruning would not pay."""
        bounds = [max(idf * self._max_gain(tid), 0.0) for tid, idf in terms]
        order = sorted(range(len(terms)), key=lambda i: -bounds[i])
        budget = max(len(self.passages) // 16, 64 * k)
        cand = np.empty(0, dtype=self.arrays["post_docs"].dtype)
        for n, i in enumerate(order, 1):
            docs = self._postings(terms[i][0])[0]
            if len(docs) > budget:
                return None
            cand = _merge(cand, docs)
            if allowed is not None:
                cand = cand[allowed[cand]]
            if len(cand) > budget:
                return None
            rest = sum(bounds[j] for j in order[n:])
            if len(cand) < k and n < len(order):
                continue
            values = self._complete(cand, terms)
            if n == len(order):
                return cand, values
            theta = float(np.partition(values, len(values) - k)[len(values) - k])
            if rest < theta - 1e-9 * abs(theta) - 1e-12:
                return cand, values
        return None

    def _complete(self, cand: np.ndarray, terms: list[tuple[int, float]]) -> np.ndarray:
        """Full scores (before the constant) of the sorted passages ``cand``, summed in query
        order as the dense path does."""
        values = np.zeros(len(cand))
        for tid, idf in terms:
            docs, impact = self._impacts(tid)
            pos = np.minimum(np.searchsorted(docs, cand), max(len(docs) - 1, 0))
            found = np.flatnonzero(docs[pos] == cand) if len(docs) else pos[:0]
            values[found] += idf * impact[pos[found]]
        return values

    def _max_gain(self, tid: int) -> float:
        """The largest (term factor - its tf = 0 value) over the term's postings (cached)."""
        cache = self.__dict__.setdefault("_max_gains", {})
        if tid not in cache:
            cache[tid] = float(self._impacts(tid)[1].max(initial=0.0))
        return cache[tid]

    def _term_gain(self, tf: np.ndarray, norm: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-document term factor, and its value at tf = 0 (a constant for every doc)."""
        p = self.params
        if p.variant == "plus":
            return p.delta + tf * (p.k1 + 1) / (norm + tf), p.delta
        if p.variant == "l":  # rank-bm25 0.2.2 multiplies by tf, so tf = 0 adds nothing
            ctd = tf * p.k1 / norm
            return tf * (p.k1 + 1) * (ctd + p.delta) / (p.k1 + ctd + p.delta), 0.0
        return tf * (p.k1 + 1) / (tf + norm), 0.0

    # --- facts about passages ---------------------------------------------------------

    def terms_of(self, doc: int) -> set[str]:
        ptr = self.arrays["doc_ptr"]
        ids = self.arrays["doc_terms"][int(ptr[doc]) : int(ptr[doc + 1])]
        return {self.vocab[int(i)] for i in ids}

    def coverage_weight(self, term: str) -> float:
        """A term's weight for 'how much of the question does this passage cover'."""
        tid = self.term_ids.get(term)
        if tid is None:
            return math.log1p((len(self.passages) + 0.5) / 0.5)
        return float(self.coverage_idf[tid])

    # --- saving and loading -------------------------------------------------------------

    def save(self, folder: Path, extra_files: dict[str, Any]) -> None:
        """Write every file into ``folder`` (which must be empty or new)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS + VECTOR_ARRAYS:
            if name in self.arrays:
                np.save(folder / f"{name}.npy", self.arrays[name], allow_pickle=False)
        with open(folder / "passages.jsonl", "wb") as out:
            for block in _jsonl_blocks(self.passages):
                out.write(block)
        _write_json(folder / "vocab.json", self.vocab)
        for name, data in extra_files.items():
            _write_json(folder / name, data)
        files = {
            p.name: _fingerprint(p) for p in sorted(folder.iterdir()) if p.name != "params.json"
        }
        params = dict(
            self.meta,
            format=FORMAT,
            format_version=FORMAT_VERSION,
            bm25=self.params.to_json(),
            passages=len(self.passages),
            terms=len(self.vocab),
            files=files,
        )
        _write_json(folder / "params.json", params)

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        repair_swap(folder)
        params = read_params(folder)
        _verify_files(folder, params["files"])
        try:
            # memory-mapped, viewed as plain arrays: slicing a np.memmap costs more per call
            arrays = {
                name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
                for name in ARRAYS
            }
            if params.get("embedding") and "vectors.npy" in params["files"]:
                for name in (n for n in VECTOR_ARRAYS if f"{n}.npy" in params["files"]):
                    arrays[name] = np.load(
                        folder / f"{name}.npy", mmap_mode="r", allow_pickle=False
                    )
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            passages = LazyPassages(folder / "passages.jsonl")
            bm25 = BM25Params(**params["bm25"])
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise IndexLoadError(_corrupt(folder, type(error).__name__)) from None
        index = cls(passages, vocab, arrays, bm25, meta=params)
        _check_shapes(index, folder)
        return index


class LazyPassages(Sequence[Passage]):
    """The passages of a saved index, read from passages.jsonl when asked for.

    Loading keeps only the byte offset of each line (8 bytes a passage, not a Python object),
    so a million-passage index loads in a second or two and its text stays on disk until a
    passage is quoted. Indexing, slicing, iteration and ``==`` behave as on a list.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = open(path, "rb")  # noqa: SIM115 - kept open for the index's lifetime
        ends = [
            np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10) + base
            for base, block in _blocks(self._file)
        ]
        self._ends = np.concatenate(ends) if ends else np.empty(0, dtype=np.int64)
        self._starts = np.concatenate(([0], self._ends[:-1] + 1)).astype(np.int64)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        i = int(key) + (len(self) if int(key) < 0 else 0)
        start, end = int(self._starts[i]), int(self._ends[i])
        return Passage(**json.loads(os.pread(self._file.fileno(), end - start, start)))

    def raw(self, start: int, end: int) -> bytes:
        """The saved lines of passages ``start:end``, byte for byte."""
        if start >= end:
            return b""
        first, last = int(self._starts[start]), int(self._ends[end - 1])
        return os.pread(self._file.fileno(), last + 1 - first, first)

    def __iter__(self) -> Iterator[Passage]:
        """Read through the handle opened at load (``pread``: safe across threads), so an
        index loaded before a rebuild swapped its folder still reads its own passages."""
        fd, offset, rest = self._file.fileno(), 0, b""
        while block := os.pread(fd, 1 << 20, offset):
            offset += len(block)
            *lines, rest = (rest + block).split(b"\n")
            for line in lines:
                if line.strip():
                    yield Passage(**json.loads(line))
        if rest.strip():
            yield Passage(**json.loads(rest))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class PassageSlice(Sequence[Passage]):
    """Passages ``start:end`` of a saved index, still on disk."""

    def __init__(self, passages: LazyPassages, start: int, end: int) -> None:
        self.passages, self.start, self.end = passages, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        i = int(key) + (len(self) if int(key) < 0 else 0)
        if not 0 <= i < len(self):
            raise IndexError(key)
        return self.passages[self.start + i]

    def jsonl(self) -> bytes:
        return self.passages.raw(self.start, self.end)


class ChainedPassages(Sequence[Passage]):
    """Several runs of passages, one after another, without copying them into one list."""

    def __init__(self, runs: list[Sequence[Passage]]) -> None:
        self.runs = runs
        self._ends = np.cumsum([len(run) for run in runs]) if runs else np.empty(0, np.int64)

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        i = int(key) + (len(self) if int(key) < 0 else 0)
        run = int(np.searchsorted(self._ends, i, side="right"))
        if not 0 <= i < len(self):
            raise IndexError(key)
        return self.runs[run][i - (int(self._ends[run - 1]) if run else 0)]


def _jsonl_blocks(passages: Sequence[Passage]) -> Iterator[bytes]:
    """passages.jsonl, a block at a time; runs still on disk are copied byte for byte."""
    runs = passages.runs if isinstance(passages, ChainedPassages) else [passages]
    for run in runs:
        if isinstance(run, PassageSlice):
            yield run.jsonl()
        else:
            yield "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in run).encode(
                "utf-8"
            )


def _blocks(handle: Any, size: int = 1 << 24) -> Iterator[tuple[int, bytes]]:
    handle.seek(0)
    base = 0
    while block := handle.read(size):
        yield base, block
        base += len(block)


def _merge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Union of two sorted arrays of passage ids (timsort merges the two sorted runs)."""
    both = np.sort(np.concatenate((a, b)), kind="stable")
    return both[np.concatenate(([True], both[1:] != both[:-1]))] if len(both) else both


def bm25_idf(df: np.ndarray, n_docs: int, params: BM25Params) -> np.ndarray:
    """rank-bm25's idf for the variant, including BM25Okapi's epsilon floor."""
    if params.variant == "plus":
        return np.log((n_docs + 1) / np.maximum(df, 1e-9))
    if params.variant == "l":
        return np.log(n_docs + 1) - np.log(df + 0.5)
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    if len(idf):
        floor = params.epsilon * float(idf.mean())
        idf = np.where(idf < 0, floor, idf)
    return idf


def read_params(folder: Path) -> dict[str, Any]:
    path = folder / "params.json"
    if not path.exists():
        raise IndexLoadError(f"There is no index at {folder}. Run `policybot index` to build it.")
    try:
        params = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexLoadError(_corrupt(folder, "params.json unreadable")) from None
    if not isinstance(params, dict) or params.get("format") != FORMAT:
        raise IndexLoadError(_corrupt(folder, "not a policybot index"))
    if params.get("format_version") != FORMAT_VERSION:
        raise IndexLoadError(
            f"The index at {folder} was built by another version of policybot "
            f"(format {params.get('format_version')}, expected {FORMAT_VERSION}). "
            "Run `policybot index` to rebuild it."
        )
    return params


def staging_paths(folder: Path) -> tuple[Path, Path]:
    """Where a build writes the next index, and where the current one waits during the swap."""
    return folder.with_name(f".{folder.name}.new"), folder.with_name(f".{folder.name}.old")


def repair_swap(folder: Path) -> None:
    """Finish or undo a swap a kill interrupted: with no index at ``folder``, promote a
    complete ``.index.new`` (its params.json verifies every file), else restore
    ``.index.old``. Leftovers beside a working index are left for the next build."""
    if folder.exists():
        return
    staging, old = staging_paths(folder)
    for candidate in (staging, old):
        if not candidate.is_dir():
            continue
        try:
            _verify_files(candidate, read_params(candidate)["files"])
        except (IndexLoadError, KeyError, TypeError, AttributeError):
            continue
        os.replace(candidate, folder)
        return


def _verify_files(folder: Path, files: dict[str, dict[str, Any]]) -> None:
    for name, expected in files.items():
        path = folder / name
        if not path.exists() or path.stat().st_size != expected["size"]:
            raise IndexLoadError(_corrupt(folder, f"{name} is missing or changed"))
        digest = expected.get("sha256")
        if digest and _sha256(path) != digest:
            raise IndexLoadError(_corrupt(folder, f"{name} was modified"))


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:  # streamed: a large file is not read into memory whole
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _check_shapes(index: SearchIndex, folder: Path) -> None:
    a = index.arrays
    n, v = len(index.passages), len(index.vocab)
    ok = (
        len(a["doc_ptr"]) == n + 1
        and len(a["post_ptr"]) == v + 1
        and len(a["doc_len"]) == n
        and len(a["doc_terms"]) == len(a["doc_tfs"]) == len(a["post_docs"]) == len(a["post_tfs"])
        and all(len(a[name]) == n for name in VECTOR_ARRAYS if name in a)
    )
    if not ok:
        raise IndexLoadError(_corrupt(folder, "arrays do not match"))


def _fingerprint(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if size <= _HASH_LIMIT else None
    return {"size": size, "sha256": digest}


def _corrupt(folder: Path, why: str) -> str:
    return f"The index at {folder} is damaged ({why}). Run `policybot index` to rebuild it."


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
