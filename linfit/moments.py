"""What the data contributes to the loss of a line: five numbers, in one read.

The L2 loss of the line ``(w, b)`` on ``n`` points depends on the points only
through their **moments**

    m_x = mean(x),  m_y = mean(y),
    S_xx = mean((x − m_x)²),  S_xy = mean((x − m_x)(y − m_y)),  S_yy = mean((y − m_y)²).

The residual ``r = w·x + b − y`` has mean ``c = w·m_x + b − m_y`` and variance
``S_rr = w²·S_xx − 2w·S_xy + S_yy``; the loss is its mean square, and
differentiating gives the gradient:

    L(w, b) = S_rr + c²,
    ∂L/∂w   = 2·(w·S_xx − S_xy + m_x·c),      ∂L/∂b = 2·c.

This centered form works with the spread of the data, never with the raw
``mean(y²)``, so it does not subtract two huge numbers to get a small loss
when the mean of ``y`` is large beside its spread (the textbook
``mean(y²) − …`` form does).

Numerics. The sums are accumulated in float64: a product of two float32
numbers is exact in float64, so each term is exact and only the additions
round (relative error about ``n_block·2⁻⁵³`` per block, far below float32's
``2⁻²⁴``). When the first pass shows the mean of ``x`` or ``y`` far from 0
relative to its spread, a second pass sums the data shifted by that mean
(the "shifted data" algorithm), so ``S_xx`` does not cancel either. The
moments are finite exactly when every value is finite, so computing them also
checks the data.

Only NumPy is used; [`linfit.engines.moments`][] trains on these numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["BLOCK", "MomentSums", "Moments", "batch_moments", "moments"]

BLOCK = 1 << 17
"""Points converted to float64 at a time (1 MB per array: the block stays in
the processor's cache while it is used five times)."""

CANCELLATION = 2.0**10
"""Take the second, shifted pass when ``mean² > CANCELLATION · variance``: then
``variance = mean square − mean²`` would lose more than 10 of float64's 53
bits, which could show at float32 precision once ``n`` rounding errors add up."""


@dataclass(frozen=True)
class Moments:
    """What a set of points contributes to the L2 loss of a line, in float64.

    Attributes:
        n: Number of points.
        mean_x: ``m_x``.
        mean_y: ``m_y``.
        var_x: ``S_xx = mean((x − m_x)²)``.
        cov_xy: ``S_xy = mean((x − m_x)(y − m_y))``.
        var_y: ``S_yy = mean((y − m_y)²)``.
        shift: The ``(s_x, s_y)`` subtracted from the data before squaring
            (``(0, 0)``, or means found in a first pass); the rounding error of the
            moments depends on it ([`linfit.bounds.moments_error_bound`][]).

    Examples:
        >>> m = moments(np.float32([0, 1, 2]), np.float32([1, 3, 5]))  # y = 2x + 1
        >>> m.mean_x, m.mean_y, m.var_x
        (1.0, 3.0, 0.6666666666666667)
        >>> m.loss(0.0, 0.0)  # mean(y²) = (1 + 9 + 25) / 3
        11.666666666666666
        >>> m.loss(2.0, 1.0) < 1e-15  # the exact fit: zero up to float64 rounding
        True
    """

    n: int
    mean_x: float
    mean_y: float
    var_x: float
    cov_xy: float
    var_y: float
    shift: tuple[float, float] = (0.0, 0.0)

    @property
    def finite(self) -> bool:
        """Whether every moment is finite (true exactly when every data value is)."""
        return all(
            math.isfinite(v)
            for v in (self.mean_x, self.mean_y, self.var_x, self.cov_xy, self.var_y)
        )

    def loss(self, w: float, b: float) -> float:
        """``L(w, b) = S_rr + c²``: the variance of the residual plus its squared mean."""
        c = w * self.mean_x + b - self.mean_y
        spread = w * w * self.var_x - 2.0 * w * self.cov_xy + self.var_y
        return (
            max(spread, 0.0) + c * c
        )  # a variance is never negative; rounding may say so

    def gradient(self, w: float, b: float) -> tuple[float, float]:
        """``(∂L/∂w, ∂L/∂b) = (2·(w·S_xx − S_xy + m_x·c), 2·c)``."""
        c = w * self.mean_x + b - self.mean_y
        return 2.0 * (w * self.var_x - self.cov_xy + self.mean_x * c), 2.0 * c

    def least_squares(self) -> tuple[float, float]:
        """The minimizer ``(w, b) = (S_xy / S_xx, m_y − w·m_x)`` of the loss.

        When it is not unique (all ``x`` equal), the one with the smallest
        ``w² + b²``, as [`linfit.reference.least_squares`][] returns.
        """
        if self.var_x == 0.0:
            x0 = self.mean_x
            return self.mean_y * x0 / (x0 * x0 + 1), self.mean_y / (x0 * x0 + 1)
        w = self.cov_xy / self.var_x
        return w, self.mean_y - w * self.mean_x

    def stable_learning_rate(self) -> float:
        """``2 / λ_max`` of the Hessian ``2 [[S_xx + m_x², m_x], [m_x, 1]]``.

        The same number as [`linfit.reference.stable_learning_rate`][] up to
        float64 rounding, from the moments alone.
        """
        mean_square = self.var_x + self.mean_x * self.mean_x
        hessian = 2.0 * np.array([[mean_square, self.mean_x], [self.mean_x, 1.0]])
        return float(2.0 / np.linalg.eigvalsh(hessian)[-1])


def _finish(n: int, shift: tuple[float, float], sums: tuple[float, ...]) -> Moments:
    """Moments from the sums of shifted values ``(Σdx, Σdy, Σdx², Σdx·dy, Σdy²)``."""
    sx, sy, sxx, sxy, syy = sums
    mean_dx, mean_dy = sx / n, sy / n
    return Moments(
        n=n,
        mean_x=shift[0] + mean_dx,
        mean_y=shift[1] + mean_dy,
        var_x=max(sxx / n - mean_dx * mean_dx, 0.0),
        cov_xy=sxy / n - mean_dx * mean_dy,
        var_y=max(syy / n - mean_dy * mean_dy, 0.0),
        shift=shift,
    )


def _sums(
    x: np.ndarray, y: np.ndarray, shift: tuple[float, float]
) -> tuple[float, ...]:
    """``(Σdx, Σdy, Σdx², Σdx·dy, Σdy²)`` in float64, for ``(dx, dy) = (x, y) − shift``."""
    n = x.size
    if n <= BLOCK:  # one block: no buffers to reuse
        with np.errstate(all="ignore"):
            bx, by = x.astype(np.float64), y.astype(np.float64)
            if shift[0]:
                bx -= shift[0]
            if shift[1]:
                by -= shift[1]
            return (
                float(bx.sum()),
                float(by.sum()),
                float(bx @ bx),
                float(bx @ by),
                float(by @ by),
            )
    dx, dy, ones = np.empty(BLOCK), np.empty(BLOCK), np.ones(BLOCK)
    sx = sy = sxx = sxy = syy = 0.0
    with np.errstate(
        all="ignore"
    ):  # non-finite data gives non-finite sums: the caller says which
        for start in range(0, n, BLOCK):
            stop = min(start + BLOCK, n)
            bx, by, one = dx[: stop - start], dy[: stop - start], ones[: stop - start]
            np.copyto(bx, x[start:stop])  # float32 → float64: exact
            np.copyto(by, y[start:stop])
            if shift[0]:
                bx -= shift[0]
            if shift[1]:
                by -= shift[1]
            sx += float(bx @ one)
            sy += float(by @ one)
            sxx += float(bx @ bx)
            sxy += float(bx @ by)
            syy += float(by @ by)
    return sx, sy, sxx, sxy, syy


def moments(x: np.ndarray, y: np.ndarray) -> Moments:
    """The moments of ``(x, y)``, reading the data once (twice if the means are huge).

    The first pass sums the raw values. If it shows that subtracting the
    squared mean from the mean square would cancel more than
    [`CANCELLATION`][linfit.moments.CANCELLATION] of the digits (a mean far larger than the
    spread), a second pass sums the data shifted by the mean just found.

    Args:
        x: Inputs, float32, shape ``(N,)``, ``N >= 1``.
        y: Targets, float32, shape ``(N,)``.

    Returns:
        The [`Moments`][linfit.moments.Moments]; not [`finite`][linfit.moments.Moments.finite]
            if any value is not.

    Raises:
        InputTypeError, InputValueError: For data ``train`` would refuse, but for
            values that are not finite: the moments say so.
    """
    from linfit.validation import as_data

    x, y = as_data(x, y, check_finite=False)
    n = x.size
    result = _finish(n, (0.0, 0.0), _sums(x, y, (0.0, 0.0)))
    if result.finite and (
        _cancels(result.mean_x, result.var_x) or _cancels(result.mean_y, result.var_y)
    ):
        shift = (result.mean_x, result.mean_y)
        result = _finish(n, shift, _sums(x, y, shift))
    return result


class MomentSums:
    """The moments of data that arrives in pieces (a file read chunk by chunk).

    Each piece is added to five float64 sums of the data shifted by
    ``(s_x, s_y)``, by default the first point: one read, however large the means
    are beside the spread, and nothing of a piece is kept. Sums of pieces add up
    to the sums of the whole data (in another order), so the error bound is that
    of [`linfit.bounds.moments_error_bound`][] with ``shift=(s_x, s_y)``; and
    workers that share a shift combine their sums by adding them (an all-reduce).

    Args:
        shift: The ``(s_x, s_y)`` to subtract; ``None`` takes the first point.

    Examples:
        >>> sums = MomentSums()
        >>> sums.add(np.float32([0, 1]), np.float32([1, 3]))
        >>> sums.add(np.float32([2]), np.float32([5]))
        >>> m = sums.moments()
        >>> m.n, m.shift, m.mean_x, m.mean_y, m.var_x
        (3, (0.0, 1.0), 1.0, 3.0, 0.6666666666666667)
        >>> m.least_squares()
        (2.0, 1.0)
    """

    def __init__(self, shift: tuple[float, float] | None = None) -> None:
        if shift is not None:
            from linfit.validation import check_pair

            shift = check_pair(shift, "shift")
        self.shift = shift
        self.totals = np.zeros(6)
        """``[n, Σd_x, Σd_y, Σd_x², Σd_x·d_y, Σd_y²]``, float64: what workers add up."""

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        """Add a piece: two float32 arrays of shape ``(K,)``, finite, ``K >= 0``.

        Raises:
            InputTypeError, InputValueError: For a piece ``train`` would refuse
                (but an empty one is allowed).
        """
        from linfit.validation import as_data

        if np.size(x) == 0 and np.size(y) == 0:
            return
        x, y = as_data(x, y)
        if self.shift is None:
            self.shift = (float(x[0]), float(y[0]))
        self.totals += (x.size, *_sums(x, y, self.shift))

    def moments(self) -> Moments:
        """The [`Moments`][linfit.moments.Moments] of every point added so far.

        Raises:
            InputValueError: If no point was added.
        """
        from linfit.errors import InputValueError

        n = int(self.totals[0])
        if n == 0 or self.shift is None:
            raise InputValueError("no data points were read; at least one is needed")
        sums = tuple(float(t) for t in self.totals[1:])
        return _finish(n, self.shift, sums)


def _cancels(mean: float, variance: float) -> bool:
    return mean * mean > CANCELLATION * variance


def batch_moments(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shift: tuple[float, float] = (0.0, 0.0),
) -> list[Moments]:
    """The moments of each consecutive batch of ``batch_size`` points (the last may be shorter).

    Args:
        x: Inputs, float32, shape ``(N,)``, finite.
        y: Targets, float32, shape ``(N,)``, finite.
        batch_size: Points per batch.
        shift: Subtracted from ``x`` and ``y`` before squaring; the full data's
            means ([`moments`][linfit.moments.moments]) are ideal.

    Raises:
        InputTypeError, InputValueError: For arguments ``train`` would refuse.
    """
    from linfit.validation import as_data, check_batch_size, check_pair

    x, y = as_data(x, y)
    batch_size = check_batch_size(batch_size, x.size)
    shift = check_pair(shift, "shift")
    n = x.size
    per_group = max(1, BLOCK // batch_size) * batch_size
    result: list[Moments] = []
    for start in range(0, n, per_group):
        stop = min(start + per_group, n)
        dx = np.subtract(x[start:stop], shift[0], dtype=np.float64)
        dy = np.subtract(y[start:stop], shift[1], dtype=np.float64)
        starts = np.arange(0, stop - start, batch_size)
        sums = [np.add.reduceat(v, starts) for v in (dx, dy, dx * dx, dx * dy, dy * dy)]
        sizes = np.diff(np.append(starts, stop - start))
        result += [
            _finish(int(size), shift, tuple(float(s[i]) for s in sums))
            for i, size in enumerate(sizes)
        ]
    return result
