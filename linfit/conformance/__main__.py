"""``python -m linfit.conformance check RESULTS.json``: the checker, with NumPy only."""

from __future__ import annotations

import sys

from linfit.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["conformance", *sys.argv[1:]]))
