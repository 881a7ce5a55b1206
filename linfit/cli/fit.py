"""``linfit fit``: train on the points of a data file."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from linfit.engines import Mode

__all__ = ["fit"]


def fit(arguments: argparse.Namespace) -> None:
    """Run ``linfit fit`` with the parsed ``arguments``."""
    from linfit.files.csvfile import read_csv

    x, y = read_csv(
        arguments.data
    )  # NumPy only: a bad file is refused before TensorFlow loads
    import linfit

    strategy = None
    if (
        arguments.strategy == "mirrored"
    ):  # before any TensorFlow op initializes the devices
        from linfit.parallel.mirrored import mirrored_strategy

        strategy = mirrored_strategy()
    model = linfit.LinearModel(w=arguments.init_w, b=arguments.init_b)
    history = linfit.train(
        model,
        x,
        y,
        epochs=arguments.epochs,
        learning_rate=arguments.learning_rate,
        batch_size=arguments.batch_size,
        verbose=not arguments.json,
        mode=cast("Mode", arguments.mode),
        strategy=strategy,
    )
    if arguments.json:
        print(json.dumps({"history": history.to_dict(), "final": history.final}))
    else:
        final = history.final
        print(
            f"\nfinal: W={final['w']:.6g} b={final['b']:.6g} loss={final['loss']:.6g}"
        )
