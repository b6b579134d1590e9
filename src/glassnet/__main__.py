"""``python -m glassnet ...`` runs the command-line interface."""

from glassnet.cli import main

raise SystemExit(main())
