"""Deterministic train/dev/test splits by report, stratified by language."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Sequence

from ..schema import Document

SPLIT_NAMES = ("train", "dev", "test")


def split_documents(documents: Sequence[Document], ratios: tuple[float, float, float] = (0.8, 0.1, 0.1),
                    seed: int = 13) -> dict[str, list[Document]]:
    """Assign each report to one split; each language is split on its own so every split sees every language.

    The order within a language comes from a seeded hash of the report id, so the assignment of a report
    does not depend on the order of the input files, and adding reports moves few existing ones.
    """
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1) > 1e-6:
        raise ValueError(f"ratios must be three non-negative numbers adding up to 1, got {ratios}")
    by_lang: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_lang[doc.lang].append(doc)
    out: dict[str, list[Document]] = {name: [] for name in SPLIT_NAMES}
    for lang in sorted(by_lang):
        docs = sorted(by_lang[lang], key=lambda d: hashlib.sha256(f"{seed}:{d.id}".encode()).hexdigest())
        n_dev = round(len(docs) * ratios[1])
        n_test = round(len(docs) * ratios[2])
        out["test"] += docs[:n_test]
        out["dev"] += docs[n_test:n_test + n_dev]
        out["train"] += docs[n_test + n_dev:]
    return out
