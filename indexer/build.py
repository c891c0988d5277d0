"""Build (or refresh) the index for a corpus: discover, load, segment, analyse, invert, save.

Incremental: a file whose content hash is unchanged since the last build is not parsed again;
its passages and term rows are taken from the previous index. The new index is written to a
temporary folder and swapped in whole, so a failed write (disk full) leaves the old one
serving.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer import embedding, messages
from indexer.analysis import GLOSSARY_PATH, Analyzer, default_analyzer
from indexer.clauses import DocumentInfo, segment
from indexer.corpus import School, SourceFile, discover, open_nofollow
from indexer.errors import DocumentError, IndexingError, IndexLoadError
from indexer.index import (
    BM25Params,
    ChainedPassages,
    LazyPassages,
    PassageSlice,
    SearchIndex,
    read_params,
    repair_swap,
    staging_paths,
)
from indexer.loaders import load_document
from indexer.model import Passage
from indexer.titles import choose_title
from indexer.vectors import QUANTIZED_ARRAYS, quantize
from indexer.worker import (
    FILE_TIMEOUT_SECONDS,
    PARSE_MEMORY_MB,
    Outcome,
    ParsePool,
    check_size,
)

log = logging.getLogger(__name__)
DEFAULT_PARAMS = BM25Params(variant="plus", k1=1.6, b=0.9)
MAX_PASSAGES = 10_000  # per document: the largest real policy (37 measured) has 699


@dataclass(frozen=True)
class FieldWeights:
    """How many times each field's terms count towards a passage (text stays verbatim)."""

    text: int = 2
    context: int = 1
    section: int = 0

    def to_json(self) -> dict[str, int]:
        return {"text": self.text, "context": self.context, "section": self.section}


DEFAULT_FIELDS = FieldWeights()


@dataclass
class BuildReport:
    out: Path
    documents: int = 0
    passages: int = 0
    parsed: int = 0
    reused: int = 0
    warnings: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0  # passages embedded in this build (the rest were reused)
    embedding: str = ""  # the model, or why retrieval is BM25 alone


@dataclass
class _Chunk:
    """One source file's share of the index."""

    source: SourceFile
    digest: str
    passages: Sequence[Passage]
    term_rows: list[Counter[str]] | None = None  # None when reused from the old index
    old_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    title: str = ""
    raw: bytes | None = None  # reused passages as their saved passages.jsonl lines


def corpus_fingerprint(paths: list[Path]) -> str:
    """Hash of every policy file, school.toml and the glossary: changes when any does."""
    schools, files = discover(paths)
    return _fingerprint(schools, [(source.source, _file_hash(source.path)) for source in files])


