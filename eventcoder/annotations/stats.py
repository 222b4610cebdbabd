"""Corpus statistics: what `eventcoder annotations stats` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..schema import CASUALTY_LABELS, ENTITY_LABELS, RELATION_LABELS, Document, casualty_totals


@dataclass
class CorpusStats:
    reports: int = 0
    characters: int = 0
    languages: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)  # guidelines 4.7, summed over reports
    reports_without_casualties: int = 0

    def as_dict(self) -> dict:
        return {"reports": self.reports, "characters": self.characters, "languages": dict(self.languages),
                "entities": {k: self.entities[k] for k in ENTITY_LABELS},
                "relations": {k: self.relations[k] for k in RELATION_LABELS},
                "casualty_totals": {k: self.totals[k] for k in CASUALTY_LABELS},
                "reports_without_casualties": self.reports_without_casualties}


def corpus_stats(documents: Iterable[Document]) -> CorpusStats:
    stats = CorpusStats()
    for doc in documents:
        stats.reports += 1
        stats.characters += len(doc.text)
        stats.languages[doc.lang] += 1
        stats.entities.update(e.label for e in doc.entities)
        stats.relations.update(r.label for r in doc.relations)
        stats.totals.update(casualty_totals(doc.entities, doc.relations))
        stats.reports_without_casualties += not any(e.label in CASUALTY_LABELS for e in doc.entities)
    return stats


def format_stats(stats: CorpusStats) -> str:
    lines = [f"reports: {stats.reports}  characters: {stats.characters}  "
             f"without casualty counts: {stats.reports_without_casualties}",
             "languages: " + ", ".join(f"{lang} {n}" for lang, n in stats.languages.most_common()),
             f"entities ({sum(stats.entities.values())}):"]
    lines += [f"  {label:<12}{stats.entities[label]:>7}" for label in ENTITY_LABELS]
    lines.append(f"relations ({sum(stats.relations.values())}):")
    lines += [f"  {label:<12}{stats.relations[label]:>7}" for label in RELATION_LABELS]
    lines.append("casualty totals (guidelines 4.7, summed over reports):")
    lines += [f"  {label:<12}{stats.totals[label]:>7}" for label in CASUALTY_LABELS]
    return "\n".join(lines)
