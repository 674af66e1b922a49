"""Load a TOML file into a pydantic model, or fail with one message naming file, key and expectation.

Every part's configuration (site, kiosk, display, counter) goes through `load_config`, so an office
manager who mistypes a key always reads the same kind of message:

    config/kiosk.toml: printer.profile: expected a string, got 42
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


class ConfigModel(BaseModel):
    """Base for config sections: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def describe_validation_error(path: Path | str, error: ValidationError) -> str:
    """One line per problem: `file: key: what is expected`."""
    lines = []
    for problem in error.errors():
        # pydantic adds the validator name (e.g. "function-after") to some locations; drop it.
        loc = tuple(p for p in problem["loc"] if not (isinstance(p, str) and "[" in p))
        # pydantic prefixes messages of our own validators with "Value error, ".
        message = problem["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif problem["type"] == "missing":
            message = "required key is missing"
        elif "input" in problem and problem["type"] not in ("value_error", "assertion_error"):
            message = f"{message}, got {problem['input']!r}"
        lines.append(f"{path}: {_location(loc)}: {message}" if loc else f"{path}: {message}")
    return "\n".join(lines)


def load_config(path: Path | str, model: type[Model], overrides: dict[str, Any] | None = None) -> Model:
    """Read `path` (TOML) and validate it as `model`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if overrides:
        data.update(overrides)
    try:
        return model.model_validate(data, context={"config_dir": path.parent})
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(path, exc)) from None
