"""The eager engine: the loop of [`linfit.loop`][] as written, op by op.

TensorFlow runs each operation as Python reaches it (eager mode), exactly as the
original tutorials' loop did. This is the engine the training-loop chapter
narrates and [`train`][linfit.loop.train]'s default without a strategy. The same
loop with each step compiled by ``tf.function`` is the ``"function"`` engine.
"""

from __future__ import annotations

from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.loop import training_loop

NAME = "eager"
MINIBATCHES = True
SHUFFLING = True
STRATEGY = False


def run(problem: Problem, recorder: Recorder) -> None:
    """Train op by op in Python (TensorFlow's eager mode)."""
    training_loop(problem, recorder)
