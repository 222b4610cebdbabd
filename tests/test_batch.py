"""Batch inference end to end through the CLI, on a real (tiny, untrained) model: every report read ends in the
output or in the errors, never both, never neither."""

import csv
import json

import pytest
import torch
from typer.testing import CliRunner

from eventcoder.annotations.jsonl import write_jsonl
from eventcoder.cli import app
from eventcoder.inference.batch import XLMR_LANGUAGES, detect_language, read_reports
from eventcoder.inference.events import EVENT_COLUMNS
from eventcoder.schema import Problem, casualty_totals
from eventcoder.training.encoding import RELATION_CLASSES, TAG_IDS

from samples import arabic, english, russian
from test_model import tiny_model

runner = CliRunner()
MAX_CHARS = 5000


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, wordpiece_tokenizer):
    """An untrained tiny model that tags every sub-word B-KILLED and draws no relation, so that every report
    has counts and makes exactly one event (no place, no date).

    Its windows (1024 sub-words) are longer than its encoder's 512 positions: a report of more than 512 sub-words
    fails inside the model, a real processing error that must cost that report only.
    """
    model = tiny_model(wordpiece_tokenizer)
    with torch.no_grad():
        model.tag_head.bias[TAG_IDS["B-KILLED"]] = 50.0
        model.relation_head[-1].bias[RELATION_CLASSES.index("none")] = 50.0
    model.meta["config"] = {"encoding": {"window_length": 1024, "window_stride": 64}}
    return model.save_pretrained(tmp_path_factory.mktemp("model"), wordpiece_tokenizer)


# id -> the words its failure reason must hold; every other report written below must be predicted
EXPECTED_FAILURES = {
    "latin1": "not UTF-8", "blank": "missing or empty 'text'", "reports.jsonl:3": "not valid JSON",
    "j-empty": "missing or empty 'text'", "j-long": "over the limit", "reports.jsonl:6": "not UTF-8",
    "j-bad-date": "not ISO 8601", "j-ok": "already read", "c-empty": "missing or empty 'text'",
    "c-bad-bytes": "not UTF-8", "long-report": "prediction failed: RuntimeError",
}
EXPECTED_PREDICTED = {"en-report", "de-report", "j-ok", "reports.jsonl:2", "c-ok", "c-multiline"}


