"""The dense side over a real index built with the real small model: the int8 first pass ranks
exactly as scoring every float16 row does, an index saved before int8 copies existed still
loads and ranks the same, and a passage whose text is unchanged (even moved to another file
or place, or held by two schools) is embedded once and never again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.answering import hybrid
from bot.answering.answerer import Answerer
from indexer.build import build_index
from indexer.embedding import locate_model
from indexer.index import SearchIndex
from indexer.vectors import QUANTIZED_ARRAYS

pytest.importorskip("tokenizers")
if locate_model() is None:
    pytest.skip("the embedding model package is not installed", allow_module_level=True)

QUESTIONS = [
    "can I give a pupil a lift home in my car",
    "which laws apply to this policy",
    "a parent offered me a voucher",
    "who do I tell if a child discloses abuse",
    "can I text a student from my own phone",
]
CLAUSES = [
    "Staff must not transport pupils in their own vehicles without the head's written consent.",
    "This policy has regard to the relevant legislation and statutory guidance.",
    "Gifts of more than nominal value must be declared to the business manager.",
    "Any disclosure by a child must be passed to the Designated Safeguarding Lead at once.",
    "Staff must use school devices and accounts only to contact pupils.",
    "Lunch is served in the hall from twelve o'clock.",
    "Visitors sign in at the office and wear a badge.",
    "Medicines are only administered with written consent from parents.",
]


def corpus(root: Path) -> Path:
    for school in ("oak", "elm"):
        folder = root / school
        folder.mkdir(parents=True, exist_ok=True)
        for part in range(3):
            lines = [f"Staff policy {part}", ""]  # the same clauses in both schools
            lines += [f"{i + 1}. {c}" for i, c in enumerate(CLAUSES[part:] + CLAUSES[:part])]
            if school == "elm":  # not a copy of oak's file (copies are dropped whole)
                lines.append(f"9. Elm's forest school session {part} runs on Fridays.")
            (folder / f"policy-{part}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def ranking(answerer: Answerer, school: str | None) -> list[list[tuple[int, float, float]]]:
    assert answerer.hybrid is not None
    out = []
    for question in QUESTIONS:
        query = answerer.analyzer.query(question, known=answerer.index.term_ids.__contains__)
        vector = answerer.hybrid.embed(question)
        out.append(answerer.hybrid.ranked(query, vector, answerer._mask(school)))
    return out


def test_int8_first_pass_ranks_as_the_exact_product(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index([corpus(tmp_path / "corpus")], tmp_path / "index")
    params = json.loads((tmp_path / "index" / "params.json").read_text(encoding="utf-8"))
    assert {f"{name}.npy" for name in QUANTIZED_ARRAYS} <= set(params["files"])
    exact = Answerer.from_index(tmp_path / "index")
    monkeypatch.setattr(hybrid, "FLOAT32_BYTES", 0)  # every index counts as large
    quantized = Answerer.from_index(tmp_path / "index")
    assert quantized.hybrid is not None and quantized.hybrid.dense.quantized is not None
    for school in (None, "oak"):
        want, got = ranking(exact, school), ranking(quantized, school)
        for ranked_want, ranked_got in zip(want, got, strict=True):
            assert [doc for doc, _, _ in ranked_got] == [doc for doc, _, _ in ranked_want]
            assert np.allclose([s for _, s, _ in ranked_got], [s for _, s, _ in ranked_want])


def test_an_index_saved_without_int8_copies_still_loads_and_ranks_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "index"
    build_index([corpus(tmp_path / "corpus")], folder)
    before = ranking(Answerer.from_index(folder), None)
    params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    for name in QUANTIZED_ARRAYS:
        (folder / f"{name}.npy").unlink()
        del params["files"][f"{name}.npy"]
    (folder / "params.json").write_text(json.dumps(params), encoding="utf-8")
    assert not set(QUANTIZED_ARRAYS) & set(SearchIndex.load(folder).arrays)
    monkeypatch.setattr(hybrid, "FLOAT32_BYTES", 0)  # large: the int8 copy is made at load
    after = ranking(Answerer.from_index(folder), None)
    assert [[d for d, _, _ in r] for r in after] == [[d for d, _, _ in r] for r in before]


def test_an_unchanged_passage_is_embedded_once_even_when_moved(tmp_path: Path) -> None:
    root = corpus(tmp_path / "corpus")
    first = build_index([root], tmp_path / "index")
    assert first.passages == 2 * 3 * len(CLAUSES) + 3
    assert first.embedded == 3 * len(CLAUSES) + 3  # a clause both schools hold: embedded once
    assert build_index([root], tmp_path / "index").embedded == 0
    (root / "oak" / "policy-0.txt").rename(root / "oak" / "policy-9.txt")  # its passages move
    with open(root / "elm" / "policy-1.txt", "a", encoding="utf-8") as policy:
        policy.write("9. Keys are returned to reception at the end of the day.\n")
    assert build_index([root], tmp_path / "index").embedded == 1
