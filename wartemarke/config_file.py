"""Load a TOML file into a pydantic model, or fail with one message naming file, key and expectation.

Every part's configuration (site, kiosk, display, counter) goes through `load_config`, so an office
manager who mistypes a key always reads the same kind of message, with the value as TOML spells it:

    config/kiosk.toml: printer.profile: expected text in quotes, got 42
    config/site.toml: services[0].quota: expected a whole number, got true

Types are strict: TOML has numbers, booleans and strings of its own, so `quota = true` or
`quota = "75"` is a mistake to name, not a value to guess at (pydantic's lax mode made the first a
quota of 1). Values that TOML can only write as text (times of day, paths) say so with the
`ClockTime` and `FilePath` types below, which parse text and nothing else.
"""

from __future__ import annotations

import json
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

Model = TypeVar("Model", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


class ConfigModel(BaseModel):
    """Base for config sections: unknown keys are errors (a typo must not be silently ignored), and
    every value must have its own TOML type (no true for 1, no "75" for 75)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _clock_time(value: object) -> object:
    """ "07:30" (or TOML's own 07:30:00) as a time of day; anything else is left to fail as not a time."""
    if not isinstance(value, str):
        return value
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f'expected a time of day like "07:30", got {_as_toml(value)}') from None


def _file_path(value: object) -> object:
    if isinstance(value, str):
        return Path(value)
    if isinstance(value, Path):
        return value
    raise ValueError(f"expected a path in quotes, got {_as_toml(value)}")


#: A time of day written as text ("04:00") or as a TOML time (04:00:00).
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
#: A file or folder, written as text.
FilePath = Annotated[Path, BeforeValidator(_file_path)]

#: pydantic's error types -> what the file should have said instead, in words an office manager uses.
_EXPECTED = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text in quotes",
    "list_type": "expected a list like [...]",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "time_type": 'expected a time of day like "07:30"',
}


def _as_toml(value: Any) -> str:
    """A value as it stands in the TOML file (true, "75", 7.5), shortened for one line."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str | int | float):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def describe_validation_error(path: Path | str, error: ValidationError) -> str:
    """One line per problem: `file: key: what is expected, got what the file says`."""
    lines: list[str] = []
    for problem in error.errors():
        # pydantic adds the validator or union member name ("function-after", "str",
        # "dict[str,str]") to some locations; the office manager's file has no such key.
        loc = tuple(p for p in problem["loc"] if not (isinstance(p, str) and ("[" in p or p in _UNION_MEMBERS)))
        # pydantic prefixes messages of our own validators with "Value error, ".
        message = problem["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        kind = problem["type"]
        if kind == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "literal_error":
            message = f"expected {problem.get('ctx', {}).get('expected', message)}, got {_as_toml(problem['input'])}"
        elif kind in _EXPECTED:
            message = f"{_EXPECTED[kind]}, got {_as_toml(problem['input'])}"
        elif "input" in problem and kind not in ("value_error", "assertion_error"):
            message = f"{message.replace('Input should be', 'expected')}, got {_as_toml(problem['input'])}"
        line = f"{path}: {_location(loc)}: {message}" if loc else f"{path}: {message}"
        if line not in lines:  # a union reports each member; one line per key is enough
            lines.append(line)
    return "\n".join(lines)


#: Union members pydantic names in locations (`notice.str`): types, not keys of the file.
_UNION_MEMBERS = frozenset({"str", "int", "float", "bool", "none", "time", "Path", "list", "dict"})


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
