"""Property 2 on the original tutorials' own run: the loss falls in every epoch.

The general laws (never rising beyond rounding below 2/λ_max, strictly falling
where the exact drop exceeds the rounding allowance, growing without bound
above 2/λ_max) are checked for every engine in ``test_engines.py``. The canonical
run (lr 0.1, 10 epochs) stays far from the rounding level throughout, so there
the statement is simply strict.
"""

from __future__ import annotations

import numpy as np
import pytest
from strategies import CANONICAL

import linfit


@pytest.mark.parametrize("mode", ["eager", "moments"])
def test_canonical_experiment_decreases_strictly_for_all_ten_epochs(mode) -> None:
    history = linfit.train(
        linfit.LinearModel(CANONICAL.w, CANONICAL.b),
        CANONICAL.x,
        CANONICAL.y,
        epochs=10,
        learning_rate=0.1,
        mode=mode,
    )
    assert np.all(np.diff(history.loss) < 0)
