"""A school's own policy files and its index, under the data directory, shared by every worker.

    data/schools/<slug>/files/<slug>/<file>   the documents (sent by DM, fetched from a page)
    data/schools/<slug>/index/                that school's index (indexer.build, incremental)

    library = SchoolLibrary(SchoolDocs(store), data_dir)
    report = library.add("kite", [Incoming("policy.pdf", data)], added_by="U123")
    report.indexed   # DocumentRow each: title, clauses, review date
    report.problems  # (file name, sentence) for each file that could not be read
    library.remove("kite", "policy.pdf")

A build takes the school's lease in the database (two workers never build one school at
once), runs the indexer's hardened loaders in its parse worker processes (time and memory
limits per file), and ends with one more index version: every worker reloads that school on
its next question (:mod:`bot.policies.answers`). Callers run it off the event loop
(``asyncio.to_thread``). A file that cannot be read is never kept; a new version of a file
that cannot be read leaves the old one in place. No file content is logged.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import messages
from bot.errors import ConfigError
from bot.store.school_docs import DocumentRow, SchoolDocs
from indexer.build import BuildReport, build_index
from indexer.embedding import ModelChoice
from indexer.errors import IndexingError, IndexLoadError
from indexer.index import SearchIndex
from indexer.loaders import SUPPORTED_SUFFIXES
from indexer.worker import PARSE_MEMORY_MB

log = logging.getLogger(__name__)
MAX_FILE_MB = 20  # per file sent or fetched; the largest real policy measured is ~6 MB
MAX_FILES_PER_MESSAGE = 10
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


@dataclass(frozen=True)
class Incoming:
    """One file to add: its name as sent, its bytes, and where it came from."""

    name: str
    data: bytes
    source: str = "upload"  # upload | url
    source_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    source_id: int | None = None


@dataclass
class AddReport:
    indexed: list[DocumentRow] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, sentence)


def check_slug(slug: str) -> str:
    """``slug`` when it is safe as one folder name, else ConfigError."""
    if not _SLUG.match(slug or "") or ".." in slug:
        raise ConfigError(f"{slug!r} is not a school name policybot can use (letters, digits, -).")
    return slug


def safe_name(name: str) -> str:
    """The file name to store: no folders, no leading dot, only plain characters."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    stem, dot, suffix = base.rpartition(".")
    stem = _UNSAFE.sub("-", stem if dot else base).strip(" .-")[:100] or "policy"
    return f"{stem}.{suffix.lower()}" if dot and suffix.isalnum() else stem


def file_problem(name: str, size: int, limit_mb: int = MAX_FILE_MB) -> str | None:
    """Why a file will not be read, before a byte of it is: its type or its size."""
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        return messages.UPLOAD_WRONG_TYPE
    if size > limit_mb * 1_000_000:
        return messages.UPLOAD_TOO_BIG.format(limit=limit_mb)
    return None


