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
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise argparse.ArgumentTypeError(
            f"expected two columns as X,Y (header names or 0-based indices), got {text!r}"
        )
    first, second = (int(p) if p.isdigit() else p for p in parts)
    return first, second


def fit(arguments: argparse.Namespace) -> None:
    """Run ``linfit fit`` with the parsed ``arguments``."""
    from linfit.files.csvfile import read_csv

    source: Any = sys.stdin.buffer if arguments.data == "-" else arguments.data
    # NumPy only: a bad file is refused before TensorFlow loads.
    x, y = read_csv(source, columns=arguments.columns, comments=arguments.comments)
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
    history = linfit.train(
        model,
        x,
        y,
        epochs=arguments.epochs,
        learning_rate=arguments.learning_rate,
        batch_size=arguments.batch_size,
        verbose=not (arguments.json or arguments.quiet),
        mode=mode,
        strategy=strategy,
    )
    final = history.final
    if arguments.json:
        best_w, best_b = linfit.least_squares(x, y)
        document = {
            "inputs": {
                "data": "-" if arguments.data == "-" else str(arguments.data),
                "n": len(x),
                "learning_rate": arguments.learning_rate,
                "epochs": arguments.epochs,
                "batch_size": arguments.batch_size,
                "engine": engines.choose(strategy).NAME if mode == "auto" else mode,
                "init": {"w": arguments.init_w, "b": arguments.init_b},
            },
            "history": history.to_dict(),
            "final": final,
            "least_squares": {"w": best_w, "b": best_b},
        }
        print(json.dumps(document))
        return
    if not arguments.quiet:
        from linfit.cli.report import comparison

        print()
        print("\n".join(comparison(final["w"], final["b"], final["loss"], x, y, None)))
    print(f"final: W={final['w']:.6g} b={final['b']:.6g} loss={final['loss']:.6g}")
