"""The saved, self-describing BM25 index: exact scores, round trip, refusal of bad indexes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import rank_bm25

from bot.errors import IndexLoadError
from indexer.analysis import default_analyzer
from indexer.build import FieldWeights, index_from_passages, passage_terms
from indexer.index import FORMAT_VERSION, BM25Params, SearchIndex
from indexer.model import Passage
from tests.builders import make_passage

pytestmark = pytest.mark.usefixtures("isolated_env")

QUESTIONS = [
    "can I follow an ex-pupil on instagram",
    "photos of pupils",
    "personal mobile number",
    "must not",  # very common terms: the idf floor matters here
    "whistleblowing",
    "zzzz not a word in any policy",
]
RANK_BM25 = {"okapi": rank_bm25.BM25Okapi, "plus": rank_bm25.BM25Plus, "l": rank_bm25.BM25L}


@pytest.fixture(scope="module")
def loaded(corpus_index: Path) -> SearchIndex:
    return SearchIndex.load(corpus_index)


@pytest.fixture
def copy(corpus_index: Path, tmp_path: Path) -> Path:
    """A private copy of the corpus index that a test may damage."""
    target = tmp_path / "index"
    shutil.copytree(corpus_index, target)
    return target


def weights(question: str) -> dict[str, float]:
    return default_analyzer().query(question).weights


def passage(n: int, text: str) -> Passage:
    return make_passage(text, id=f"s/p/{n}", section="S")


TEXTS = [
    "Staff must not follow pupils on social media.",
    "Staff must not post photographs of pupils.",
    "Staff must report pupil contact to the DSL.",
    "Governors review the policy every year.",
    "Staff must not share passwords with pupils or parents.",
    "Photographs of staff need consent.",
]


# --- scores ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["okapi", "plus", "l"])
def test_scores_are_rank_bm25_scores(variant: str) -> None:
    params = BM25Params(variant=variant, k1=1.3, b=0.7, delta=0.8)
    fields = FieldWeights(text=1, context=0, section=0)
    passages = [passage(i, text) for i, text in enumerate(TEXTS)]
    index = index_from_passages(passages, params=params, fields=fields)
    corpus = [passage_terms(p, default_analyzer(), fields) for p in passages]
    extra = {} if variant == "okapi" else {"delta": 0.8}  # rank-bm25's BM25L default is 0.5
    reference = RANK_BM25[variant](corpus, k1=1.3, b=0.7, **extra)
    for question in ("staff must not follow pupils", "photographs consent", "governors"):
        query = {term: 1.0 for term in default_analyzer().tokens(question)}
        docs, values = index.scores(query)
        expected = reference.get_scores(list(query))
        assert len(docs), question
        np.testing.assert_allclose(values, expected[docs], rtol=1e-5, err_msg=question)


@pytest.mark.parametrize("question", QUESTIONS)
def test_search_returns_the_best_k_best_first(loaded: SearchIndex, question: str) -> None:
    query = weights(question)
    docs, values = loaded.scores(query)
    found = loaded.search(query, k=5)
    expected = sorted(
        zip(docs.tolist(), values.tolist(), strict=True), key=lambda dv: (-dv[1], dv[0])
    )[:5]
    assert [d for d, _ in found] == [d for d, _ in expected]
    np.testing.assert_allclose([s for _, s in found], [s for _, s in expected], rtol=1e-6)


def test_search_for_unknown_words_finds_nothing(loaded: SearchIndex) -> None:
    assert loaded.search({"zzzzqq": 1.0}, k=3) == []


def test_allowed_mask_restricts_results(loaded: SearchIndex) -> None:
    allowed = np.array([p.school == "kite-college" for p in loaded.passages])
    found = loaded.search(weights("can I follow a pupil on social media"), k=10, allowed=allowed)
    assert found and all(loaded.passages[d].school == "kite-college" for d, _ in found)


# --- round trip ---------------------------------------------------------------------------


def test_save_and_load_round_trip(loaded: SearchIndex, tmp_path: Path) -> None:
    loaded.save(tmp_path / "again", {"schools.json": {}})
    again = SearchIndex.load(tmp_path / "again")
    assert again.passages == loaded.passages
    assert again.vocab == loaded.vocab
    assert again.params == loaded.params
    for question in QUESTIONS:
        assert again.search(weights(question), k=5) == loaded.search(weights(question), k=5)


def test_loaded_index_matches_a_fresh_one_from_the_same_passages(loaded: SearchIndex) -> None:
    fresh = index_from_passages(loaded.passages, params=loaded.params)
    for question in QUESTIONS:
        a, b = loaded.search(weights(question), k=5), fresh.search(weights(question), k=5)
        assert [d for d, _ in a] == [d for d, _ in b], question
        np.testing.assert_allclose([s for _, s in a], [s for _, s in b], rtol=1e-6)


def test_index_is_self_describing_and_has_no_pickle(corpus_index: Path) -> None:
    params = json.loads((corpus_index / "params.json").read_text(encoding="utf-8"))
    assert params["format"] == "policybot-index"
    assert params["format_version"] == FORMAT_VERSION
    assert {"variant", "k1", "b"} <= set(params["bm25"])
    assert {"analyzer", "corpus_hash", "built_at", "files", "passages"} <= set(params)
    for array in corpus_index.glob("*.npy"):
        np.load(array, allow_pickle=False)  # raises if anything needs pickle
    lines = (corpus_index / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == params["passages"]
    assert set(json.loads(lines[0])) >= {"id", "text", "context", "section", "clause", "page"}


# --- refusal -----------------------------------------------------------------------------


def assert_says_reindex(error: pytest.ExceptionInfo[IndexLoadError]) -> None:
    message = str(error.value)
    assert "policybot index" in message
    assert "Traceback" not in message and len(message.splitlines()) == 1


def test_tampered_passages_are_refused(copy: Path) -> None:
    path = copy / "passages.jsonl"
    data = bytearray(path.read_bytes())
    position = data.index(b"must not")
    data[position : position + 8] = b"must now"  # same size: only the checksum can tell
    path.write_bytes(bytes(data))
    with pytest.raises(IndexLoadError) as error:
        SearchIndex.load(copy)
    assert_says_reindex(error)
    assert "passages.jsonl" in str(error.value)


def test_truncated_array_is_refused(copy: Path) -> None:
    path = copy / "post_docs.npy"
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(IndexLoadError) as error:
        SearchIndex.load(copy)
    assert_says_reindex(error)


@pytest.mark.parametrize("version", [0, FORMAT_VERSION + 1, None])
def test_other_format_version_is_refused(copy: Path, version: int | None) -> None:
    path = copy / "params.json"
    params = json.loads(path.read_text(encoding="utf-8"))
    params["format_version"] = version
    path.write_text(json.dumps(params), encoding="utf-8")
    with pytest.raises(IndexLoadError) as error:
        SearchIndex.load(copy)
    assert_says_reindex(error)
    assert "version" in str(error.value)


@pytest.mark.parametrize("name", ["vocab.json", "doc_len.npy", "passages.jsonl"])
def test_missing_file_is_refused(copy: Path, name: str) -> None:
    (copy / name).unlink()
    with pytest.raises(IndexLoadError) as error:
        SearchIndex.load(copy)
    assert_says_reindex(error)
    assert name in str(error.value)


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": "something-else"}'])
def test_unreadable_params_are_refused(copy: Path, content: str) -> None:
    (copy / "params.json").write_text(content, encoding="utf-8")
    with pytest.raises(IndexLoadError) as error:
        SearchIndex.load(copy)
    assert_says_reindex(error)


def test_no_index_at_all(tmp_path: Path) -> None:
    with pytest.raises(IndexLoadError) as error:
        SearchIndex.load(tmp_path / "nothing-here")
    assert_says_reindex(error)
