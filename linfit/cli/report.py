"""What ``linfit demo`` and ``linfit fit`` print after training: the line beside the best one."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["comparison"]


def comparison(
    w: float, b: float, loss: float, x: Any, y: Any, truth: tuple[float, float] | None
) -> list[str]:
    """The trained line, the least-squares line (and the true one, if known), as a table.

    The least-squares line is the best any training could reach: the gap between
    the two columns is what more epochs (or another learning rate) could still gain.
    """
    from linfit import reference

    x64 = np.asarray(x, dtype=np.float64).reshape(-1)
    y64 = np.asarray(y, dtype=np.float64).reshape(-1)
    best_w, best_b = reference.least_squares(x64, y64)
    best_loss = float(reference.loss(best_w, best_b, x64, y64))
    lines = [
        f"{'':8}{'trained':>14}{'least squares':>16}"
        + (f"{'true':>8}" if truth else "")
    ]
    for label, trained, best, known in (
        ("W", w, best_w, truth[0] if truth else None),
        ("b", b, best_b, truth[1] if truth else None),
        ("loss", loss, best_loss, None),
    ):
        row = f"{label:8}{trained:14.6g}{best:16.6g}"
        lines.append(row + (f"{known:8.2f}" if known is not None else ""))
    return lines
