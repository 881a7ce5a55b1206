"""Running a compiled loop in chunks: one program for every run length.

The ``"graph"`` and ``"xla"`` engines put many epochs into one graph call.
Doing *all* of them in one call has two costs: Python cannot react to Ctrl-C
until the call returns (minutes, for a long run on big data), and XLA, which
sizes every array statically, would compile a new program for every number of
epochs. So a compiled call advances at most [`CAPACITY`][linfit.engines.chunks.CAPACITY] epochs,
with the number to take passed in as a tensor, and this driver calls it again until the run is
done. It sizes each chunk to last about
[`SECONDS_PER_CHUNK`][linfit.engines.chunks.SECONDS_PER_CHUNK], so an interrupt is honoured
within a fraction of a second at any data size, and hands the rows to the recorder as each chunk
finishes (which also runs the divergence guard between chunks).

Chunking does not change the arithmetic: the state passes from one call to the
next as float32 values, exactly as it would inside one loop.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder

__all__ = ["CAPACITY", "SECONDS_PER_CHUNK", "chunk_loop", "run_in_chunks"]

CAPACITY = 1024
"""Most epochs one compiled call may take (the size of its row buffers)."""

SECONDS_PER_CHUNK = 0.1
"""How long a chunk should last: long enough to hide the call overhead, short
enough that Ctrl-C and the divergence guard act promptly."""

Advance = Callable[[float, float, int], tuple[Any, Any, Any, float, float]]


def chunk_loop(
    gradient: Callable[..., Any],
    w: tf.Tensor,
    b: tf.Tensor,
    x: tf.Tensor,
    y: tf.Tensor,
    rate: tf.Tensor,
    steps: tf.Tensor,
) -> tuple[tf.Tensor, ...]:
    """Take ``steps`` (``<= CAPACITY``) full-batch steps inside one graph.

    ``gradient(w, b, x, y)`` returns ``(loss, (dL/dw, dL/db))``. Returns the
    rows ``(ws, bs, losses)`` (buffers of length [`CAPACITY`][linfit.engines.chunks.CAPACITY],
    of which the first ``steps`` entries are filled) and the state after the last step. The loop
    is a ``while`` on a counter, not ``for k in tf.range(steps)``: XLA would treat the range's
    length as a compile-time constant.
    """
    ws = tf.TensorArray(tf.float32, size=CAPACITY, element_shape=[])
    bs = tf.TensorArray(tf.float32, size=CAPACITY, element_shape=[])
    losses = tf.TensorArray(tf.float32, size=CAPACITY, element_shape=[])
    k = tf.constant(0)
    while k < steps:
        loss, (grad_w, grad_b) = gradient(w, b, x, y)
        ws, bs, losses = ws.write(k, w), bs.write(k, b), losses.write(k, loss)
        w = w - rate * grad_w
        b = b - rate * grad_b
        k += 1
    return ws.stack(), bs.stack(), losses.stack(), w, b


def run_in_chunks(
    problem: Problem, recorder: Recorder, advance: Any, final_loss: Any
) -> None:
    """Drive a compiled chunk function until ``problem.epochs`` are done.

    Args:
        problem: The run.
        recorder: Receives the rows.
        advance: The compiled [`chunk_loop`][linfit.engines.chunks.chunk_loop], called as
            ``advance(w, b, x, y, rate, steps)`` with tensors.
        final_loss: Compiled ``final_loss(w, b, x, y)``: the loss of the last state.
    """
    x, y = problem.tensors
    w, b = (tf.constant(value, tf.float32) for value in problem.start)
    done, size = 0, 4
    while done < problem.epochs:
        steps = min(size, problem.epochs - done)
        began = time.perf_counter()
        with signals_held():  # Ctrl-C waits for the compiled call to return
            ws, bs, losses, w, b = advance(w, b, x, y, problem.rate, tf.constant(steps))
            rows = (ws.numpy()[:steps], bs.numpy()[:steps], losses.numpy()[:steps])
        recorder.record_rows(*rows)
        done += steps
        per_step = (time.perf_counter() - began) / steps
        size = int(np.clip(SECONDS_PER_CHUNK / max(per_step, 1e-9), 1, CAPACITY))
    with signals_held():
        final = final_loss(w, b, x, y).numpy()
    recorder.record(w.numpy(), b.numpy(), final)


STOPPING = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP")
    if hasattr(signal, name)
)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM, SIGHUP) while a compiled call runs, then deliver it.

    A ``KeyboardInterrupt`` raised in the middle of a compiled call, while
    TensorFlow's Python wrapper is still handling its result, can leave
    TensorFlow's state half updated (an XLA run so interrupted was seen to crash
    later). So during the call a stopping signal is only noted; when the call has
    returned, the handler that was in place before receives it. A chunk lasts about
    [`SECONDS_PER_CHUNK`][linfit.engines.chunks.SECONDS_PER_CHUNK], so Ctrl-C still
    acts at once. Only the main thread receives signals; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in STOPPING}
    for signum, handler in previous.items():
        if handler not in (signal.SIG_IGN, None):
            signal.signal(signum, lambda number, frame: pending.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if pending:
            signal.raise_signal(pending[0])  # now to the handler from before
