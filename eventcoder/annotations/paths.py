"""File names for readers and writers: the files a path argument names, and a file name for a document id."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Union

# One path or several, as every reader takes them.
PathArgument = Union[str, Path, Iterable[Union[str, Path]]]


def input_files(paths: PathArgument, suffixes: tuple[str, ...]) -> list[Path]:
    """Files named directly (whatever their suffix), and the files with one of `suffixes` found, recursively
    and sorted, under the folders named. A path that does not exist is an error, never an empty input."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in suffixes and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return found


def file_stem(doc_id: str) -> str:
    """A file name (without suffix) for the document `doc_id`, safe on every file system."""
    return re.sub(r"[^\w.-]", "_", doc_id)
