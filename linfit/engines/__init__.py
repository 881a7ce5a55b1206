"""Engines: interchangeable ways to compute the same training run.

Every engine is a module that declares its ``NAME`` and what it can run, and
defines ``run(problem, recorder)``: it reads the checked
[`Problem`][linfit.engines.problem.Problem], computes the run's states and hands
each History row to the [`Recorder`][linfit.engines.recorder.Recorder], which does
the rest (printing, callback, progress bar, divergence guard, and keeping the model
in step with the rows). [`linfit.train`][linfit.loop.train] picks one by name
(``mode=``):

| engine | how it computes | minibatches | shuffling | strategy |
|---|---|---|---|---|
| eager | the loop of [`linfit.loop`][], op by op | yes | yes | no |
| function | the same loop, each step a ``tf.function`` graph | yes | yes | no |
| graph | many epochs per graph call (a ``tf.while_loop``) | no | no | no |
| xla | that loop compiled by XLA | no | no | no |
| moments | one read of the data, then O(1) steps on five moments | yes | yes | no |
| distributed | one shard per replica under a ``tf.distribute`` strategy | yes | no | yes |

``eager``, ``function`` and ``graph`` give bit-identical Histories on CPU; the
others agree with them within the rounding bound of [`linfit.bounds`][].
``mode="auto"`` picks [`choose`][linfit.engines.choose]'s answer.
"""

from __future__ import annotations

from typing import Literal, Protocol

from linfit.engines import distributed, eager, function, graph, moments, xla
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.errors import InputValueError

__all__ = [
    "ENGINES",
    "MODES",
    "Engine",
    "Mode",
    "Problem",
    "Recorder",
    "choose",
    "pick",
    "unsupported",
]


class Engine(Protocol):
    """What an engine module declares and defines."""

    NAME: str
    """Its name, the ``mode=`` that picks it."""
    MINIBATCHES: bool
    """Whether it takes ``batch_size`` below the number of points."""
    SHUFFLING: bool
    """Whether it takes a ``shuffle_seed``."""
    STRATEGY: bool
    """Whether it runs under a ``tf.distribute`` strategy (and only then)."""

    def run(self, problem: Problem, recorder: Recorder) -> None:
        """Compute the run of ``problem``, handing each row to ``recorder``."""


ENGINES: dict[str, Engine] = {
    engine.NAME: engine
    for engine in (eager, function, graph, xla, moments, distributed)
}
"""Every engine, by name."""

Mode = Literal["auto", "eager", "function", "graph", "xla", "moments", "distributed"]
"""An engine's name, or ``"auto"`` for [`choose`][linfit.engines.choose]'s pick."""

MODES = ("auto", *ENGINES)


def unsupported(engine: Engine, problem: Problem) -> str | None:
    """Why ``engine`` cannot run ``problem``, or ``None`` if it can."""
    name = engine.NAME
    if engine.STRATEGY and problem.strategy is None:
        return f"mode={name!r} needs a tf.distribute strategy (strategy=...)"
    if problem.strategy is not None and not engine.STRATEGY:
        return (
            f"strategy= needs the 'distributed' engine (or mode='auto'), not {name!r}"
        )
    if problem.batch_size < problem.n and not engine.MINIBATCHES:
        return (
            f"mode={name!r} trains with the full batch only; "
            "use mode='function' or 'moments'"
        )
    if problem.shuffle_seed is not None and not engine.SHUFFLING:
        return f"the {name} engine takes batches in data order; it cannot shuffle"
    return None


def choose(strategy: object = None) -> Engine:
    """The fastest engine that is exact for a run (``mode="auto"``).

    A strategy means ``"distributed"``; everything else runs on the moments
    (one read of the data, then O(1) per step), which ``linfit bench`` shows to
    be the fastest engine for every data size and batch layout it measures.
    """
    return distributed if strategy is not None else moments


def pick(mode: object, problem: Problem) -> Engine:
    """The engine that ``mode`` names for ``problem``.

    ``None`` means eager, or distributed with a strategy; ``"auto"`` means
    [`choose`][linfit.engines.choose]'s pick.

    Raises:
        InputValueError: If ``mode`` is unknown or cannot run ``problem``.
    """
    if mode is None:
        mode = "eager" if problem.strategy is None else "distributed"
    if mode == "auto":
        engine = choose(problem.strategy)
    elif isinstance(mode, str) and mode in ENGINES:
        engine = ENGINES[mode]
    else:
        raise InputValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    reason = unsupported(engine, problem)
    if reason is not None:
        raise InputValueError(reason)
    return engine
