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

import numpy as np

Array = Any  # a jax.Array


def main(argv: list[str]) -> int:
    """Train every golden case and write the results file; return the exit status."""
    if len(argv) not in (2, 3) or (
        len(argv) == 3 and argv[2] not in ("float32", "float64")
    ):
        print("usage: python linfit_port.py GOLDEN_DIR RESULTS.json [float32|float64]")
        return 2
    golden, output = Path(argv[0]), Path(argv[1])
    precision = argv[2] if len(argv) == 3 else "float32"

    import jax

    jax.config.update(
        "jax_enable_x64", precision == "float64"
    )  # before any array is made
    import jax.numpy as jnp

    dtype = jnp.float32 if precision == "float32" else jnp.float64

    @jax.jit
    def loss(w: Array, b: Array, x: Array, y: Array) -> Array:
        r = w * x + b - y  # the residual: (w·x + b) − y
        return jnp.mean(r * r)

    @jax.jit
    def step(
        w: Array, b: Array, x: Array, y: Array, rate: Array
    ) -> tuple[Array, Array]:
        r = w * x + b - y
        grad_w = 2 * jnp.mean(r * x)  # both gradients from the state before the update
        grad_b = 2 * jnp.mean(r)
        return w - rate * grad_w, b - rate * grad_b

    manifest = json.loads((golden / "manifest.json").read_text())
    cases = {}
    for case in manifest["cases"]:
        files = case["files"]
        x = jnp.asarray(np.load(golden / files["x"]), dtype=dtype)
        y = jnp.asarray(np.load(golden / files["y"]), dtype=dtype)
        order = np.load(golden / files["order"]) if case["shuffled"] else None
        n, size = case["n"], case["batch_size"] or case["n"]
        rate = jnp.asarray(case["learning_rate"], dtype=dtype)
        w, b = (
            jnp.asarray(case["w0"], dtype=dtype),
            jnp.asarray(case["b0"], dtype=dtype),
        )
        rows = [(w, b, loss(w, b, x, y))]  # row 0: the untrained state
        for epoch in range(case["epochs"]):
            visit = order[epoch] if order is not None else np.arange(n)  # data indices
            for start in range(0, n, size):
                batch = visit[start : start + size]
                w, b = step(w, b, x[batch], y[batch], rate)
            rows.append((w, b, loss(w, b, x, y)))  # the state after the epoch, its loss
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
