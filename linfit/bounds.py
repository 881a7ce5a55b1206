"""How far float32 results may lie from the exact ones, and why.

Every tolerance in linfit's tests comes from this module, so each is a
statement that can be checked rather than a number that happened to pass.
The model is the standard one for floating-point arithmetic: each operation
on float32 values returns the exact result times ``(1 + δ)`` with
``|δ| ≤ u = 2⁻²⁴``, and ``k`` roundings in a row stay within

    γ_k = k·u / (1 − k·u).

A sum of ``n`` terms computed in *any* order is off by at most
``γ_{n−1} · Σ |terms|``. That scale is what matters: near the optimum the
gradient is almost 0 while the terms summed to get it are not, so a relative
error ``|g − g*| / |g*|`` means nothing there. All bounds below are absolute
and scaled by the sum of absolute values.

The magnitude of point ``i`` at parameters ``(w, b)`` is
``M_i = |w·x_i| + |b| + |y_i|``, which bounds the residual ``|w·x_i + b − y_i|``
and every partial result on the way to it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from linfit import reference
from linfit.errors import InputValueError
from linfit.validation import (
    as_float_data,
    check_batch_size,
    check_epochs,
    check_finite_scalar,
    check_float32_scalar,
    check_learning_rate,
    check_pair,
)

__all__ = [
    "MOMENTS_ROUNDINGS",
    "SMALLEST_NORMAL",
    "UNIT_ROUNDOFF",
    "descent_allowance",
    "gamma",
    "gradient_error_bound",
    "loss_error_bound",
    "moments_error_bound",
    "moments_loss_error_bound",
    "step_error_bound",
    "trajectory_error_bound",
]

UNIT_ROUNDOFF = 2.0**-24
"""Unit roundoff ``u`` of float32 (round to nearest)."""

ROUNDINGS_PER_TERM = 8
"""Roundings allowed per term on top of the ``n − 1`` of the sum, counted for the
worst formulation linfit uses, the tape's backward pass: 3 for the residual
``w·x + b − y``, 1 for ``1/n``, 1 for ``(1/n)·2r``, 1 for the product with ``x``, 1 for
the final scaling, and 1 to spare. The analytic formula needs 5; the loss 7 (3, 2 for
squaring a perturbed residual, 1 division, 1 to spare)."""


MOMENTS_ROUNDINGS = 16
"""Roundings of the moments formulation ([`linfit.moments`][]) on top of its sums.

The moments engine computes the loss and gradient from float64 sums of exact
products (a product of two float32 numbers is exact in float64), so each sum
is off by at most ``γ⁽⁶⁴⁾_{n+2}`` times the sum of its terms' magnitudes; the
formulas that combine the sums add fewer than 16 roundings. Expanding the
combined formulas (``∂L/∂w = 2(w·S_xx − S_xy + m_x·c)`` with
``S_xx = mean(x²) − m_x²`` etc.) and bounding each term by the magnitudes
``M_i`` gives, with ``γ = γ⁽⁶⁴⁾_{n+16}`` and a factor 4 for the shifted second
pass (``|x − m_x| ≤ |x| + mean|x|`` doubles a magnitude, squared: 4),

    loss:     γ · (12·mean(M²) + 24·mean(M)²)
    ∂L/∂w:    γ · 8·(3·mean(|x|·M) + 4·mean|x|·mean(M))
    ∂L/∂b:    γ · 8·mean(M).

