"""Building an index from a corpus folder: incremental, bad files, duplicates, safe swap."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from bot.errors import IndexingError
from indexer.analysis import default_analyzer
from indexer.build import build_index, ensure_index
from indexer.index import SearchIndex
from tests.builders import make_image_pdf

pytestmark = pytest.mark.usefixtures("isolated_env")

OAK = """\
OAK PRIMARY SOCIAL MEDIA POLICY

1 Staff conduct

1.1 Staff must not follow pupils on social media.

1.2 Staff must not post photographs of pupils on personal accounts.

1.3 Staff must report any contact from a pupil to the DSL.

Review Date: September 2030
"""
ELM = """\
ELM ACADEMY ONLINE SAFETY POLICY

Staff must:
- keep their passwords private and secure;
- lock their phones when they are not using them.
"""
SCHOOL_TOML = (
    'name = "Oak Primary"\n[contacts]\ndsl = { name = "Ann Lee", phone = "01234 567890" }\n'
)


def make_corpus(root: Path) -> Path:
    (root / "oak").mkdir(parents=True)
    (root / "elm").mkdir()
    (root / "oak" / "school.toml").write_text(SCHOOL_TOML, encoding="utf-8")
    (root / "oak" / "social-media.txt").write_text(OAK, encoding="utf-8")
    (root / "elm" / "online-safety.txt").write_text(ELM, encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "index"


def ids_by_text(folder: Path) -> dict[str, str]:
    return {p.text: p.id for p in SearchIndex.load(folder).passages}


def top(folder: Path, question: str) -> list[tuple[str, float]]:
    index = SearchIndex.load(folder)
    found = index.search(default_analyzer().query(question).weights, k=3)
    return [(index.passages[d].id, round(s, 6)) for d, s in found]


# --- a normal build ---------------------------------------------------------------------


def test_build_reports_documents_and_passages(corpus: Path, out: Path) -> None:
    report = build_index([corpus], out)
    assert (report.documents, report.parsed, report.reused) == (2, 2, 0)
    assert report.passages == 5 and report.failed == [] and report.warnings == []
    index = SearchIndex.load(out)
    assert {p.school for p in index.passages} == {"oak", "elm"}
    oak = [p for p in index.passages if p.school == "oak"]
    assert [p.clause for p in oak] == ["1.1", "1.2", "1.3"]
    assert oak[0].review_date == "September 2030"
    assert oak[0].source == "oak/social-media.txt"


def test_school_toml_gives_title_and_review_date(corpus: Path, out: Path) -> None:
    (corpus / "oak" / "school.toml").write_text(
        SCHOOL_TOML + '[documents."social-media.txt"]\ntitle = "Social Media Policy"\n'
        'review_date = "June 2031"\n',
        encoding="utf-8",
    )
    build_index([corpus], out)
    oak = next(p for p in SearchIndex.load(out).passages if p.school == "oak")
    assert (oak.document, oak.review_date) == ("Social Media Policy", "June 2031")


# --- incremental ------------------------------------------------------------------------


def test_second_build_parses_nothing(corpus: Path, out: Path) -> None:
    build_index([corpus], out)
    before = ids_by_text(out)
    report = build_index([corpus], out)
    assert (report.parsed, report.reused, report.passages) == (0, 2, 5)
    assert ids_by_text(out) == before


def test_changing_one_file_reparses_only_that_file(corpus: Path, out: Path) -> None:
    build_index([corpus], out)
    before = ids_by_text(out)
    policy = corpus / "oak" / "social-media.txt"
    policy.write_text(OAK.replace("1.3 Staff must report", "1.3 Staff must always report"), "utf-8")
    report = build_index([corpus], out)
    assert (report.parsed, report.reused) == (1, 1)
    after = ids_by_text(out)
    unchanged = [t for t in before if t in after]
    assert len(unchanged) == 4  # every passage but the edited clause
    assert all(before[t] == after[t] for t in unchanged)
    assert "Staff must always report any contact from a pupil to the DSL." in after


def test_incremental_build_equals_a_full_rebuild(corpus: Path, out: Path, tmp_path: Path) -> None:
    build_index([corpus], out)
    (corpus / "elm" / "online-safety.txt").write_text(
        ELM + "- never follow pupils or their parents online.\n", encoding="utf-8"
    )
    build_index([corpus], out)
    build_index([corpus], tmp_path / "full")
    for question in ("follow pupils", "passwords", "photographs of pupils"):
        assert top(out, question) == top(tmp_path / "full", question)


def test_removed_file_leaves_the_index(corpus: Path, out: Path) -> None:
    build_index([corpus], out)
    (corpus / "elm" / "online-safety.txt").unlink()
    report = build_index([corpus], out)
    assert report.documents == 1
    assert {p.school for p in SearchIndex.load(out).passages} == {"oak"}


# --- bad input --------------------------------------------------------------------------


def test_duplicate_document_is_indexed_once_with_a_warning(corpus: Path, out: Path) -> None:
    (corpus / "oak" / "social-media-copy.txt").write_text(OAK, encoding="utf-8")
    report = build_index([corpus], out)
    assert report.passages == 5
    assert len(report.warnings) == 1
    assert "social-media-copy.txt" in report.warnings[0] or "social-media.txt" in report.warnings[0]
    assert "copy" in report.warnings[0]


BAD_FILES = {
    "broken.pdf": b"%PDF-1.4\n this is not really a pdf",
    "renamed.pdf": b"hello, I am a text file",
    "empty.pdf": b"",
    "empty.txt": b"",
    "damaged.docx": b"PK\x03\x04 not a zip",
    "notes.xlsx": b"PK\x03\x04",
    "old.doc": b"\xd0\xcf\x11\xe0",
    "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
}


def test_each_bad_file_gets_one_line_and_the_rest_is_indexed(corpus: Path, out: Path) -> None:
    for name, content in BAD_FILES.items():
        (corpus / "oak" / name).write_bytes(content)
    report = build_index([corpus], out)
    assert report.passages == 5 and report.documents == 2
    lines = report.failed + report.warnings
    for name in BAD_FILES:
        mine = [line for line in lines if line.startswith(f"oak/{name}: ")]
        assert len(mine) == 1, f"{name}: {mine}"
        assert "copy of" not in mine[0]  # empty.pdf and empty.txt are not copies of each other
        assert "Traceback" not in mine[0] and "\n" not in mine[0]
    assert len(report.failed) == len(BAD_FILES)


def test_nothing_indexable_raises_indexing_error(tmp_path: Path, out: Path) -> None:
    school = tmp_path / "corpus" / "oak"
    school.mkdir(parents=True)
    (school / "broken.pdf").write_bytes(b"nonsense")
    with pytest.raises(IndexingError) as error:
        build_index([tmp_path / "corpus"], out)
    assert "could be indexed" in str(error.value)
    assert "oak/broken.pdf: " in str(error.value)  # the caller has no report to print
    assert not out.exists()


def test_only_scanned_pdfs_says_run_ocr(tmp_path: Path, out: Path) -> None:
    school = tmp_path / "corpus" / "oak"
    school.mkdir(parents=True)
    make_image_pdf(school / "scanned.pdf")
    with pytest.raises(IndexingError) as error:
        build_index([tmp_path / "corpus"], out)
    assert "scanned.pdf" in str(error.value) and "OCR" in str(error.value)


def test_no_documents_at_all_raises_indexing_error(tmp_path: Path, out: Path) -> None:
    (tmp_path / "corpus" / "oak").mkdir(parents=True)
    with pytest.raises(IndexingError) as error:
        build_index([tmp_path / "corpus"], out)
    assert "No policy documents" in str(error.value)


# --- the old index keeps serving --------------------------------------------------------


def test_failed_write_keeps_the_old_index(
    corpus: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index([corpus], out)
    before = ids_by_text(out)
    (corpus / "elm" / "online-safety.txt").write_text(ELM + "- report concerns.\n", "utf-8")

    def disk_full(self: SearchIndex, folder: Path, extra: dict) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "passages.jsonl").write_text("half a file", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SearchIndex, "save", disk_full)
    with pytest.raises(IndexingError) as error:
        build_index([corpus], out)
    assert "previous index is unchanged" in str(error.value)
    monkeypatch.undo()
    assert ids_by_text(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".index")]


# --- ensure_index (what `policybot ask` uses) -------------------------------------------


def test_ensure_index_builds_when_missing_then_reuses(corpus: Path, out: Path) -> None:
    index, report = ensure_index([corpus], out)
    assert report is not None and report.passages == len(index.passages) == 5
    again, report = ensure_index([corpus], out)
    assert report is None and len(again.passages) == 5


@pytest.mark.parametrize("change", ["policy", "school.toml"])
def test_ensure_index_rebuilds_when_stale(corpus: Path, out: Path, change: str) -> None:
    ensure_index([corpus], out)
    if change == "policy":
        (corpus / "elm" / "online-safety.txt").write_text(ELM + "- report concerns.\n", "utf-8")
    else:
        (corpus / "oak" / "school.toml").write_text(
            SCHOOL_TOML.replace("Ann Lee", "Al Bo"), "utf-8"
        )
    _, report = ensure_index([corpus], out)
    assert report is not None


def test_ensure_index_rebuilds_a_damaged_index(corpus: Path, out: Path) -> None:
    ensure_index([corpus], out)
    (out / "vocab.json").write_text("[]", encoding="utf-8")
    index, report = ensure_index([corpus], out)
    assert report is not None and len(index.passages) == 5