@pytest.fixture()
def inputs(tmp_path):
    """A folder of reports in every input format, with bad records of every kind."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "en-report.txt").write_text("Gunmen killed 5 villagers in Zamfara state on Tuesday, police said.",
                                          encoding="utf-8")
    (folder / "de-report.txt").write_text("Bei einem Angriff wurden am Mittwoch mindestens zehn Menschen getötet.",
                                          encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Trois soldats tués à Gao".encode("latin-1"))
    (folder / "blank.txt").write_text("  \n", encoding="utf-8")
    (folder / "long-report.txt").write_text("killed in Aleppo " * 200, encoding="utf-8")  # > 512 sub-words
    lines = [
        json.dumps({"id": "j-ok", "text": "Two soldiers were killed.", "lang": "en", "date": "2024-03-06"}),
        json.dumps({"text": "Drei Zivilisten wurden verletzt.", "lang": "de"}),  # id from file and line
        '{"id": "j-broken", "text": "unterminated',
        json.dumps({"id": "j-empty", "text": ""}),
        json.dumps({"id": "j-long", "text": "x" * (MAX_CHARS + 1), "lang": "en"}),
    ]
    raw = "\n".join(lines).encode() + b'\n{"id": "j-bytes", "text": "caf\xe9"}\n'
    raw += (json.dumps({"id": "j-bad-date", "text": "Four dead.", "lang": "en", "date": "06/03/2024"}) + "\n"
            + json.dumps({"id": "j-ok", "text": "Again the same id.", "lang": "en"}) + "\n").encode()
    (folder / "reports.jsonl").write_bytes(raw)
    with open(folder / "reports.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "lang", "date"])
        writer.writerow(["c-ok", "Seven people were killed in Kano.", "en", "2024-03-01"])
        writer.writerow(["c-multiline", "Tres muertos en Cali.\nDos heridos, dijo la policía.", "es", ""])
        writer.writerow(["c-empty", "", "en", ""])
    with open(folder / "reports.csv", "ab") as fh:
        fh.write(b'c-bad-bytes,"Cinq morts \xe0 Gao",fr,\n')
    return folder


def read_jsonl_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_report_ends_in_the_output_or_in_the_errors(model_dir, inputs, tmp_path):
    out, errors = tmp_path / "events.jsonl", tmp_path / "errors.jsonl"
    result = invoke("predict", model_dir, inputs, "-o", out, "--errors", errors, "--max-chars", MAX_CHARS,
                    "--batch-size", 4)
    assert result.exit_code == 0, result.output
    records, failures = read_jsonl_lines(out), read_jsonl_lines(errors)
    predicted = [r["id"] for r in records]
    failed = {f["id"]: f for f in failures}
    assert sorted(predicted) == sorted(EXPECTED_PREDICTED)
    assert len(failed) == len(failures) == len(EXPECTED_FAILURES)
    for doc_id, words in EXPECTED_FAILURES.items():
        assert words in failed[doc_id]["reason"], failed[doc_id]
    assert "reports read 17, predicted 6, failed 11" in result.output  # the summary, on stderr
    # failures say where: the file and, inside JSONL and CSV, the line the record starts on
    assert failed["reports.jsonl:3"]["line"] == 3 and failed["reports.jsonl:3"]["source"].endswith("reports.jsonl")
    assert failed["c-empty"]["line"] == 5  # the multi-line record before it takes lines 3 and 4
    assert failed["c-bad-bytes"]["line"] == 6 and failed["latin1"]["line"] is None
    assert failed["long-report"]["source"].endswith("long-report.txt")

    by_id = {r["id"]: r for r in records}
    assert by_id["j-ok"]["date"] == "2024-03-06" and by_id["c-multiline"]["lang"] == "es"
    assert by_id["en-report"]["lang"] == "en" and by_id["de-report"]["lang"] == "de"  # detected
    text = "Tres muertos en Cali.\nDos heridos, dijo la policía."
    for record in records:
        assert set(record) == {"id", "lang", "date", "entities", "relations", "events"}
        assert len(record["events"]) == 1, record["id"]
        for event in record["events"]:
            assert event["report_id"] == record["id"]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in by_id["c-multiline"]["entities"])


def test_csv_and_parquet_hold_one_row_per_event(model_dir, inputs, tmp_path):
    args = ("predict", model_dir, inputs, "--errors", tmp_path / "errors.jsonl", "--max-chars", MAX_CHARS)
    assert invoke(*args, "-o", tmp_path / "events.jsonl").exit_code == 0
    n_events = sum(len(r["events"]) for r in read_jsonl_lines(tmp_path / "events.jsonl"))
    assert n_events == len(EXPECTED_PREDICTED)
    result = invoke(*args, "-o", tmp_path / "events.csv", "--format", "csv")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "events.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(EVENT_COLUMNS) and len(rows) == n_events
    assert {r["report_id"] for r in rows} == EXPECTED_PREDICTED

    pq = pytest.importorskip("pyarrow.parquet")
    result = invoke(*args, "-o", tmp_path / "events.parquet", "--format", "parquet")
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "events.parquet")
    assert table.column_names == list(EVENT_COLUMNS) and table.num_rows == n_events
    assert str(table.schema.field("killed_stated").type) == "int64"


def test_a_path_that_does_not_exist_is_a_failure_not_a_crash(model_dir, tmp_path):
    (tmp_path / "one.txt").write_text("Two killed.", encoding="utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = invoke("predict", model_dir, tmp_path / "one.txt", tmp_path / "missing", "-o", out, "--errors", errors,
                    "--lang", "en")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl_lines(out)] == ["one"]
    (failure,) = read_jsonl_lines(errors)
    assert failure["source"].endswith("missing") and "no such file" in failure["reason"]


def test_bad_options_fail_before_any_work(model_dir, tmp_path):
    (tmp_path / "one.txt").write_text("Two killed.", encoding="utf-8")
    for option in (("--lang", "english"), ("--format", "xml")):
        result = invoke("predict", model_dir, tmp_path / "one.txt", "-o", tmp_path / "out.jsonl", *option)
        assert result.exit_code == 2 and not (tmp_path / "out.jsonl").exists(), result.output


def test_language_detection_chooses_among_xlmr_languages():
    assert detect_language("Les combats ont fait trois morts dans la région de Mopti.") == "fr"
    assert detect_language("В результате обстрела погибли три человека.") == "ru"
    assert detect_language("12 34 56") in XLMR_LANGUAGES


def test_reading_streams_reports_lazily(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": "Two killed.", "lang": "en"}) + "\n"
                            for i in range(3)) + "not json\n", encoding="utf-8")
    stream = read_reports([path])
    first = next(stream)  # nothing beyond the first line needs to be read for it
    assert first.doc.id == "r0" and first.line == 1
    rest = list(stream)
    assert [r.doc.id for r in rest[:2]] == ["r1", "r2"] and isinstance(rest[2], Problem)


def test_events_command_assembles_annotations_without_a_model(tmp_path):
    docs = [english(), arabic(), russian()]
    write_jsonl(docs, tmp_path / "gold.jsonl")
    result = invoke("events", tmp_path / "gold.jsonl", "-o", tmp_path / "events.jsonl")
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in read_jsonl_lines(tmp_path / "events.jsonl")}
    assert list(records) == [d.id for d in docs]
    for doc in docs:
        events = records[doc.id]["events"]
        totals = {label: sum(e[label.lower()]["stated"] for e in events) for label in ("KILLED", "INJURED", "CAPTURED")}
        assert totals == casualty_totals(doc.entities, doc.relations)
        assert all(e["confidence"] == 1.0 for e in events)
    (arabic_event,) = records["ar-test-1"]["events"]
    assert arabic_event["location"]["text"] == "إدلب" and arabic_event["event_date"] == "2024-03-06"
    assert arabic_event["killed"]["stated"] == 12 and arabic_event["by_victim"][0] == {"actor": "مدنياً", "killed": 12}

    result = invoke("events", tmp_path / "gold.jsonl", "-o", tmp_path / "events.csv", "--format", "csv")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "events.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["event_id"] for r in rows] == [e["event_id"] for r in records.values() for e in r["events"]]


def test_events_command_lists_invalid_annotations_and_writes_nothing(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "lang": "en", "text": "Two killed.", "entities": '
                                        '[{"id": "T1", "label": "KILLED", "start": 0, "end": 3, "text": "Two"}]}\n',
                                        encoding="utf-8")
    result = invoke("events", tmp_path / "bad.jsonl", "-o", tmp_path / "events.jsonl")
    assert result.exit_code == 1 and "has no 'value'" in result.output
    assert not (tmp_path / "events.jsonl").exists()
