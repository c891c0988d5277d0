"""Answers from each school's own index, loaded on first use, reloaded when its version
changes, and at most ``max_loaded`` schools in memory at once (least recently used first out).

    answers = SchoolAnswers(base, docs, data_dir, max_loaded=50)
    answers.answer("can I follow an ex-pupil?", "kite-college")

A school with an index of its own (policies sent by DM or fetched from its website: a version
above 0 in the database) is answered from that index only; any other school from ``base``,
the single corpus index (``POLICYBOT_CORPUS``), limited to that school's passages as before.
Versions are read from the database at most every ``check_seconds`` (one small query for all
schools), so a rebuild by another worker is picked up within that time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bot.answering.answerer import Answerer, load_schools
from bot.answering.model import Answer
from bot.errors import StoreError
from bot.store.school_docs import SchoolDocs
from indexer.corpus import School
from indexer.errors import IndexLoadError
from indexer.index import SearchIndex

log = logging.getLogger(__name__)
DEFAULT_MAX_LOADED = 50  # POLICYBOT_MAX_LOADED_SCHOOLS
CHECK_SECONDS = 5.0


class SchoolAnswers:
    def __init__(
        self,
        base: Any,
        docs: SchoolDocs,
        data_dir: Path,
        max_loaded: int = DEFAULT_MAX_LOADED,
        check_seconds: float = CHECK_SECONDS,
        encoder: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base = base
        self.docs = docs
        self.data_dir = Path(data_dir)
        self.max_loaded = max(1, max_loaded)
        self.check_seconds = check_seconds
        self.encoder = encoder
        self.clock = clock
        self.loads = 0  # how many times a school's index was read from disk (tests, benchmark)
        self._versions: dict[str, int] = {}
        self._checked = float("-inf")
        self._loaded: OrderedDict[str, tuple[int, Answerer]] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    @property
    def schools(self) -> Mapping[str, School]:
        return getattr(self.base, "schools", {})

    @property
    def default_school(self) -> str | None:
        return getattr(self.base, "default_school", None)

    def answer(self, question: str, school: str | None = None, k: int = 3) -> Answer:
        school = school or self.default_school
        own = self.for_school(school) if school else None
        return (own or self.base).answer(question, school, k)

    def loaded(self) -> list[str]:
        """The schools in memory, least recently used first."""
        with self._lock:
            return list(self._loaded)

    def changed(self, school: str) -> None:
        """A build in this process: read the versions again on the next question."""
        with self._lock:
            self._checked = float("-inf")

    def version(self, school: str) -> int:
        """The school's index version, as the database said at most ``check_seconds`` ago."""
        now = self.clock()
        with self._lock:
            stale = now - self._checked >= self.check_seconds
        if stale:
            try:
                versions = self.docs.versions()
            except StoreError:  # answer from what was loaded; try the database again later
                log.warning("school index versions unavailable (database); using the last known")
                versions = self._versions
            with self._lock:
                self._versions, self._checked = versions, now
        with self._lock:
            return self._versions.get(school, 0)

    def for_school(self, school: str) -> Answerer | None:
        """The school's own answerer, or None when it has no index of its own."""
        version = self.version(school)
        if version <= 0:
            return None
        with self._lock:
            entry = self._loaded.get(school)
            if entry is not None and entry[0] == version:
                self._loaded.move_to_end(school)
                return entry[1]
            gate = self._loading.setdefault(school, threading.Lock())
        with gate:  # one load per school at a time; others wait and take its result
            with self._lock:
                entry = self._loaded.get(school)
                if entry is not None and entry[0] == version:
                    self._loaded.move_to_end(school)
                    return entry[1]
            answerer = self._load(school)
            with self._lock:
                if answerer is None:
                    self._loaded.pop(school, None)
                    return None
                self._loaded[school] = (version, answerer)
                self._loaded.move_to_end(school)
                while len(self._loaded) > self.max_loaded:
                    self._loaded.popitem(last=False)
            return answerer

    def _encoder(self) -> Any:
        """The embedding model (``encoder`` may be a function that loads it on first use)."""
        if callable(self.encoder) and not hasattr(self.encoder, "encode"):
            self.encoder = self.encoder()
        return self.encoder

    def _load(self, school: str) -> Answerer | None:
        folder = self.data_dir / "schools" / school / "index"
        for _ in range(3):  # a rebuild swapping the folder in this very moment: read again
            try:
                index = SearchIndex.load(folder)
                break
            except IndexLoadError:
                if not folder.exists():
                    return None
                time.sleep(0.1)
        else:
            return None
        self.loads += 1
        own = load_schools(folder)
        schools = {**own, **{k: v for k, v in self.schools.items() if k == school}}
        base = self.base
        return Answerer(
            index,
            schools,
            analyzer=getattr(base, "analyzer", None),
            classifier=getattr(base, "classifier", None),
            roles=getattr(base, "roles", None),
            default_school=school,
            encoder=self._encoder(),
            **({"tuning": base.tuning} if hasattr(base, "tuning") else {}),
        )
