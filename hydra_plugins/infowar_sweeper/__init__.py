"""Hydra plugin of infowar-sim: the ``checked`` sweeper (see ``checked_sweeper``)."""
