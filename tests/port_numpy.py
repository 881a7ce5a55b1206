"""An independent port of linfit's loop, written from the spec page alone.

It uses plain NumPy with *sequential* float32 sums (np.add.accumulate), a
different summation order from both TensorFlow and NumPy's pairwise sum, so it
exercises the tolerance rule rather than matching bit for bit. Switches make
it commit the classic porting mistakes, for the checker to catch.
"""

from __future__ import annotations

import numpy as np


def sequential_sum(values: np.ndarray) -> np.floating:
    return np.add.accumulate(values, dtype=values.dtype)[-1]


def run_case(
    case, dtype=np.float32, mistake: str | None = None
) -> dict[str, list[float]]:
    """Train one conformance case; return its History columns as lists."""
    x, y = case.x.astype(dtype), case.y.astype(dtype)
    settings = case.settings
    rate = dtype(settings["learning_rate"])
    w, b = dtype(settings["w0"]), dtype(settings["b0"])
    n = len(x)
    size = settings["batch_size"] or n

    def loss_at(w, b):
        r = (w * x + b) - y
        return sequential_sum(r * r) / dtype(n)

    ws, bs, losses = [w], [b], [loss_at(w, b)]
    for epoch in range(settings["epochs"]):
        visit = case.order[epoch] if case.order is not None else np.arange(n)
        for start in range(0, n, size):
            index = visit[start : start + size]
            xb, yb = x[index], y[index]
            r = (w * xb + b) - yb
            count = dtype(len(index))
            grad_w = dtype(2) * sequential_sum(r * xb) / count
            grad_b = dtype(2) * sequential_sum(r) / count
            if mistake == "swapped_gradients":
                grad_w, grad_b = grad_b, grad_w
            w, b = w - rate * grad_w, b - rate * grad_b
        if mistake == "loss_after_update":
            ws.append(w)
            bs.append(b)
            losses.append(
                loss_at(w - rate * grad_w, b - rate * grad_b)
            )  # one step ahead
        else:
            ws.append(w)
            bs.append(b)
            losses.append(loss_at(w, b))
    if mistake == "rows_shifted":  # records the state after the update as row k
        ws, bs = [*ws[1:], ws[-1]], [*bs[1:], bs[-1]]
    return {
        "w": [float(v) for v in ws],
        "b": [float(v) for v in bs],
        "loss": [float(v) for v in losses],
    }


def results(cases, dtype=np.float32, mistake: str | None = None) -> dict:
    with np.errstate(over="ignore", invalid="ignore"):  # wrong ports may overflow
        return _results(cases, dtype, mistake)


def _results(cases, dtype, mistake) -> dict:
    precision = {np.float32: "float32", np.float64: "float64", np.float16: "float32"}[
        dtype
    ]
    return {
        "format": "linfit-conformance-results/v1",
        "precision": precision,
        "cases": {name: run_case(case, dtype, mistake) for name, case in cases.items()},
    }
