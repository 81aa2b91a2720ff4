"""infowar-sim: a two-tier simulation of an information war.

The crowd lives in numpy arrays updated by vectorized kernels over a scipy.sparse graph;
the actors (states, embassies, diaspora, NGOs, bots) are Mesa agents.
"""

__version__ = "0.1.0"
