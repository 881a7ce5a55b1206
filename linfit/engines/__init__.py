"""Engines: interchangeable ways to compute the same training run.

Every engine is a module with a function ``run(problem, recorder)``: it reads
the validated [`Problem`][linfit.engines.problem.Problem], computes the run's
states and hands each History row to the [`Recorder`][linfit.recorder.Recorder],
which does the rest (printing, callback, progress bar, divergence guard, and
keeping the model in step with the rows). [`linfit.train`][linfit.loop.train] picks one by
name (``mode=``):

========== ======================================================== =============
engine     how it computes                                           batches
========== ======================================================== =============
eager      the original tutorials' loop, op by op                    all
function   the same loop, each step a ``tf.function`` graph          all
graph      many epochs per graph call (a ``tf.while_loop``)          full
xla        that loop compiled by XLA                                 full
moments    reads the data once, then O(1) steps on five moments      all
distributed one shard per replica under a ``tf.distribute`` strategy data order
========== ======================================================== =============

``eager``, ``function`` and ``graph`` give bit-identical Histories on CPU;
the others agree with them within the rounding bound of
[`linfit.bounds`][]. ``mode="auto"`` picks [`choose`][linfit.engines.choose]'s answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Literal

from linfit.engines.problem import Problem
from linfit.recorder import Recorder

__all__ = ["ENGINES", "Mode", "Problem", "choose", "engine", "unsupported"]

Mode = Literal["auto", "eager", "function", "graph", "xla", "moments", "distributed"]
"""An engine's name, or ``"auto"`` for [`choose`][linfit.engines.choose]'s pick."""

ENGINES = ("eager", "function", "graph", "xla", "moments", "distributed")

Run = Callable[[Problem, Recorder], None]


def unsupported(name: str, problem: Problem) -> str | None:
    """Why engine ``name`` cannot run ``problem``, or ``None`` if it can."""
    if (name == "distributed") != (problem.strategy is not None):
        return (
            "strategy= needs the 'distributed' engine (or mode='auto')"
            if problem.strategy is not None
            else "mode='distributed' needs a tf.distribute strategy (strategy=...)"
        )
    if name in ("graph", "xla") and not problem.full_batch:
        return f"mode={name!r} trains with the full batch only; use mode='function' or 'moments'"
    if name == "distributed" and problem.shuffle_seed is not None:
        return "the distributed engine takes batches in data order; it cannot shuffle"
    return None


def choose(problem: Problem) -> str:
    """The fastest engine that is exact for ``problem`` (``mode="auto"``).

    A strategy means ``"distributed"``; everything else runs on the moments
    (one read of the data, then O(1) per step), which ``linfit bench`` shows to
    be the fastest engine for every data size and batch layout it measures.
    """
    return "distributed" if problem.strategy is not None else "moments"


def engine(name: str) -> Run:
    """The ``run`` function of engine ``name`` (its module is imported on first use)."""
    module = importlib.import_module(f"linfit.engines.{name}")
    run: Run = module.run
    return run
