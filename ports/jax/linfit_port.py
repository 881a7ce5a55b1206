"""linfit's training loop in JAX, for the conformance kit.

    python linfit_port.py GOLDEN_DIR RESULTS.json [float32|float64]

It reads every case of the golden vectors (``manifest.json`` and the ``.npy``
files, through NumPy), trains it with JAX, and writes the results JSON that
``linfit conformance check RESULTS.json`` judges. JAX runs on its default
device: on a machine with a GPU that JAX can use, passing the check shows that
the GPU computes the same training as the CPU reference, within the rounding
bounds. Nothing here imports linfit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Array = Any  # a jax.Array


def loss(w: Array, b: Array, x: Array, y: Array) -> Array:
    """The L2 loss: the mean of the squared residuals (w·x + b) − y."""
    r = w * x + b - y
    return jnp.mean(r * r)


def gradient(w: Array, b: Array, x: Array, y: Array) -> tuple[Array, Array]:
    """(dL/dw, dL/db) by the formula of the spec: 2·mean(r·x) and 2·mean(r)."""
    r = w * x + b - y
    return 2 * jnp.mean(r * x), 2 * jnp.mean(r)


def step(w: Array, b: Array, x: Array, y: Array, rate: Array) -> tuple[Array, Array]:
    """One gradient step on the batch (x, y): both gradients from the state before it."""
    grad_w, grad_b = gradient(w, b, x, y)
    return w - rate * grad_w, b - rate * grad_b


def train(
    w: Array,
    b: Array,
    x: Array,
    y: Array,
    rate: Array,
    epochs: int,
    batch_size: int,
    order: np.ndarray | None,
) -> list[tuple[Array, Array, Array]]:
    """The epoch loop: row 0 is the start, row e + 1 the state after epoch e."""
    step_jit, loss_jit = jax.jit(step), jax.jit(loss)
    n = x.shape[0]
    rows = [(w, b, loss_jit(w, b, x, y))]  # row 0: the untrained state
    for epoch in range(epochs):
        visit = order[epoch] if order is not None else np.arange(n)  # data indices
        for start in range(0, n, batch_size):  # the last batch may be shorter
            batch = visit[start : start + batch_size]
            w, b = step_jit(w, b, x[batch], y[batch], rate)
        rows.append((w, b, loss_jit(w, b, x, y)))  # the full-data loss at this w, b
    return rows


def main(argv: list[str]) -> int:
    """Train every golden case and write the results file; return the exit status."""
    if len(argv) not in (2, 3) or (
        len(argv) == 3 and argv[2] not in ("float32", "float64")
    ):
        print("usage: python linfit_port.py GOLDEN_DIR RESULTS.json [float32|float64]")
        return 2
    golden, output = Path(argv[0]), Path(argv[1])
    precision = argv[2] if len(argv) == 3 else "float32"

    jax.config.update("jax_enable_x64", precision == "float64")  # before any array
    dtype = jnp.float32 if precision == "float32" else jnp.float64
    manifest = json.loads((golden / "manifest.json").read_text())
    cases = {}
    for case in manifest["cases"]:
        files = case["files"]
        x = jnp.asarray(np.load(golden / files["x"]), dtype=dtype)
        y = jnp.asarray(np.load(golden / files["y"]), dtype=dtype)
        order = np.load(golden / files["order"]) if case["shuffled"] else None
        rows = train(
            jnp.asarray(case["w0"], dtype=dtype),
            jnp.asarray(case["b0"], dtype=dtype),
            x,
            y,
            jnp.asarray(case["learning_rate"], dtype=dtype),
            case["epochs"],
            case["batch_size"] or case["n"],
            order,
        )
        columns = np.asarray(
            rows, dtype=np.float64
        )  # exact: float32 values fit in float64
        cases[case["name"]] = {
            name: columns[:, k].tolist() for k, name in enumerate(("w", "b", "loss"))
        }
    document = {
        "format": "linfit-conformance-results/v1",
        "precision": precision,
        "cases": cases,
    }
    output.write_text(json.dumps(document) + "\n")
    device = jax.devices()[0]
    print(
        f"wrote {len(cases)} cases ({precision}) to {output}, computed on {device.platform}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
