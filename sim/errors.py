"""User-facing errors: each renders as one line naming the key (or file) and what is allowed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ConfigError(Exception):
    """A bad configuration value or input file. The CLI prints ``line()`` and exits 2."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message

    def line(self) -> str:
        return f"error: {self.key}: {self.message}"


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(key: str, name: str, choices: Iterable[str], what: str = "name") -> ConfigError:
    """The error for a name that is not one of ``choices``."""
    choices = list(choices)
    allowed = ", ".join(map(str, choices))
    return ConfigError(
        key, f"unknown {what} '{name}'{did_you_mean(name, choices)}; allowed: {allowed}"
    )
