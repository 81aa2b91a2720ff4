"""``python -m sim.doctables [--check]``: rewrite (or check) the generated docs tables."""

from __future__ import annotations

import sys

from sim.doctables import ROOT, stale, write


def main(argv: list[str]) -> int:
    if "--check" in argv:
        pages = stale()
        for p in pages:
            print(f"stale: {p.relative_to(ROOT)} (run python -m sim.doctables)", file=sys.stderr)
        return 1 if pages else 0
    for p in write():
        print(f"rewrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
