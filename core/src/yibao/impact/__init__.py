"""Policy impact over a population: a reform against a baseline (``yibao impact``).

- :mod:`.run` settles a population under both rule sets through the batch engine and
  streams what it needs into aggregates (:mod:`.aggregate`, :mod:`.distribution`);
- :mod:`.changes` says what the reform changes in each region's rules;
- :mod:`.table` turns a flat claims table (CSV or Parquet) into scenario lines;
- :mod:`.population` applies ``--year``.

Core aggregates and knows no region; the report (tables, charts, the ``impact``
command) is rendered by ``yibao-reports``. See docs/impact.md.
"""
