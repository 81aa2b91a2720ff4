"""Build hook: ship the top-level ``conf/`` inside the wheel as ``sim/conf``
(see sim/config/paths.py).

Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _generated(folder: str, names: list[str]) -> list[str]:
    """Caches and the design points studies write into conf/doe stay out of the wheel."""
    doe = Path(folder).name == "doe"
    return [n for n in names if n == "__pycache__" or (doe and n != ".gitignore")]


class BuildPyWithConf(build_py):
    """build_py, plus a copy of conf/ (without generated design points) under the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install runs from the clone and finds conf/ there
            return
        target = Path(self.build_lib) / "sim" / "conf"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            ROOT / "conf",
            target,
            ignore=_generated,
        )


setup(cmdclass={"build_py": BuildPyWithConf})
