"""The dense side's search: the passages whose stored vectors are nearest a question's.

Stored vectors are float16 (``vectors.npy``, memory-mapped). numpy has no BLAS product for
float16, and converting 100k rows to float32 for every question cost ~40 ms of CPU, so:

* a matrix of up to ``float32_bytes`` as float32 is kept in memory as float32 and scored
  with one BLAS product (exact);
* a larger one is scored first from an int8 copy with one scale a row (``vectors_int8.npy``,
  ``vector_scales.npy``, a quarter of the float32 size, converted in cache-sized blocks), and
  every row that could still be among the best ``n`` is then scored again from its float16
  row. The int8 score of a row is within ``scale / 2 * sum(|question|)`` of the exact one, so
  the rows kept are the exact top ``n``: the same passages as scoring every row exactly.

Only the rows asked for (one school's passages) are read; nothing of the matrix's size is
built per question beyond one float32 score a row.
"""

from __future__ import annotations

import contextlib
import os

import numpy as np

from indexer.embedding import one_blas_thread

QUANTIZED_ARRAYS = ("vectors_int8", "vector_scales")
FLOAT32_BYTES = 64 * 1024 * 1024  # ~44k passages of 384 dimensions kept as float32
BLOCK_ROWS = 1024  # rows converted at a time: 1.5 MB of float32, stays in cache
_SLACK = 1e-5  # float32 rounding of the two products, well above its real size


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 rows, float32 scale a row): ``row ~= scale * int8_row``, |error| <= scale / 2."""
    rows = len(vectors)
    codes = np.empty(vectors.shape, dtype=np.int8)
    scales = np.empty(rows, dtype=np.float32)
    for start in range(0, rows, BLOCK_ROWS):
        block = np.asarray(vectors[start : start + BLOCK_ROWS], dtype=np.float32)
        scale = np.maximum(np.abs(block).max(axis=1) / np.float32(127), np.float32(1e-30))
        codes[start : start + len(block)] = np.rint(block / scale[:, None])
        scales[start : start + len(block)] = scale
    return codes, scales


class VectorMatrix:
    """Top-N and exact cosines over one index's stored (L2-normalised) passage vectors."""

    def __init__(
        self,
        stored: np.ndarray,
        quantized: tuple[np.ndarray, np.ndarray] | None = None,
        float32_bytes: int = FLOAT32_BYTES,
    ) -> None:
        self.small = stored.shape[0] * stored.shape[1] * 4 <= float32_bytes
        self.exact = np.asarray(stored, dtype=np.float32) if self.small else stored
        self.quantized = None
        self._file: _RowFile | None = None
        if not self.small:  # an index saved before int8 copies were stored: make one now
            self.quantized = quantized if quantized is not None else quantize(stored)
            self._file = _RowFile.of(stored)

    def __len__(self) -> int:
        return len(self.exact)

    def cosines(self, vector: np.ndarray, ids: np.ndarray | list[int]) -> np.ndarray:
        """The exact cosine of each row in ``ids`` (float32 of the stored rows)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return np.empty(0, dtype=np.float32)
        rows = self._file.read(ids) if self._file else self.exact[ids]
        return np.asarray(rows, dtype=np.float32) @ vector

    def top(self, vector: np.ndarray, n: int, rows: np.ndarray | None = None) -> np.ndarray:
        """The ``n`` rows (of ``rows``, or of all) with the highest cosine, in no order."""
        with one_blas_thread():
            return self._top(vector, n, rows)

    def _top(self, vector: np.ndarray, n: int, rows: np.ndarray | None) -> np.ndarray:
        total = len(self) if rows is None else len(rows)
        n = min(n, total)
        if n <= 0:
            return np.empty(0, dtype=np.int64)
        if self.quantized is None:
            scores = self.exact @ vector if rows is None else self.exact[rows] @ vector
            return _ids(rows, np.argpartition(-scores, n - 1)[:n])
        approx, error = self._approximate(vector, rows)
        floor = np.partition(approx - error, total - n)[total - n]  # n rows score >= floor
        maybe = np.flatnonzero(approx + error >= floor)  # every row that could beat it
        ids = _ids(rows, maybe)
        exact = self.cosines(vector, ids)
        return ids[np.argpartition(-exact, n - 1)[:n]]

    def _approximate(
        self, vector: np.ndarray, rows: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each row's int8 score, and how far from the exact cosine it can be."""
        assert self.quantized is not None
        codes, scales = self.quantized
        total = len(codes) if rows is None else len(rows)
        scores = np.empty(total, dtype=np.float32)
        block = np.empty((min(BLOCK_ROWS, total), codes.shape[1]), dtype=np.float32)
        for start in range(0, total, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, total)
            part = block[: stop - start]
            part[...] = codes[start:stop] if rows is None else codes[rows[start:stop]]
            np.matmul(part, vector, out=scores[start:stop])
        scale = scales if rows is None else scales[rows]
        scores *= scale
        reach = np.float32(0.5 * float(np.abs(vector).sum()) * (1 + _SLACK))
        return scores, scale * reach + np.float32(_SLACK)


def _ids(rows: np.ndarray | None, positions: np.ndarray) -> np.ndarray:
    return positions.astype(np.int64) if rows is None else rows[positions].astype(np.int64)


class _RowFile:
    """Rows of a memory-mapped ``.npy`` matrix read with ``pread``: the few rows rescored for
    a question do not stay mapped, so over many questions the float16 file does not become
    resident memory of the serving process (it stays in the kernel's page cache)."""

    def __init__(self, path: str, offset: int, dtype: np.dtype, width: int) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._offset, self._dtype, self._width = offset, dtype, width
        self._row_bytes = dtype.itemsize * width

    @classmethod
    def of(cls, stored: np.ndarray) -> _RowFile | None:
        if not isinstance(stored, np.memmap) or not stored.filename:
            return None
        if not stored.flags.c_contiguous or stored.ndim != 2:
            return None
        return cls(str(stored.filename), int(stored.offset), stored.dtype, stored.shape[1])

    def read(self, ids: np.ndarray) -> np.ndarray:
        size = self._row_bytes
        data = b"".join(os.pread(self._fd, size, self._offset + int(i) * size) for i in ids)
        return np.frombuffer(data, dtype=self._dtype).reshape(len(ids), self._width)

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self._fd)
