"""What ``linfit demo`` and ``linfit fit`` print after training: the line beside the best one."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["comparison", "least_squares_line"]


def least_squares_line(x: Any, y: Any) -> tuple[float, float, float]:
    """``(w, b, loss)`` of the least-squares line of in-memory data, in float64."""
    from linfit import reference

    x64 = np.asarray(x, dtype=np.float64).reshape(-1)
    y64 = np.asarray(y, dtype=np.float64).reshape(-1)
    best_w, best_b = reference.least_squares(x64, y64)
    return best_w, best_b, float(reference.loss(best_w, best_b, x64, y64))


def comparison(
    w: float,
    b: float,
    loss: float,
    best: tuple[float, float, float],
    truth: tuple[float, float] | None,
) -> list[str]:
    """The trained line, the least-squares line (and the true one, if known), as a table.

    The least-squares line ``best = (w, b, loss)`` is the best any training could
    reach: the gap between the two columns is what more epochs (or another
    learning rate) could still gain.
    """
    best_w, best_b, best_loss = best
    lines = [
        f"{'':8}{'trained':>14}{'least squares':>16}"
        + (f"{'true':>8}" if truth else "")
    ]
    for label, trained, optimum, known in (
        ("W", w, best_w, truth[0] if truth else None),
        ("b", b, best_b, truth[1] if truth else None),
        ("loss", loss, best_loss, None),
    ):
        row = f"{label:8}{trained:14.6g}{optimum:16.6g}"
        lines.append(row + (f"{known:8.2f}" if known is not None else ""))
    return lines
