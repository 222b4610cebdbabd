"""Label Studio: read a project's JSON export; write tasks carrying pre-annotations, and the labelling config.

A task is `{"data": {"text", "id", "lang", "date", "source", "title"}, "annotations": [...], "predictions":
[...]}`. The `result` of an annotation or prediction holds one item per span (type `labels`, one label), one
per relation (type `relation`) and one per casualty value: a per-region item sharing its span's id, of type
`number` (`{"number": 24}`) or `textarea` (`{"text": ["24"]}`, `["null"]`; written values are read in the
task's language as the guidelines read a span, so `["two"]` is 2). A casualty span without a value item has value
null, since an empty Number field stores nothing.

The reader takes each task's last annotation that was not cancelled (skipped), or its last prediction when
asked to or when the task has no annotation at all. A prediction is validated as one (scores allowed);
scores found in an annotation are dropped, since an annotator who accepts a prediction takes over its spans,
not its model's confidence.

Offsets: Label Studio counts UTF-16 code units (JavaScript strings), Python counts code points. The two
differ after every character outside the Basic Multilingual Plane (most emoji), so both directions convert.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from typing import Any, Iterable

from ..inference.numbers import stated_value
from ..schema import (CASUALTY_LABELS, ENTITY_LABELS, RELATION_LABELS, Document, Entity, Problem, Relation)
from .collect import DocumentCollector, Origin, unrepresented_fields
from .paths import PathArgument, input_files

# Tag names shared by the config and the tasks written for it.
_LABELS_TAG = "label"
_TEXT_TAG = "text"
_VALUE_TAG = "value"
_DATA_FIELDS = ("text", "id", "lang", "date", "source", "title", "annotated_labels")


class Utf16Offsets:
    """Offsets into one text, converted between code points (Python) and UTF-16 code units (JavaScript)."""

    def __init__(self, text: str):
        self._text = text
        self._utf16 = list(accumulate((2 if ord(ch) > 0xFFFF else 1 for ch in text), initial=0))
        self._code_point = {unit: index for index, unit in enumerate(self._utf16)}

    def to_utf16(self, offset: int) -> int:
        return self._utf16[offset]

    def to_code_points(self, offset: int) -> int:
        if offset in self._code_point:
            return self._code_point[offset]
        length = self._utf16[-1]
        if 0 <= offset <= length:
            inside = self._text[bisect_right(self._utf16, offset) - 1]
            raise ValueError(f"UTF-16 offset {offset} falls inside the character {inside!r}")
        raise ValueError(f"UTF-16 offset {offset} is outside the text ({length} UTF-16 code units)")


# ---------------------------------------------------------------------------------------------- reading

def read_labelstudio(paths: PathArgument, problems: list[Problem] | None = None, *, lang: str | None = None,
                     use_predictions: bool = False) -> list[Document]:
    """Documents from Label Studio JSON exports (files, or the `.json` files under folders).

    `lang` is the language of tasks whose data gives none; `use_predictions` reads every task's predictions
    instead of its annotations. See ProblemSink for `problems`.
    """
    collector = DocumentCollector(problems)
    for path in input_files(paths, (".json",)):
        for task in _load_tasks(path, collector):
            doc, origin, issues, gold = _task_document(task, str(path), lang, use_predictions)
            collector.add(doc, origin, issues, gold=gold)
    return collector.documents


def _load_tasks(path: Path, collector: DocumentCollector) -> list[Any]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        collector.sink.add(Problem(f"not valid JSON: {err.msg} (column {err.colno})", str(path), err.lineno))
        return []
    if not isinstance(tasks, list):
        collector.sink.add(Problem("a Label Studio JSON export is a list of tasks", str(path)))
        return []
    return tasks


def _task_document(task: Any, source: str, lang: str | None, use_predictions: bool
                   ) -> tuple[Document | None, Origin, list[Problem], bool]:
    """The document of one task, where it came from, what is wrong with it, and whether it is gold."""
    origin = Origin(source)
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None, origin, [origin.problem("a task needs data.text, a string")], True
    doc_id = data.get("id", task.get("id"))
    origin.doc_id = None if doc_id is None else str(doc_id)
    issues = [origin.problem(f"data field {key!r} cannot be represented in the scheme")
              for key in unrepresented_fields(data, _DATA_FIELDS)]
    if origin.doc_id is None:
        issues.append(origin.problem("the task has neither data.id nor an id"))
    result, gold, missing = _chosen_result(task, use_predictions)
    if missing:
        issues.append(origin.problem(missing))
    doc_lang = data.get("lang") or lang
    if not doc_lang:
        issues.append(origin.problem("no lang: the task has no data.lang and no lang was given (--lang)"))
    if origin.doc_id is None or result is None or not doc_lang:
        return None, origin, issues, gold
    entities, relations, more = _parse_result(result, Utf16Offsets(data["text"]), doc_lang, origin,
                                              keep_scores=not gold)
    labels = data.get("annotated_labels")
    doc = Document(origin.doc_id, doc_lang, data["text"], entities, relations, data.get("date"),
                   data.get("source"), data.get("title"), tuple(labels) if isinstance(labels, list) else labels)
    return doc, origin, issues + more, gold


def _chosen_result(task: dict[str, Any], use_predictions: bool) -> tuple[Any, bool, str | None]:
    """(the result list to read, whether it is an annotator's, why there is none)."""
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
    if use_predictions or not annotations:
        predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
        if predictions:
            return predictions[-1].get("result", []), False, None
        why = "the task has no predictions" if use_predictions else "the task has neither annotations nor predictions"
        return None, False, why
    kept = [a for a in annotations if not a.get("was_cancelled")]
    if not kept:
        return None, True, (f"all {len(annotations)} annotations of the task were cancelled (skipped); annotate "
                            f"or delete it, or read predictions")
    return kept[-1].get("result", []), True, None


def _parse_result(result: Any, offsets: Utf16Offsets, lang: str, origin: Origin, *, keep_scores: bool
                  ) -> tuple[list[Entity], list[Relation], list[Problem]]:
    entities: list[Entity] = []
    relations: list[Relation] = []
    values: dict[Any, int | None] = {}  # region id -> value
    issues: list[Problem] = []
    if not isinstance(result, list):
        return entities, relations, [origin.problem(f"a result is a list of items, got {result!r}")]
    for item in result:
        kind = item.get("type") if isinstance(item, dict) else None
        try:
            if kind == "labels":
                entities.append(_region(item, offsets, keep_scores))
            elif kind == "relation":
                relations.append(_relation(item, keep_scores))
            elif kind in ("number", "textarea"):
                if item.get("id") in values:
                    raise ValueError(f"region {item.get('id')!r} has more than one value")
                values[item.get("id")] = _value(item, lang)
            else:
                raise ValueError(f"a result item of type {kind!r} cannot be represented in the scheme (it has "
                                 f"labels, relation, and a number or textarea per region): {item!r}")
        except ValueError as err:
            issues.append(origin.problem(str(err)))
    by_id = {e.id: e for e in entities}
    for region_id, value in values.items():
        if region_id in by_id:
            by_id[region_id].value = value
        else:
            issues.append(origin.problem(f"value {value} belongs to region {region_id!r}, which is not a "
                                         f"labelled span"))
    return entities, relations, issues


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _region(item: dict[str, Any], offsets: Utf16Offsets, keep_scores: bool) -> Entity:
    region_id, value = item.get("id"), item.get("value") or {}
    labels = value.get("labels")
    if not isinstance(region_id, str) or not region_id:
        raise ValueError(f"a labelled region has no id: {item!r}")
    if not isinstance(labels, list) or len(labels) != 1:
        raise ValueError(f"region {region_id} has labels {labels!r}; a span takes exactly one label")
    if not (_is_int(value.get("start")) and _is_int(value.get("end"))):
        raise ValueError(f"region {region_id} needs integer start and end, got {value.get('start')!r}.."
                         f"{value.get('end')!r}")
    try:
        start, end = offsets.to_code_points(value["start"]), offsets.to_code_points(value["end"])
    except ValueError as err:
        raise ValueError(f"region {region_id} [{value['start']}:{value['end']}]: {err}") from None
    return Entity(region_id, labels[0], start, end, value.get("text"),
                  score=item.get("score") if keep_scores else None)


def _relation(item: dict[str, Any], keep_scores: bool) -> Relation:
    source, target, labels = item.get("from_id"), item.get("to_id"), item.get("labels") or []
    if len(labels) != 1:
        raise ValueError(f"the relation from {source} to {target} has labels {labels!r}; a relation takes exactly "
                         f"one label")
    direction = item.get("direction", "right")
    if direction not in ("right", "left"):
        raise ValueError(f"the {labels[0]} relation between {source} and {target} has direction {direction!r}; "
                         f"the scheme's relations go one way (right or left)")
    head, tail = (source, target) if direction == "right" else (target, source)
    return Relation(labels[0], head, tail, item.get("score") if keep_scores else None)


def _value(item: dict[str, Any], lang: str) -> int | None:
    region_id, value = item.get("id"), item.get("value") or {}
    if item["type"] == "number":
        if not _is_int(value.get("number")):
            raise ValueError(f"region {region_id}: the value {value.get('number')!r} is not a whole number")
        return value["number"]
    texts = value.get("text")
    if isinstance(texts, list) and len(texts) == 1 and isinstance(texts[0], str):
        written = texts[0].strip()
        if written == "null":
            return None
        if (number := stated_value(written, lang)) is not None:
            return number
    raise ValueError(f"region {region_id}: the value {texts!r} states no integer and is not 'null'")


# ---------------------------------------------------------------------------------------------- writing

def write_labelstudio(documents: Iterable[Document], path: str | Path) -> list[Path]:
    """Tasks at `path` and, beside it, the labelling config they need as `<stem>.config.xml`."""
    path = Path(path)
    config = path.with_name(f"{path.stem}.config.xml")
    write_labelstudio_tasks(documents, path)
    config.write_text(labelstudio_config(), encoding="utf-8")
    return [path, config]


def write_labelstudio_tasks(documents: Iterable[Document], path: str | Path, model_version: str = "eventcoder"
                            ) -> int:
    """Write one task per document, its entities and relations as predictions (pre-annotations), so that an
    annotator corrects them in Label Studio and the export reads back. Returns the number of tasks."""
    tasks = [_task(doc, model_version) for doc in documents]
    Path(path).write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(tasks)


def _task(doc: Document, model_version: str) -> dict[str, Any]:
    data: dict[str, Any] = {"text": doc.text, "id": doc.id, "lang": doc.lang}
    data.update({key: getattr(doc, key) for key in ("date", "source", "title") if getattr(doc, key) is not None})
    if doc.annotated_labels is not None:
        data["annotated_labels"] = list(doc.annotated_labels)
    offsets = Utf16Offsets(doc.text)
    result: list[dict[str, Any]] = []
    for ent in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        span = {"start": offsets.to_utf16(ent.start), "end": offsets.to_utf16(ent.end)}
        result.append(_scored({"id": ent.id, "from_name": _LABELS_TAG, "to_name": _TEXT_TAG, "type": "labels",
                               "value": {**span, "text": ent.text, "labels": [ent.label]}}, ent.score))
        if ent.value is not None:
            result.append({"id": ent.id, "from_name": _VALUE_TAG, "to_name": _TEXT_TAG, "type": "number",
                           "value": {**span, "number": ent.value}})
    result += [_scored({"type": "relation", "from_id": r.head, "to_id": r.tail, "direction": "right",
                        "labels": [r.label]}, r.score) for r in doc.relations]
    return {"data": data, "predictions": [{"model_version": model_version, "result": result}]}


def _scored(item: dict[str, Any], score: float | None) -> dict[str, Any]:
    return item if score is None else {**item, "score": score}


def labelstudio_config() -> str:
    """The labelling config for the tasks write_labelstudio_tasks writes and read_labelstudio reads."""
    labels = "".join(f'    <Label value="{label}"/>\n' for label in ENTITY_LABELS)
    relations = "".join(f'    <Relation value="{label}"/>\n' for label in RELATION_LABELS)
    casualty = ", ".join(CASUALTY_LABELS)
    return (f'<View>\n'
            f'  <Labels name="{_LABELS_TAG}" toName="{_TEXT_TAG}" choice="single">\n{labels}  </Labels>\n'
            f'  <Relations>\n{relations}  </Relations>\n'
            f'  <Text name="{_TEXT_TAG}" value="$text"/>\n'
            f'  <View visibleWhen="region-selected">\n'
            f'    <Header value="Value of a {casualty} span: the number the text states; empty when it states '
            f'none"/>\n'
            f'    <Number name="{_VALUE_TAG}" toName="{_TEXT_TAG}" perRegion="true" min="0"/>\n'
            f'  </View>\n'
            f'</View>\n')
