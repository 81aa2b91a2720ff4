"""Cascades: who converted whom (parent links), tree metrics, figures and summaries.

Off by default (``output.cascades``): the recorder is attached to the kernel only when
the flag is on, so a normal run or sweep pays one ``is None`` check per tick.
"""
