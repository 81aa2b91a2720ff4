"""Actors: Mesa agents that post under a budget through one or more accounts."""

from sim.actors.accounts import Accounts
from sim.actors.base import SOURCE_OF_KIND, Actor

__all__ = ["SOURCE_OF_KIND", "Accounts", "Actor"]
