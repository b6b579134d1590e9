"""``python -m glassnet ...`` runs the command-line interface."""

from glassnet.tools.cli import main

raise SystemExit(main())
