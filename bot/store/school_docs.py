"""Each school's policy documents, its index version and build lease, and its web sources.

    docs = SchoolDocs(store)
    docs.save_document(DocumentRow(...))        # one row per (school, file name)
    token = docs.take_lease("kite", "worker-1") # None while another worker builds that school
    version = docs.finish_build("kite", token)  # one more version; the lease is released
    docs.version("kite")                        # 0 until the school's first build

Lease times are the database's clock (:func:`~bot.store.dialect.db_time`), so workers whose
clocks disagree still agree on who is building. No file content is stored here: the files
and the built index live under the data directory (``data/schools/<slug>/``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from bot.store import tables
from bot.store.dialect import db_time, insert_ignore, upsert
from bot.store.store import Store

D = tables.school_documents
V = tables.school_indexes
S = tables.school_sources
SOURCES = ("upload", "url", "corpus")


@dataclass(frozen=True)
class DocumentRow:
    school: str
    file_name: str
    title: str
    clauses: int
    sha256: str
    source: str  # upload | url | corpus
    added_at: datetime
    review_date: str | None = None
    source_url: str | None = None
    source_id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    added_by: str | None = None
    id: int | None = None

    def but(self, **changes: object) -> DocumentRow:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SourceRow:
    id: int
    school: str
    url: str
    added_at: datetime
    added_by: str | None
    checked_at: datetime | None


class SchoolDocs:
    """The rows of migration 0007 over one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- documents ------------------------------------------------------------------------

    def documents(self, school: str) -> list[DocumentRow]:
        """The school's documents, most recently added first."""
        stmt = select(D).where(D.c.school == school).order_by(D.c.added_at.desc(), D.c.id.desc())
        with self.store.reading() as conn:
            return [_document(row) for row in conn.execute(stmt).mappings()]

    def document(self, school: str, file_name: str) -> DocumentRow | None:
        stmt = select(D).where(D.c.school == school, D.c.file_name == file_name)
        with self.store.reading() as conn:
            row = conn.execute(stmt).mappings().first()
        return None if row is None else _document(row)

    def document_by_id(self, doc_id: int) -> DocumentRow | None:
        with self.store.reading() as conn:
            row = conn.execute(select(D).where(D.c.id == doc_id)).mappings().first()
        return None if row is None else _document(row)

    def save_document(self, doc: DocumentRow) -> None:
        """Insert the row, or replace the one with the same school and file name."""
        values = {k: v for k, v in doc.__dict__.items() if k != "id"}
        with self.store.transaction() as conn:
            stmt = upsert(conn, D).values(**values)
            keep = {"added_at", "school", "file_name"}
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[D.c.school, D.c.file_name],
                    set_={k: stmt.excluded[k] for k in values if k not in keep}
                    | {"added_at": stmt.excluded.added_at},
                )
            )

    def remove_document(self, school: str, file_name: str) -> bool:
        with self.store.transaction() as conn:
            gone = conn.execute(delete(D).where(D.c.school == school, D.c.file_name == file_name))
            return gone.rowcount > 0

    # --- the index version and its build lease --------------------------------------------

    def version(self, school: str) -> int:
        """The school's index version: 0 until its first build, one more per rebuild."""
        with self.store.reading() as conn:
            found = conn.execute(select(V.c.version).where(V.c.school == school)).scalar()
        return int(found or 0)

    def versions(self) -> dict[str, int]:
        with self.store.reading() as conn:
            return {row.school: int(row.version) for row in conn.execute(select(V))}

    def take_lease(self, school: str, owner: str, seconds: float = 900.0) -> str | None:
        """A token when this worker may build ``school`` now; None while another holds the
        lease (a lease left by a killed worker ends after ``seconds``)."""
        token = uuid.uuid4().hex
        with self.store.transaction() as conn:
            insert_ignore(conn, V, {"school": school, "version": 0}, V.c.school)
            taken = conn.execute(
                update(V)
                .where(
                    V.c.school == school,
                    or_(V.c.lease_until.is_(None), V.c.lease_until < db_time(conn)),
                )
                .values(lease_owner=owner, lease_token=token, lease_until=db_time(conn, seconds))
            )
            return token if taken.rowcount == 1 else None

    def finish_build(self, school: str, token: str, built: bool = True) -> int:
        """Release the lease; when ``built``, one more version (workers reload on it)."""
        with self.store.transaction() as conn:
            values: dict[str, object] = {
                "lease_owner": None,
                "lease_token": None,
                "lease_until": None,
            }
            if built:
                values |= {"version": V.c.version + 1, "built_at": self.store.clock()}
            conn.execute(
                update(V).where(V.c.school == school, V.c.lease_token == token).values(**values)
            )
            return int(conn.execute(select(V.c.version).where(V.c.school == school)).scalar() or 0)

    # --- web sources ----------------------------------------------------------------------

    def add_source(self, school: str, url: str, added_by: str | None = None) -> bool:
        """False when the school already has this URL."""
        values = {
            "school": school,
            "url": url,
            "added_at": self.store.clock(),
            "added_by": added_by,
        }
        with self.store.transaction() as conn:
            return insert_ignore(conn, S, values, S.c.id)

    def sources(self, school: str | None = None) -> list[SourceRow]:
        stmt = select(S).order_by(S.c.school, S.c.id)
        if school:
            stmt = stmt.where(S.c.school == school)
        with self.store.reading() as conn:
            return [SourceRow(**dict(row)) for row in conn.execute(stmt).mappings()]

    def remove_source(self, school: str, url: str) -> bool:
        with self.store.transaction() as conn:
            return conn.execute(delete(S).where(S.c.school == school, S.c.url == url)).rowcount > 0

    def mark_checked(self, source_id: int) -> None:
        with self.store.transaction() as conn:
            conn.execute(update(S).where(S.c.id == source_id).values(checked_at=db_time(conn)))

    def claim_due(self, source_id: int, older_than_seconds: float) -> bool:
        """True for the one worker that marks the source checked now, when it was last
        checked more than ``older_than_seconds`` ago (or never): that worker re-checks it."""
        with self.store.transaction() as conn:
            due = or_(S.c.checked_at.is_(None), S.c.checked_at < db_time(conn, -older_than_seconds))
            claimed = conn.execute(
                update(S).where(S.c.id == source_id, due).values(checked_at=db_time(conn))
            )
            return claimed.rowcount == 1

    def source_documents(self, source_id: int) -> list[DocumentRow]:
        with self.store.reading() as conn:
            rows = conn.execute(select(D).where(D.c.source_id == source_id)).mappings()
            return [_document(row) for row in rows]


def _document(row: object) -> DocumentRow:
    return DocumentRow(**dict(row))  # type: ignore[call-overload]
