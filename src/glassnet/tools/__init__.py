"""What uses the engine: files, data, the command line and other libraries.

- :mod:`~glassnet.tools.saving`: model files (zip of JSON and ``.npy``, no pickle);
- :mod:`~glassnet.tools.readers`, :mod:`~glassnet.tools.datasets`: CSV/IDX files
  and the bundled data sets; :mod:`~glassnet.tools.scaling`: standardisation;
- :mod:`~glassnet.tools.tabular`: training on a table, as the CLI does it;
- :mod:`~glassnet.tools.export`: a NumPy-only ``predict.py``;
- :mod:`~glassnet.tools.sklearn`: scikit-learn estimators (``glassnet[sklearn]``);
- :mod:`~glassnet.tools.demos`, :mod:`~glassnet.tools.cli`: the demos and the
  ``glassnet`` command.

Modules here may import the engine and :mod:`glassnet.glassbox`.
"""
