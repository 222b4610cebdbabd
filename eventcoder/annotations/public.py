"""Public datasets (../shared/data) converted into native documents that declare what their source annotates.

- CAMEO actor roles (`cameo_ner/*.txt`, English, token + tag): `S` (source) and `T` (target) actors of a
  coded event → ACTOR; `R` marks participants of diplomatic meetings (heads of state) and is left out. Only
  sentences that report violence (`mentions_violence`) are kept: CAMEO codes every kind of political event,
  and a court or ministry that "rejected" something is no actor under the scheme. A leading determiner or
  possessive is dropped from a span (rule 2.1). One sentence → one document; `annotated_labels: ACTOR`.
- GermEval 2014 (`germeval2014/NER-de-dev.tsv`, German, 4 columns: index, token, outer tag, nested tag):
  outer `LOC` → LOCATION; `LOCderiv` (`deutschen`) and `LOCpart` (`Syrienkrieg`) are not places (rules 2.7,
  2.9) and, like every other class, are left out. One sentence → one document; `annotated_labels: LOCATION`.
- re3d: see `re3d.py`.

Nothing from ../shared is copied into the repository: `eventcoder annotations convert` reads it when asked.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..schema import Document, Problem
from .collect import DocumentCollector, Origin
from .conll import Block, Token, block_document

_VIOLENCE = re.compile(
    r"\b(kill\w*|dead|death\w*|died|wound\w*|injur\w*|attack\w*|strike[s]?|struck|air ?strikes?|bomb\w*|"
    r"shell\w*|clash\w*|fight\w*|fought|battle\w*|offensive|assault\w*|ambush\w*|massacre\w*|execut\w*|"
    r"captur\w*|abduct\w*|kidnap\w*|hostage\w*|rocket\w*|missile\w*|explosion\w*|raid\w*|violence|war)\b",
    re.IGNORECASE)
_DETERMINERS = {"a", "an", "the", "another", "its", "their", "his", "her", "our"}
Progress = Callable[[int, int], None]


def mentions_violence(sentence: str) -> bool:
    """Whether an English sentence reports organised violence (keeps the conflict part of broader sources)."""
    return bool(_VIOLENCE.search(sentence))


@dataclass
class ConversionSummary:
    documents: int = 0
    kept: Counter = field(default_factory=Counter)  # "Location -> LOCATION": n
    dropped: Counter = field(default_factory=Counter)  # "Person (no counterpart)": n

    def format(self) -> str:
        lines = [f"{self.documents} documents"]
        lines += [f"  kept    {n:>6}  {what}" for what, n in self.kept.most_common()]
        lines += [f"  dropped {n:>6}  {what}" for what, n in self.dropped.most_common()]
        return "\n".join(lines)


def read_cameo(root: str | Path, problems: list[Problem] | None = None, progress: Progress | None = None
               ) -> tuple[list[Document], ConversionSummary]:
    files = sorted(Path(root).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{root}: no CAMEO files (*.txt) found")
    label_map = {"S": "ACTOR", "T": "ACTOR", "R": None}
    blocks = [(path, block) for path in files for block in _sentence_blocks(path, token_col=0, tag_col=-1)]
    return _convert(blocks, "en", label_map, ("ACTOR",), problems, progress,
                    keep=lambda b: mentions_violence(" ".join(t.text for t in b.tokens)), fix=_drop_determiners)


def read_germeval(root: str | Path, problems: list[Problem] | None = None, progress: Progress | None = None
                  ) -> tuple[list[Document], ConversionSummary]:
    files = sorted(Path(root).glob("*.tsv"))
    if not files:
        raise FileNotFoundError(f"{root}: no GermEval files (*.tsv) found")
    outer = ("PER", "ORG", "OTH", "LOC")
    label_map = {"LOC": "LOCATION", **{k: None for k in outer if k != "LOC"},
                 **{k + suffix: None for k in outer for suffix in ("deriv", "part")}}
    blocks = [(path, block) for path in files for block in _sentence_blocks(path, token_col=1, tag_col=2)]
    return _convert(blocks, "de", label_map, ("LOCATION",), problems, progress)


def _sentence_blocks(path: Path, token_col: int, tag_col: int) -> list[Block]:
    """One block per sentence; sentences end at blank lines, and `#` comment lines (GermEval's source URL)
    belong to none."""
    blocks: list[Block] = []
    current: Block | None = None
    with open(path, encoding="utf-8") as fh:
        for line_no, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#\t"):
                current = None
                continue
            columns = line.split("\t") if "\t" in line else line.split()
            if current is None:
                current = Block(line_no, f"{path.stem}-{len(blocks) + 1:05d}")
                blocks.append(current)
            if len(columns) < 2:
                current.errors.append((f"expected a token and its tag, got {line!r}", line_no))
                continue
            current.sentences[-1].append(Token(columns[token_col], columns[tag_col], line_no))
    return blocks


def _drop_determiners(block: Block) -> None:
    """Rule 2.1 on source tags: `a/B-S Swiss/I-S court/I-S` → `a/O Swiss/B-S court/I-S`."""
    for sentence in block.sentences:
        for i, token in enumerate(sentence):
            if token.tag.startswith("B-") and token.text.lower() in _DETERMINERS:
                if i + 1 < len(sentence) and sentence[i + 1].tag == "I-" + token.tag[2:]:
                    sentence[i + 1].tag = token.tag
                token.tag = "O"


def _convert(blocks: list[tuple[Path, Block]], lang: str, label_map: dict, annotated: tuple[str, ...],
             problems: list[Problem] | None, progress: Progress | None,
             keep: Callable[[Block], bool] = lambda b: True, fix: Callable[[Block], None] | None = None
             ) -> tuple[list[Document], ConversionSummary]:
    collector = DocumentCollector(problems)
    summary = ConversionSummary()
    for i, (path, block) in enumerate(blocks, 1):
        if not keep(block):
            summary.dropped["sentence (reports no violence)"] += 1
        else:
            if fix:
                fix(block)
            _count_tags(block.tokens, label_map, summary)
            collector.add(*block_document(block, Origin(str(path), block.id, block.line), lang, label_map, annotated))
        if progress:
            progress(i, len(blocks))
    summary.documents = len(collector.documents)
    return collector.documents, summary


def _count_tags(tokens: Iterable[Token], label_map: dict, summary: ConversionSummary) -> None:
    for token in tokens:
        if token.tag.startswith("B-"):
            source = token.tag[2:]
            target = label_map.get(source, source)
            if target is None:
                summary.dropped[f"{source} (not an entity of the scheme)"] += 1
            else:
                summary.kept[f"{source} -> {target}"] += 1
