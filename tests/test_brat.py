from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotation_samples import assert_names, by_id, first_problem, multilingual_documents
from eventcoder.annotations.brat import read_brat, write_brat
from eventcoder.annotations.jsonl import read_jsonl, write_jsonl
from eventcoder.cli import app
from eventcoder.schema import Problem, validate_document

TEXT = "At least 24 regime forces were killed in Idlib."
META = "id: en-1\nlang: en\n"


def t_line(ent_id: str, label: str, surface: str, text: str = TEXT) -> str:
    start = text.index(surface)
    return f"{ent_id}\t{label} {start} {start + len(surface)}\t{surface}"


GOOD_ANN = "\n".join([t_line("T1", "KILLED", "At least 24"), t_line("T2", "ACTOR", "regime forces"),
                      t_line("T3", "LOCATION", "Idlib"), "R1\tVICTIM Arg1:T1 Arg2:T2", "R2\tPLACE Arg1:T1 Arg2:T3",
                      "#1\tAnnotatorNotes T1\tvalue=24"]) + "\n"


def write_pair(folder: Path, stem: str, ann: str, text: str = TEXT, meta: str | None = META) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    if meta is not None:
        (folder / f"{stem}.meta").write_text(meta, encoding="utf-8")
    ann_path = folder / f"{stem}.ann"
    ann_path.write_text(ann, encoding="utf-8")
    return ann_path


# ---------------------------------------------------------------------------------------------- round trip

def test_the_sample_follows_the_scheme() -> None:
    for doc in multilingual_documents():
        assert validate_document(doc) == []


def test_jsonl_to_brat_to_jsonl_is_exact(tmp_path: Path) -> None:
    write_jsonl(multilingual_documents(), tmp_path / "in.jsonl")
    original = read_jsonl(tmp_path / "in.jsonl")
    write_brat(original, tmp_path / "brat")
    back = read_brat(tmp_path / "brat")
    assert by_id(back) == by_id(original)
    write_jsonl(back, tmp_path / "out.jsonl")
    assert by_id(read_jsonl(tmp_path / "out.jsonl")) == by_id(original)


def test_brat_files_are_what_brat_expects(tmp_path: Path) -> None:
    write_brat(multilingual_documents(), tmp_path)
    ru_text = (tmp_path / "ru-0003.txt").read_bytes().decode("utf-8")
    assert "\r\n" in ru_text  # line ends are kept, so offsets stay right
    ru_ann = (tmp_path / "ru-0003.ann").read_text(encoding="utf-8").splitlines()
    start = ru_text.index("Вооружённых")
    end = ru_text.index("сил", start) + 3
    assert f"T5\tACTOR {start} {start + 11};{end - 3} {end}\tВооружённых сил" in ru_ann
    en_ann = (tmp_path / "en-0001.ann").read_text(encoding="utf-8").splitlines()
    assert all(line.split("\t")[0][0] in "TR#" for line in en_ann)  # only brat ids, whatever the JSONL ids
    assert "#1\tAnnotatorNotes T2\tvalue=24" in en_ann
    assert "entity_ids: " in (tmp_path / "en-0001.meta").read_text(encoding="utf-8")
    assert (tmp_path / "de_0004.meta").read_text(encoding="utf-8").startswith("id: de/0004\nlang: de\n")


def test_without_meta_the_id_is_the_stem_and_lang_the_argument(tmp_path: Path) -> None:
    write_pair(tmp_path, "report-7", GOOD_ANN, meta=None)
    (doc,) = read_brat(tmp_path / "report-7.txt", lang="en")
    assert (doc.id, doc.lang, doc.entity("T1").value) == ("report-7", "en", 24)
    assert [(r.label, r.head, r.tail) for r in doc.relations] == [("VICTIM", "T1", "T2"), ("PLACE", "T1", "T3")]


def test_writing_two_documents_to_one_file_name_fails(tmp_path: Path) -> None:
    doc = multilingual_documents()[-1]
    other = multilingual_documents()[-1]
    other.id = "de_0004"  # de/0004 is written as de_0004 too
    with pytest.raises(ValueError, match="would both be written as de_0004.txt"):
        write_brat([doc, other], tmp_path)


