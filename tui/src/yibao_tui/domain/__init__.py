"""The TUI's domain: form state, validation, view rows, curves, files — no Textual here.

Everything in this package is plain Python over :mod:`yibao`'s model and results, so it is
tested without a terminal and reused by the benchmark. A test checks that importing it
does not import Textual.
"""
