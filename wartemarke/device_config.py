"""What every device config (kiosk, display, counter) shares: the `[server]` section and its token
file, how the file is loaded, and the check for language codes.

[server]
url = "http://127.0.0.1:8000"
token_file = "../var/demo/kiosk.token"   # relative to the config file; the token alone
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, ValidationInfo, field_validator

from wartemarke.config_file import ConfigError, ConfigModel, FilePath, load_config
from wartemarke.i18n import LANGUAGE_NAMES


class ServerSection(ConfigModel):
    url: str = "http://127.0.0.1:8000"
    token_file: FilePath

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or any(ch.isspace() for ch in value):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("token_file")
    @classmethod
    def _relative_to_config(cls, value: Path, info: ValidationInfo) -> Path:
        config_dir = (info.context or {}).get("config_dir")
        if config_dir is not None and not value.is_absolute():
            return (Path(config_dir) / value).resolve()
        return value

    def read_token(self, role: str) -> str:
        """The device's bearer token; a missing, unreadable or odd file is a config error naming the key."""
        path = self.token_file
        try:
            token = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise ConfigError(
                f"server.token_file: {path} does not exist; create a {role} token with "
                f"`wartemarke admin token create --role {role}` and put it in that file"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise ConfigError(f"server.token_file: cannot read {path} ({reason})") from None
        if not token or any(ch.isspace() for ch in token):
            raise ConfigError(f"server.token_file: {path} must hold the {role} token alone on one line")
        return token


class DeviceConfig(ConfigModel):
    """A device's config file: its `[server]` section, and the role of the token the section names."""

    #: The role of the device's token (`wartemarke admin token create --role ...`).
    token_role: ClassVar[str]
    server: ServerSection

    def read_token(self) -> str:
        return self.server.read_token(self.token_role)

    @classmethod
    def load(cls, path: Path | str) -> Self:
        return load_config(path, cls)


def _known_language(code: str) -> str:
    if code not in LANGUAGE_NAMES:
        raise ValueError(f"unknown language {code!r}; use one of {', '.join(LANGUAGE_NAMES)}")
    return code


def _known_languages(codes: list[str]) -> list[str]:
    for code in codes:
        _known_language(code)
    if len(set(codes)) != len(codes):
        raise ValueError("a language is listed twice")
    return codes


#: A language code the project ships catalogs for ("de", "uk", "ar", ...).
Language = Annotated[str, AfterValidator(_known_language)]
#: Several of them, each once.
Languages = Annotated[list[str], AfterValidator(_known_languages)]
