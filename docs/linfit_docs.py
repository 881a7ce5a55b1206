"""Helpers for the code that runs while the docs are built.

Expensive runs are cached with ``functools.cache``: MkDocs builds the English
and the Chinese site in one process, and both call the same functions, so
each computation runs once per build. Every run is seeded.
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

import linfit


def _register_cjk_font() -> None:
    """Let matplotlib draw Chinese labels: Noto Sans CJK SC from the mplfonts package.

    DejaVu Sans stays first, and matplotlib falls back to the CJK font for the
    glyphs DejaVu lacks. Figures are saved as SVG with text as paths, so the
    reader needs no font.
    """
    import matplotlib
    import mplfonts
    from matplotlib import font_manager

    font = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    font_manager.fontManager.addfont(str(font))
    # A list of families (not the generic "sans-serif") is what makes matplotlib fall
    # back, glyph by glyph, to the next family.
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", "Noto Sans CJK SC"]
    matplotlib.rcParams["svg.fonttype"] = "path"


_register_cjk_font()


def svg(figure: Any) -> str:
    """A matplotlib figure as inline SVG markup (for ``html="1"`` blocks).

    A glyph missing from every font (a box on the page) is an error, which fails
    the strict build, not a warning lost in the log.
    """
    import warnings

    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from font")
        figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # The smallest text drawn, in points: the browser tests check how many pixels
    # high it ends up on a phone (the text itself is paths, not fonts).
    from matplotlib.text import Text

    sizes = [
        item.get_fontsize()
        for item in figure.findobj(Text)
        if item.get_visible() and item.get_text().strip()
    ]
    smallest = f' data-smallest-text-pt="{min(sizes):g}"' if sizes else ""
    return "<svg" + smallest + text[len("<svg") :]


@cache
def canonical() -> dict[str, Any]:
    """The seeds' experiment: 1000 N(0,1) points around y = 3x + 2, 10 epochs at 0.1."""
    x, y = linfit.synthesize(n=1000, true_w=3.0, true_b=2.0, noise=1.0, seed=0)
    model = linfit.LinearModel(w=5.0, b=0.0)
    history = linfit.train(model, x, y, epochs=10, learning_rate=0.1)
    return {"x": x, "y": y, "model": model, "history": history}


@cache
def learning_rate_runs(epochs: int = 30) -> dict[float, linfit.History]:
    """Full-batch runs at fractions of the stable rate 2/λ_max on the canonical data."""
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
    """Loss curves for the runs of `learning_rate_runs`, labelled in ``language``."""
    from matplotlib.figure import Figure

    from linfit.files.figures import LABELS

    label = "η = {:.2f} · 2/λ_max"
    figure = Figure(figsize=(6, 4), layout="constrained")
    axes = figure.add_subplot()
    for fraction, history in learning_rate_runs().items():
        axes.plot(
            history.epoch,
            history.loss,
            marker="o",
            markersize=2,
            label=label.format(fraction),
        )
    axes.set_yscale("log")
    axes.set_xlabel(LABELS[language]["epoch"])
    axes.set_ylabel(LABELS[language]["loss"])
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
        results.write_text(
            json.dumps(port_numpy.results(linfit.conformance.load_cases()))
        )
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
    "svg",
    "table",
]

np.set_printoptions(precision=5, suppress=True)


@cache
def classifier_run() -> dict[str, Any]:
    """Seed 004's classifier on synthesized classes (the docs' most expensive run)."""
    from linfit.variants.classifier import (
        nearest_centre_accuracy,
        synthesize_classes,
        train_classifier,
    )

    train_set, validation_set = synthesize_classes(seed=0)
    run = train_classifier(train_set, validation_set, epochs=5, seed=0)
    return {"run": run, "best": nearest_centre_accuracy(validation_set)}


def bench_report() -> dict[str, Any]:
    """The benchmark run kept in docs/data/bench.json (made by `linfit bench --output`)."""
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "data" / "bench.json").read_text())


