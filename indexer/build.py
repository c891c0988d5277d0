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
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot import messages
from bot.errors import DocumentError, IndexingError, IndexLoadError
from indexer.analysis import GLOSSARY_PATH, Analyzer, default_analyzer
from indexer.clauses import DocumentInfo, segment
from indexer.corpus import School, SourceFile, discover
from indexer.index import BM25Params, SearchIndex, read_params
from indexer.model import Passage
from indexer.worker import FILE_TIMEOUT_SECONDS, LoaderCrashed, LoaderWorker

log = logging.getLogger(__name__)
DEFAULT_PARAMS = BM25Params(variant="plus", k1=1.2, b=0.9)


@dataclass(frozen=True)
class FieldWeights:
    """How many times each field's terms count towards a passage (text stays verbatim)."""

    text: int = 1
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


@dataclass
class _Chunk:
    """One source file's share of the index."""

    source: SourceFile
    digest: str
    passages: list[Passage]
    term_rows: list[Counter[str]] | None = None  # None when reused from the old index
    old_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    title: str = ""


def corpus_fingerprint(paths: list[Path]) -> str:
    """Hash of every policy file, school.toml and the glossary: changes when any does."""
    digest = hashlib.sha256(_file_hash(GLOSSARY_PATH).encode())
    schools, files = discover(paths)
    digest.update(json.dumps({k: s.to_json() for k, s in sorted(schools.items())}).encode())
    for source in files:
        digest.update(f"{source.source}\0{_file_hash(source.path)}\0".encode())
    return digest.hexdigest()


def build_index(paths: list[Path], out: Path, params: BM25Params = DEFAULT_PARAMS,
                analyzer: Analyzer | None = None,
                on_file: Callable[[str], None] | None = None,
                file_timeout: float = FILE_TIMEOUT_SECONDS) -> BuildReport:
    """Index the policy files under ``paths`` into the folder ``out``.

    Each file is read in a worker process and given at most ``file_timeout`` seconds.
    """
    started = time.perf_counter()
    analyzer = analyzer or default_analyzer()
    report = BuildReport(out=out)
    schools, files = discover(paths)
    previous = _previous(out, analyzer, params)
    with LoaderWorker(file_timeout) as worker:
        chunks = _chunks(files, schools, analyzer, previous, report, on_file, worker)
    if not any(chunk.passages for chunk in chunks):
        raise IndexingError(_nothing_indexed(paths, report))
    index, files_json = _assemble(chunks, params, previous)
    index.meta = {"analyzer": analyzer.settings(), "glossary_sha256": _file_hash(GLOSSARY_PATH),
                  "corpus_hash": corpus_fingerprint(paths), "built_at": _now(),
                  "corpus": [str(p) for p in paths]}
    _save_atomically(index, out, {"files.json": files_json,
                                  "schools.json": {k: s.to_json() for k, s in schools.items()}})
    report.documents = sum(1 for chunk in chunks if chunk.passages)
    report.passages = len(index.passages)
    report.seconds = time.perf_counter() - started
    return report


def _chunks(files: list[SourceFile], schools: dict[str, School], analyzer: Analyzer,
            previous: _Previous | None, report: BuildReport,
            on_file: Callable[[str], None] | None, worker: LoaderWorker) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    seen: dict[str, str] = {}
    for source in files:
        if on_file:
            on_file(source.source)
        try:
            digest = _file_hash(source.path)
        except OSError:
            report.failed.append(f"{source.source}: {messages.DOC_UNREADABLE}")
            continue
        if digest in seen:
            report.warnings.append(f"{source.source}: a copy of {seen[digest]}; indexed once.")
            continue
        reused = previous.chunk(source, digest) if previous else None
        if reused is not None:
            report.reused += 1
        else:
            reused = _parse(source, digest, schools[source.school], analyzer, report, worker)
            report.parsed += reused is not None
        if reused is not None:  # a copy of a file that failed gets its own line, not "a copy"
            seen[digest] = source.source
            chunks.append(reused)
    return chunks


def _parse(source: SourceFile, digest: str, school: School, analyzer: Analyzer,
           report: BuildReport, worker: LoaderWorker) -> _Chunk | None:
    try:
        loaded = worker.load(source.path)
    except DocumentError as error:
        report.failed.append(f"{source.source}: {error.problem}")
        return None
    except Exception as error:  # a loader bug must not stop the other files
        why = str(error) if isinstance(error, LoaderCrashed) else type(error).__name__
        log.error("loader failed on a file (source id %s): %s", digest[:12], why)
        report.failed.append(f"{source.source}: could not be read; check it opens, then re-save it.")
        return None
    report.warnings.extend(loaded.warnings)
    meta = school.documents.get(source.path.name, {})
    title = meta.get("title") or _title(loaded.title, source.path)
    info = DocumentInfo(school=school.slug, title=title, source=source.source,
                        review_date=meta.get("review_date") or loaded.review_date)
    passages = segment(loaded.blocks, info)
    if not passages and not loaded.warnings:
        report.warnings.append(f"{source.source}: no clauses found; is it a policy document?")
    rows = [Counter(passage_terms(p, analyzer)) for p in passages]
    return _Chunk(source, digest, passages, term_rows=rows, title=title)


def passage_terms(passage: Passage, analyzer: Analyzer,
                  fields: FieldWeights = DEFAULT_FIELDS) -> list[str]:
    """What a passage is found by: its words, its lead-in and its section headings."""
    terms = analyzer.tokens(passage.text) * fields.text
    if passage.context:
        terms += analyzer.tokens(passage.context) * fields.context
    if passage.section:
        terms += analyzer.tokens(passage.section) * fields.section
    return terms


