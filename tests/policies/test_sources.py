"""A school website's policies page as a source, refreshed against a local HTTP server: a
changed file is re-indexed, an unchanged one is not (304), and a file no longer on the page
is removed from the school's index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.answerer import Answerer
from bot.errors import ConfigError
from bot.policies.answers import SchoolAnswers
from bot.policies.library import SchoolLibrary
from bot.policies.sources import Sources
from bot.store import Store
from bot.store.school_docs import SchoolDocs
from indexer.build import index_from_passages
from tests.builders import make_passage
from tests.fakes.policy_site import PolicySite
from tests.policies.docs import (
    LUNCH_CLAUSE,
    PHONE_CLAUSE,
    UNIFORM_CLAUSE,
    docx_file_bytes,
    pdf_bytes,
)


@pytest.fixture
def site() -> Iterator[PolicySite]:
    with PolicySite() as running:
        yield running


@pytest.fixture
def sources(store: Store, tmp_path: Path) -> Sources:
    return Sources(SchoolLibrary(SchoolDocs(store), tmp_path / "data", lease_wait=5))


def answers(sources: Sources) -> SchoolAnswers:
    base = Answerer(index_from_passages([make_passage("Visitors sign in.", school="x")]), {})
    return SchoolAnswers(base, sources.docs, sources.library.data_dir, check_seconds=0)


def test_a_page_s_files_are_indexed_and_refreshed_by_etag(sources, site, tmp_path):
    site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
    site.put("/docs/Lunch%20Policy.docx", docx_file_bytes(tmp_path, "Lunch Policy", [LUNCH_CLAUSE]))
    site.put("/docs/uniform.pdf", pdf_bytes(tmp_path, "Uniform Policy", [UNIFORM_CLAUSE]))
    site.extra_links = ["https://elsewhere.example/other.pdf", "mailto:office@example", "/about"]
    first = sources.add("north", site.page)
    assert first.page_error is None and first.problems == []
    assert first.fetched == 3 and not any("elsewhere" in path for path, _ in site.requests)
    docs = {d.file_name: d for d in sources.docs.documents("north")}
    assert set(docs) == {"phones.pdf", "Lunch Policy.docx", "uniform.pdf"}
    assert all(d.source == "url" and d.etag for d in docs.values())
    assert answers(sources).answer("can I photograph pupils on my phone?", "north").answered
    version = sources.docs.version("north")

    # the phone policy changes, the uniform policy leaves the page, lunch stays as it was
    new_clause = "Staff may use a school camera, never a personal phone, to photograph pupils."
    site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [new_clause]))
    site.unlink("/docs/uniform.pdf")
    (report,) = sources.refresh("north")
    assert (report.fetched, report.unchanged, report.removed) == (1, 1, 1)
    assert site.statuses("/docs/Lunch%20Policy.docx") == [200, 304]  # the 304 path
    after = {d.file_name: d for d in sources.docs.documents("north")}
    assert set(after) == {"phones.pdf", "Lunch Policy.docx"}
    assert after["Lunch Policy.docx"].sha256 == docs["Lunch Policy.docx"].sha256
    assert after["phones.pdf"].sha256 != docs["phones.pdf"].sha256
    assert sources.docs.version("north") == version + 1  # one build for the page
    fresh = answers(sources)
    assert (
        new_clause
        in fresh.answer("can I use a school camera for photos of pupils?", "north")
        .hits[0]
        .passage.text
    )
    uniform = fresh.answer("what colour jumper do pupils wear?", "north")
    assert not any(UNIFORM_CLAUSE in hit.passage.text for hit in uniform.hits)

    (quiet,) = sources.refresh("north")  # nothing changed: nothing rebuilt
    assert (quiet.fetched, quiet.unchanged, quiet.removed) == (0, 2, 0)
    assert sources.docs.version("north") == version + 1


def test_a_page_that_cannot_be_fetched_changes_nothing(sources, site, tmp_path):
    site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
    sources.add("north", site.page)
    sources.docs.remove_source("north", site.page)
    sources.docs.add_source("north", f"{site.base}/gone")
    (report,) = sources.refresh("north")
    assert report.page_error and "HTTP 404" in report.page_error
    assert [d.file_name for d in sources.docs.documents("north")] == ["phones.pdf"]


def test_removing_a_source_removes_its_documents(sources, site, tmp_path):
    site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
    sources.add("north", site.page)
    assert sources.remove("north", site.page) == 1
    assert sources.docs.documents("north") == [] and sources.docs.sources() == []
    assert sources.remove("north", site.page) is None


def test_the_daily_run_checks_each_source_once_across_workers(sources, site, tmp_path, clock):
    site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
    sources.add("north", site.page)
    other_worker = Sources(SchoolLibrary(SchoolDocs(sources.docs.store), sources.library.data_dir))
    assert sources.refresh(older_than_seconds=86_400) == []  # just checked
    clock.advance(hours=25)
    assert len(sources.refresh(older_than_seconds=86_400)) == 1
    assert other_worker.refresh(older_than_seconds=86_400) == []


def test_only_http_addresses_are_sources(sources):
    for url in ("file:///etc/passwd", "ftp://example.org/p", "javascript:alert(1)"):
        with pytest.raises(ConfigError):
            sources.add("north", url)
