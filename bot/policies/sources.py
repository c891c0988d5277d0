"""A school website's policies page as a source: the PDFs and Word files it links to are
fetched and indexed for the school, and re-checked (daily by ``serve``, or ``policybot
sources refresh`` from cron).

    sources = Sources(library)
    sources.add("kite", "https://kite.example/policies")   # fetch, index, remember
    sources.refresh()                                       # every source, changed files only

A re-check asks for each file with ``If-None-Match`` (its ETag) and ``If-Modified-Since`` (its
Last-Modified): a ``304`` or the same bytes leave the document as it is; only changed files
are indexed again (one build for the page). A policy no longer linked from the page is
removed. Only http(s); links on the page's own host (or ``allow_hosts``); at most
``max_links`` files; the page and each file are size-capped and time-limited; a redirect to
anything but http(s) is refused. Links are read with the standard library's ``html.parser``.
A page that cannot be fetched changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPMessage
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bot import messages
from bot.errors import ConfigError
from bot.policies.library import Incoming, SchoolLibrary, check_slug, safe_name
from bot.store.school_docs import DocumentRow, SourceRow

log = logging.getLogger(__name__)
LINKED_SUFFIXES = (".pdf", ".docx", ".doc")
MAX_PAGE_MB = 5
TIMEOUT_SECONDS = 30.0
MAX_LINKS = 100
USER_AGENT = "policybot (school policies; +https://github.com/)"


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 (not modified)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


class FetchError(Exception):
    """A page or file that could not be fetched; the message is a short reason."""


Fetcher = Callable[[str, dict[str, str], int], Fetched]


@dataclass
class RefreshReport:
    school: str
    url: str
    fetched: int = 0  # changed (or new) and indexed
    unchanged: int = 0
    removed: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    page_error: str | None = None
    indexed: list[DocumentRow] = field(default_factory=list)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(messages.SOURCES_BAD_URL.format(url=url))
    return url


class Sources:
    def __init__(
        self,
        library: SchoolLibrary,
        fetch: Fetcher | None = None,
        allow_hosts: tuple[str, ...] = (),
        max_links: int = MAX_LINKS,
    ) -> None:
        self.library = library
        self.docs = library.docs
        self.fetch = fetch or fetch_url
        self.allow_hosts = tuple(host.lower() for host in allow_hosts)
        self.max_links = max_links

    def add(self, school: str, url: str, added_by: str | None = None) -> RefreshReport:
        """Remember ``url`` as a source of ``school`` and fetch it now."""
        check_slug(school)
        check_url(url)
        self.docs.add_source(school, url, added_by)
        return self.refresh_one(self._source(school, url))

    def remove(self, school: str, url: str) -> int | None:
        """Forget the source and the documents it brought; None when it was not a source."""
        found = [s for s in self.docs.sources(school) if s.url == url]
        if not found:
            return None
        gone = self.docs.source_documents(found[0].id)
        for doc in gone:
            self.library.forget(school, doc.file_name)
        self.docs.remove_source(school, url)
        if gone:
            self.library.rebuild(school)
        return len(gone)

    def refresh(
        self, school: str | None = None, older_than_seconds: float | None = None
    ) -> list[RefreshReport]:
        """Re-check every source (of ``school``). With ``older_than_seconds``, only those not
        checked for that long, each by one worker only (the scheduler's daily run)."""
        reports = []
        for source in self.docs.sources(school):
            if older_than_seconds is not None and not self.docs.claim_due(
                source.id, older_than_seconds
            ):
                continue
            reports.append(self.refresh_one(source))
        return reports

    def refresh_one(self, source: SourceRow) -> RefreshReport:
        report = RefreshReport(source.school, source.url)
        try:
            page = self.fetch(source.url, {}, MAX_PAGE_MB * 1_000_000)
            links = self.links(source.url, page.body)
        except FetchError as error:
            report.page_error = messages.SOURCES_PAGE_FAILED.format(reason=error)
            log.warning("source %s of %s could not be fetched: %s", source.id, source.school, error)
            return report
        known = {doc.source_url: doc for doc in self.docs.source_documents(source.id)}
        names = _file_names(links)
        incoming: list[Incoming] = []
        for link in links:
            got = self._file(link, known.get(link), names[link], source.id)
            if isinstance(got, Incoming):
                incoming.append(got)
            elif got is None:
                report.unchanged += 1
            else:
                report.problems.append(got)
        for url, doc in known.items():
            if url not in links:
                self.library.forget(source.school, doc.file_name)
                report.removed += 1
        if incoming:
            added = self.library.add(source.school, incoming, added_by=f"source:{source.id}")
            report.indexed, report.fetched = added.indexed, len(added.indexed)
            report.problems.extend(added.problems)
        elif report.removed:
            self.library.rebuild(source.school)
        self.docs.mark_checked(source.id)
        return report

    def links(self, page_url: str, html: bytes) -> list[str]:
        """The policy files the page links to: absolute http(s) URLs, page order, no repeats."""
        parser = _Links()
        parser.feed(html.decode("utf-8", errors="replace"))
        host = (urlsplit(page_url).hostname or "").lower()
        found: dict[str, None] = {}
        for href in parser.hrefs:
            url = urldefrag(urljoin(page_url, href.strip())).url
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                continue
            if (parts.hostname or "").lower() not in (host, *self.allow_hosts):
                continue
            if posixpath.splitext(unquote(parts.path))[1].lower() in LINKED_SUFFIXES:
                found[url] = None
        return list(found)[: self.max_links]

    def _file(
        self, url: str, known: DocumentRow | None, name: str, source_id: int
    ) -> Incoming | tuple[str, str] | None:
        """New bytes to index, None when unchanged, or (name, why it could not be read)."""
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        limit = self.library.max_file_mb * 1_000_000
        try:
            got = self.fetch(url, headers, limit)
        except FetchError as error:
            return name, str(error)
        if got.status == 304 and known is not None:
            return None
        if len(got.body) > limit:
            return name, messages.UPLOAD_TOO_BIG.format(limit=self.library.max_file_mb)
        if known is not None and hashlib.sha256(got.body).hexdigest() == known.sha256:
            self.docs.save_document(known.but(etag=got.etag, last_modified=got.last_modified))
            return None
        return Incoming(name, got.body, "url", url, got.etag, got.last_modified, source_id)

    def _source(self, school: str, url: str) -> SourceRow:
        return next(s for s in self.docs.sources(school) if s.url == url)


def _file_names(links: list[str]) -> dict[str, str]:
    """A file name per link: the URL's own, made unique among the page's links."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for link in links:
        name = safe_name(posixpath.basename(unquote(urlsplit(link).path)))
        if name in used:
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem}-{hashlib.sha256(link.encode()).hexdigest()[:8]}{dot}{suffix}"
        used.add(name)
        names[link] = name
    return names


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href and len(self.hrefs) < 10_000:
                self.hrefs.append(href)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> Any:
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError("redirected away from http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def fetch_url(url: str, headers: dict[str, str], limit: int) -> Fetched:
    """GET ``url`` (http(s) only) reading at most ``limit`` + 1 bytes; 304 is a result."""
    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(limit + 1)
            return Fetched(
                response.status,
                body,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(304)
        raise FetchError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or type(error).__name__
        raise FetchError(str(reason)[:100]) from None
