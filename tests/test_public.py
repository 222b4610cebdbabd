from typer.testing import CliRunner

from eventcoder.annotations.jsonl import read_jsonl
from eventcoder.annotations.public import read_cameo, read_germeval
from eventcoder.cli import app

CAMEO = """NATO B-S
jets I-S
struck O
Serbian B-T
army I-T
positions O
. O

a B-S
Swiss I-S
court I-S
rejected O
the O
Croatian B-T
government I-T
. O

the B-S
rebels I-S
attacked O
Erdogan B-R
. O
"""

GERMEVAL = """#\thttp://example.org/a\t[2010-07-04]
1\tIn\tO\tO
2\tAleppo\tB-LOC\tO
3\tund\tO\tO
4\tdeutschen\tB-LOCderiv\tO
5\tStädten\tO\tO
6\tkämpfte\tO\tO
7\tdie\tO\tO
8\tArmee\tB-ORG\tO

#\thttp://example.org/b\t[2010-07-05]
1\tNew\tB-LOC\tB-LOC
2\tYork\tI-LOC\tO
"""


def test_cameo_keeps_violent_sentences_and_maps_source_and_target(tmp_path):
    (tmp_path / "train.txt").write_text(CAMEO, encoding="utf-8")
    docs, summary = read_cameo(tmp_path)
    assert len(docs) == 2  # the court sentence reports no violence
    assert [(e.label, e.text) for e in docs[0].entities] == [("ACTOR", "NATO jets"), ("ACTOR", "Serbian army")]
    assert [(e.label, e.text) for e in docs[1].entities] == [("ACTOR", "rebels")]  # determiner dropped, R ignored
    assert all(d.annotated_labels == ("ACTOR",) and d.lang == "en" for d in docs)
    assert summary.dropped["sentence (reports no violence)"] == 1 and summary.dropped["R (not an entity of the scheme)"] == 1


def test_germeval_maps_outer_locations_only(tmp_path):
    (tmp_path / "NER-de-dev.tsv").write_text(GERMEVAL, encoding="utf-8")
    docs, summary = read_germeval(tmp_path)
    assert [[(e.label, e.text) for e in d.entities] for d in docs] == [[("LOCATION", "Aleppo")],
                                                                       [("LOCATION", "New York")]]
    assert docs[0].text.startswith("In Aleppo und deutschen") and docs[0].annotated_labels == ("LOCATION",)
    assert summary.dropped["LOCderiv (not an entity of the scheme)"] == 1


def test_convert_command_writes_jsonl_with_a_summary(tmp_path):
    (tmp_path / "germeval2014").mkdir()
    (tmp_path / "germeval2014" / "dev.tsv").write_text(GERMEVAL, encoding="utf-8")
    out = tmp_path / "g.jsonl"
    result = CliRunner().invoke(app, ["annotations", "convert", "germeval", "-o", str(out), "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "LOC -> LOCATION" in result.output and len(read_jsonl(out)) == 2
