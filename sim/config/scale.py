"""Scenario scaling: audiences given in real users, simulated at ``world.scale``.

A scenario built from published figures (conf/scenario/karabakh2020.yaml) states each
community's ``real_size`` (people it stands for) and one ``world.scale`` (simulated users
per real user). With ``world.scale > 0`` the graph gets ``round(scale * sum(real_size))``
users and each community's share is its real size over the total, so one number moves
the whole scenario between a laptop test and a large run without retyping the shares.
``world.scale = 0`` (the default) leaves ``graph.n`` and the shares as configured.
"""

from __future__ import annotations

import math

from sim.config.schema import SimConfig
from sim.errors import ConfigError


def apply_scale(c: SimConfig) -> None:
    """Derive graph.n and community shares from real sizes when world.scale > 0."""
    s = c.world.scale
    if (isinstance(s, float) and not math.isfinite(s)) or s < 0:
        raise ConfigError("world.scale", f"{s!r} is out of range; allowed: a number >= 0 (0: off)")
    if s == 0:
        return
    comms = c.population.communities
    for name, cm in comms.items():
        if not (math.isfinite(cm.real_size) and cm.real_size > 0):
            raise ConfigError(
                f"population.communities.{name}.real_size",
                f"{cm.real_size!r} is not allowed with world.scale > 0; allowed: a number > 0",
            )
    total = sum(cm.real_size for cm in comms.values())
    n = int(round(s * total))
    if n < 2:
        raise ConfigError(
            "world.scale",
            f"{s} x {total:,.0f} real users gives {n} users; allowed: a scale >= {2 / total:.3g}",
        )
    for cm in comms.values():
        cm.share = cm.real_size / total
    c.graph.n = n