class SchoolLibrary:
    def __init__(
        self,
        docs: SchoolDocs,
        data_dir: Path,
        parse_memory_mb: int = PARSE_MEMORY_MB,
        owner: str | None = None,
        lease_wait: float = 900.0,
        max_file_mb: int = MAX_FILE_MB,
        model: ModelChoice = ModelChoice(),  # noqa: B008 - frozen
    ) -> None:
        self.docs = docs
        self.model = model  # the embedding model (POLICYBOT_EMBEDDING_MODEL), from serve
        self.data_dir = Path(data_dir)
        self.parse_memory_mb = parse_memory_mb
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.lease_wait = lease_wait
        self.max_file_mb = max_file_mb
        self.on_change: list[Callable[[str], None]] = []  # told the school after each build

    # --- where things are -----------------------------------------------------------------

    def root(self, slug: str) -> Path:
        return self.data_dir / "schools" / check_slug(slug)

    def index_dir(self, slug: str) -> Path:
        return self.root(slug) / "index"

    def files_dir(self, slug: str) -> Path:
        return self.root(slug) / "files" / slug

    # --- adding, removing -----------------------------------------------------------------

    def add(
        self,
        slug: str,
        incoming: list[Incoming],
        added_by: str | None = None,
        replace: str | None = None,
    ) -> AddReport:
        """Store and index ``incoming`` for ``slug``; ``replace``: a file name whose document
        the (first) new file takes the place of, once it has been read."""
        report = AddReport()
        folder = self.files_dir(slug)
        folder.mkdir(parents=True, exist_ok=True)
        written: dict[str, Incoming] = {}
        backups: dict[str, Path] = {}
        for item in incoming:
            name = safe_name(item.name)
            problem = file_problem(name, len(item.data), self.max_file_mb)
            if problem is not None:
                report.problems.append((item.name, problem))
                continue
            target = folder / name
            if target.exists() and name not in backups:
                backups[name] = target.with_name(f".{name}.previous")
                os.replace(target, backups[name])
            _write(target, item.data)
            written[name] = item
        if not written:
            return report
        built = self._build_reporting(slug, written, report)
        for name in written:
            problem = built.get(name)
            if problem is not None:
                report.problems.append((written[name].name, problem))
                (folder / name).unlink(missing_ok=True)
                if name in backups:
                    os.replace(backups.pop(name), folder / name)
        for backup in backups.values():
            backup.unlink(missing_ok=True)
        ok = [name for name in written if built.get(name) is None]
        if len(ok) < len(written):
            self.rebuild(slug)  # without the files that failed (an old version restored)
        rows = self._rows(slug, ok, written, added_by)
        if replace and ok and replace not in ok:
            self._forget(slug, replace)
            self.rebuild(slug)
        report.indexed = rows
        return report

    def remove(self, slug: str, file_name: str) -> bool:
        """Remove one document (file, row and its clauses); False when it was not there."""
        if not self._forget(slug, file_name):
            return False
        self.rebuild(slug)
        return True

    def purge(self, slug: str) -> int:
        """Remove everything the school added: documents, web sources, files and index (an
        uninstalled school's data, under its retention rule); how many documents went."""
        docs = self.docs.documents(slug)
        for doc in docs:
            self.docs.remove_document(slug, doc.file_name)
        for source in self.docs.sources(slug):
            self.docs.remove_source(slug, source.url)
        shutil.rmtree(self.root(slug) / "files", ignore_errors=True)
        self.rebuild(slug)  # no files: the index goes, one more version (workers let go)
        return len(docs)

    def forget(self, slug: str, file_name: str) -> bool:
        """Remove one document's file and row without rebuilding (call :meth:`rebuild`)."""
        return self._forget(slug, file_name)

    def _forget(self, slug: str, file_name: str) -> bool:
        path = self.files_dir(slug) / safe_name(file_name)
        existed = path.exists()
        path.unlink(missing_ok=True)
        return self.docs.remove_document(slug, file_name) or existed

    def documents(self, slug: str) -> list[DocumentRow]:
        return self.docs.documents(slug)

    # --- building -------------------------------------------------------------------------

    def rebuild(self, slug: str) -> BuildReport | None:
        """Build the school's index from its files, under the school's lease; one more
        version. None when the school has no files left (its index is removed)."""
        token = self._lease(slug)
        built = False
        try:
            files = [p for p in self.files_dir(slug).glob("*") if not p.name.startswith(".")]
            if not files:
                shutil.rmtree(self.index_dir(slug), ignore_errors=True)
                built = True
                return None
            report = build_index(
                [self.root(slug) / "files"],
                self.index_dir(slug),
                parse_memory_mb=self.parse_memory_mb,
                model=self.model,
            )
            built = True
            log.info(
                "school %s indexed: %d documents, %d clauses, %d parsed, %d reused",
                slug,
                report.documents,
                report.passages,
                report.parsed,
                report.reused,
            )
            return report
        finally:
            self.docs.finish_build(slug, token, built=built)
            for listener in self.on_change:
                listener(slug)

    def _lease(self, slug: str) -> str:
        deadline = time.monotonic() + self.lease_wait
        while True:
            token = self.docs.take_lease(slug, self.owner, seconds=self.lease_wait)
            if token is not None:
                return token
            if time.monotonic() > deadline:
                raise IndexingError(messages.UPLOAD_FAILED_ALL)
            time.sleep(0.2)

    def _build_reporting(
        self, slug: str, written: dict[str, Incoming], report: AddReport
    ) -> dict[str, str | None]:
        """Build; for each written file, None when it was indexed, else the sentence why not."""
        try:
            build = self.rebuild(slug)
            lines = [*(build.failed if build else []), *(build.warnings if build else [])]
        except IndexingError as error:  # nothing in the school's folder could be read
            lines = [line.strip() for line in str(error).splitlines()[1:]]
            if not lines:
                lines = [f"{slug}/{name}: {error}" for name in written]
        indexed = self._indexed(slug)
        outcome: dict[str, str | None] = {}
        for name in written:
            mine = [line.split(": ", 1)[-1] for line in lines if line.startswith(f"{slug}/{name}:")]
            entry = indexed.get(name)
            if entry is not None and entry["end"] > entry["start"]:
                outcome[name] = None
            else:
                outcome[name] = mine[0] if mine else messages.UPLOAD_DOWNLOAD_FAILED
        return outcome

    def _indexed(self, slug: str) -> dict[str, dict[str, Any]]:
        """file name -> its entry in the index's files.json (sha256, title, start, end)."""
        try:
            data = json.loads((self.index_dir(slug) / "files.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        prefix = f"{slug}/"
        return {k.removeprefix(prefix): v for k, v in data.items() if k.startswith(prefix)}

    def _rows(
        self, slug: str, names: list[str], written: dict[str, Incoming], added_by: str | None
    ) -> list[DocumentRow]:
        if not names:
            return []
        indexed = self._indexed(slug)
        try:
            passages = SearchIndex.load(self.index_dir(slug)).passages
        except IndexLoadError:
            return []
        rows = []
        for name in names:
            entry, item = indexed[name], written[name]
            start, end = int(entry["start"]), int(entry["end"])
            row = DocumentRow(
                school=slug,
                file_name=name,
                title=str(entry.get("title") or name),
                clauses=end - start,
                sha256=str(entry["sha256"]),
                source=item.source,
                added_at=self.docs.store.clock(),
                review_date=passages[start].review_date if end > start else None,
                source_url=item.source_url,
                source_id=item.source_id,
                etag=item.etag,
                last_modified=item.last_modified,
                added_by=added_by,
            )
            self.docs.save_document(row)
            rows.append(row)
        return rows


def clause_count(count: int) -> str:
    return messages.CLAUSES_ONE if count == 1 else messages.CLAUSES_MANY.format(count=count)


def report_text(
    report: AddReport,
    school: str,
    escape: Callable[[str], str] = str,
    bold: Callable[[str], str] = str,
) -> str:
    """What was indexed (title, clauses, review date), then one line per file not read."""
    lines: list[str] = []
    if report.indexed:
        lines.append(bold(messages.UPLOAD_INDEXED_HEAD.format(school=school)))
        for row in report.indexed:
            review = (
                messages.UPLOAD_REVIEW.format(review=row.review_date) if row.review_date else ""
            )
            title = escape(row.title)
            lines.append(
                messages.UPLOAD_INDEXED_LINE.format(
                    title=title, clauses=clause_count(row.clauses), review=review
                )
            )
    else:
        lines.append(messages.UPLOAD_NOTHING)
    if report.problems:
        lines.append(bold(messages.UPLOAD_FAILED_HEAD))
        for name, problem in report.problems:
            lines.append(messages.UPLOAD_FAILED_LINE.format(name=escape(name), problem=problem))
    return "\n".join(lines)


def _write(target: Path, data: bytes) -> None:
    """Write whole or not at all (a hidden part file, renamed): a build never reads half."""
    part = target.with_name(f".{target.name}.part")
    with open(part, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, target)
