"""Write the golden vectors: ``python -m linfit.conformance.generate [DIR]``.

For every case of [`linfit.conformance.cases`][] this stores, in ``DIR``
(default: the package's ``v1/`` folder):

* ``NAME.x.npy``, ``NAME.y.npy`` — the exact float32 inputs, shape ``(n,)``;
* ``NAME.order.npy`` — for shuffled cases, the int64 visiting order, shape ``(epochs, n)``;
* ``NAME.float64.npy`` and ``NAME.float32.npy`` — the reference trajectory
  computed by [`linfit.reference.train`][] in float64 and in float32 (NumPy),
  shape ``(epochs + 1, 3)`` with columns ``w, b, loss``;

and ``manifest.json`` with every setting. The learning rate is stored as a
float32-exact number so that float32 and float64 ports use the same value.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from linfit import reference
from linfit.conformance.cases import CASES, CaseDefinition

FORMAT = "linfit-conformance/v1"
HERE = Path(__file__).parent / "v1"


def package_version() -> str:
    """The linfit version, from pyproject.toml when running from a source tree."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.exists():
        match = re.search(r'^version = "([^"]+)"', pyproject.read_text(), re.MULTILINE)
        if match:
            return match.group(1)
    from importlib import metadata

    from linfit import DISTRIBUTION

    return metadata.version(DISTRIBUTION)


def trajectory(history: Any) -> np.ndarray:
    """History columns ``w, b, loss`` stacked as an ``(epochs + 1, 3)`` array."""
    return np.stack([history.w, history.b, history.loss], axis=1)


def build_case(case: CaseDefinition) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The manifest entry and the arrays of one case."""
    x, y = case.make_data()
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    stable = reference.stable_learning_rate(x)
    if case.learning_rate is not None:
        rate = float(np.float32(case.learning_rate))
    else:
        assert case.fraction_of_stable is not None, f"{case.name}: no learning rate"
        rate = float(np.float32(case.fraction_of_stable * stable))
    arrays = {"x": x, "y": y}
    order = None
    if case.shuffle_seed is not None:
        from linfit.data import epoch_order

        order = epoch_order(len(x), case.shuffle_seed, case.epochs)
        arrays["order"] = order
    for dtype in ("float64", "float32"):
        history = reference.train(
            x,
            y,
            epochs=case.epochs,
            learning_rate=rate,
            w=case.w0,
            b=case.b0,
            batch_size=case.batch_size,
            order=order,
            dtype=dtype,
        )
        arrays[dtype] = trajectory(history)
    entry = {
        "name": case.name,
        "purpose": case.purpose,
        "n": len(x),
        "epochs": case.epochs,
        "learning_rate": rate,
        "stable_learning_rate": stable,
        "w0": case.w0,
        "b0": case.b0,
        "batch_size": case.batch_size,
        "shuffled": order is not None,
        "files": {key: f"{case.name}.{key}.npy" for key in arrays},
    }
    return entry, arrays


def generate(directory: Path = HERE) -> dict[str, Any]:
    """Write every case and the manifest into ``directory``; return the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for case in CASES:
        entry, arrays = build_case(case)
        for key, array in arrays.items():
            np.save(directory / entry["files"][key], array, allow_pickle=False)
        entries.append(entry)
    manifest = {
        "format": FORMAT,
        "linfit_version": package_version(),
        "columns": ["w", "b", "loss"],
        "cases": entries,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=HERE)
    manifest = generate(parser.parse_args().directory)
    print(f"wrote {len(manifest['cases'])} cases ({manifest['format']})")


if __name__ == "__main__":
    main()
