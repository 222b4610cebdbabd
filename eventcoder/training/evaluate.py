"""Scores of predicted documents against gold ones: entities, relations, and per-report casualty totals.

- Entities, two ways: seqeval in strict IOB2 mode over word tokens (spans mapped from characters to the
  words they touch), and exact character spans (label, start, end) — the stricter, reported beside it.
- Relations, strict: a predicted relation counts only when its label and both spans (label and offsets)
  are right.
- Totals: guidelines rule 4.7 on gold and on predicted spans, values and relations; exact-match rate and mean
  absolute error per casualty label, over all reports and per language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from ..schema import CASUALTY_LABELS, ENTITY_LABELS, RELATION_LABELS, Document, casualty_totals

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": self.tp + self.fn}


@dataclass
class Evaluation:
    reports: int = 0
    entities_seqeval: dict = field(default_factory=dict)  # label → P/R/F1, plus "micro"
    entities_exact: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    relations: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    totals: dict = field(default_factory=dict)  # label → {"exact": rate, "mae": …}; "by_language" → …

    @property
    def entity_f1(self) -> float:
        return self.entities_seqeval.get("micro", {}).get("f1", 0.0)

    @property
    def relation_f1(self) -> float:
        return _micro(self.relations).f1

    def as_dict(self) -> dict:
        return {"reports": self.reports,
                "entities": {"seqeval": self.entities_seqeval,
                             "exact": {**{k: self.entities_exact[k].as_dict() for k in ENTITY_LABELS},
                                       "micro": _micro(self.entities_exact).as_dict()}},
                "relations": {**{k: self.relations[k].as_dict() for k in RELATION_LABELS},
                              "micro": _micro(self.relations).as_dict()},
                "totals": self.totals}


def _micro(table: dict[str, PRF]) -> PRF:
    return PRF(sum(x.tp for x in table.values()), sum(x.fp for x in table.values()),
               sum(x.fn for x in table.values()))


def evaluate_documents(gold: Sequence[Document], predicted: Sequence[Document]) -> Evaluation:
    pred_by_id = {d.id: d for d in predicted}
    missing = [d.id for d in gold if d.id not in pred_by_id]
    if missing:
        raise ValueError(f"no prediction for {len(missing)} report(s), e.g. {missing[:3]}")
    result = Evaluation(reports=len(gold))
    y_true, y_pred = [], []
    totals_gold, totals_pred, langs = [], [], []
    for g in gold:
        p = pred_by_id[g.id]
        y_true.append(_word_tags(g))
        y_pred.append(_word_tags(p))
        gold_spans = {(e.label, e.start, e.end) for e in g.entities}
        pred_spans = {(e.label, e.start, e.end) for e in p.entities}
        for label in ENTITY_LABELS:
            gs = {s for s in gold_spans if s[0] == label}
            ps = {s for s in pred_spans if s[0] == label}
            _count(result.entities_exact[label], gs, ps)
        gold_rels, pred_rels = _relation_keys(g), _relation_keys(p)
        for label in RELATION_LABELS:
            _count(result.relations[label], {r for r in gold_rels if r[0] == label},
                   {r for r in pred_rels if r[0] == label})
        totals_gold.append(casualty_totals(g.entities, g.relations))
        totals_pred.append(casualty_totals(p.entities, p.relations))
        langs.append(g.lang)
    result.entities_seqeval = _seqeval(y_true, y_pred)
    result.totals = _totals_scores(totals_gold, totals_pred, langs)
    return result


def _count(prf: PRF, gold: set, pred: set) -> None:
    prf.tp += len(gold & pred)
    prf.fp += len(pred - gold)
    prf.fn += len(gold - pred)


def _relation_keys(doc: Document) -> set[tuple]:
    spans = {e.id: (e.label, e.start, e.end) for e in doc.entities}
    return {(r.label, spans[r.head], spans[r.tail]) for r in doc.relations if r.head in spans and r.tail in spans}


def _word_tags(doc: Document) -> list[str]:
    """IOB2 tags over the report's word tokens; a word touched by a span belongs to it."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(doc.text)]
    tags = ["O"] * len(words)
    for ent in sorted(doc.entities, key=lambda e: e.start):
        inside = [i for i, (s, e) in enumerate(words) if s < ent.end and ent.start < e and tags[i] == "O"]
        for k, i in enumerate(inside):
            tags[i] = ("B-" if k == 0 else "I-") + ent.label
    return tags


