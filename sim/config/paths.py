"""Where the Hydra configs are: ``conf/`` of the clone, or the copy an installed wheel carries.

The repository keeps ``conf/`` at its top level (contributors edit it there); building the
wheel copies it to ``sim/conf`` inside the package (``setup.py``), so an installed ``sim``
command finds its configs from any directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the sim package
CONF_DIR = _PACKAGE / "conf" if (_PACKAGE / "conf").is_dir() else _PACKAGE.parent / "conf"
