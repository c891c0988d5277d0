"""Per-school libraries: files in, each school's own index built once and versioned in the
database, loaded by every worker on first use and reloaded when the version changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot.answering.answerer import Answerer
from bot.errors import StoreError
from bot.policies.answers import SchoolAnswers
from bot.policies.library import Incoming, SchoolLibrary, safe_name
from bot.store import Store
from bot.store.school_docs import SchoolDocs
from indexer.build import index_from_passages
from tests.builders import make_passage, make_pdf
from tests.hardening.hostile_docs import docx_bomb
from tests.policies.docs import (
    LUNCH_CLAUSE,
    PHONE_CLAUSE,
    UNIFORM_CLAUSE,
    docx_file_bytes,
    pdf_bytes,
)


@pytest.fixture
def base() -> Answerer:
    """The single-corpus index: one clause of an unrelated school."""
    passage = make_passage("Visitors sign in at reception.", school="corpus-school")
    return Answerer(index_from_passages([passage]), {})


@pytest.fixture
def library(store: Store, tmp_path: Path) -> SchoolLibrary:
    return SchoolLibrary(SchoolDocs(store), tmp_path / "data", lease_wait=5)


def test_a_pdf_and_a_word_file_are_indexed_and_answered(library, base, tmp_path):
    pdf = pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE])
    word = docx_file_bytes(tmp_path, "Lunch Policy", [LUNCH_CLAUSE])
    report = library.add(
        "north", [Incoming("Mobile phones.pdf", pdf), Incoming("lunch.docx", word)], "U1"
    )
    assert report.problems == []
    titles = {row.title: row for row in report.indexed}
    assert set(titles) == {"Mobile Phone Policy", "Lunch Policy"}
    assert titles["Mobile Phone Policy"].review_date == "September 2027"
    assert all(row.clauses >= 1 and row.added_by == "U1" for row in report.indexed)
    assert [d.title for d in library.documents("north")] != []
    answers = SchoolAnswers(base, library.docs, library.data_dir)
    answer = answers.answer("can I photograph pupils on my personal phone?", "north")
    assert answer.answered and answer.hits[0].passage.text.endswith(PHONE_CLAUSE)
    assert answers.answer("can pupils bring nuts in a packed lunch?", "north").answered


def test_unreadable_files_get_one_line_each_and_are_not_kept(library, tmp_path):
    good = pdf_bytes(tmp_path, "Uniform Policy", [UNIFORM_CLAUSE])
    report = library.add(
        "north",
        [
            Incoming("uniform.pdf", good),
            Incoming("broken.pdf", b"%PDF-1.7 not really a pdf"),
            Incoming("photo.png", b"\x89PNG"),
        ],
    )
    assert [row.file_name for row in report.indexed] == ["uniform.pdf"]
    assert [name for name, _ in report.problems] == ["photo.png", "broken.pdf"]
    assert not (library.files_dir("north") / "broken.pdf").exists()


def test_two_schools_never_mix(library, base, tmp_path):
    library.add("north", [Incoming("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))])
    library.add("south", [Incoming("lunch.pdf", pdf_bytes(tmp_path, "Lunch", [LUNCH_CLAUSE]))])
    answers = SchoolAnswers(base, library.docs, library.data_dir)
    south = answers.answer("can I photograph pupils on my personal phone?", "south")
    assert all(hit.passage.school == "south" for hit in south.hits)
    assert not any(PHONE_CLAUSE in hit.passage.text for hit in south.hits)
    other = answers.answer("do visitors sign in at reception?", "elsewhere")
    assert not other.answered  # a school with no index of its own gets nobody else's clauses


def test_a_second_worker_reloads_when_the_version_changes(library, base, tmp_path):
    library.add("north", [Incoming("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))])
    now = [0.0]
    second = SchoolAnswers(
        base, SchoolDocs(library.docs.store), library.data_dir, clock=lambda: now[0]
    )
    assert not second.answer("can pupils bring a packed lunch with nuts?", "north").answered
    assert second.loads == 1
    version = library.docs.version("north")
    library.add(
        "north", [Incoming("lunch.docx", docx_file_bytes(tmp_path, "Lunch", [LUNCH_CLAUSE]))]
    )
    assert library.docs.version("north") > version
    second.answer("anything", "north")
    assert second.loads == 1  # the version is read again only after check_seconds
    now[0] += 10
    assert second.answer("can pupils bring a packed lunch with nuts?", "north").answered
    assert second.loads == 2


def test_removing_a_document_takes_its_clauses_out(library, base, tmp_path):
    library.add("north", [Incoming("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))])
    library.add("north", [Incoming("lunch.pdf", pdf_bytes(tmp_path, "Lunch", [LUNCH_CLAUSE]))])
    assert library.remove("north", "phones.pdf")
    answers = SchoolAnswers(base, library.docs, library.data_dir)
    answer = answers.answer("can I photograph pupils on my personal phone?", "north")
    assert not any(PHONE_CLAUSE in hit.passage.text for hit in answer.hits)
    assert [d.file_name for d in library.documents("north")] == ["lunch.pdf"]


def test_the_lru_keeps_at_most_the_bound_in_memory(library, base, tmp_path):
    for slug in ("a1", "b2", "c3"):
        library.add(slug, [Incoming("p.pdf", pdf_bytes(tmp_path, slug, [PHONE_CLAUSE]))])
    answers = SchoolAnswers(base, library.docs, library.data_dir, max_loaded=2)
    for slug in ("a1", "b2", "c3", "a1"):
        answers.answer("personal phone photographs", slug)
    assert answers.loaded() == ["c3", "a1"] and answers.loads == 4


def test_one_build_at_a_time_per_school(library):
    docs = library.docs
    token = docs.take_lease("north", "worker-1")
    assert token and docs.take_lease("north", "worker-2") is None
    assert docs.take_lease("south", "worker-2")  # another school builds meanwhile
    assert docs.finish_build("north", token) == 1
    assert docs.take_lease("north", "worker-2")


def test_file_names_are_made_safe():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\x\\.hidden.PDF") == "hidden.pdf"
    assert safe_name("Safeguarding Policy (2025).pdf") == "Safeguarding Policy (2025).pdf"


def test_an_index_loaded_before_a_rebuild_still_reads_its_own_passages(library, base, tmp_path):
    library.add("north", [Incoming("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))])
    library.add("north", [Incoming("lunch.pdf", pdf_bytes(tmp_path, "Lunch", [LUNCH_CLAUSE]))])
    old = SchoolAnswers(base, library.docs, library.data_dir).for_school("north")
    library.remove("north", "lunch.pdf")  # the folder is swapped under the loaded index
    answer = old.answer("can I photograph pupils on my personal phone?", "north")
    assert answer.answered and PHONE_CLAUSE in answer.hits[0].passage.text


def test_hostile_files_cost_only_their_own_line(library, base, tmp_path):
    good = pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE])
    report = library.add(
        "north",
        [
            Incoming("phones.pdf", good),
            Incoming("bomb.docx", docx_bomb()),
            Incoming("locked.pdf", locked_pdf(tmp_path)),
            Incoming("truncated.pdf", good[: len(good) // 2]),
        ],
    )
    assert [row.file_name for row in report.indexed] == ["phones.pdf"]
    problems = dict(report.problems)
    assert set(problems) == {"bomb.docx", "locked.pdf", "truncated.pdf"}
    assert "unprotected" in problems["locked.pdf"]
    assert sorted(p.name for p in library.files_dir("north").iterdir()) == ["phones.pdf"]
    answers = SchoolAnswers(base, library.docs, library.data_dir)
    assert answers.answer("can I photograph pupils on my personal phone?", "north").answered


def locked_pdf(tmp_path: Path) -> bytes:
    path = make_pdf(tmp_path / "locked.pdf", [["Secret policy", "1.1 Hidden."]], user_password="x")
    return path.read_bytes()


def test_two_workers_adding_to_one_school_at_once_both_end_up_indexed(library, base, tmp_path):
    import threading

    first = pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE])
    second = pdf_bytes(tmp_path, "Lunch", [LUNCH_CLAUSE])
    other = SchoolLibrary(SchoolDocs(library.docs.store), library.data_dir, owner="worker-2")
    builds: list[str] = []
    library.on_change.append(lambda slug: builds.append("worker-1"))
    other.on_change.append(lambda slug: builds.append("worker-2"))
    threads = [
        threading.Thread(target=library.add, args=("north", [Incoming("phones.pdf", first)])),
        threading.Thread(target=other.add, args=("north", [Incoming("lunch.pdf", second)])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(builds) == ["worker-1", "worker-2"]  # one build each, one after the other
    assert library.docs.version("north") == 2
    answers = SchoolAnswers(base, library.docs, library.data_dir)
    assert answers.answer("can I photograph pupils on my personal phone?", "north").answered
    assert answers.answer("can pupils bring nuts in a packed lunch?", "north").answered


def test_answers_go_on_from_loaded_indexes_while_the_database_is_down(library, base, tmp_path):
    library.add("north", [Incoming("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))])
    now = [0.0]
    answers = SchoolAnswers(base, library.docs, library.data_dir, clock=lambda: now[0])
    question = "can I photograph pupils on my personal phone?"
    assert answers.answer(question, "north").answered
    answers.docs = SchoolDocs(Store(create_engine("sqlite:////nonexistent/folder/policybot.db")))
    with pytest.raises(StoreError):
        answers.docs.versions()  # the database is unreachable
    now[0] += 60
    assert answers.answer(question, "north").answered


def test_purge_removes_everything_a_school_added(library, base, tmp_path):
    library.add("north", [Incoming("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))])
    library.add("south", [Incoming("lunch.pdf", pdf_bytes(tmp_path, "Lunch", [LUNCH_CLAUSE]))])
    library.docs.add_source("north", "https://north.example/policies")
    answers = SchoolAnswers(base, library.docs, library.data_dir, check_seconds=0)
    assert answers.answer("can I photograph pupils on my personal phone?", "north").answered
    assert library.purge("north") == 1
    assert library.documents("north") == [] and library.docs.sources("north") == []
    assert not library.index_dir("north").exists() and not library.files_dir("north").exists()
    assert not answers.answer("can I photograph pupils on my personal phone?", "north").answered
    assert [d.file_name for d in library.documents("south")] == ["lunch.pdf"]