def _fingerprint(schools: dict[str, School], digests: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(_file_hash(GLOSSARY_PATH).encode())
    digest.update(json.dumps({k: s.to_json() for k, s in sorted(schools.items())}).encode())
    for source, file_digest in digests:
        digest.update(f"{source}\0{file_digest}\0".encode())
    return digest.hexdigest()


def build_index(
    paths: list[Path],
    out: Path,
    params: BM25Params = DEFAULT_PARAMS,
    analyzer: Analyzer | None = None,
    on_file: Callable[[str], None] | None = None,
    file_timeout: float = FILE_TIMEOUT_SECONDS,
    parse_memory_mb: int = PARSE_MEMORY_MB,
    encoder: embedding.Encoder | None | bool = True,
    model: embedding.ModelChoice = embedding.ModelChoice(),  # noqa: B008 - frozen
) -> BuildReport:
    """Index the policy files under ``paths`` into the folder ``out``.

    Files are parsed in parallel worker processes, each given at most ``file_timeout``
    seconds and ``parse_memory_mb`` of address space beyond what it starts with.
    ``encoder``: True for the embedding model ``model`` names (if it loads), False for none.
    """
    started = time.perf_counter()
    analyzer = analyzer or default_analyzer()
    report = BuildReport(out=out)
    schools, files = discover(paths, skipped=report.warnings)
    repair_swap(out)
    previous = _previous(out, analyzer, params)
    slots, digests = _plan(files, previous, report, on_file)
    with ParsePool(
        _ParseJob(analyzer, schools), timeout=file_timeout, memory_mb=parse_memory_mb
    ) as pool:
        chunks = _parse_all(slots, pool, report)
    if not any(chunk.passages for chunk in chunks):
        raise IndexingError(_nothing_indexed(paths, report))
    index, files_json = _assemble(chunks, params, previous)
    index.meta = {
        "analyzer": analyzer.settings(),
        "fields": DEFAULT_FIELDS.to_json(),
        "glossary_sha256": _file_hash(GLOSSARY_PATH),
        "corpus_hash": _fingerprint(schools, digests),
        "built_at": _now(),
        "corpus": [str(p) for p in paths],
    }
    _embed(index, out, encoder, report, model)
    _save_atomically(
        index,
        out,
        {"files.json": files_json, "schools.json": {k: s.to_json() for k, s in schools.items()}},
    )
    report.documents = sum(1 for chunk in chunks if chunk.passages)
    report.passages = len(index.passages)
    report.seconds = time.perf_counter() - started
    return report


def _embed(
    index: SearchIndex,
    out: Path,
    encoder: embedding.Encoder | None | bool,
    report: BuildReport,
    model: embedding.ModelChoice,
) -> None:
    """Add the passage vectors; a passage whose text is unchanged keeps its old vector."""
    if encoder is True:
        status = embedding.default_encoder(model)
        encoder, report.embedding = status.encoder, status.reason
    if not isinstance(encoder, embedding.Encoder):
        report.embedding = report.embedding or "no embedding model"
        return
    texts = [embedding.passage_text(p) for p in index.passages]
    vectors, keys, report.embedded = embedding.passage_vectors(
        texts, encoder, embedding.stored_vectors(out, encoder.sha256)
    )
    index.arrays["vectors"], index.arrays["vector_keys"] = vectors, keys
    index.arrays.update(zip(QUANTIZED_ARRAYS, quantize(vectors), strict=True))
    index.meta["embedding"] = encoder.describe()
    report.embedding = report.embedding or encoder.name


_Slot = tuple[SourceFile, str, "_Chunk | None"]  # a file, its hash, its reused chunk (if any)


def _plan(
    files: list[SourceFile],
    previous: _Previous | None,
    report: BuildReport,
    on_file: Callable[[str], None] | None,
) -> tuple[list[_Slot], list[tuple[str, str]]]:
    """Hash every file; drop copies; take unchanged files from the previous index."""
    slots: list[_Slot] = []
    digests: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for source in files:
        if on_file:
            on_file(source.source)
        try:
            digest = _file_hash(source.path)
        except OSError:
            report.failed.append(f"{source.source}: {messages.DOC_UNREADABLE}")
            continue
        digests.append((source.source, digest))
        if digest in seen:
            report.warnings.append(f"{source.source}: a copy of {seen[digest]}; indexed once.")
            continue
        reused = previous.chunk(source, digest) if previous else None
        if reused is not None:
            seen[digest] = source.source
        slots.append((source, digest, reused))
    return slots, digests


def _parse_all(slots: list[_Slot], pool: ParsePool, report: BuildReport) -> list[_Chunk]:
    to_parse = list(
        {
            digest: (source, digest) for source, digest, reused in reversed(slots) if reused is None
        }.values()
    )[::-1]
    outcomes = pool.map([(str(s.path), s.source, s.school) for s, _ in to_parse])
    parsed = dict(zip((digest for _, digest in to_parse), outcomes, strict=True))
    chunks: list[_Chunk] = []
    seen: dict[str, str] = {}
    for source, digest, reused in slots:
        if reused is not None:
            report.reused += 1
            chunks.append(reused)
            continue
        if digest in seen:  # a copy of a file parsed in this build
            report.warnings.append(f"{source.source}: a copy of {seen[digest]}; indexed once.")
            continue
        chunk = _chunk_from(parsed[digest], source, digest, report)
        if chunk is not None:  # a copy of a file that failed gets its own line, not "a copy"
            report.parsed += 1
            seen[digest] = source.source
            chunks.append(chunk)
    return chunks


def _chunk_from(
    outcome: Outcome, source: SourceFile, digest: str, report: BuildReport
) -> _Chunk | None:
    if outcome.problem is not None:
        report.failed.append(f"{source.source}: {outcome.problem}")
        return None
    if outcome.crashed is not None:  # a loader bug must not stop the other files
        log.error("loader failed on a file (source id %s): %s", digest[:12], outcome.crashed)
        report.failed.append(f"{source.source}: {messages.DOC_CRASHED}")
        return None
    passages, rows, warnings, title = outcome.value
    report.warnings.extend(warnings)
    if not passages and not warnings:
        report.warnings.append(f"{source.source}: no clauses found; is it a policy document?")
    return _Chunk(source, digest, passages, term_rows=rows, title=title)


@dataclass
class _ParseJob:
    """Runs in a worker process: load one file, cut it into passages, analyse them."""

    analyzer: Analyzer
    schools: dict[str, School]

    def __call__(self, task: tuple[str, str, str]) -> tuple[Any, ...]:
        path_text, source, slug = task
        path = Path(path_text)
        try:
            os.close(open_nofollow(path))  # a link swapped in since discovery is not followed
        except OSError:
            raise DocumentError(path.name, messages.DOC_UNREADABLE) from None
        check_size(path)
        loaded = load_document(path)
        meta = self.schools[slug].documents.get(path.name, {})
        title = meta.get("title") or _title(loaded.title, path)
        info = DocumentInfo(
            school=slug,
            title=title,
            source=source,
            review_date=meta.get("review_date") or loaded.review_date,
        )
        passages = segment(loaded.blocks, info)
        if len(passages) > MAX_PASSAGES:
            raise DocumentError(
                path.name,
                messages.DOC_TOO_MANY_PASSAGES.format(count=len(passages), limit=MAX_PASSAGES),
            )
        rows = [Counter(passage_terms(p, self.analyzer)) for p in passages]
        return passages, rows, loaded.warnings, title


def passage_terms(
    passage: Passage, analyzer: Analyzer, fields: FieldWeights = DEFAULT_FIELDS
) -> list[str]:
    """What a passage is found by: its words, its lead-in and its section headings."""
    terms = analyzer.tokens(passage.text) * fields.text
    if passage.context:
        terms += analyzer.tokens(passage.context) * fields.context
    if passage.section:
        terms += analyzer.tokens(passage.section) * fields.section
    return terms


def index_from_passages(
    passages: list[Passage],
    analyzer: Analyzer | None = None,
    params: BM25Params = DEFAULT_PARAMS,
    fields: FieldWeights = DEFAULT_FIELDS,
) -> SearchIndex:
    """An in-memory index over ready-made passages (benchmarks, tuning, tests)."""
    analyzer = analyzer or default_analyzer()
    source = SourceFile(Path("."), "", "")
    rows = [Counter(passage_terms(p, analyzer, fields)) for p in passages]
    index, _ = _assemble([_Chunk(source, "", passages, term_rows=rows)], params, None)
    return index


def _title(found: str | None, path: Path) -> str:
    return choose_title(found, path)


# --- assembling arrays ---------------------------------------------------------------------


def _assemble(
    chunks: list[_Chunk], params: BM25Params, previous: _Previous | None
) -> tuple[SearchIndex, dict[str, Any]]:
    vocab_set: set[str] = set()
    for chunk in chunks:
        for row in chunk.term_rows or ():
            vocab_set.update(row)
    if previous is not None:
        used = np.zeros(len(previous.vocab), dtype=bool)
        for chunk in chunks:
            if chunk.old_rows is not None:
                used[chunk.old_rows[1]] = True
        vocab_set.update(previous.vocab[i] for i in np.flatnonzero(used).tolist())
    vocab = sorted(vocab_set)
    term_id = {term: i for i, term in enumerate(vocab)}
    old_to_new = (
        np.array([term_id.get(t, -1) for t in previous.vocab], dtype=np.int32)
        if previous and previous.vocab
        else np.empty(0, dtype=np.int32)
    )
    terms_parts, tfs_parts, lens_parts = [], [], []
    passages = ChainedPassages([chunk.passages for chunk in chunks])
    files_json: dict[str, Any] = {}
    end = 0
    for chunk in chunks:
        start, end = end, end + len(chunk.passages)
        if chunk.old_rows is not None:
            counts, terms, tfs = chunk.old_rows
            terms_parts.append(old_to_new[terms])
            tfs_parts.append(tfs)
            lens_parts.append(counts)
        else:
            ids: list[int] = []
            tfs_list: list[int] = []
            sizes: list[int] = []
            for row in chunk.term_rows or ():
                ids.extend(map(term_id.__getitem__, row))
                tfs_list.extend(row.values())
                sizes.append(len(row))
            terms_parts.append(np.array(ids, dtype=np.int32))
            tfs_parts.append(np.array(tfs_list, dtype=np.float32))
            lens_parts.append(np.array(sizes, dtype=np.int64))
        files_json[chunk.source.source] = {
            "sha256": chunk.digest,
            "school": chunk.source.school,
            "title": chunk.title,
            "start": start,
            "end": end,
        }
    arrays = _arrays(terms_parts, tfs_parts, lens_parts, len(vocab))
    return SearchIndex(passages, vocab, arrays, params), files_json


def _arrays(
    terms_parts: list[np.ndarray],
    tfs_parts: list[np.ndarray],
    lens_parts: list[np.ndarray],
    n_terms: int,
) -> dict[str, np.ndarray]:
    doc_terms = np.concatenate(terms_parts) if terms_parts else np.empty(0, np.int32)
    doc_tfs = np.concatenate(tfs_parts) if tfs_parts else np.empty(0, np.float32)
    row_sizes = np.concatenate(lens_parts) if lens_parts else np.empty(0, np.int64)
    doc_ptr = np.zeros(len(row_sizes) + 1, dtype=np.int64)
    np.cumsum(row_sizes, out=doc_ptr[1:])
    doc_ids = np.repeat(np.arange(len(row_sizes), dtype=np.int32), row_sizes)
    order = np.argsort(doc_terms, kind="stable")
    post_ptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc_terms, minlength=n_terms), out=post_ptr[1:])
    doc_len = np.bincount(doc_ids, weights=doc_tfs, minlength=len(row_sizes)).astype(np.float32)
    return {
        "doc_ptr": doc_ptr,
        "doc_terms": doc_terms.astype(np.int32),
        "doc_tfs": doc_tfs.astype(np.float32),
        "post_ptr": post_ptr,
        "post_docs": doc_ids[order],
        "post_tfs": doc_tfs[order].astype(np.float32),
        "doc_len": doc_len,
    }


