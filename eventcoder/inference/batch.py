"""Batch inference glue: reports in from files, predictions and events out, every failure written down.

Inputs (`read_reports`), streamed one report at a time, never all in memory:
- `.txt` files, named or found under folders: one report per file, id = the file's stem;
- JSON Lines with `text` and optional `id`, `lang`, `date` (id defaults to `<file name>:<line>`);
- CSV with a `text` column and optional `id`, `lang`, `date` columns (quoted multi-line fields are fine; the id
  defaults to `<file name>:<line where the record starts>`).
Folders are searched recursively for all three kinds. A report's language is its own `lang`, else the default
given (`--lang`), else detected by py3langid among the languages that XLM-R covers; a date must be ISO 8601.

Failures never stop a run and are never dropped: a path or file that cannot be read, bytes that are not UTF-8, a
line that is not JSON, a missing or empty text, a text over `max_chars` characters (100,000 by default: a report
is a page or a few, and a larger "report" is most often a mis-split file), a bad lang or date, an id given twice,
and a report whose prediction or event assembly raises. Each becomes one record
{"source", "line", "id", "reason"}, so that every report read ends in the output or in the errors, never both.

Outputs (`write_events`): JSON Lines, one record per report (id, lang, date, entities, relations, events), or CSV
or Parquet with one flat row per event (columns: `events.EVENT_COLUMNS`). They are written as results come, with a
progress bar (reports/s) and a closing summary.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from tqdm import tqdm

from ..annotations.jsonl import document_to_dict
from ..annotations.paths import input_files
from ..schema import Document, Event, Problem, validate_document
from .events import EVENT_COLUMNS, assemble_events, event_to_dict, event_to_row

DEFAULT_MAX_CHARS = 100_000
INPUT_SUFFIXES = (".txt", ".jsonl", ".csv")
_PARQUET_ROWS_PER_GROUP = 1000

# The 100 languages of XLM-R's training data (Conneau et al. 2020) as ISO 639-1 codes; language detection
# chooses among those that py3langid also knows.
XLMR_LANGUAGES = frozenset(
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he hi hr hu hy id "
    "is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om or pa pl ps pt ro ru sa sd si "
    "sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh".split())
_DETECT_CHARS = 2000  # the language of a report shows in its first lines; reading them all only costs time
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that did not decode, kept by errors="surrogateescape"


# ---------------------------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class Report:
    """A report to process, with where it was read (for the errors file)."""

    doc: Document
    source: str | None = None
    line: int | None = None


@dataclass
class _Record:
    """One report as its file gives it, before checking."""

    source: str
    line: int | None
    id: Any
    text: Any
    lang: Any = None
    date: Any = None


def read_reports(paths: Iterable[str | Path], lang: str | None = None, max_chars: int = DEFAULT_MAX_CHARS
                 ) -> Iterator[Report | Problem]:
    """Every report under `paths` as a Report (a Document with id, lang, date and text), or as a Problem saying
    why it cannot be one.

    `lang` is the language of reports that name none (otherwise it is detected). Checked at once: a bad `lang`
    or `max_chars` raises ValueError before anything is read.
    """
    if lang is not None and not re.fullmatch(r"[a-z]{2}", lang):
        raise ValueError(f"--lang {lang!r} is not an ISO 639-1 code (two lower-case letters)")
    if max_chars < 1:
        raise ValueError(f"the character limit must be positive, got {max_chars}")
    return _reports(list(paths), lang, max_chars)


def _reports(paths: list[str | Path], lang: str | None, max_chars: int) -> Iterator[Report | Problem]:
    first_seen: dict[str, str] = {}  # id -> where it was read first (ids only: reports are not kept)
    for path in paths:
        try:
            files = input_files([path], INPUT_SUFFIXES)
        except FileNotFoundError:
            yield Problem("no such file or folder", str(path))
            continue
        for file in files:
            reader = _READERS.get(file.suffix.lower(), _text_file)
            try:
                for item in reader(file, max_chars):
                    yield item if isinstance(item, Problem) else _document(item, lang, max_chars, first_seen)
            except OSError as err:
                yield Problem(f"cannot read: {err.strerror or err}", str(file))


def _document(record: _Record, default_lang: str | None, max_chars: int, first_seen: dict[str, str]
              ) -> Report | Problem:
    doc_id = str(record.id)
    text = record.text

    def problem(reason: str) -> Problem:
        return Problem(reason, record.source, record.line, doc_id)

    if not isinstance(text, str) or not text.strip():
        return problem("missing or empty 'text'")
    if len(text) > max_chars:
        return problem(f"text has {len(text):,} characters, over the limit of {max_chars:,} (--max-chars)")
    lang = record.lang or default_lang or detect_language(text)
    doc = Document(doc_id, lang.lower() if isinstance(lang, str) else lang, text, date=record.date or None)
    findings = validate_document(doc, gold=False)  # id, lang and date (a date-time is fine: its day is kept)
    if findings:
        return problem("; ".join(f.message for f in findings))
    doc.date = doc.date and doc.date[:10]
    where = f"{record.source}:{record.line}" if record.line else record.source
    if doc_id in first_seen:
        return problem(f"id {doc_id!r} was already read at {first_seen[doc_id]}")
    first_seen[doc_id] = where
    return Report(doc, record.source, record.line)


def _text_file(path: Path, max_chars: int) -> Iterator[_Record | Problem]:
    if path.stat().st_size > 4 * max_chars:  # UTF-8 takes at most 4 bytes a character: over the limit unread
        yield Problem(f"file has {path.stat().st_size:,} bytes, over the limit of {max_chars:,} characters "
                      f"(--max-chars)", str(path), None, path.stem)
        return
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        yield Problem(_not_utf8(err), str(path), None, path.stem)
        return
    yield _Record(str(path), None, path.stem, text)


def _jsonl_file(path: Path, max_chars: int) -> Iterator[_Record | Problem]:
    with open(path, "rb") as fh:  # bytes, so that one bad line cannot stop the rest of the file
        for line_no, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            default_id = f"{path.name}:{line_no}"
            try:
                obj = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))
            except UnicodeDecodeError as err:
                yield Problem(_not_utf8(err), str(path), line_no, default_id)
                continue
            except json.JSONDecodeError as err:
                yield Problem(f"not valid JSON: {err.msg} (column {err.colno})", str(path), line_no, default_id)
                continue
            if not isinstance(obj, dict):
                yield Problem(f"expected a JSON object, got {type(obj).__name__}", str(path), line_no, default_id)
                continue
            doc_id = obj.get("id")
            yield _Record(str(path), line_no, default_id if doc_id in (None, "") else doc_id, obj.get("text"),
                          obj.get("lang"), obj.get("date"))


def _csv_file(path: Path, max_chars: int) -> Iterator[_Record | Problem]:
    csv.field_size_limit(max(csv.field_size_limit(), 4 * max_chars + 1))  # long texts fail our check, not csv's
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        rows = csv.reader(fh)
        try:
            header = next(rows, None)
        except csv.Error as err:
            yield Problem(f"not a readable CSV file: {err}", str(path), 1)
            return
        if header is None:
            return  # an empty file holds no report
        if "text" not in header:
            yield Problem(f"no 'text' column (columns: {', '.join(header) or 'none'})", str(path), 1)
            return
        line = rows.line_num + 1  # where the next record starts
        while True:
            try:
                row = next(rows, None)
            except csv.Error as err:
                yield Problem(f"CSV error: {err}; the rest of the file is not read", str(path), line)
                return
            if row is None:
                return
            start, line = line, rows.line_num + 1
            if not row:
                continue  # a blank line
            fields = dict(zip(header, row))
            default_id = f"{path.name}:{start}"
            if any(_NOT_UTF8.search(value) for value in row):
                yield Problem("not UTF-8 (undecodable bytes in this record)", str(path), start,
                              fields.get("id") or default_id)
                continue
            yield _Record(str(path), start, fields.get("id") or default_id, fields.get("text"),
                          fields.get("lang") or None, fields.get("date") or None)


_READERS: dict[str, Callable[[Path, int], Iterator[_Record | Problem]]] = {
    ".jsonl": _jsonl_file, ".csv": _csv_file, ".txt": _text_file}


def _not_utf8(err: UnicodeDecodeError) -> str:
    return f"not UTF-8: byte {err.object[err.start]:#04x} at offset {err.start}"


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(sorted(XLMR_LANGUAGES & set(identifier.nb_classes)))
    return identifier


def detect_language(text: str) -> str:
    """The most likely language of `text` among those XLM-R covers (py3langid, offline)."""
    return _language_identifier().classify(text[:_DETECT_CHARS])[0]


# ---------------------------------------------------------------------------------------------- outputs

def report_record(doc: Document, events: list[Event]) -> dict[str, Any]:
    """The JSONL output record of one report: its spans and relations (no text) and its events."""
    spans = document_to_dict(doc)
    return {"id": doc.id, "lang": doc.lang, "date": doc.date, "entities": spans["entities"],
            "relations": spans["relations"], "events": [event_to_dict(e) for e in events]}


def failure_record(problem: Problem) -> dict[str, Any]:
    return {"source": problem.source, "line": problem.line, "id": problem.doc_id, "reason": problem.message}


class _Output(Protocol):
    def write(self, doc: Document, events: list[Event]) -> None: ...

    def close(self) -> None: ...


class _JsonlOutput:
    def __init__(self, path: Path):
        self.fh = open(path, "w", encoding="utf-8")

    def write(self, doc: Document, events: list[Event]) -> None:
        self.fh.write(json.dumps(report_record(doc, events), ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.fh.close()


class _CsvOutput:
    def __init__(self, path: Path):
        self.fh = open(path, "w", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.fh, fieldnames=list(EVENT_COLUMNS))
        self.writer.writeheader()

    def write(self, doc: Document, events: list[Event]) -> None:
        self.writer.writerows([event_to_row(e) for e in events])

    def close(self) -> None:
        self.fh.close()


class _ParquetOutput:
    """Rows gathered into row groups of _PARQUET_ROWS_PER_GROUP, each written as soon as it is full."""

    def __init__(self, path: Path):
        pa, pq = _pyarrow()
        types = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
        self.schema = pa.schema([(name, types[kind]) for name, kind in EVENT_COLUMNS.items()])
        self.writer = pq.ParquetWriter(str(path), self.schema)
        self.rows: list[dict[str, Any]] = []
        self.pa = pa

    def write(self, doc: Document, events: list[Event]) -> None:
        self.rows += [event_to_row(e) for e in events]
        if len(self.rows) >= _PARQUET_ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def close(self) -> None:
        if self.rows:
            self._flush()
        self.writer.close()


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise ValueError("--format parquet needs pyarrow: pip install 'eventcoder[parquet]'") from err
    return pa, pq


_OUTPUTS: dict[str, Callable[[Path], _Output]] = {"jsonl": _JsonlOutput, "csv": _CsvOutput, "parquet": _ParquetOutput}


def check_output_format(fmt: str) -> None:
    """Raise ValueError now, before any work, for an unknown format or a missing Parquet writer."""
    if fmt not in _OUTPUTS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(_OUTPUTS)}")
    if fmt == "parquet":
        _pyarrow()


# ---------------------------------------------------------------------------------------------- the run

@dataclass
class BatchSummary:
    read: int = 0
    done: int = 0  # reports written to the output
    failed: int = 0
    events: int = 0
    seconds: float = 0.0
    done_as: str = "predicted"  # what was done to them: "predicted", or "assembled" for annotations

    def format(self) -> str:
        rate = self.read / self.seconds if self.seconds else 0.0
        return (f"reports read {self.read}, {self.done_as} {self.done}, failed {self.failed}, "
                f"events written {self.events}, {self.seconds:.1f} s, {rate:.1f} reports/s")


# predict(documents, on_error) -> predicted documents, in any order; e.g. Predictor.predict_stream
Predict = Callable[[Iterable[Document], Callable[[Document, Exception], None]], Iterator[Document]]


def write_events(items: Iterable[Report | Problem], output: str | Path, fmt: str = "jsonl",
                 errors: str | Path | None = None, predict: Predict | None = None, progress: bool = True,
                 desc: str = "reports") -> BatchSummary:
    """Run `items` (reports, or failures to record) through `predict` (None: they are annotated already) and
    event assembly into `output`; failures go to `errors` (JSON Lines), or to stderr when it is None."""
    check_output_format(fmt)
    summary = BatchSummary(done_as="predicted" if predict else "assembled")
    started = time.perf_counter()
    in_flight: dict[str, tuple[str | None, int | None]] = {}  # id -> (source, line) of reports being predicted
    out = _OUTPUTS[fmt](Path(output))
    errors_fh = open(errors, "w", encoding="utf-8") if errors is not None else None
    bar = tqdm(unit="report", desc=desc, disable=not progress, file=sys.stderr)

    def fail(problem: Problem) -> None:
        summary.failed += 1
        if errors_fh is None:
            tqdm.write(str(problem), file=sys.stderr)
        else:
            errors_fh.write(json.dumps(failure_record(problem), ensure_ascii=False) + "\n")
        bar.update(1)

    def fail_report(doc: Document, step: str, err: Exception) -> None:
        source, line = in_flight.pop(doc.id, (None, None))
        fail(Problem(f"{step} failed: {type(err).__name__}: {err}", source, line, doc.id))

    def documents() -> Iterator[Document]:
        for item in items:
            summary.read += 1
            if isinstance(item, Problem):
                fail(item)
            else:
                in_flight[item.doc.id] = (item.source, item.line)
                yield item.doc

    try:
        reports = predict(documents(), lambda doc, err: fail_report(doc, "prediction", err)) if predict else documents()
        for doc in reports:
            try:
                events = assemble_events(doc)
                out.write(doc, events)
            except Exception as err:  # noqa: BLE001 - one report's failure is recorded, the run goes on
                fail_report(doc, "event assembly", err)
                continue
            in_flight.pop(doc.id, None)
            summary.done += 1
            summary.events += len(events)
            bar.update(1)
    finally:
        bar.close()
        out.close()
        if errors_fh is not None:
            errors_fh.close()
    summary.seconds = time.perf_counter() - started
    return summary