def index_from_passages(passages: list[Passage], analyzer: Analyzer | None = None,
                        params: BM25Params = DEFAULT_PARAMS,
                        fields: FieldWeights = DEFAULT_FIELDS) -> SearchIndex:
    """An in-memory index over ready-made passages (benchmarks, tuning, tests)."""
    analyzer = analyzer or default_analyzer()
    source = SourceFile(Path("."), "", "")
    rows = [Counter(passage_terms(p, analyzer, fields)) for p in passages]
    index, _ = _assemble([_Chunk(source, "", passages, term_rows=rows)], params, None)
    return index


def _title(found: str | None, path: Path) -> str:
    if found and 3 <= len(found) <= 120:
        return found.title() if found.isupper() else found
    return path.stem.replace("-", " ").replace("_", " ").capitalize()


# --- assembling arrays ---------------------------------------------------------------------


def _assemble(chunks: list[_Chunk], params: BM25Params,
              previous: _Previous | None) -> tuple[SearchIndex, dict[str, Any]]:
    vocab_set: set[str] = set()
    for chunk in chunks:
        for row in chunk.term_rows or ():
            vocab_set.update(row)
        if chunk.old_rows is not None and previous is not None:
            vocab_set.update(previous.vocab[int(i)] for i in np.unique(chunk.old_rows[1]))
    vocab = sorted(vocab_set)
    term_id = {term: i for i, term in enumerate(vocab)}
    old_to_new = (np.array([term_id.get(t, -1) for t in previous.vocab], dtype=np.int32)
                  if previous and previous.vocab else np.empty(0, dtype=np.int32))
    terms_parts, tfs_parts, lens_parts = [], [], []
    passages: list[Passage] = []
    files_json: dict[str, Any] = {}
    for chunk in chunks:
        start = len(passages)
        passages.extend(chunk.passages)
        if chunk.old_rows is not None:
            counts, terms, tfs = chunk.old_rows
            terms_parts.append(old_to_new[terms])
            tfs_parts.append(tfs)
            lens_parts.append(counts)
        else:
            for row in chunk.term_rows or ():
                ids = np.array([term_id[t] for t in row], dtype=np.int32)
                order = np.argsort(ids)
                terms_parts.append(ids[order])
                tfs_parts.append(np.array(list(row.values()), dtype=np.float32)[order])
                lens_parts.append(np.array([len(row)], dtype=np.int64))
        files_json[chunk.source.source] = {
            "sha256": chunk.digest, "school": chunk.source.school, "title": chunk.title,
            "start": start, "end": len(passages),
        }
    arrays = _arrays(terms_parts, tfs_parts, lens_parts, len(vocab))
    return SearchIndex(passages, vocab, arrays, params), files_json


def _arrays(terms_parts: list[np.ndarray], tfs_parts: list[np.ndarray],
            lens_parts: list[np.ndarray], n_terms: int) -> dict[str, np.ndarray]:
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
    return {"doc_ptr": doc_ptr, "doc_terms": doc_terms.astype(np.int32),
            "doc_tfs": doc_tfs.astype(np.float32), "post_ptr": post_ptr,
            "post_docs": doc_ids[order], "post_tfs": doc_tfs[order].astype(np.float32),
            "doc_len": doc_len}


# --- the previous index, for incremental builds -----------------------------------------


@dataclass
class _Previous:
    vocab: list[str]
    files: dict[str, Any]
    passages: list[Passage]
    arrays: dict[str, np.ndarray]

    def chunk(self, source: SourceFile, digest: str) -> _Chunk | None:
        entry = self.files.get(source.source)
        if not entry or entry.get("sha256") != digest:
            return None
        start, end = entry["start"], entry["end"]
        ptr = self.arrays["doc_ptr"]
        lo, hi = int(ptr[start]), int(ptr[end])
        counts = np.diff(np.asarray(ptr[start : end + 1]))
        rows = (counts, np.asarray(self.arrays["doc_terms"][lo:hi]),
                np.asarray(self.arrays["doc_tfs"][lo:hi]))
        return _Chunk(source, digest, self.passages[start:end], old_rows=rows,
                      title=entry.get("title", ""))


def _previous(out: Path, analyzer: Analyzer, params: BM25Params) -> _Previous | None:
    try:
        meta = read_params(out)
        if meta.get("analyzer") != analyzer.settings():
            return None
        if meta.get("glossary_sha256") != _file_hash(GLOSSARY_PATH):
            return None
        index = SearchIndex.load(out)
        files = json.loads((out / "files.json").read_text(encoding="utf-8"))
    except (IndexLoadError, OSError, ValueError):
        return None
    return _Previous(index.vocab, files, index.passages, index.arrays)


def _save_atomically(index: SearchIndex, out: Path, extra: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.new")
    old = out.with_name(f".{out.name}.old")
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
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def ensure_index(paths: list[Path], out: Path) -> tuple[SearchIndex, BuildReport | None]:
    """Load the index, building or refreshing it first when it is missing or stale."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return SearchIndex.load(out), None
    try:
        if read_params(out).get("corpus_hash") == corpus_fingerprint(existing):
            return SearchIndex.load(out), None
    except IndexLoadError:
        pass
    report = build_index(existing, out)
    return SearchIndex.load(out), report
