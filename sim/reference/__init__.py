"""A per-agent reference implementation of the infowar spread rules.

Plain Python loops over users and posts, meant for small populations only: it exists so
tests can check that the vectorized kernel (``sim.kernel``) implements the documented
rules, by comparing the two in distribution over seeds.
"""
from sim.reference.full_rules import ReferenceModel

__all__ = ["ReferenceModel"]
