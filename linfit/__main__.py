"""``python -m linfit``: the same command-line interface as the ``linfit`` script."""

from linfit.cli import main

raise SystemExit(main())
