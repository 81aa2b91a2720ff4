"""Shared fixtures: configs composed the way the CLI composes them (cached, since a
Hydra compose costs a fraction of a second)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sim.config.schema import SimConfig

_CACHE: dict[tuple[str, ...], SimConfig] = {}


@pytest.fixture(scope="session")
def make_cfg() -> Callable[..., SimConfig]:
    """``make_cfg("graph.n=500", ...)``: a validated SimConfig (shared: do not mutate it;
    use ``dataclasses.replace`` or ``copy.deepcopy`` for changes)."""
    from sim.cli import load

    def make(*overrides: str) -> SimConfig:
        key = tuple(overrides)
        if key not in _CACHE:
            _CACHE[key] = load(list(overrides))
        return _CACHE[key]

    return make


def pytest_configure(config: pytest.Config) -> None:
    # Our launcher yamls in conf/hydra/launcher share the plugins' names on purpose; Hydra
    # warns that they are matched against the plugins' schemas (sim/__main__.py filters the
    # same warning for the CLI).
    config.addinivalue_line(
        "filterwarnings",
        "ignore:(?s).*is validated against ConfigStore schema with the same name:UserWarning",
    )
