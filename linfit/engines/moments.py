"""The moments engine: K epochs for the price of one read of the data.

Every other engine reads all of ``x`` and ``y`` in every step (8 bytes per
point in float32) to do a couple of multiply-adds per point, so its steps
cost what the memory bus needs to deliver the data, K times for K steps. But
the loss of a line and its gradient depend on the data only through five
numbers, its moments ([`linfit.moments`][]), which [`linfit.train`][linfit.loop.train]
computes anyway while it checks the data. This engine takes every step on
those five numbers: each step is O(1) arithmetic, whatever ``n`` is.

Each step is computed in float64 and rounded to float32, the precision of the
model's variables; the recorded loss is that of the rounded state, evaluated
in the centered form. The tests hold the engine to the same trajectory and
loss bounds as every other engine.

Minibatches in data order never change, so their moments are computed once.
Shuffled batches change every epoch, so their moments are recomputed each
epoch: one pass over the data per epoch, still without any per-batch
TensorFlow call.
"""

from __future__ import annotations

from array import array

import numpy as np

from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.moments import Moments, batch_moments

__all__ = ["ROWS_PER_CHUNK", "run"]

NAME = "moments"
MINIBATCHES = True
SHUFFLING = True
STRATEGY = False

ROWS_PER_CHUNK = 4096
"""Rows handed to the recorder at a time."""


def _epochs(
    full: Moments,
    batches: list[Moments],
    w: float,
    b: float,
    rate: float,
    epochs: int,
) -> tuple[list[float], list[float], list[float], float, float]:
    """Take ``epochs`` epochs from float32 ``(w, b)``; return the rows and the end state.

    The full-batch loop spells out [`Moments.loss`][linfit.moments.Moments.loss] and
    [`Moments.gradient`][linfit.moments.Moments.gradient] (a method call per step would
    double its cost).
    """
    ws, bs, losses = [], [], []
    state = array("f", [w, b])  # assigning to it rounds to float32
    if len(batches) == 1:  # full batch: the loss of the row is the step's own
        mean_x, mean_y = full.mean_x, full.mean_y
        var_x, cov_xy, var_y = full.var_x, full.cov_xy, full.var_y
        for _ in range(epochs):
            c = w * mean_x + b - mean_y
            ws.append(w)
            bs.append(b)
            losses.append(max(w * w * var_x - 2.0 * w * cov_xy + var_y, 0.0) + c * c)
            state[0] = w - rate * 2.0 * (w * var_x - cov_xy + mean_x * c)
            state[1] = b - rate * 2.0 * c
            w, b = state
        return ws, bs, losses, w, b
    for _ in range(epochs):
        ws.append(w)
        bs.append(b)
        losses.append(full.loss(w, b))
        for batch in batches:
            grad_w, grad_b = batch.gradient(w, b)
            state[0] = w - rate * grad_w
            state[1] = b - rate * grad_b
            w, b = state
    return ws, bs, losses, w, b


def run(problem: Problem, recorder: Recorder) -> None:
    """Read the data once for its moments, then take every step on them."""
    x, y, full = problem.x, problem.y, problem.moments
    shift = (full.mean_x, full.mean_y)
    batches = (
        [full] if problem.full_batch else batch_moments(x, y, problem.batch_size, shift)
    )
    rate = float(
        np.float32(problem.learning_rate)
    )  # the float32 rate every engine uses
    w, b = problem.start
    done = 0
    while done < problem.epochs:
        epochs = min(ROWS_PER_CHUNK, problem.epochs - done)
        if problem.shuffle_seed is not None:  # new batches every epoch
            epochs = 1
            order = _order(problem, done)
            batches = batch_moments(x[order], y[order], problem.batch_size, shift)
        ws, bs, losses, w, b = _epochs(full, batches, w, b, rate, epochs)
        recorder.record_rows(ws, bs, losses)
        done += epochs
    recorder.record(w, b, full.loss(w, b))


def _order(problem: Problem, epoch: int) -> np.ndarray:
    from linfit.data import permutation

    assert problem.shuffle_seed is not None
    order = permutation(problem.n, problem.shuffle_seed, problem.first_epoch + epoch)
    return np.asarray(order.numpy(), dtype=np.int64)
