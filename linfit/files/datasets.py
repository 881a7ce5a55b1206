"""Real data shipped with linfit: NIST's Norris calibration points, with certified values.

NIST's Statistical Reference Datasets (StRD) give, for each dataset, regression
values computed in extended precision and *certified* to 15 significant digits, so
any fitting program can be checked against them. "Norris" (lower difficulty) is 36
real calibration points. Its ``x`` reaches 996 while ``y`` tracks it closely, which
makes the Hessian of the L2 loss badly conditioned: the docs' chapter on real data
shows what that does to gradient descent. The data is public domain (a US
government work, NIST ITL); the file is a CSV whose comment lines give the source
and the certified values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import numpy as np

from linfit.files.csvfile import read_csv

__all__ = ["Certified", "norris"]


@dataclass(frozen=True)
class Certified:
    """A dataset and the regression values NIST certifies for it.

    Attributes:
        x: Inputs, float32, shape ``(36,)`` for Norris.
        y: Targets, float32.
        w: The certified slope (NIST's ``B1``).
        b: The certified intercept (``B0``).
        residual_sum_of_squares: The certified ``Σ(w·x + b − y)²``.
        r_squared: The certified R².
    """

    x: np.ndarray
    y: np.ndarray
    w: float
    b: float
    residual_sum_of_squares: float
    r_squared: float


def norris() -> Certified:
    """NIST StRD "Norris": 36 calibration points and their certified regression values.

    The certified values are for the data as printed (decimal numbers such as
    ``0.2``); ``x`` and ``y`` here are those numbers rounded to float32, which
    moves the exact least-squares line by about float32's rounding of the inputs.
    """
    text = resources.files("linfit.files").joinpath("norris.csv")
    with resources.as_file(text) as path:
        x, y = read_csv(path, comments="#")
        header = path.read_text(encoding="utf-8")

    def value(name: str) -> float:
        found = re.search(rf"{name}\s*=\s*([-+0-9.eE]+)", header)
        assert found is not None, name
        return float(found.group(1))

    return Certified(
        x=x,
        y=y,
        w=value("B1"),
        b=value("B0"),
        residual_sum_of_squares=value("residual sum of squares"),
        r_squared=value("R-squared"),
    )
