"""Files: reading data, saving runs, drawing figures, and writing any of them safely.

* [`linfit.files.csvfile`][] reads a two-column CSV file strictly (NumPy only),
  [`linfit.files.formats`][] Parquet and NumPy files, and
  [`linfit.files.sources`][] any of them (or a stream, or pairs of arrays) piece by piece;
* [`linfit.files.streaming`][] trains on a file without loading it;
* [`linfit.files.checkpoint`][] saves a model with its History and restores it
  bit for bit;
* [`linfit.files.figures`][] draws the original tutorials' figures with matplotlib;
* [`linfit.files.atomic`][] writes every file linfit writes whole or not at all;
* [`linfit.files.datasets`][] holds real data shipped with linfit (NIST's Norris
  calibration points, with their certified regression values).

Importing this package imports none of them: each is imported where it is used.
"""

from linfit._imports import lazy_submodules

__all__ = [
    "atomic",
    "blocks",
    "checkpoint",
    "csvfile",
    "datasets",
    "fastcsv",
    "figures",
    "formats",
    "sources",
    "streaming",
]
__getattr__ = lazy_submodules(__name__, tuple(__all__))
