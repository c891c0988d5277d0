"""The dense side's top-N: the same passages as scoring every stored row exactly.

Float32 in memory for a small matrix, an int8 first pass with exact rescoring for a large one;
both against a brute-force reference (every float16 row converted and multiplied), with and
without a school's mask, on spread-out and on crowded (near-duplicate) vectors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.vectors import VectorMatrix, quantize

DIM = 384


def unit_rows(rng: np.random.Generator, n: int, crowded: bool) -> np.ndarray:
    rows = rng.standard_normal((n, DIM), dtype=np.float32)
    if crowded:  # many passages nearly alike: their cosines differ by less than int8's error
        rows = rows * np.float32(0.05) + rng.standard_normal(DIM, dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float16)


def reference_top(stored: np.ndarray, vector: np.ndarray, n: int, rows: np.ndarray | None) -> set:
    ids = np.arange(len(stored)) if rows is None else rows
    scores = stored[ids].astype(np.float32) @ vector
    return {int(ids[i]) for i in np.argsort(-scores, kind="stable")[:n]}


@pytest.mark.parametrize("crowded", [False, True])
@pytest.mark.parametrize("float32_bytes", [1 << 30, 0], ids=["float32", "int8"])
def test_top_n_is_the_brute_force_top_n(crowded: bool, float32_bytes: int) -> None:
    rng = np.random.default_rng(7)
    stored = unit_rows(rng, 5_000, crowded)
    matrix = VectorMatrix(stored, float32_bytes=float32_bytes)
    assert (matrix.quantized is None) == bool(float32_bytes)
    school = np.flatnonzero(rng.random(len(stored)) < 0.2)
    for _ in range(20):
        vector = stored[int(rng.integers(len(stored)))].astype(np.float32)
        vector += rng.standard_normal(DIM, dtype=np.float32) * np.float32(0.02)
        vector /= np.linalg.norm(vector)
        for rows in (None, school):
            got = matrix.top(vector, 30, rows)
            assert len(got) == 30
            assert set(got.tolist()) == reference_top(stored, vector, 30, rows)


def test_top_n_of_fewer_rows_than_n_returns_them_all() -> None:
    stored = unit_rows(np.random.default_rng(1), 50, crowded=False)
    vector = stored[3].astype(np.float32)
    rows = np.array([4, 9, 11])
    for matrix in (VectorMatrix(stored), VectorMatrix(stored, float32_bytes=0)):
        assert sorted(matrix.top(vector, 30, rows).tolist()) == [4, 9, 11]
        assert len(matrix.top(vector, 80)) == 50
        assert len(matrix.top(vector, 5, np.empty(0, dtype=np.int64))) == 0


def test_exact_cosines_are_the_stored_rows_products() -> None:
    stored = unit_rows(np.random.default_rng(2), 200, crowded=False)
    vector = stored[10].astype(np.float32)
    for matrix in (VectorMatrix(stored), VectorMatrix(stored, float32_bytes=0)):
        got = matrix.cosines(vector, [10, 3, 150])
        want = stored[[10, 3, 150]].astype(np.float32) @ vector
        assert np.allclose(got, want, atol=1e-6)
        assert got[0] == pytest.approx(1.0, abs=2e-3)


def test_int8_rows_are_within_half_a_step_of_the_stored_rows() -> None:
    stored = unit_rows(np.random.default_rng(3), 3_000, crowded=False)
    codes, scales = quantize(stored)
    assert codes.dtype == np.int8 and scales.shape == (3_000,)
    error = np.abs(codes.astype(np.float32) * scales[:, None] - stored.astype(np.float32))
    assert (error <= scales[:, None] * 0.5 * (1 + 1e-5)).all()
    assert np.abs(codes).max() == 127


def test_a_memory_mapped_matrix_is_rescored_from_its_file(tmp_path: Path) -> None:
    stored = unit_rows(np.random.default_rng(4), 2_000, crowded=True)
    np.save(tmp_path / "vectors.npy", stored)
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")
    matrix = VectorMatrix(mapped, quantize(mapped), float32_bytes=0)
    vector = stored[7].astype(np.float32)
    ids = [1999, 0, 7, 512]
    assert np.array_equal(matrix.cosines(vector, ids), stored[ids].astype(np.float32) @ vector)
    assert set(matrix.top(vector, 30).tolist()) == reference_top(stored, vector, 30, None)