# ---------------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("ann, line, what", [
    ("T1\tLOCATION 41 99\tIdlib.", 1, "outside the text"),
    ("T1\tLOCATION 41 46\tAleppo", 1, "does not match the text at [41:46], which is 'Idlib'"),
    (t_line("T1", "ACTOR", "regime forces") + "\n" + t_line("T2", "ACTOR", "forces"), 2, "overlaps entity T1"),
    (t_line("T1", "PERSON", "regime forces"), 1, "unknown label 'PERSON'"),
    (t_line("T1", "ACTOR", "regime forces") + "\n" + t_line("T2", "LOCATION", "Idlib") + "\nR1\tVICTIM Arg1:T2 Arg2:T1",
     3, "VICTIM cannot go from LOCATION to ACTOR"),
    (t_line("T1", "ACTOR", "regime forces") + "\nR1\tALLIED Arg1:T1 Arg2:T9", 2, "tail 'T9' is not an entity"),
    ("T1\tACTOR 12 18;19 25\tregime forces", 1, "is discontinuous (12 18;19 25)"),
    (t_line("T1", "ACTOR", "regime forces") + "\nA1\tNegated T1", 2, "brat attribute annotations cannot be"),
    ("E1\tAttack:T1", 1, "brat event annotations cannot be represented"),
    (t_line("T1", "KILLED", "At least 24"), 1, "KILLED but has no value note"),
    (t_line("T1", "KILLED", "At least 24") + "\n#1\tAnnotatorNotes T1\tabout two dozen", 2,
     "notes hold a casualty value"),
    (t_line("T1", "ACTOR", "regime forces") + "\n#1\tAnnotatorNotes T7\tvalue=3", 2, "not a text-bound annotation"),
    ("T1 ACTOR 12 25 regime forces", 1, "expected 'T<n>\\tLABEL START END\\tTEXT'"),
])
def test_each_bad_input_is_reported_with_file_line_and_document(tmp_path: Path, ann: str, line: int, what: str
                                                                ) -> None:
    ann_path = write_pair(tmp_path, "en-1", ann + "\n")
    assert_names(first_problem(read_brat, tmp_path), ann_path, "en-1", what, line)


def test_a_span_across_a_line_break_is_one_span_but_other_gaps_are_not(tmp_path: Path) -> None:
    text = "killing regime\r\nforces"
    write_pair(tmp_path, "en-1", "T1\tACTOR 8 14;16 22\tregime forces\n", text=text)
    (doc,) = read_brat(tmp_path)
    assert doc.entities[0].text == "regime\r\nforces"


def test_missing_lang_and_missing_ann_are_reported(tmp_path: Path) -> None:
    write_pair(tmp_path, "no-lang", GOOD_ANN, meta=None)
    assert_names(first_problem(read_brat, tmp_path), tmp_path / "no-lang.ann", "no-lang", "no lang")
    (tmp_path / "no-lang.ann").unlink()
    assert_names(first_problem(read_brat, tmp_path, lang="en"), tmp_path / "no-lang.ann", "no-lang",
                 "no-lang.ann is missing")


def test_meta_problems_name_the_meta_file_and_line(tmp_path: Path) -> None:
    write_pair(tmp_path, "en-1", GOOD_ANN, meta="id: en-1\nlang: en\nauthor: me\n")
    assert_names(first_problem(read_brat, tmp_path), tmp_path / "en-1.meta", "en-1", "key one of id, lang", 3)


def test_collect_mode_reports_every_problem_and_keeps_good_documents(tmp_path: Path) -> None:
    write_pair(tmp_path, "good", GOOD_ANN, meta="id: good\nlang: en\n")
    write_pair(tmp_path, "bad", "T1\tPERSON 0 11\tAt least 24\nR1\tVICTIM Arg1:T1 Arg2:T5\n",
               meta="id: bad\nlang: en\n")
    write_pair(tmp_path, "twin", GOOD_ANN, meta="id: good\nlang: en\n")
    problems: list[Problem] = []
    docs = read_brat(tmp_path, problems)
    assert [d.id for d in docs] == ["good"]
    messages = [p.message for p in problems]
    assert any("unknown label 'PERSON'" in m for m in messages)
    assert any("tail 'T5' is not an entity" in m for m in messages)
    assert any(m.startswith("document id is also used in") for m in messages)


# ---------------------------------------------------------------------------------------------- command line

def test_cli_exports_and_imports_brat(tmp_path: Path) -> None:
    write_jsonl(multilingual_documents(), tmp_path / "in.jsonl")
    runner = CliRunner()
    exported = runner.invoke(app, ["annotations", "export", "brat", str(tmp_path / "in.jsonl"),
                                   "-o", str(tmp_path / "brat")])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(app, ["annotations", "import", "brat", str(tmp_path / "brat"),
                                   "-o", str(tmp_path / "out.jsonl")])
    assert imported.exit_code == 0, imported.output
    assert f"imported {len(multilingual_documents())} reports" in imported.output
    assert by_id(read_jsonl(tmp_path / "out.jsonl")) == by_id(read_jsonl(tmp_path / "in.jsonl"))


def test_cli_import_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    write_pair(tmp_path / "brat", "a", "T1\tPERSON 0 11\tAt least 24\n", meta="id: a\nlang: en\n")
    write_pair(tmp_path / "brat", "b", "T1\tACTOR 12 25\tregime force\n", meta="id: b\nlang: en\n")
    result = CliRunner().invoke(app, ["annotations", "import", "brat", str(tmp_path / "brat"),
                                      "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert "unknown label 'PERSON'" in result.output and "does not match" in result.output
    assert "2 problem(s)" in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_cli_rejects_an_option_the_format_does_not_take(tmp_path: Path) -> None:
    write_pair(tmp_path, "en-1", GOOD_ANN)
    result = CliRunner().invoke(app, ["annotations", "import", "brat", str(tmp_path), "--predictions",
                                      "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert "the brat reader takes no use_predictions" in result.output