These float64 terms are added to every bound below, so one set of bounds holds
for every engine. They are some 10⁹ times smaller than the float32 terms,
except where those vanish (data laid out so that every float32 product is
exactly zero), which is where a float64 rounding error of the moments still
shows.
"""

SMALLEST_NORMAL = 2.0**-126
"""Smallest normal float32, ``η``. TensorFlow's CPU kernels flush subnormal results
to zero, so every operation may also add an absolute error up to ``η``. That matters
only for data of magnitude ~1e-19 and below; the bounds carry an underflow term
``(8 + 1)·η`` per term summed so that they stay true there."""


Precision = Literal["float32", "float64"]
"""The arithmetic a bound is for. Every bound defaults to float32; the float64
versions (``u = 2⁻⁵³``, ``η = 2⁻¹⁰²²``) hold a float64 computation, such as a
float64 port, to the same analysis."""

_CONSTANTS = {"float32": (2.0**-24, 2.0**-126), "float64": (2.0**-53, 2.0**-1022)}


def _constants(precision: Precision) -> tuple[float, float]:
    try:
        return _CONSTANTS[precision]
    except (KeyError, TypeError):
        raise InputValueError(
            f"precision must be 'float32' or 'float64', got {precision!r}"
        ) from None


def _data(
    x: Any, y: Any, precision: Precision = "float32", **scalars: Any
) -> tuple[np.ndarray, np.ndarray]:
    """``x``, ``y`` as float64 vectors and the scalars finite in ``precision``.

    Checked as ``train`` checks them: a float32 bound is for values float32 holds.
    """
    check = check_float32_scalar if precision == "float32" else check_finite_scalar
    for name, value in scalars.items():
        check(value, name)
    x, y = as_float_data(x, y)
    return x.astype(np.float64), y.astype(np.float64)


def gamma(k: float, unit_roundoff: float = UNIT_ROUNDOFF) -> float:
    """``γ_k = k·u / (1 − k·u)`` (float32's ``u`` by default); infinite once ``k·u ≥ 1``.

    Raises:
        InputTypeError, InputValueError: If ``k`` or ``unit_roundoff`` is not a finite
            real number ``>= 0``.
    """
    k, u = check_finite_scalar(k, "k"), check_finite_scalar(unit_roundoff, "u")
    if k < 0 or u < 0:
        raise InputValueError(f"k and unit_roundoff must be >= 0, got {k}, {u}")
    ku = k * u
    return ku / (1.0 - ku) if ku < 1.0 else float("inf")


def _magnitudes(
    w: float, b: float, x: np.ndarray, y: np.ndarray, slack: float = 0.0
) -> np.ndarray:
    return np.asarray(
        (abs(float(w)) + slack) * np.abs(x) + (abs(float(b)) + slack) + np.abs(y)
    )


def loss_error_bound(
    w: float, b: float, x: Any, y: Any, *, precision: Precision = "float32"
) -> float:
    """Bound on ``|computed float32 loss − exact loss|`` at float32 ``(w, b)``.

    ``γ_{n+8} · mean(M_i²) + 10·η``: each squared residual is off by at most
    about ``γ_7 · M_i²`` and the mean adds ``γ_{n}``; ``10·η`` covers
    underflow (see [`SMALLEST_NORMAL`][linfit.bounds.SMALLEST_NORMAL]). Plus the float64 term of the
    moments formulation ([`MOMENTS_ROUNDINGS`][linfit.bounds.MOMENTS_ROUNDINGS]).
    """
    x, y = _data(x, y, precision, w=w, b=b)
    magnitudes = _magnitudes(w, b, x, y)
    n = magnitudes.size
    unit, smallest = _constants(precision)
    underflow = (ROUNDINGS_PER_TERM + 2) * smallest
    mean_square = float(np.mean(magnitudes**2))
    moments_term = gamma(n + MOMENTS_ROUNDINGS, 2.0**-53) * (
        12.0 * mean_square + 24.0 * float(np.mean(magnitudes)) ** 2
    )
    return gamma(n + ROUNDINGS_PER_TERM, unit) * mean_square + underflow + moments_term


def gradient_error_bound(
    w: float, b: float, x: Any, y: Any, *, precision: Precision = "float32"
) -> tuple[float, float]:
    """Componentwise bound on ``|computed float32 gradient − exact gradient|``.

    ``γ_{n+8} · (2/n) Σ |x_i| M_i`` for ``∂L/∂w`` and ``γ_{n+8} · (2/n) Σ M_i``
    for ``∂L/∂b``, plus an underflow term (see
    [`SMALLEST_NORMAL`][linfit.bounds.SMALLEST_NORMAL]). It holds for the analytic formula and
    for the gradient that ``tf.GradientTape`` builds, whatever order the sums are taken in, and
    (with the float64 term of [`MOMENTS_ROUNDINGS`][linfit.bounds.MOMENTS_ROUNDINGS]) for the
    gradient computed from the data's moments.
    """
    x, y = _data(x, y, precision, w=w, b=b)
    bound_w, bound_b = _gradient_bound(x, _magnitudes(w, b, x, y), precision)
    return float(bound_w), float(bound_b)


def _gradient_bound(
    x: np.ndarray, magnitudes: np.ndarray, precision: Precision = "float32"
) -> np.ndarray:
    """``[bound for ∂L/∂w, bound for ∂L/∂b]``: rounding plus underflow.

    Underflow: each of the ``n`` terms may lose up to ``(8 + 1)·η`` before the
    tape multiplies it by ``x_i`` (for ``w``), with no division by ``n``
    afterwards in the tape's formulation, hence ``9·η·Σ(1 + |x_i|)`` and
    ``9·η·n``.
    """
    unit, smallest = _constants(precision)
    g = gamma(x.size + ROUNDINGS_PER_TERM, unit)
    rounding = g * np.array(
        [2.0 * np.mean(np.abs(x) * magnitudes), 2.0 * np.mean(magnitudes)]
    )
    per_term = (ROUNDINGS_PER_TERM + 1) * smallest
    underflow = per_term * np.array([np.sum(1.0 + np.abs(x)), float(x.size)])
    mean_abs_x, mean_m = float(np.mean(np.abs(x))), float(np.mean(magnitudes))
    g64 = gamma(x.size + MOMENTS_ROUNDINGS, 2.0**-53)
    moments_term = (8.0 * g64) * np.array(
        [3.0 * np.mean(np.abs(x) * magnitudes) + 4.0 * mean_abs_x * mean_m, mean_m]
    )
    return rounding + underflow + moments_term


def step_error_bound(
    w: float,
    b: float,
    x: Any,
    y: Any,
    learning_rate: float,
    *,
    slack: float = 0.0,
    precision: Precision = "float32",
) -> float:
    """Bound on how far one float32 step lands from the exact step (2-norm in ``(w, b)``).

    The float32 step ``p ← p − fl(lr)·ĝ`` errs through the gradient
    (``lr ·`` [`gradient_error_bound`][linfit.bounds.gradient_error_bound]), the rounding of the
    learning rate and of the product (``2u·lr·|g|``) and the rounding of the new parameter
    (``u·|p_new|``).

    Args:
        w: Slope before the step.
        b: Intercept before the step.
        x: Inputs of the batch the step uses.
        y: Targets of the batch.
        learning_rate: The step size.
        slack: Uncertainty already present in ``w`` and ``b`` (added to their
            magnitudes), for use along a perturbed trajectory.
        precision: ``"float32"`` or ``"float64"``, the arithmetic of the step.
    """
    x, y = _data(x, y, precision, w=w, b=b, learning_rate=learning_rate, slack=slack)
    magnitudes = _magnitudes(w, b, x, y, slack)
    unit, smallest = _constants(precision)
    grad_bound = _gradient_bound(x, magnitudes, precision)
    grad_size = np.array(
        [2.0 * np.mean(np.abs(x) * magnitudes), 2.0 * np.mean(magnitudes)]
    )
    new_params = (
        np.array([abs(float(w)), abs(float(b))]) + slack + learning_rate * grad_size
    )
    per_component = (
        learning_rate * grad_bound
        + 2 * unit * learning_rate * grad_size
        + unit * new_params
        + 2 * smallest  # the product lr·g and the new parameter may underflow
    )
    return float(np.linalg.norm(per_component))


def descent_allowance(
    x: Any,
    y: Any,
    learning_rate: float,
    before: tuple[float, float],
    after: tuple[float, float],
) -> float:
    """How much a computed full-batch loss may *rise* in one float32 step.

    For ``learning_rate ≤ 2/λ_max`` the exact step never raises the exact loss.
    The float32 step deviates from it by ``Δ ≤``
    [`step_error_bound`][linfit.bounds.step_error_bound]; since the loss is quadratic with
    gradient ``g`` and Hessian ``H`` (``‖H‖ = λ_max``), that deviation raises the exact loss by at
    most ``3‖g‖Δ + ½λ_max·Δ²``. Each of the two computed losses is off by at most
    [`loss_error_bound`][linfit.bounds.loss_error_bound]. The sum is the allowance; conversely,
    whenever the exact decrease exceeds it, the computed loss must strictly fall.

    Args:
        x: Inputs.
        y: Targets.
        learning_rate: Step size, at most ``2/λ_max``.
        before: ``(w, b)`` before the step (float32 values).
        after: ``(w, b)`` after the step.
    """
    before, after = check_pair(before, "before"), check_pair(after, "after")
    x, y = _data(x, y, learning_rate=learning_rate, w=before[0], b=before[1])
    _data(x, y, w=after[0], b=after[1])
    top_eigenvalue = float(np.linalg.eigvalsh(reference.hessian(x))[-1])
    delta = step_error_bound(before[0], before[1], x, y, learning_rate)
    grad_norm = float(
        np.linalg.norm(reference.gradient(float(before[0]), float(before[1]), x, y))
    )
    return (
        loss_error_bound(*before, x, y)
        + loss_error_bound(*after, x, y)
        + 3.0 * grad_norm * delta
        + 0.5 * top_eigenvalue * delta**2
    )


def trajectory_error_bound(
    x: Any,
    y: Any,
    *,
    epochs: int,
    learning_rate: float,
    w: float = 5.0,
    b: float = 0.0,
    batch_size: int | None = None,
    order: np.ndarray | None = None,
    precision: Precision = "float32",
) -> np.ndarray:
    """Bound on the distance between a float32 trajectory and the float64 one.

    Both start from the same ``(w, b)`` on the same (float32-representable)
    data. The loss is quadratic, so an error ``e`` in the parameters evolves
    exactly as ``e ← (I − lr·H_batch) e + δ`` where ``δ`` is the rounding of
    the step ([`step_error_bound`][linfit.bounds.step_error_bound]). ``I − lr·H`` is symmetric
    with norm ``ρ = max |1 − lr·λ_i|``, hence ``‖e‖ ← ρ·‖e‖ + δ`` bounds the error. For learning
    rates below ``2/λ_max`` we have ``ρ ≤ 1`` and errors never grow faster than they are made.

    ``batch_size`` and ``order`` describe the batches as in
    [`linfit.reference.train`][]. With ``precision="float64"`` the bound is
    for a float64 computation against the exact trajectory.

    Returns:
        float64 array of length ``epochs + 1``: the bound on the 2-norm of the
            ``(w, b)`` difference at each History row (at row 0, the rounding of
            the starting point to float32, usually 0).
    """
    x, y = _data(x, y, precision, w=w, b=b)
    epochs = check_epochs(epochs)
    learning_rate = check_learning_rate(learning_rate)
    check_batch_size(batch_size, x.size)
    order = reference.check_order(order, epochs, x.size)
    w, b = float(w), float(b)
    # A starting point that float32 cannot hold exactly is rounded first.
    w32, b32 = (float(np.float32(v)) if precision == "float32" else v for v in (w, b))
    error = float(np.hypot(w - w32, b - b32))
    bounds = [error]
    for epoch in range(epochs):
        for batch in reference.batch_indices(x.size, batch_size, order, epoch):
            eigenvalues = np.linalg.eigvalsh(reference.hessian(x[batch]))
            rho = float(np.max(np.abs(1.0 - learning_rate * eigenvalues)))
            at = (w, b, x[batch], y[batch], learning_rate)
            delta = step_error_bound(*at, slack=error, precision=precision)
            error = rho * error + delta
            w, b = reference.step(w, b, x[batch], y[batch], learning_rate)
        bounds.append(error)
    return np.asarray(bounds)


def moments_error_bound(
    x: Any, y: Any, shift: tuple[float, float] = (0.0, 0.0)
) -> dict[str, float]:
    """Bounds on the float64 rounding errors of [`linfit.moments.moments`][].

    The moments are float64 sums (``u = 2⁻⁵³``, any order) of ``d = x − s`` (``s``
    the shift), ``d²`` and ``d_x·d_y``. With ``A = mean|d|`` and ``Q = mean(d²)``,
    the mean is off by at most ``γ_{n+2}·(A + |mean|)`` and ``Σd²`` by
    ``γ_{n+2}·n·Q``; the variance ``Σd²/n − (Σd/n)²`` by
    ``γ_{n+5}·(Q + d̄² + 2|d̄|·A) + (γ_{n+1}·A)² ≤ 4·γ_{n+6}·Q`` (as ``d̄² ≤ A² ≤ Q``),
    the covariance by ``γ_{n+6}·(mean|d_x·d_y| + 3·A_x·A_y)``. With the shift at the
    mean, ``Q`` is the variance itself: a few roundings of it, however far the mean
    lies from 0.

    Args:
        x: The inputs, shape ``(N,)``.
        y: The targets, shape ``(N,)``.
        shift: The shift the [`Moments`][linfit.moments.Moments] were
            computed with.

    Returns:
        ``{"mean_x", "mean_y", "var_x", "cov_xy", "var_y"}``: each a bound on the
            absolute error of that moment.
    """
    shift = check_pair(shift, "shift")
    x, y = _data(x, y, "float64")
    n, unit = x.size, 2.0**-53
    dx, dy = x - shift[0], y - shift[1]  # exact to first order: the bound has slack
    a_x, a_y = float(np.mean(np.abs(dx))), float(np.mean(np.abs(dy)))
    return {
        "mean_x": gamma(n + 2, unit) * (a_x + abs(float(np.mean(x)))),
        "mean_y": gamma(n + 2, unit) * (a_y + abs(float(np.mean(y)))),
        "var_x": 4.0 * gamma(n + 6, unit) * float(np.mean(dx * dx)),
        "cov_xy": gamma(n + 6, unit)
        * (float(np.mean(np.abs(dx * dy))) + 3 * a_x * a_y),
        "var_y": 4.0 * gamma(n + 6, unit) * float(np.mean(dy * dy)),
    }


def moments_loss_error_bound(w: float, b: float, moments: Any) -> float:
    """[`loss_error_bound`][linfit.bounds.loss_error_bound]'s float64 term, from moments.

    For data streamed from a file, known by its [`Moments`][linfit.moments.Moments]:
    ``mean(M)² ≤ mean(M²) ≤ 3·(w²·mean(x²) + b² + mean(y²))`` (Cauchy–Schwarz),
    ``mean(x²) = S_xx + m_x²``; so ``γ⁽⁶⁴⁾_{n+16}·36·mean(M²)`` needs no data.
    """
    w, b = check_finite_scalar(w, "w"), check_finite_scalar(b, "b")
    square_x = moments.var_x + moments.mean_x**2
    square_y = moments.var_y + moments.mean_y**2
    mean_square = 3.0 * (w * w * square_x + b * b + square_y)
    return float(gamma(moments.n + MOMENTS_ROUNDINGS, 2.0**-53) * 36.0 * mean_square)