def scale_report() -> dict[str, Any]:
    """The scale run kept in docs/data/scale.json (``linfit bench --scale --output``)."""
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "data" / "scale.json").read_text())


def scale_table(report: dict[str, Any], language: str) -> str:
    """The scale run as a Markdown table, times as ratios to ``np.loadtxt``."""
    en = language == "en"
    header = (
        "| rows | file MB | np.loadtxt s | pyarrow | streamed | ns per byte "
        "| `linfit fit` s | peak MB |"
        if en
        else "| 行数 | 文件 MB | np.loadtxt 秒 | pyarrow | 流式读取 | 每字节纳秒 "
        "| `linfit fit` 秒 | 内存峰值 MB |"
    )
    from linfit.cli.scale import ratios, two_worker_ratio

    lines = [header, "|" + "---:|" * 8]
    for row in ratios(report):
        lines.append(
            f"| {row['rows']:,} | {row['megabytes']:.0f} | {row['loadtxt_seconds']:.3g} "
            f"| {row['pyarrow']:.2f}× | {row['streamed']:.2f}× "
            f"| {row['ns_per_byte']:.2f} "
            f"| {row['fit_seconds']:.3g} | {row['fit_peak_mb']:.0f} |"
        )
    ratio = two_worker_ratio(report)
    if ratio is not None:
        rows = f"{report['results'][-1]['rows']:,}"
        lines.append("")
        lines.append(
            f"Reading {rows} rows on 2 workers took {ratio:.2f}× the time on 1."
            if en
            else f"读 {rows} 行：两个工作进程所用时间是一个进程的 {ratio:.2f} 倍。"
        )
    return "\n".join(lines)


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
    return (
        f"{value:,.0f}"
        if value >= 100
        else f"{value:.3g}"
        if value >= 0.001
        else f"{value:.4f}"
    )


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
            _ms(cells[(method, n)]["seconds_per_epoch"])
            if (method, n) in cells
            else "—"
            for n in sizes
        ]
        rows.append(row)
    rows.append(
        [
            words["read"],
            "",
            *(f"*{_ms(report['read_seconds'][str(n)])}*" for n in sizes),
        ]
    )
    return table(rows, header)


def bench_figure(report: dict[str, Any], language: str) -> Any:
    """Milliseconds per epoch against n for each method, the read time dashed."""
    from matplotlib.figure import Figure

    from linfit.files.figures import FONT_SIZE

    words = _WORDS[language]
    # 5 inches wide, as the package's figures: the text stays readable on a phone;
    # the legend goes below the axes, where its many rows hide no curve.
    figure = Figure(figsize=(5, 5.6), layout="constrained")
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
        sizes,
        [report["read_seconds"][str(n)] * 1e3 for n in sizes],
        "k--",
        label=words["limit"],
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel(words["n"], fontsize=FONT_SIZE)
    axes.set_ylabel(words["ms"], fontsize=FONT_SIZE)
    axes.tick_params(labelsize=FONT_SIZE, which="both")
    figure.legend(loc="outside lower center", ncols=2, fontsize=FONT_SIZE)
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
            lines.append(
                f"  {method:<16} {row['seconds_per_epoch'] / read:6.1f} {unit}"
            )
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
            "JAX was not installed for this run."
            if language == "en"
            else "本次运行未安装 JAX。"
        )
    return lines


@cache
def unequal_shards_example() -> dict[str, Any]:
    """The gradient from 5 points split 3 + 2: exact, summed correctly, and averaged wrongly."""
    from linfit.parallel.mirrored import mean_of_replica_means

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


def _wrap(text: str, width: int = 88) -> str:
    import textwrap

    return "\n".join(
        textwrap.fill(line, width, subsequent_indent="    ", break_on_hyphens=False)
        for line in text.splitlines()
    )


def refused_call(code: str, call: Any) -> str:
    """``>>> code`` and the exception it raises (its class and message), wrapped to the page."""
    try:
        call()
    except (linfit.LinfitError, KeyboardInterrupt) as error:
        return _wrap(f">>> {code}\n{type(error).__name__}: {error}")
    raise AssertionError(f"{code} was not refused")