# --- the previous index, for incremental builds -----------------------------------------


@dataclass
class _Previous:
    vocab: list[str]
    files: dict[str, Any]
    passages: Sequence[Passage]
    arrays: dict[str, np.ndarray]

    def chunk(self, source: SourceFile, digest: str) -> _Chunk | None:
        entry = self.files.get(source.source)
        if not entry or entry.get("sha256") != digest:
            return None
        start, end = entry["start"], entry["end"]
        ptr = self.arrays["doc_ptr"]
        lo, hi = int(ptr[start]), int(ptr[end])
        counts = np.diff(np.asarray(ptr[start : end + 1]))
        rows = (
            counts,
            np.asarray(self.arrays["doc_terms"][lo:hi]),
            np.asarray(self.arrays["doc_tfs"][lo:hi]),
        )
        lazy = self.passages
        if isinstance(lazy, LazyPassages):
            return _Chunk(
                source,
                digest,
                PassageSlice(lazy, start, end),
                old_rows=rows,
                title=entry.get("title", ""),
                raw=lazy.raw(start, end),
            )
        return _Chunk(source, digest, lazy[start:end], old_rows=rows, title=entry.get("title", ""))


def _previous(out: Path, analyzer: Analyzer, params: BM25Params) -> _Previous | None:
    try:
        meta = read_params(out)
        if not _same_analysis(meta, analyzer):
            return None
        if meta.get("glossary_sha256") != _file_hash(GLOSSARY_PATH):
            return None
        index = SearchIndex.load(out)
        files = json.loads((out / "files.json").read_text(encoding="utf-8"))
    except (IndexLoadError, OSError, ValueError):
        return None
    return _Previous(index.vocab, files, index.passages, index.arrays)


