"""``linfit fit``: train on the points of a data file (or of standard input)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from linfit.engines import Mode

__all__ = ["columns_option", "fit"]


def columns_option(text: str) -> tuple[str | int, str | int]:
    """``--columns X,Y``: two header names, or 0-based indices (digits), or a mix."""
    from linfit.files.csvfile import parse_columns

    try:
        return parse_columns(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _too_large_to_load(arguments: argparse.Namespace) -> bool:
    """A minibatch run on a file that would fill a quarter of the free memory.

    Loaded, its points would take about a byte of memory per byte of CSV (float32
    x and y plus their TensorFlow copies); such a run streams the file through
    tf.data in every epoch instead, in data order.
    """
    import os

    from linfit.files import streaming

    if arguments.batch_size is None or arguments.data == "-":
        return False
    if arguments.strategy == "mirrored" or arguments.mode not in ("auto", "eager"):
        return False
    try:
        size = os.path.getsize(arguments.data)
    except OSError:
        return False  # the reader says what is wrong with it
    return size > streaming.free_memory() / 4


def fit(arguments: argparse.Namespace) -> None:
    """Run ``linfit fit`` with the parsed ``arguments``.

    A full-batch run on the moments engine (the default) streams the file: one
    read, in pieces of bounded size, then every epoch on the moments
    ([`linfit.files.streaming`][]). Any other run loads the points.
    """
    from linfit.files.sources import read_moments, read_points

    source: Any = sys.stdin.buffer if arguments.data == "-" else arguments.data
    options = {"columns": arguments.columns, "comments": arguments.comments}
    streamed = (
        arguments.strategy != "mirrored"
        and arguments.batch_size is None
        and arguments.mode in ("auto", "moments")
    ) or _too_large_to_load(arguments)
    # NumPy only: a bad file is refused before TensorFlow loads.
    if streamed:
        full = read_moments(source, **options)
        n, best_w, best_b = full.n, *full.least_squares()
        best = (best_w, best_b, full.loss(best_w, best_b))
    else:
        from linfit.cli.report import least_squares_line

        x, y = read_points(source, **options)
        n, best = len(x), least_squares_line(x, y)
    import linfit
    from linfit import engines

    strategy = None
    if arguments.strategy == "mirrored":  # before any op initializes the devices
        from linfit.parallel.mirrored import mirrored_strategy

        strategy = mirrored_strategy()
    mode = cast("Mode", arguments.mode)
    if strategy is None:
        model = linfit.LinearModel(w=arguments.init_w, b=arguments.init_b)
    else:
        with strategy.scope():  # variables mirrored on every replica, as the guide says
            model = linfit.LinearModel(w=arguments.init_w, b=arguments.init_b)
    settings: dict[str, Any] = {
        "epochs": arguments.epochs,
        "learning_rate": arguments.learning_rate,
        "verbose": not (arguments.json or arguments.quiet),
    }
    if streamed and arguments.batch_size is not None:  # a pass per epoch: tf.data
        from linfit.files.streaming import train_streaming

        history = train_streaming(
            model, source, batch_size=arguments.batch_size, **options, **settings
        )
    elif streamed:
        from linfit.files.streaming import train_on_moments

        history = train_on_moments(model, full, **settings)
    else:
        history = linfit.train(
            model,
            x,
            y,
            batch_size=arguments.batch_size,
            mode=mode,
            strategy=strategy,
            **settings,
        )
    final = history.final
    if arguments.json:
        document = {
            "inputs": {
                "data": "-" if arguments.data == "-" else str(arguments.data),
                "n": n,
                "learning_rate": arguments.learning_rate,
                "epochs": arguments.epochs,
                "batch_size": arguments.batch_size,
                "engine": (
                    "eager"
                    if streamed and arguments.batch_size is not None
                    else engines.choose(strategy).NAME
                    if mode == "auto"
                    else mode
                ),
                "streamed": streamed,
                "init": {"w": arguments.init_w, "b": arguments.init_b},
            },
            "history": history.to_dict(),
            "final": final,
            "least_squares": {"w": best[0], "b": best[1]},
        }
        print(json.dumps(document))
        return
    if not arguments.quiet:
        from linfit.cli.report import comparison

        print()
        print("\n".join(comparison(final["w"], final["b"], final["loss"], best, None)))
    print(f"final: W={final['w']:.6g} b={final['b']:.6g} loss={final['loss']:.6g}")
