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

__all__ = ["plot_data", "plot_loss", "plot_parameters"]

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


def _figure(width: float = 6.0, height: float = 4.0) -> Figure:
    from linfit._imports import quiet_matplotlib_config

    quiet_matplotlib_config()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


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
    axes.legend()
    if title:
        axes.set_title(title)
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
    axes.legend()
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
    axes.set_xlabel(labels["epoch"])
    axes.set_ylabel(labels["loss"])
    return figure
