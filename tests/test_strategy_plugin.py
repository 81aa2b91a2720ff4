"""A new strategy is one file: a module in a temporary package (on INFOWAR_STRATEGY_PATH)
is seen everywhere a built-in one is: the CLI, the demo's switches, the contract tests and
the generated docs table. Each check runs in a subprocess so the extra strategy never
enters this test session's registry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import ROOT, TINY, env, run_subprocess

NAME = "press_office"
MODULE = '''"""Press office: the side's official accounts post extra statements of its stories."""

from dataclasses import dataclass

import numpy as np

from sim.config.rules import rng
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import OFFICIAL, account_posts, live_accounts, per_tick, side_actors


@dataclass
class Config(StrategyConfig):
    budget: float = 300.0
    posts_per_day: float = param(24.0, rng(0, 1000))  # extra statements per account
    hours_per_post: float = 0.2


class PressOffice(Strategy):
    name = "press_office"
    Config = Config
    meta = StrategyMeta(
        summary="official accounts post extra statements of the side's stories",
        changes="extra posts by the side's official accounts",
        cost_model="hours_per_post per statement",
        effect=Effect("own_reach", +1),
    )

    def setup(self) -> None:
        self.actors = side_actors(self.model, self.side, OFFICIAL)

    def act(self) -> None:
        m = self.model
        for a in self.actors:
            accs, narr = live_accounts(m, a), a.live_narratives(m.tick)
            if not len(accs) or not len(narr) or not len(a.hosts):
                continue
            n = self.rng.poisson(per_tick(m, self.cfg.posts_per_day), len(accs))
            total = self.afford(int(n.sum()), self.cfg.hours_per_post)
            if total:
                acct = np.repeat(accs, n)[:total]
                k = narr[self.rng.integers(len(narr), size=total)]
                host = a.hosts[self.rng.integers(len(a.hosts), size=total)]
                m.outbox.append(account_posts(m, acct, k, a.language_for(host), a.quality))
'''


@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("strategies")
    (folder / f"{NAME}.py").write_text(MODULE)
    return env(INFOWAR_STRATEGY_PATH=str(folder))


def _python(code: str, plugin_env: dict[str, str]) -> str:
    p = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=plugin_env, capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_cli_runs_it(plugin, tmp_path: Path) -> None:
    extra = {"INFOWAR_STRATEGY_PATH": plugin["INFOWAR_STRATEGY_PATH"]}
    res = run_subprocess([*TINY, f"strategy@home=[{NAME}]"], tmp_path, **extra)
    assert res.code == 0, res.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["strategies"]["home"] == [NAME]
    assert summary["cost"]["home"]["strategies"][NAME] > 0
    bad = run_subprocess(
        [*TINY, f"strategy@home=[{NAME}]", f"home.{NAME}.posts_per_day=-1"],
        tmp_path / "bad",
        **extra,
    )
    assert bad.code == 2 and f"home.{NAME}.posts_per_day" in bad.stderr


def test_demo_switches_and_docs_table_show_it(plugin) -> None:
    out = _python(
        "from sim.demo.controls import model_params\n"
        "from sim.doctables.strategies import strategy_tables\n"
        f"print('home_{NAME}' in model_params(), 'rival_{NAME}' in model_params())\n"
        f"print('| `{NAME}` |' in strategy_tables())\n",
        plugin,
    )
    assert out.split() == ["True", "True", "True"]


CONTRACT = (
    "test_has_metadata_and_docs",
    "test_hydra_option_gives_the_config_defaults",
    "test_config_checks_every_number",
    "test_validation_wires_the_check",
    "test_zero_budget_is_bit_identical_to_off",
    "test_own_stream_only_deterministic_and_costed",
    "test_effect_has_the_expected_direction",
)


def test_contract_tests_run_on_it(plugin) -> None:
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "test_strategies_contract.py"),
            "-k",
            NAME,
        ],
        cwd=ROOT,
        env=plugin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stdout[-3000:]
    for test in CONTRACT:
        assert f"{test}[{NAME}] PASSED" in p.stdout, test
