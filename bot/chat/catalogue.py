"""Names instead of ids on the DSL's post: a :class:`~bot.escalation.view.Catalogue` over the
loaded index. The school's name is the one its school.toml gives (``schools.json`` in the
index, as the Answerer loads it); a clause is found by its id among the index's passages.

    catalogue = IndexCatalogue(answerer)
    catalogue.school_name("kite-college")   # "Kite College"
    catalogue.quote(passage_id)             # Quoted(text, "Child Protection Policy · 4 …")

The id map is built once, on first use, from the passages file's lines (ids only: each line
starts with its id), so a DSL post never re-reads the whole index.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

from bot.answering.model import Hit
from bot.answering.presenter import citation
from bot.escalation.view import Quoted

MAX_CACHED_INDEXES = 64  # id maps kept (one per school index seen; oldest dropped)
ID_BLOCK = 10_000  # passages read at a time when building the id map
ID_PREFIX = b'{"id": "'


class IndexCatalogue:
    """Looks clauses up in the index they were answered from: a school's own index (policies
    it sent, bot.policies) when it has one, else the deployment's corpus index."""

    def __init__(self, answerer: Any) -> None:
        self.answerer = answerer
        self._positions: dict[int, tuple[Any, dict[str, int]]] = {}  # id(passages) -> ids
        self._lock = threading.Lock()

    def school_name(self, slug: str) -> str | None:
        school = (getattr(self.answerer, "schools", None) or {}).get(slug)
        return getattr(school, "name", None) or None

    def quote(self, passage_id: str) -> Quoted | None:
        for index in self._indexes(passage_id.split("/", 1)[0]):
            passages = index.passages
            at = self._ids(passages).get(passage_id)
            if at is not None:
                passage = passages[at]
                return Quoted(passage.text, citation(Hit(passage, 0.0)))
        return None  # an answerer without a loaded index knows no clauses

    def _indexes(self, school: str) -> Iterator[Any]:
        own = getattr(self.answerer, "for_school", None)
        if callable(own):
            answerer = own(school)
            if getattr(answerer, "index", None) is not None:
                yield answerer.index
        for holder in (self.answerer, getattr(self.answerer, "base", None)):
            index = getattr(holder, "index", None)
            if index is not None:
                yield index

    def _ids(self, passages: Any) -> dict[str, int]:
        with self._lock:
            kept = self._positions.get(id(passages))
            if kept is None or kept[0] is not passages:
                if len(self._positions) >= MAX_CACHED_INDEXES:
                    self._positions.pop(next(iter(self._positions)))
                kept = (passages, {key: i for i, key in enumerate(_ids_of(passages))})
                self._positions[id(passages)] = kept
            return kept[1]


def _ids_of(passages: Any) -> Iterator[str]:
    """Each passage's id in order: read from the saved lines, a block at a time, when the
    index keeps them on disk (each line starts ``{"id": "…"``), else from the passages."""
    raw = getattr(passages, "raw", None)
    if raw is None:
        yield from (str(p.id) for p in passages)
        return
    for start in range(0, len(passages), ID_BLOCK):
        for line in raw(start, min(start + ID_BLOCK, len(passages))).splitlines():
            end = line.find(b'"', len(ID_PREFIX))
            key = line[len(ID_PREFIX) : end]
            if line.startswith(ID_PREFIX) and end > 0 and b"\\" not in key:
                yield key.decode()
            else:  # an escaped id, or another layout: read the line properly
                yield str(json.loads(line)["id"])