def _save_atomically(index: SearchIndex, out: Path, extra: dict[str, Any]) -> None:
    """Write to ``.out.new``, then swap it in: a kill at any point leaves a complete index
    at ``out``, or one that :func:`repair_swap` puts back on the next start."""
    out.parent.mkdir(parents=True, exist_ok=True)
    repair_swap(out)
    staging, old = staging_paths(out)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        index.save(staging, extra)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise IndexingError(
            f"Could not write the index to {out.parent} ({error.strerror}); "
            "the previous index is unchanged. Free some disk space and run it again."
        ) from None
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _nothing_indexed(paths: list[Path], report: BuildReport) -> str:
    where = ", ".join(str(p) for p in paths)
    problems = report.failed + report.warnings  # the caller gets no report: name them here
    if problems:
        lines = "".join(f"\n  {line}" for line in problems)
        return f"No document under {where} could be indexed:{lines}"
    return f"No policy documents (PDF, Word, Markdown or text) were found under {where}."


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with os.fdopen(open_nofollow(path), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_sha(model: embedding.ModelChoice) -> str | None:
    encoder = embedding.default_encoder(model).encoder
    return encoder.sha256 if encoder else None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def index_current(
    paths: list[Path],
    out: Path,
    model: embedding.ModelChoice = embedding.ModelChoice(),  # noqa: B008 - frozen
) -> bool:
    """Whether the index in ``out`` was built from the files under ``paths`` as they are now,
    the way today's analyzer, fields and BM25 parameters would build it. The one "is the index
    current?" check (``ensure_index``, ``policybot doctor``). Raises IndexLoadError when there
    is no readable index."""
    meta = read_params(out)
    return (
        _same_analysis(meta, default_analyzer())
        and meta.get("bm25") == DEFAULT_PARAMS.to_json()
        and meta.get("corpus_hash") == corpus_fingerprint(paths)
        and (meta.get("embedding") or {}).get("sha256") == _model_sha(model)
    )


def _same_analysis(meta: dict[str, Any], analyzer: Analyzer) -> bool:
    """The saved terms were made as ``analyzer`` and today's fields make them."""
    return (
        meta.get("analyzer") == analyzer.settings()
        and meta.get("fields") == DEFAULT_FIELDS.to_json()
    )


def ensure_index(
    paths: list[Path],
    out: Path,
    model: embedding.ModelChoice = embedding.ModelChoice(),  # noqa: B008 - frozen
) -> tuple[SearchIndex, BuildReport | None]:
    """Load the index, building or refreshing it first when it is missing or stale."""
    existing = [p for p in paths if p.exists()]
    repair_swap(out)
    if not existing:
        return SearchIndex.load(out), None
    try:
        if index_current(existing, out, model):
            return SearchIndex.load(out), None
    except IndexLoadError:
        pass
    report = build_index(existing, out, model=model)
    return SearchIndex.load(out), report
