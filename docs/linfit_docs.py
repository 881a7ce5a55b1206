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


def check_numpy_port(argv: list[str]) -> tuple[int, str]:
    """Run ``linfit <argv> results.json`` on the tests' independent NumPy port (float32).

    Returns the exit status and the output; for ``--json``, the first case
    pretty-printed, so that no line is wider than the page.
    """
    import contextlib
    import json
    import sys
    import tempfile
    from pathlib import Path

    from linfit.cli import main

    sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
    import port_numpy

    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "results.json"
        results.write_text(json.dumps(port_numpy.results(linfit.conformance.load_cases())))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main([*argv, str(results)])
    text = out.getvalue().rstrip()
    if "--json" in argv:
        report = json.loads(text)
        first = json.dumps(report["cases"][0], indent=1)
        text = f'{{"format": "{report["format"]}", "passed": {str(report["passed"]).lower()},'
        text += f'\n "cases": [\n{first},\n  ...]}}'
    return status, text


def source(obj: Any) -> str:
    """The source code of a function, class or module of linfit, as it is in the package."""
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(obj)).rstrip()


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
    "bench_figure",
    "bench_report",
    "bench_table",
    "canonical",
    "check_numpy_port",
    "history_table",
    "jax_comparison",
    "learning_rate_figure",
    "learning_rate_runs",
    "moments_speedups",
    "passes_per_step",
    "source",
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


_WORDS = {
    "en": {
        "method": "method",
        "pass": "pass per step",
        "yes": "yes",
        "no": "no (one per run)",
        "read": "*reading x and y once*",
        "n": "points n",
        "ms": "ms per epoch",
        "limit": "reading x and y once",
    },
    "zh": {
        "method": "方法",
        "pass": "每步读一遍数据",
        "yes": "是",
        "no": "否（每次运行一遍）",
        "read": "*读一遍 x 和 y*",
        "n": "数据点数 n",
        "ms": "每轮毫秒数",
        "limit": "读一遍 x 和 y",
    },
}


def _cells(report: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(row["method"], row["n"]): row for row in report["results"]}


def _sizes(report: dict[str, Any]) -> list[int]:
    return sorted({row["n"] for row in report["results"]})


def _ms(seconds: float) -> str:
    """Milliseconds with three significant digits, without exponents."""
    value = seconds * 1e3
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}" if value >= 0.001 else f"{value:.4f}"


def bench_table(report: dict[str, Any], language: str) -> str:
    """Milliseconds per epoch for each method (rows) and n (columns), as a Markdown table."""
    words = _WORDS[language]
    cells = _cells(report)
    sizes = _sizes(report)
    methods = list(dict.fromkeys(row["method"] for row in report["results"]))
    header = [words["method"], words["pass"], *(f"n = {n:,}" for n in sizes)]
    rows = []
    for method in methods:
        first = next(cells[(method, n)] for n in sizes if (method, n) in cells)
        row = [f"`{method}`", words["yes"] if first["pass_per_step"] else words["no"]]
        row += [
            _ms(cells[(method, n)]["seconds_per_epoch"]) if (method, n) in cells else "—"
            for n in sizes
        ]
        rows.append(row)
    rows.append([words["read"], "", *(f"*{_ms(report['read_seconds'][str(n)])}*" for n in sizes)])
    return table(rows, header)


def bench_figure(report: dict[str, Any], language: str) -> Any:
    """Milliseconds per epoch against n for each method, the read time dashed."""
    from matplotlib.figure import Figure

    words = _WORDS[language]
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for method in dict.fromkeys(row["method"] for row in report["results"]):
        rows = [row for row in report["results"] if row["method"] == method]
        axes.plot(
            [r["n"] for r in rows],
            [r["seconds_per_epoch"] * 1e3 for r in rows],
            marker="o",
            label=method,
        )
    sizes = _sizes(report)
    axes.plot(
        sizes, [report["read_seconds"][str(n)] * 1e3 for n in sizes], "k--", label=words["limit"]
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel(words["n"])
    axes.set_ylabel(words["ms"])
    axes.legend(fontsize=8)
    return figure


def passes_per_step(report: dict[str, Any], language: str) -> list[str]:
    """For the per-step methods at the largest n: time per step in units of one read."""
    cells = _cells(report)
    largest = _sizes(report)[-1]
    read = report["read_seconds"][str(largest)]
    unit = "reads of the data per step" if language == "en" else "次读数据的时间 / 每步"
    lines = [f"n = {largest:,}:"]
    for (method, n), row in cells.items():
        if n == largest and row["pass_per_step"]:
            lines.append(f"  {method:<16} {row['seconds_per_epoch'] / read:6.1f} {unit}")
    return lines


def moments_speedups(report: dict[str, Any], language: str) -> list[str]:
    """A whole moments run against the fastest per-step TensorFlow engine (XLA), at each n."""
    cells = _cells(report)
    lines = []
    for n in _sizes(report):
        moments, xla = cells[("train moments", n)], cells[("train xla", n)]
        epochs = moments["epochs"]
        xla_run = xla["seconds_per_epoch"] * epochs
        ratio = xla_run / moments["seconds"]
        if language == "en":
            lines.append(
                f"n = {n:>10,}: {epochs} epochs take {_ms(moments['seconds'])} ms "
                f"(XLA: {_ms(xla_run)} ms, {ratio:,.0f} times as long)"
            )
        else:
            lines.append(
                f"n = {n:>10,}：{epochs} 轮用时 {_ms(moments['seconds'])} 毫秒"
                f"（XLA：{_ms(xla_run)} 毫秒，是它的 {ratio:,.0f} 倍）"
            )
    return lines


def jax_comparison(report: dict[str, Any], language: str) -> list[str]:
    """Round-by-round median of (train auto) / (JAX fori_loop) for a whole run, at each n."""
    lines = []
    for ratio in report.get("ratios", []):
        if not ratio["name"].startswith("auto"):
            continue
        value, n = ratio["value"], ratio["n"]
        if language == "en":
            verdict = "JAX is faster" if value > 1 else "linfit is faster"
            lines.append(
                f"n = {n:>10,}: train(mode='auto') takes {value:.2f} × JAX's time ({verdict})"
            )
        else:
            verdict = "JAX 更快" if value > 1 else "linfit 更快"
            lines.append(
                f"n = {n:>10,}：train(mode='auto') 用时是 JAX 的 {value:.2f} 倍（{verdict}）"
            )
    if not lines:
        lines.append(
            "JAX was not installed for this run." if language == "en" else "本次运行未安装 JAX。"
        )
    return lines


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
