"""glassnet's speed, measured side by side with the alternatives (issue 5).

Run ``python -m benchmarks --quick`` (under a minute) or ``--full``; it writes
``docs/performance.md`` and ``docs/scaling.png``.
"""