def refused_command(
    argv: list[str], stdout: Any = None, interrupt_after: float | None = None
) -> str:
    """``$ linfit ...`` run in-process: what stderr shows, and the exit status.

    ``stdout`` replaces the standard output (to show a full disk);
    ``interrupt_after`` sends Ctrl-C (a KeyboardInterrupt) after that many seconds.
    """
    import _thread
    import contextlib
    import shlex
    import signal
    import threading

    from linfit.cli import main

    err = io.StringIO()
    here = os.getcwd()
    os.chdir(refusal_files()["folder"])  # the example files, by their short names
    timer = None
    previous_handler = signal.getsignal(signal.SIGINT)
    if interrupt_after is not None:
        # A build started with SIGINT ignored (in the background, under nohup) would
        # otherwise never see the simulated Ctrl-C, and train 10^8 epochs.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        timer = threading.Timer(interrupt_after, _thread.interrupt_main)
        timer.start()
    try:
        with (
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(stdout or io.StringIO()),
        ):
            try:
                status = main(argv)
            except SystemExit as exit_:
                status = int(exit_.code or 0)
    finally:
        os.chdir(here)
        if timer is not None:
            timer.cancel()
            signal.signal(signal.SIGINT, previous_handler)
    shown = " ".join(shlex.quote(part) for part in argv)
    return _wrap(f"$ linfit {shown}\n{err.getvalue().rstrip()}\n(exit status {status})")


class FullDisk(io.TextIOBase):
    """A standard output on a full disk: every write fails as /dev/full does."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")


@cache
def refusal_files() -> dict[str, str]:
    """Small bad input files for the refusals chapter (written once per build)."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="linfit-docs-"))
    contents = {
        "points.csv": "x,y\n"
        + "\n".join(f"{i / 10},{3 * i / 10 + 2}" for i in range(50)),
        "first-row.csv": "1,abc\n2,8\n3,11\n",
        "semicolons.csv": "1;5\n2;8\n",
        "nan.csv": "x,y\n1,5\nnan,8\n",
        "one-row.csv": "x,y\n1,5\n",
        "latin1.csv": "x,y\n1,5\n",
    }
    paths = {}
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths[name] = str(folder / name)
    (folder / "latin1.csv").write_bytes("x,y\n1,5\n2,caf\xe9\n".encode("latin-1"))
    (folder / "zeros.csv").write_bytes(b"\0" * 4096)
    paths["zeros.csv"] = str(folder / "zeros.csv")
    (folder / "long.csv").write_text("1" * 200_000)
    paths["long.csv"] = str(folder / "long.csv")
    (folder / "a-file").write_text("not a folder")
    paths["a-file"] = str(folder / "a-file")
    paths["folder"] = str(folder)
    return paths


def _playground_dataset(x: Any, y: Any) -> dict[str, Any]:
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    low, high = np.linalg.eigvalsh(linfit.reference.hessian(x))
    w, b = linfit.least_squares(x, y)
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "stable_rate": linfit.stable_learning_rate(x),
        "hessian_eigenvalues": [float(low), float(high)],
        "least_squares": [w, b],
    }


@cache
def playground_data() -> str:
    """The playground's data, as the JSON block the page's script reads.

    The same points as every chapter: the canonical data (1000 normal points around
    y = 3x + 2, seed 0) and the evenly spaced data (100 points on [-2, 2]), exported
    from `linfit.synthesize` while the site is built. Float32 values are written so
    that they convert back exactly.
    """
    import json

    canonical = linfit.synthesize(n=1000, seed=0)
    even = linfit.synthesize(n=100, inputs="linspace", seed=0)
    data = {
        "datasets": {
            "canonical": _playground_dataset(*(t.numpy() for t in canonical)),
            "linspace": _playground_dataset(*(t.numpy() for t in even)),
        },
        "defaults": {"w0": 5.0, "b0": 0.0, "learning_rate": 0.1},
    }
    text = json.dumps(data, separators=(",", ":"))
    return f'<script type="application/json" id="playground-data">{text}</script>'
