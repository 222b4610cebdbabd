"""The `eventcoder` command line: parses arguments and calls the modules that do the work."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from .annotations import load_documents
from .annotations.drafts import read_drafts, write_drafts
from .annotations.jsonl import read_jsonl, write_jsonl
from .annotations.split import split_documents
from .annotations.stats import corpus_stats, format_stats
from .schema import AnnotationError, Problem

app = typer.Typer(help="Turn conflict reports into structured, traceable event data.", no_args_is_help=True,
                  add_completion=False)
annotations_app = typer.Typer(help="Check, convert, count and split annotated reports.", no_args_is_help=True)
app.add_typer(annotations_app, name="annotations")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _report_problems(problems: list[Problem]) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{len(problems)} problem(s)", err=True)


@annotations_app.command("validate")
def validate(paths: List[Path] = typer.Argument(..., help="JSONL files, drafts, or folders holding them")) -> None:
    """Check annotations against the scheme; list every problem and exit 1 if there is any."""
    started = time.perf_counter()
    problems: list[Problem] = []
    docs = load_documents(paths, problems)
    if problems:
        _report_problems(problems)
        raise typer.Exit(1)
    typer.echo(f"{len(docs)} reports valid ({time.perf_counter() - started:.2f} s)")


@annotations_app.command("compile")
def compile_drafts(drafts: List[Path] = typer.Argument(..., help="draft files or folders of them"),
                   output: Path = typer.Option(..., "-o", "--output", help="JSONL file to write")) -> None:
    """Compile inline drafts into one JSONL file (nothing is written if any draft is invalid)."""
    problems: list[Problem] = []
    docs = read_drafts(drafts, problems)
    if problems:
        _report_problems(problems)
        raise typer.Exit(1)
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
          seed: int = typer.Option(13, help="seed of the report order within each language")) -> None:
    """Split reports into train/dev/test by report, stratified by language, deterministically."""
    try:
        fractions = tuple(float(x) for x in ratios.split(","))
        splits = split_documents(_load_or_fail(paths), fractions, seed)  # type: ignore[arg-type]
    except ValueError as err:
        _fail(f"split: {err}", 2)
    output.mkdir(parents=True, exist_ok=True)
    for name, docs in splits.items():
        write_jsonl(docs, output / f"{name}.jsonl")
        typer.echo(f"{name}: {len(docs)} reports -> {output / f'{name}.jsonl'}")


def _read_or_fail(path: Path):
    try:
        return read_jsonl(path)
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
