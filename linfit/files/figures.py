"""The original tutorials' figures, drawn with matplotlib's object API.

Each function returns a ``matplotlib.figure.Figure`` and never calls
``show()``: the caller decides whether to save it, embed it in a page or
display it. Figures are created without ``pyplot``, so no global state and no
GUI backend are involved, and ``import linfit`` does not import matplotlib
(this module is imported on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from linfit.history import History

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_data", "plot_loss", "plot_parameters", "plot_paths"]

LABELS = {
    "en": {
        "data": "data",
        "model": "model",
        "true": "true {}",
        "epoch": "epoch",
        "value": "value",
        "loss": "L2 loss",
    },
    "zh": {
        "data": "数据",
        "model": "模型",
        "true": "真实 {}",
        "epoch": "轮",
        "value": "取值",
        "loss": "L2 损失",
    },
}
"""Axis and legend text for each language a figure can be drawn in (Chinese needs a
font with CJK glyphs; the docs register Noto Sans CJK SC)."""

DATA_COLOR = "tab:blue"
MODEL_COLOR = "tab:red"
W_COLOR = "tab:red"
B_COLOR = "tab:blue"


FONT_SIZE = 11.0
"""Points for every text of a figure (ticks, labels, legends): a 5-inch figure shown
on a 390-pixel phone screen keeps 11-point text about 11 pixels high."""


def _figure(width: float = 5.0, height: float = 3.4) -> Figure:
    from linfit._imports import quiet_matplotlib_config

    quiet_matplotlib_config()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _style(axes: Any, legend: bool = False) -> None:
    """One text size for the whole figure: readable on a phone as on a monitor."""
    axes.tick_params(labelsize=FONT_SIZE, which="both")
    axes.xaxis.label.set_fontsize(FONT_SIZE)
    axes.yaxis.label.set_fontsize(FONT_SIZE)
    axes.title.set_fontsize(FONT_SIZE)
    if legend:
        axes.legend(fontsize=FONT_SIZE)


def _plain_log_ticks(axes: Any, values: np.ndarray) -> None:
    """On a log axis spanning under two decades, ticks read 2, 3, 5, not 2×10⁰."""
    from matplotlib.ticker import FuncFormatter

    values = values[np.isfinite(values) & (values > 0)]
    if values.size and values.max() / values.min() < 100:
        plain = FuncFormatter(lambda value, _: f"{value:g}")
        axes.yaxis.set_major_formatter(plain)
        axes.yaxis.set_minor_formatter(plain)


def _labels(language: str) -> dict[str, str]:
    try:
        return LABELS[language]
    except KeyError:
        raise ValueError(
            f"language must be one of {sorted(LABELS)}, got {language!r}"
        ) from None


def plot_data(
    x: Any,
    y: Any,
    y_pred: Any | None = None,
    *,
    title: str | None = None,
    language: str = "en",
) -> Figure:
    """Scatter the data, and the model's predictions if given.

    Args:
        x: Inputs, shape ``(N,)``.
        y: Targets, shape ``(N,)``.
        y_pred: Predictions at ``x``, shape ``(N,)``, or ``None``.
        title: Optional axes title.
        language: ``"en"`` or ``"zh"``, for the legend.
    """
    labels = _labels(language)
    figure = _figure()
    axes = figure.add_subplot()
    x = np.asarray(x).reshape(-1)
    axes.scatter(x, np.asarray(y).reshape(-1), s=6, c=DATA_COLOR, label=labels["data"])
    if y_pred is not None:
        axes.scatter(
            x, np.asarray(y_pred).reshape(-1), s=6, c=MODEL_COLOR, label=labels["model"]
        )
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    if title:
        axes.set_title(title)
    _style(axes, legend=True)
    return figure


def plot_parameters(
    history: History,
    true_w: float | None = None,
    true_b: float | None = None,
    *,
    language: str = "en",
) -> Figure:
    """W and b against the epoch, with the true values as dashed lines.

    Args:
        history: A training history.
        true_w: True slope, drawn dashed if given.
        true_b: True intercept, drawn dashed if given.
        language: ``"en"`` or ``"zh"``, for the axes and the legend.
    """
    labels = _labels(language)
    figure = _figure()
    axes = figure.add_subplot()
    axes.plot(
        history.epoch, history.w, color=W_COLOR, marker="o", markersize=3, label="W"
    )
    axes.plot(
        history.epoch, history.b, color=B_COLOR, marker="o", markersize=3, label="b"
    )
    if true_w is not None:
        axes.axhline(
            true_w, color=W_COLOR, linestyle="--", label=labels["true"].format("W")
        )
    if true_b is not None:
        axes.axhline(
            true_b, color=B_COLOR, linestyle="--", label=labels["true"].format("b")
        )
    axes.set_xlabel(labels["epoch"])
    axes.set_ylabel(labels["value"])
    _style(axes, legend=True)
    return figure


def plot_loss(
    history: History, *, log_scale: bool = True, language: str = "en"
) -> Figure:
    """The loss at each History row.

    Args:
        history: A training history.
        log_scale: Use a logarithmic loss axis (the usual choice: the excess
            over the best line's loss falls geometrically). Ignored when some
            loss is not positive.
        language: ``"en"`` or ``"zh"``, for the axes.
    """
    labels = _labels(language)
    figure = _figure()
    axes = figure.add_subplot()
    axes.plot(history.epoch, history.loss, color="black", marker="o", markersize=3)
    if log_scale and np.all(history.loss > 0):
        axes.set_yscale("log")
        _plain_log_ticks(axes, np.asarray(history.loss, dtype=np.float64))
    axes.set_xlabel(labels["epoch"])
    axes.set_ylabel(labels["loss"])
    _style(axes)
    return figure


def plot_paths(
    runs: dict[str, History], x: Any, y: Any, *, language: str = "en"
) -> Figure:
    """Where each run goes: its path over the loss contours, and the line it ends on.

    Args:
        runs: ``label → History``, for example a full-batch and a minibatch run from
            the same start on the same data.
        x: Inputs the runs trained on, shape ``(N,)``.
        y: Targets, shape ``(N,)``.
        language: ``"en"`` or ``"zh"``, for the axes and the legends.
    """
    labels = _labels(language)
    x64 = np.asarray(x, dtype=np.float64).reshape(-1)
    y64 = np.asarray(y, dtype=np.float64).reshape(-1)
    figure = _figure(height=6.4)
    path_axes, line_axes = figure.subplots(2, 1)
    ws = np.concatenate([history.w for history in runs.values()]).astype(np.float64)
    bs = np.concatenate([history.b for history in runs.values()]).astype(np.float64)
    pad_w, pad_b = 0.1 * np.ptp(ws) + 1e-3, 0.1 * np.ptp(bs) + 1e-3
    grid_w, grid_b = np.meshgrid(
        np.linspace(ws.min() - pad_w, ws.max() + pad_w, 80),
        np.linspace(bs.min() - pad_b, bs.max() + pad_b, 80),
    )
    # The loss is a quadratic in (w, b): five means give it everywhere on the grid.
    mx, my = x64.mean(), y64.mean()
    mxx, mxy, myy = (x64 * x64).mean(), (x64 * y64).mean(), (y64 * y64).mean()
    loss = (
        grid_w**2 * mxx
        + 2 * grid_w * grid_b * mx
        + grid_b**2
        - 2 * grid_w * mxy
        - 2 * grid_b * my
        + myy
    )
    path_axes.contour(grid_w, grid_b, loss, levels=12, colors="0.75", linewidths=0.8)
    order = np.argsort(x64)
    line_axes.scatter(x64, y64, s=4, c="0.6", label=labels["data"])
    for index, (label, history) in enumerate(runs.items()):
        color = f"C{index}"
        path_axes.plot(
            history.w, history.b, color=color, marker="o", markersize=3, label=label
        )
        w, b = float(history.w[-1]), float(history.b[-1])
        line_axes.plot(x64[order], w * x64[order] + b, color=color, label=label)
    path_axes.set_xlabel("W")
    path_axes.set_ylabel("b")
    line_axes.set_xlabel("x")
    line_axes.set_ylabel("y")
    _style(path_axes, legend=True)
    _style(line_axes, legend=True)
    return figure
