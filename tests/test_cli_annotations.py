import json

from typer.testing import CliRunner

from eventcoder.annotations import load_documents
from eventcoder.annotations.drafts import write_drafts
from eventcoder.annotations.jsonl import read_jsonl, write_jsonl
from eventcoder.annotations.split import split_documents
from eventcoder.cli import app
from eventcoder.schema import Document, Problem

from samples import multilingual

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_lists_every_problem_and_exits_1(tmp_path):
    write_drafts(multilingual(), tmp_path)
    bad = tmp_path / "bad.draft"
    bad.write_text("id: x\nlang: en\n---\n[[Hama|PLACE]] and [[two|KILLED]]\n---\n", encoding="utf-8")
    result = invoke("annotations", "validate", tmp_path)
    assert result.exit_code == 1
    assert "bad.draft:4:" in result.output and "needs '=VALUE'" in result.output


def test_validate_accepts_a_valid_corpus(tmp_path):
    write_drafts(multilingual(), tmp_path)
    result = invoke("annotations", "validate", tmp_path)
    assert result.exit_code == 0 and "4 reports valid" in result.output


def test_compile_then_render_reproduces_the_drafts(tmp_path):
    write_drafts(multilingual(), tmp_path / "drafts")
    assert invoke("annotations", "compile", tmp_path / "drafts", "-o", tmp_path / "c.jsonl").exit_code == 0
    assert invoke("annotations", "render", tmp_path / "c.jsonl", "-o", tmp_path / "again").exit_code == 0
    for original in (tmp_path / "drafts").iterdir():
        assert (tmp_path / "again" / original.name).read_text(encoding="utf-8") == original.read_text(encoding="utf-8")


def test_stats_counts_labels_and_totals(tmp_path):
    write_jsonl(multilingual(), tmp_path / "c.jsonl")
    result = invoke("annotations", "stats", tmp_path / "c.jsonl", "--json")
    stats = json.loads(result.output)
    assert stats["reports"] == 4 and stats["languages"] == {"en": 1, "ar": 1, "ru": 1, "de": 1}
    assert stats["entities"]["KILLED"] == 4 and stats["relations"]["PART_OF"] == 1
    # en: 24 killed, 5 captured; ar: 12 killed (the child is PART_OF), dozens injured -> 0; ru: 1 killed, 3 injured
    assert stats["casualty_totals"] == {"KILLED": 24 + 12 + 1, "INJURED": 3, "CAPTURED": 5}


def _many(n_per_lang: int) -> list[Document]:
    return [Document(f"{lang}-{i}", lang, "text") for lang in ("en", "ar", "de") for i in range(n_per_lang)]


def test_split_is_stratified_deterministic_and_order_independent():
    docs = _many(20)
    first = split_documents(docs, seed=7)
    again = split_documents(list(reversed(docs)), seed=7)
    assert {k: sorted(d.id for d in v) for k, v in first.items()} == {k: sorted(d.id for d in v) for k, v in again.items()}
    for lang in ("en", "ar", "de"):
        assert [sum(d.lang == lang for d in first[s]) for s in ("train", "dev", "test")] == [16, 2, 2]
    other_seed = split_documents(docs, seed=8)
    assert {d.id for d in other_seed["test"]} != {d.id for d in first["test"]}


def test_committed_splits_are_sticky_when_reports_are_added():
    docs = _many(20)
    first = split_documents(docs, seed=7)
    existing = {d.id: name for name, ds in first.items() for d in ds}
    more = docs + [Document(f"en-new-{i}", "en", "text") for i in range(10)]
    second = split_documents(more, seed=7, existing=existing)
    for name in ("train", "dev", "test"):
        assert {d.id for d in first[name]} <= {d.id for d in second[name]}
    assert [sum(d.lang == "en" for d in second[s]) for s in ("train", "dev", "test")] == [24, 3, 3]


def test_split_command_writes_three_files(tmp_path):
    write_jsonl(_many(10), tmp_path / "all.jsonl")
    result = invoke("annotations", "split", tmp_path / "all.jsonl", "-o", tmp_path / "splits")
    assert result.exit_code == 0
    sizes = {name: len(read_jsonl(tmp_path / "splits" / f"{name}.jsonl")) for name in ("train", "dev", "test")}
    assert sizes == {"train": 24, "dev": 3, "test": 3}


def test_corpus_folder_counts_each_report_once_and_flags_stale_splits(tmp_path):
    docs = multilingual()
    write_drafts(docs, tmp_path / "drafts")
    write_jsonl(docs, tmp_path / "splits.jsonl")
    assert len(load_documents([tmp_path])) == 4
    docs[0].entities.pop()  # the draft changed but the split was not recompiled
    docs[0].relations = [r for r in docs[0].relations if "a3" not in (r.head, r.tail)]
    write_drafts(docs[:1], tmp_path / "drafts")
    problems: list[Problem] = []
    load_documents([tmp_path], problems)
    assert len(problems) == 1 and "recompile" in problems[0].message and problems[0].doc_id == "en-test-1"


def test_split_command_keeps_assignments_of_stale_splits(tmp_path):
    docs = _many(10)
    write_jsonl(docs, tmp_path / "all.jsonl")
    assert invoke("annotations", "split", tmp_path / "all.jsonl", "-o", tmp_path / "splits").exit_code == 0
    before = {n: {d.id for d in read_jsonl(tmp_path / "splits" / f"{n}.jsonl")} for n in ("train", "dev", "test")}
    stale = (tmp_path / "splits" / "test.jsonl").read_text(encoding="utf-8").replace('"lang": "en"', '"lang": "english"')
    assert '"english"' in stale
    (tmp_path / "splits" / "test.jsonl").write_text(stale, encoding="utf-8")  # invalid now, ids still readable
    result = invoke("annotations", "split", tmp_path / "all.jsonl", "-o", tmp_path / "splits", "--seed", "99")
    assert result.exit_code == 0, result.output
    after = {n: {d.id for d in read_jsonl(tmp_path / "splits" / f"{n}.jsonl")} for n in ("train", "dev", "test")}
    assert after == before
