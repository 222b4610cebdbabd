"""Deterministic train/dev/test splits by report, stratified by language, and sticky once committed."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Mapping, Sequence

from ..schema import Document

SPLIT_NAMES = ("train", "dev", "test")


def committed_assignments(folder: str | Path) -> dict[str, str]:
    """Report id -> split for the splits already in `folder`. Only the ids are read: annotations inside may be
    stale (the drafts were corrected since), which is exactly when the splits are rebuilt."""
    assignments = {}
    for name in SPLIT_NAMES:
        path = Path(folder) / f"{name}.jsonl"
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line_no, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            assignments[json.loads(line)["id"]] = name
                        except (json.JSONDecodeError, KeyError, TypeError) as err:
                            raise ValueError(f"{path}:{line_no}: cannot read the report id ({err})") from err
    return assignments


def split_documents(documents: Sequence[Document], ratios: tuple[float, float, float] = (0.8, 0.1, 0.1),
                    seed: int = 13, existing: Mapping[str, str] | None = None) -> dict[str, list[Document]]:
    """Assign each report to one split; each language is split on its own so every split sees every language.

    Reports named in `existing` (report id → split) keep their split, so a committed test set never changes
    when reports are added; the others are dealt, in an order fixed by a seeded hash of their id, to whichever
    split of their language is furthest below its share.
    """
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1) > 1e-6:
        raise ValueError(f"ratios must be three non-negative numbers adding up to 1, got {ratios}")
    existing = existing or {}
    unknown = {s for s in existing.values() if s not in SPLIT_NAMES}
    if unknown:
        raise ValueError(f"unknown split name(s) {sorted(unknown)}; expected {SPLIT_NAMES}")
    by_lang: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_lang[doc.lang].append(doc)
    out: dict[str, list[Document]] = {name: [] for name in SPLIT_NAMES}
    for lang in sorted(by_lang):
        docs = by_lang[lang]
        counts = {name: 0 for name in SPLIT_NAMES}
        for doc in docs:
            if doc.id in existing:
                out[existing[doc.id]].append(doc)
                counts[existing[doc.id]] += 1
        new = sorted((d for d in docs if d.id not in existing),
                     key=lambda d: hashlib.sha256(f"{seed}:{d.id}".encode()).hexdigest())
        # dev and test first, so a small language still gets its held-out reports before train takes the rest
        for doc in new:
            total = sum(counts.values()) + 1
            name = max(("test", "dev", "train"),
                       key=lambda s: ratios[SPLIT_NAMES.index(s)] * total - counts[s])
            out[name].append(doc)
            counts[name] += 1
    return out
