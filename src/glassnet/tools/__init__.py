"""What uses the engine: files, data, the command line and other libraries.

- :mod:`~glassnet.tools.saving`: model files (zip of JSON and ``.npy``, no pickle);
- :mod:`~glassnet.tools.readers`, :mod:`~glassnet.tools.idx`,
  :mod:`~glassnet.tools.datasets`: CSV/IDX files
  and the bundled data sets; :mod:`~glassnet.tools.scaling`: standardisation;
- :mod:`~glassnet.tools.tabular`: training on a table, as the CLI does it, with
  :mod:`~glassnet.tools.preprocess` (target, task, columns) and
  :mod:`~glassnet.tools.columns` (the per-column rules kept in the model file);
  :mod:`~glassnet.tools.table_model`: the same from Python (``gn.fit_table``);
- :mod:`~glassnet.tools.export`: a NumPy-only ``predict.py`` (its N-D layers in
  :mod:`~glassnet.tools.export_shaped`, its CSV reader in :mod:`~glassnet.tools.export_columns`);
- :mod:`~glassnet.tools.sklearn`: scikit-learn estimators (``glassnet[sklearn]``);
- :mod:`~glassnet.tools.demos`, :mod:`~glassnet.tools.cli`: the demos and the
  ``glassnet`` command (its table commands in :mod:`~glassnet.tools.table_commands`,
  argument types in :mod:`~glassnet.tools.arguments`, printing in
  :mod:`~glassnet.tools.terminal`).

Modules here may import the engine and :mod:`glassnet.glassbox`.
"""
