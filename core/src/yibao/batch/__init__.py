"""Batch settlement at scale: ``yibao batch``, ``yibao synth``, settlement plans and the
Dask runner. See docs/batch.md and docs/performance.md.

Nothing heavy is imported here, so ``yibao --help`` stays fast.
"""
