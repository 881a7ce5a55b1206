"""``linfit demo``: the tutorial's canonical experiment, in any of its variants."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from linfit.cli.parser import (
    DEMO_POINTS,
    DEMO_TRUE_B,
    DEMO_TRUE_W,
    LIVE_EPOCHS,
    VARIANT_DEFAULTS,
)

__all__ = ["FIGURES", "demo"]


def _comparison(w: float, b: float, loss: float, x: Any, y: Any) -> None:
    """Print the trained line beside the least-squares optimum and the truth."""
    from linfit.cli.report import comparison, least_squares_line

    best = least_squares_line(x, y)
    print()
    print("\n".join(comparison(w, b, loss, best, (DEMO_TRUE_W, DEMO_TRUE_B))))


def demo(arguments: argparse.Namespace) -> None:
    """Run ``linfit demo`` with the parsed ``arguments``."""
    variant = arguments.variant
    default_epochs, default_rate = VARIANT_DEFAULTS[variant]
    epochs = default_epochs if arguments.epochs is None else arguments.epochs
    rate = default_rate if arguments.learning_rate is None else arguments.learning_rate
    if arguments.plot is not None:
        _check_plot_folder(arguments.plot)
    import linfit

    if variant == "mlp":
        _demo_mlp(epochs, rate, arguments.seed)
        return
    x, y = linfit.synthesize(
        n=DEMO_POINTS, true_w=DEMO_TRUE_W, true_b=DEMO_TRUE_B, seed=arguments.seed
    )
    start = "W=5 b=10" if variant in ("functional", "optimizer") else "W=5 b=0"
    print(
        f"linfit demo ({variant}): {DEMO_POINTS} points around y = {DEMO_TRUE_W:g}·x + "
        f"{DEMO_TRUE_B:g} with N(0, 1) noise (seed {arguments.seed}); start {start}; "
        f"learning rate {rate:g}"
    )
    if variant == "keras":
        from linfit.variants.keras_model import KerasLinearModel, fit_keras

        keras_model = KerasLinearModel()
        fitted = fit_keras(keras_model, x, y, epochs=epochs, learning_rate=rate)
        for epoch, loss in enumerate(fitted.history["loss"]):
            print(f"Epoch {epoch:2d}: loss before this epoch's update={loss:2.5f}")
        final_loss = float(linfit.l2_loss(keras_model(x), y))
        _comparison(
            float(keras_model.w.numpy()), float(keras_model.b.numpy()), final_loss, x, y
        )
        return
    if variant == "functional":
        history = linfit.train_functional(x, y, steps=epochs, learning_rate=rate)
        for step in range(0, len(history), 20):
            print(f"Loss at step {step:03d}: {history.loss[step]:.3f}")
        _comparison(**history.final, x=x, y=y)
        return
    if variant == "optimizer":
        history = linfit.train_with_optimizer(
            x,
            y,
            steps=epochs,
            learning_rate=rate,
            report=lambda step, loss: print(f"Loss at step {step:03d}: {loss:.3f}"),
        )
        _comparison(**history.final, x=x, y=y)
        return
    minibatch = variant == "minibatch"
    model = linfit.LinearModel(w=5.0, b=0.0)
    history = linfit.train(
        model,
        x,
        y,
        epochs=epochs,
        learning_rate=rate,
        verbose=True,
        batch_size=100 if minibatch else None,
        shuffle_seed=arguments.seed if minibatch else None,
        mode="eager"
        if isinstance(epochs, int) and 0 <= epochs <= LIVE_EPOCHS
        else "auto",
    )
    _comparison(**history.final, x=x, y=y)
    if arguments.plot is not None:
        _write_figures(arguments.plot, x, y, model, history)


def _demo_mlp(epochs: int, learning_rate: float, seed: int) -> None:
    from linfit.variants.classifier import (
        nearest_centre_accuracy,
        synthesize_classes,
        train_classifier,
    )

    train, validation = synthesize_classes(seed=seed)
    print(
        f"linfit demo (mlp): {len(train.x)} training and {len(validation.x)} validation points, "
        f"{train.one_hot.shape[1]} Gaussian classes in {train.x.shape[1]} dimensions"
    )
    run = train_classifier(
        train,
        validation,
        epochs=epochs,
        learning_rate=learning_rate,
        seed=seed,
        log=print,
    )
    reached = (
        f"validation accuracy {run.validation_accuracy[-1]:.3f}"
        if run.validation_accuracy
        else "0 epochs: nothing was trained"
    )
    print(
        f"\n{reached}; the best possible (nearest true centre) is "
        f"{nearest_centre_accuracy(validation):.3f}; chance is "
        f"{1 / train.one_hot.shape[1]:.3f}"
    )


FIGURES = ("data.png", "parameters.png", "loss.png")


def _check_plot_folder(directory: Path) -> None:
    from linfit.errors import InputValueError
    from linfit.files.atomic import check_writable

    if directory.exists() and not directory.is_dir():
        raise InputValueError(
            f"--plot {directory} is a file; name a folder for the figures"
        )
    for name in FIGURES:
        check_writable(directory / name, "--plot")
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise InputValueError(
            "--plot needs matplotlib: pip install 'linfit-reference[plots]'"
        )


def _write_figures(directory: Path, x: Any, y: Any, model: Any, history: Any) -> None:
    import io

    from linfit.files import figures as plots
    from linfit.files.atomic import write_all_atomically

    figures = {
        "data.png": plots.plot_data(x, y, model(x), title="data and trained model"),
        "parameters.png": plots.plot_parameters(history, DEMO_TRUE_W, DEMO_TRUE_B),
        "loss.png": plots.plot_loss(history),
    }
    images = {}
    for name, figure in figures.items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        images[directory / name] = buffer.getvalue()
    write_all_atomically(images)  # all three, or none: never new beside old
    print(f"\nwrote {', '.join(figures)} to {directory}")
