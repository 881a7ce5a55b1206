"""Helpers for the code that runs while the docs are built.

Expensive runs are cached with ``functools.cache``: MkDocs builds the English
and the Chinese site in one process, and both call the same functions, so
each computation runs once per build. Every run is seeded.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import numpy as np

import linfit


def svg(figure: Any) -> str:
    """A matplotlib figure as inline SVG markup (for ``html="1"`` blocks)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


@cache
def canonical() -> dict[str, Any]:
    """The seeds' experiment: 1000 N(0,1) points around y = 3x + 2, 10 epochs at 0.1."""
    x, y = linfit.synthesize(n=1000, true_w=3.0, true_b=2.0, noise=1.0, seed=0)
    model = linfit.LinearModel(w=5.0, b=0.0)
    history = linfit.train(model, x, y, epochs=10, learning_rate=0.1)
    return {"x": x, "y": y, "model": model, "history": history}


@cache
def learning_rate_runs(epochs: int = 30) -> dict[float, linfit.History]:
    """Full-batch runs at fractions of the stable rate 2/L on the canonical data."""
    x, y = canonical()["x"].numpy(), canonical()["y"].numpy()
    bound = linfit.stable_learning_rate(x)
    runs = {}
    for fraction in (0.1, 0.5, 0.9, 1.05):
        runs[fraction] = linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=epochs,
            learning_rate=fraction * bound,
            mode="function",
            on_divergence="continue",
        )
    return runs


def learning_rate_figure(language: str = "en") -> Any:
    """Loss curves for the runs of :func:`learning_rate_runs` (same figure in every language)."""
    return _learning_rate_figure()


def _learning_rate_figure() -> Any:
    from matplotlib.figure import Figure

    # Labels are math, not words: matplotlib's default font has no CJK glyphs, and
    # a figure must not depend on fonts the reader's build machine may lack.
    label = "η = {:.2f} · 2/L"
    figure = Figure(figsize=(6, 4), layout="constrained")
    axes = figure.add_subplot()
    for fraction, history in learning_rate_runs().items():
        axes.plot(
            history.epoch, history.loss, marker="o", markersize=2, label=label.format(fraction)
        )
    axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("L2 loss")
    axes.legend()
    return figure


def table(rows: list[list[Any]], header: list[str]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def history_table(history: linfit.History, every: int = 1) -> str:
    """History rows as a Markdown table."""
    rows = [
        [int(k), f"{history.w[k]:.5f}", f"{history.b[k]:.5f}", f"{history.loss[k]:.5f}"]
        for k in range(0, len(history), every)
    ]
    return table(rows, ["k", "w[k]", "b[k]", "loss[k]"])


__all__ = [
    "canonical",
    "history_table",
    "learning_rate_figure",
    "learning_rate_runs",
    "svg",
    "table",
]

np.set_printoptions(precision=5, suppress=True)


@cache
def classifier_run() -> dict[str, Any]:
    """Seed 004's classifier on synthesized classes (the docs' most expensive run)."""
    from linfit.classifier import nearest_centre_accuracy, synthesize_classes, train_classifier

    train_set, validation_set = synthesize_classes(seed=0)
    run = train_classifier(train_set, validation_set, epochs=5, seed=0)
    return {"run": run, "best": nearest_centre_accuracy(validation_set)}


def bench_report() -> dict[str, Any]:
    """The benchmark run kept in docs/data/bench.json (made by `linfit bench --output`)."""
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "data" / "bench.json").read_text())


def bench_figure() -> Any:
    """Time per step against n for each method, with the memory-traffic limit dashed."""
    from matplotlib.figure import Figure

    report = bench_report()
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    methods = dict.fromkeys(row["method"] for row in report["results"])
    for method in methods:
        rows = [row for row in report["results"] if row["method"] == method]
        axes.plot(
            [r["n"] for r in rows],
            [r["seconds_per_step"] * 1e3 for r in rows],
            marker="o",
            label=method,
        )
    sizes = np.array(sorted({row["n"] for row in report["results"]}), dtype=float)
    axes.plot(
        sizes,
        8 * sizes / report["bandwidth_bytes_per_second"] * 1e3,
        "k--",
        label="memory-traffic limit",
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("n (points)")
    axes.set_ylabel("ms per step")
    axes.legend(fontsize=8)
    return figure


@cache
def unequal_shards_example() -> dict[str, Any]:
    """The gradient from 5 points split 3 + 2: exact, summed correctly, and averaged wrongly."""
    from linfit.distributed import mean_of_replica_means

    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0])
    y = np.array([1.0, 1.0, 1.0, -5.0, 7.0])
    w, b = 0.5, 0.25
    exact = linfit.reference.gradient(w, b, x, y)
    parts = [(x[:3], y[:3]), (x[3:], y[3:])]
    summed = [0.0, 0.0]
    for xs, ys in parts:  # each replica: its share of (2/N) Σ r·x and (2/N) Σ r, N = 5
        r = w * xs + b - ys
        summed[0] += 2 * np.sum(r * xs) / len(x)
        summed[1] += 2 * np.sum(r) / len(x)
    wrong = mean_of_replica_means(x, y, w, b, replicas=2)
    return {"exact": exact, "summed": tuple(summed), "mean_of_means": wrong}
