"""Hypothesis strategies for linfit's property tests.

Small datasets are drawn value by value, so Hypothesis can shrink them to a
minimal failing example. Large ones (thousands to 10^5 points) are described
by a few drawn numbers (size, seed, distribution, scale, offset) and built
with NumPy's generator: drawing 10^5 floats one by one would be slow and
would shrink badly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st


@dataclass(frozen=True)
class Setup:
    """A float32 dataset and float32 starting parameters: what one training run starts from."""

    x: np.ndarray
    y: np.ndarray
    w: float
    b: float

    def __repr__(self) -> str:  # keep failure reports short for big n
        return (
            f"Setup(n={self.x.size}, x∈[{self.x.min():.3g}, {self.x.max():.3g}], "
            f"y∈[{self.y.min():.3g}, {self.y.max():.3g}], w={self.w!r}, b={self.b!r})"
        )


def _canonical() -> Setup:
    import linfit

    x, y = linfit.synthesize(n=1000, true_w=3.0, true_b=2.0, noise=1.0, seed=0)
    return Setup(x=x.numpy(), y=y.numpy(), w=5.0, b=0.0)


CANONICAL = _canonical()
"""The original tutorials' experiment: 1000 N(0, 1) inputs around y = 3x + 2 with
unit noise (seed 0), starting from W = 5, b = 0. The one definition the tests use."""


def float32(value: float) -> float:
    """The nearest float32, as a Python float."""
    return float(np.float32(value))


finite_small = st.floats(
    min_value=-1e3, max_value=1e3, allow_nan=False, allow_subnormal=False, width=32
)
scales = st.sampled_from([1e-3, 1e-2, 1e-1, 1.0, 10.0, 1e2, 1e3])
sizes = st.one_of(
    st.integers(1, 8), st.integers(9, 2000), st.sampled_from([10_000, 100_000])
)


@st.composite
def small_datasets(draw: st.DrawFn, min_size: int = 1, max_size: int = 8) -> tuple:
    """``(x, y)`` float32 arrays of up to ``max_size`` points, drawn value by value."""
    n = draw(st.integers(min_size, max_size))
    x = np.array(draw(st.lists(finite_small, min_size=n, max_size=n)), dtype=np.float32)
    y = np.array(draw(st.lists(finite_small, min_size=n, max_size=n)), dtype=np.float32)
    return x, y


@st.composite
def generated_datasets(draw: st.DrawFn, sizes: st.SearchStrategy[int] = sizes) -> tuple:
    """``(x, y)`` float32 arrays built from a drawn size, seed, scale and offset.

    ``x`` is normal or uniform with a drawn spread and centre, ``y`` a noisy
    line through it, all scaled by powers of ten from 1e-3 to 1e3.
    """
    n = draw(sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["normal", "uniform"]))
    x_scale, y_scale = draw(scales), draw(scales)
    x_offset = draw(st.sampled_from([0.0, 1.0, -3.0, 10.0])) * x_scale
    slope = draw(st.floats(-5, 5))
    intercept = draw(st.floats(-5, 5)) * y_scale
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(n) if kind == "normal" else rng.uniform(-1, 1, n)
    x = (x_offset + x_scale * base).astype(np.float32)
    noise = rng.standard_normal(n) * y_scale * draw(st.sampled_from([0.0, 0.1, 1.0]))
    y = (slope * (y_scale / x_scale) * x + intercept + noise).astype(np.float32)
    return x, y


@st.composite
def offset_datasets(draw: st.DrawFn) -> tuple:
    """Data whose mean is far larger than its spread (up to 10⁴ spreads away), exact fits included.

    The Hessian is then badly conditioned and every formula that squares the
    raw values before subtracting the mean loses digits.
    """
    n = draw(st.integers(1, 3000))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    spread = draw(scales)
    x = draw(st.sampled_from([1e2, 1e3, 1e4])) * spread + spread * rng.standard_normal(
        n
    )
    slope = draw(st.floats(-5, 5))
    y_offset = draw(st.sampled_from([0.0, 1e3, -1e4]))
    noise = draw(st.sampled_from([0.0, 1e-3, 1.0]))
    y = y_offset + slope * x + noise * rng.standard_normal(n)
    return x.astype(np.float32), y.astype(np.float32)


datasets = st.one_of(small_datasets(), generated_datasets(), offset_datasets())


@st.composite
def problems(draw: st.DrawFn, data: st.SearchStrategy[tuple] = datasets) -> Setup:
    """A dataset with starting parameters on the scale of its least-squares line."""
    x, y = draw(data)
    spread = float(np.max(np.abs(y))) / max(float(np.max(np.abs(x))), 1e-30) + 1.0
    w = float32(draw(st.floats(-2, 2)) * spread)
    b = float32(draw(st.floats(-2, 2)) * (float(np.max(np.abs(y))) + 1.0))
    return Setup(x=x, y=y, w=w, b=b)


def examples(count: int) -> int:
    """Examples for a TF-heavy property: ``count`` normally, 10× under the ``thorough`` profile.

    Tests pin their own example counts (TensorFlow calls are slow), which
    would override the profile; this keeps ``HYPOTHESIS_PROFILE=thorough``
    meaningful for them.
    """
    return count * (10 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1)
