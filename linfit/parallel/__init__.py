"""Data parallelism with ``tf.distribute``: several devices, or several processes.

* [`linfit.parallel.mirrored`][]: a ``MirroredStrategy`` to train with
  (``linfit.train(..., strategy=...)``), and the reduction that gets unequal
  shards wrong;
* [`linfit.parallel.multiworker`][]: a launcher that runs the same training on
  several local worker processes with ``MultiWorkerMirroredStrategy``
  (``python -m linfit.multiworker``), kept off the network where Linux allows;
* [`linfit.parallel.shards`][]: a data file split between the workers, each
  reading its own part once for its moments (``--data FILE``);
* [`linfit.parallel.workers`][]: the supervisor and worker processes it starts.

The work itself is the ``"distributed"`` engine, [`linfit.engines.distributed`][].
"""

from linfit._imports import lazy_submodules

__all__ = ["mirrored", "multiworker", "shards", "workers"]
__getattr__ = lazy_submodules(__name__, tuple(__all__))
