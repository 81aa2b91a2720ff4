"""The import rules of docs/architecture.md: layers import downward only, apart from the
named lazy exceptions, and strategies never import the model."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {  # top-level unit of sim -> layer (docs/architecture.md, "The layers")
    **dict.fromkeys(["errors", "rng", "draws", "config", "memory", "colours"], 1),
    **dict.fromkeys(
        ["world", "crowd", "posts", "tally", "trust", "staff", "graph", "population"], 2
    ),
    **dict.fromkeys(
        ["kernel", "feed", "actors", "strategies", "metrics", "modes", "cascades", "timeline"], 3
    ),
    **dict.fromkeys(["model", "reference"], 4),
    **dict.fromkeys(["api", "summary", "outputs", "figures", "report", "validation", "rundir"], 5),
    **dict.fromkeys(
        ["cli", "__main__", "sweep", "analysis", "demo", "app", "doctables", "robust"], 6
    ),
}
EXCEPTIONS = {  # (importer, imported): the deliberate upward imports, all lazy
    ("config", "strategies"),
    ("summary", "analysis"),
    ("report", "analysis"),
    ("config", "cli"),  # compose turns a Hydra error into one line with cli.translate
}


def _imports(path: Path) -> list[tuple[str, bool, bool]]:
    """(imported sim unit, at module level, under TYPE_CHECKING) for each import."""
    tree = ast.parse(path.read_text())
    out = []

    def visit(node: ast.AST, top: bool, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            tc = typing_only or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            module = child.module or "" if isinstance(child, ast.ImportFrom) else ""
            if module.startswith("sim."):
                out.append((module.split(".")[1], top, tc))
            elif isinstance(child, ast.Import):
                out.extend((a.name.split(".")[1], top, tc) for a in child.names if "sim." in a.name)
            nested = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit(child, top and not nested, tc)

    visit(tree, True, False)
    return out


def _unit(path: Path) -> str:
    rel = path.relative_to(ROOT / "sim")
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


FILES = [p for p in sorted((ROOT / "sim").rglob("*.py")) if _unit(p) != "__init__"]


def test_every_module_has_a_layer() -> None:
    assert {_unit(p) for p in FILES} <= set(LAYERS), "add the new unit to docs/architecture.md"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_downward(path: Path) -> None:
    me = _unit(path)
    for other, top, typing_only in _imports(path):
        if other not in LAYERS or LAYERS[other] <= LAYERS[me] or typing_only:
            continue
        assert (me, other) in EXCEPTIONS, f"{me} (layer {LAYERS[me]}) imports {other}"
        assert not top, f"{me} imports {other} at module level; keep the exception lazy"


@pytest.mark.parametrize("path", sorted((ROOT / "sim" / "strategies").glob("*.py")))
def test_strategies_never_import_the_model(path: Path) -> None:
    assert "model" not in [u for u, _, _ in _imports(path)]
