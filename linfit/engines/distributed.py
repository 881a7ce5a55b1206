"""The ``"distributed"`` engine: data parallelism with a ``tf.distribute`` strategy.

Each step splits the batch into one shard per replica and sums the replicas'
losses and gradients, each scaled by the global batch size, so the result is
the single-device step up to rounding (the reasoning, and the shortcut that
gets unequal shards wrong, are in [`linfit.distributed`][]). Rows reach the
recorder epoch by epoch, so the divergence guard and Ctrl-C act between steps.
"""

from __future__ import annotations

from linfit.distributed import distributed_rows
from linfit.engines.problem import Problem
from linfit.recorder import Recorder

__all__ = ["run"]


def run(problem: Problem, recorder: Recorder) -> None:
    """Train under ``problem.strategy``, batches in data order."""
    w, b = problem.start
    rows = distributed_rows(
        problem.strategy,
        w,
        b,
        problem.x,
        problem.y,
        epochs=problem.epochs,
        learning_rate=problem.learning_rate,
        batch_size=problem.batch_size,
    )
    for row in rows:
        recorder.record(*row)
