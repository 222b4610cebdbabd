"""CoNLL/BIO token files: one token per line, its tag in the last column, a blank line between sentences.

    -DOCSTART- -X- -X- O
    # id = en-wire-0007
    At      O
    least   B-KILLED
    24      I-KILLED
    soldiers B-ACTOR

A `-DOCSTART-` line starts a document, and so does a `# id = X` comment, which also names it (after a
`-DOCSTART-` it names that document); other documents are `<file stem>-<n>`. Other `# key = value` comments
are skipped. The text is rebuilt from the tokens, joined by single spaces within a sentence and by "\\n"
between sentences, and entity offsets point into it.

Tags are IOB2 (B- starts every span) or IOB1 (I- after O or after another label starts one). `label_map`
maps the source's labels to the scheme's (`{"LOC": "LOCATION"}`); a label mapped to None is ignored, a
label that is neither mapped nor the scheme's is a problem. A casualty span's value is read off its text as
for doccano (`inference.numbers.stated_value`, guidelines section 3): CoNLL has no place for it. CoNLL has no
relations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import Iterable, Mapping

from ..inference.numbers import stated_value
from ..schema import CASUALTY_LABELS, ENTITY_LABELS, Document, Entity, Problem
from .collect import DocumentCollector, Origin
from .paths import PathArgument, input_files

_SUFFIXES = (".conll", ".bio", ".iob")
_DOCSTART = "-DOCSTART-"
_ID_COMMENT = re.compile(r"#\s*id\s*=\s*(.*\S)")
_COMMENT = re.compile(r"#\s*[\w.-]+\s*=")  # `# key = value`; a line such as `# O` is the token "#"


@dataclass
class Token:
    text: str
    tag: str
    line: int


@dataclass
class Block:
    """The lines of one document, before its text and entities are built (readers of CoNLL-like files, such
    as the public-data converters, fill these and call `block_document`)."""

    line: int
    id: str | None = None
    sentences: list[list[Token]] = field(default_factory=lambda: [[]])
    errors: list[tuple[str, int]] = field(default_factory=list)  # (message, line)

    @property
    def tokens(self) -> list[Token]:
        return list(chain.from_iterable(self.sentences))


def read_conll(paths: PathArgument, problems: list[Problem] | None = None, *, lang: str | None = None,
               label_map: Mapping[str, str | None] | None = None,
               annotated_labels: tuple[str, ...] | None = None) -> list[Document]:
    """Documents from CoNLL/BIO files (or the .conll, .bio and .iob files under folders).

    `lang` is required: CoNLL files do not say their language. `annotated_labels` is given to every document
    (converted data that tags only some labels). See ProblemSink for `problems`.
    """
    if not lang:
        raise ValueError("CoNLL files do not name their language: give lang (--lang)")
    collector = DocumentCollector(problems)
    for path in input_files(paths, _SUFFIXES):
        with open(path, encoding="utf-8") as fh:
            blocks = _blocks(fh)
        for n, block in enumerate(blocks, 1):
            origin = Origin(str(path), block.id or f"{path.stem}-{n}", block.line)
            collector.add(*block_document(block, origin, lang, label_map or {}, annotated_labels))
    return collector.documents


def _blocks(lines: Iterable[str]) -> list[Block]:
    blocks = [Block(1)]
    for line_no, raw in enumerate(lines, 1):
        line, block = raw.strip(), blocks[-1]
        id_comment = _ID_COMMENT.fullmatch(line)
        if line.startswith(_DOCSTART):
            blocks.append(Block(line_no))
        elif id_comment and (block.id is None and not block.tokens):
            block.id = id_comment[1]
        elif id_comment:
            blocks.append(Block(line_no, id_comment[1]))
        elif _COMMENT.match(line):
            continue
        elif not line:
            if block.sentences[-1]:
                block.sentences.append([])
        elif len(columns := line.split()) < 2:
            block.errors.append((f"expected a token and its tag, got {line!r}", line_no))
        else:
            block.sentences[-1].append(Token(columns[0], columns[-1], line_no))
    # Lines before a file's first -DOCSTART- make a document only if there are some.
    return [b for b in blocks if b.tokens or b.id is not None or b.errors]


def block_document(block: Block, origin: Origin, lang: str, label_map: Mapping[str, str | None],
              annotated_labels: tuple[str, ...] | None) -> tuple[Document | None, Origin, list[Problem]]:
    issues = [origin.problem(message, line) for message, line in block.errors]
    sentences = [s for s in block.sentences if s]
    if not sentences:
        return None, origin, issues + [origin.problem("the document has no tokens")]
    text = "\n".join(" ".join(t.text for t in s) for s in sentences)
    tokens = block.tokens
    starts = list(accumulate((len(t.text) + 1 for t in tokens[:-1]), initial=0))  # +1: the space or line break
    chunks, tag_errors = _chunks(sentences)
    issues += [origin.problem(message, line) for message, line in tag_errors]
    entities: list[Entity] = []
    unmapped: dict[str, int] = {}  # source label -> line of its first span; reported once per document
    for chunk in chunks:
        label = label_map.get(chunk.label, chunk.label)
        if label is None:
            continue
        if label not in ENTITY_LABELS:
            unmapped.setdefault(chunk.label, tokens[chunk.first].line)
            continue
        start, end = starts[chunk.first], starts[chunk.last] + len(tokens[chunk.last].text)
        surface = text[start:end]
        entities.append(Entity(f"T{len(entities) + 1}", label, start, end, surface,
                               stated_value(surface, lang) if label in CASUALTY_LABELS else None))
        origin.entity_lines[entities[-1].id] = tokens[chunk.first].line
    issues += [origin.problem(f"label {label!r} is not the scheme's and label_map does not map it (map it to one "
                              f"of {', '.join(ENTITY_LABELS)}, or to None to ignore it)", line)
               for label, line in unmapped.items()]
    return Document(origin.doc_id, lang, text, entities, [], annotated_labels=annotated_labels), origin, issues


@dataclass
class _Chunk:
    label: str  # the source's label
    first: int  # token indices over the whole document
    last: int


def _chunks(sentences: list[list[Token]]) -> tuple[list[_Chunk], list[tuple[str, int]]]:
    """The tagged spans, and (message, line) for each tag that is not IOB.

    I-X continues a span only right after B-X or I-X in the same sentence, so IOB1 and IOB2 both read right.
    """
    chunks: list[_Chunk] = []
    errors: list[tuple[str, int]] = []
    index = 0
    for sentence in sentences:
        previous = None  # the label of the span the previous token belongs to
        for token in sentence:
            prefix, _, label = token.tag.partition("-")
            if token.tag == "O":
                previous = None
            elif prefix not in ("B", "I") or not label:
                errors.append((f"tag {token.tag!r} of {token.text!r} is not O, B-LABEL or I-LABEL", token.line))
                previous = None
            elif prefix == "I" and label == previous:
                chunks[-1].last = index
            else:
                chunks.append(_Chunk(label, index, index))
                previous = label
            index += 1
    return chunks, errors