def _seqeval(y_true: list[list[str]], y_pred: list[list[str]]) -> dict:
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    out = {label: {"precision": round(float(v["precision"]), 4), "recall": round(float(v["recall"]), 4),
                   "f1": round(float(v["f1-score"]), 4), "support": int(v["support"])}
           for label, v in report.items() if label in ENTITY_LABELS}
    micro = report.get("micro avg", {"precision": 0, "recall": 0, "f1-score": 0, "support": 0})
    out["micro"] = {"precision": round(float(micro["precision"]), 4), "recall": round(float(micro["recall"]), 4),
                    "f1": round(float(micro["f1-score"]), 4), "support": int(micro["support"])}
    return out


def _totals_scores(gold: list[dict], pred: list[dict], langs: list[str]) -> dict:
    def score(indices: list[int]) -> dict:
        out = {}
        for label in CASUALTY_LABELS:
            diffs = [abs(gold[i][label] - pred[i][label]) for i in indices]
            out[label] = {"exact": round(sum(d == 0 for d in diffs) / len(diffs), 4) if diffs else 0.0,
                          "mae": round(sum(diffs) / len(diffs), 3) if diffs else 0.0}
        all_exact = [all(gold[i][label] == pred[i][label] for label in CASUALTY_LABELS) for i in indices]
        out["all_exact"] = round(sum(all_exact) / len(all_exact), 4) if all_exact else 0.0
        return out

    result = score(list(range(len(gold))))
    result["by_language"] = {lang: score([i for i, x in enumerate(langs) if x == lang]) for lang in sorted(set(langs))}
    return result


def format_evaluation(ev: Evaluation) -> str:
    lines = [f"reports: {ev.reports}", "", f"{'entities':<14}{'P':>8}{'R':>8}{'F1':>8}{'exact F1':>10}{'support':>9}"]
    for label in list(ENTITY_LABELS) + ["micro"]:
        s = ev.entities_seqeval.get(label, {"precision": 0, "recall": 0, "f1": 0, "support": 0})
        exact = _micro(ev.entities_exact) if label == "micro" else ev.entities_exact[label]
        lines.append(f"{label:<14}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{exact.f1:>10.3f}"
                     f"{s['support']:>9}")
    lines += ["", f"{'relations':<14}{'P':>8}{'R':>8}{'F1':>8}{'support':>19}"]
    for label in list(RELATION_LABELS) + ["micro"]:
        r = _micro(ev.relations) if label == "micro" else ev.relations[label]
        lines.append(f"{label:<14}{r.precision:>8.3f}{r.recall:>8.3f}{r.f1:>8.3f}{r.tp + r.fn:>19}")
    lines += ["", f"{'totals':<14}{'exact':>8}{'MAE':>10}"]
    for label in CASUALTY_LABELS:
        t = ev.totals[label]
        lines.append(f"{label:<14}{t['exact']:>8.3f}{t['mae']:>10.2f}")
    lines.append(f"{'all three':<14}{ev.totals['all_exact']:>8.3f}")
    for lang, t in ev.totals["by_language"].items():
        lines.append(f"  {lang:<12}" + "  ".join(f"{label[:3]} {t[label]['exact']:.2f}/{t[label]['mae']:.1f}"
                                              for label in CASUALTY_LABELS))
    return "\n".join(lines)
