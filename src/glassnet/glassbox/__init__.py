"""What shows the engine: every number of a training step, as tables and pictures.

- :mod:`~glassnet.glassbox.trace`: one training step recorded by the engine's own
  passes, every intermediate by the tutorial's name;
- :mod:`~glassnet.glassbox.notation`: each activation's and loss's formula for
  people (tutorial text, Excel);
- :mod:`~glassnet.glassbox.trace_text`, :mod:`~glassnet.glassbox.report`,
  :mod:`~glassnet.glassbox.spreadsheet`: the trace as terminal tables, a
  standalone HTML report and a live workbook;
- :mod:`~glassnet.glassbox.layer_tables` (with ``conv_tables``, ``recurrent_tables``):
  the step tables of Conv2D, MaxPool2D, RNN and LSTM layers, shown by
  :mod:`~glassnet.glassbox.layer_report` (HTML) and
  :mod:`~glassnet.glassbox.layer_sheets` (a live workbook);
- :mod:`~glassnet.glassbox.gradcheck`: backpropagation against finite differences;
- :mod:`~glassnet.glassbox.plotting`: matplotlib figures (``glassnet[plot]``).

Modules here import the engine (the package root), never :mod:`glassnet.tools`.
"""
