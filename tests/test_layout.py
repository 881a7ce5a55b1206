"""The shape of the package: the top level is the lesson, and imports run one way.

``ls linfit/`` must read as the lesson's table of contents; the tools live in
subpackages that may use the lesson but never the other way round (apart from
``train`` handing the run to an engine), and no subpackage reaches up to a layer
above its own. These tests read the source, so they hold without importing it.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import linfit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "linfit"

LESSON = [
    "data",
    "model",
    "loss",
    "step",
    "loop",
    "history",
    "metrics",
    "moments",
    "reference",
    "bounds",
    "validation",
    "errors",
]
"""The top-level modules, in the order a learner reads them."""

LAYERS = {
    "engines": 1,
    "files": 1,
    "variants": 2,
    "parallel": 2,
    "conformance": 2,
    "cli": 3,
}
"""Each subpackage's layer: a module may import its own layer and those below
(the lesson is layer 0), never one above."""

OLD_PUBLIC_NAMES = [
    "DISTRIBUTION",
    "DataFileError",
    "DivergenceError",
    "History",
    "InputTypeError",
    "InputValueError",
    "KerasLinearModel",
    "LinearModel",
    "LinfitError",
    "StreamingMAE",
    "StreamingMSE",
    "StreamingR2",
    "TrainingInterrupted",
    "__version__",
    "batching",
    "bounds",
    "checkpoint",
    "classifier",
    "conformance",
    "engines",
    "epoch_order",
    "fit_keras",
    "gradient_step",
    "keras_model",
    "l2_gradient",
    "l2_loss",
    "least_squares",
    "load_csv",
    "loss_and_gradients",
    "mae",
    "moments",
    "mse",
    "optimizers",
    "parameter_error",
    "plots",
    "r2",
    "reference",
    "stable_learning_rate",
    "synthesize",
    "train",
    "train_functional",
    "train_with_optimizer",
]
"""``linfit.__all__`` before the modules moved into subpackages (0.1.0)."""


def test_the_top_level_is_the_lesson() -> None:
    public = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_"))
    private = sorted(
        p.stem for p in PACKAGE.glob("_*.py") if p.stem not in ("__init__", "__main__")
    )
    assert public == sorted(LESSON)
    assert len(public) <= 12 and len(private) <= 2, private
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert folders == sorted(LAYERS)


def test_no_file_is_longer_than_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def runtime_imports(path: Path) -> list[str]:
    """The ``linfit`` modules ``path`` imports when it runs (``TYPE_CHECKING`` aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            skipped |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "linfit":  # from linfit import engines
                found += [f"linfit.{alias.name}" for alias in node.names]
    return [name for name in found if name.split(".")[0] == "linfit"]


def layer(module: str) -> int:
    """0 for the lesson (and the package itself), else its subpackage's layer."""
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_imports_run_from_the_tools_down_to_the_lesson() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        if importer in ("linfit", "linfit._imports") or importer.endswith("__main__"):
            continue  # the facade, the old names, and the command-line entry points
        for imported in runtime_imports(path):
            allowed = layer(importer)
            if importer == "linfit.loop" and imported == "linfit.engines":
                allowed = 1  # train hands the run to an engine
            if layer(imported) > allowed:
                upward.append(f"{importer} imports {imported}")
    assert upward == []


def test_every_public_name_resolves_and_dir_shows_only_them() -> None:
    for name in linfit.__all__:
        assert getattr(linfit, name) is not None, name
    assert sorted(dir(linfit)) == sorted(linfit.__all__)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib"} & set(dir(linfit))


def test_the_names_of_the_flat_layout_still_work() -> None:
    """Every name of the earlier ``__all__``, and the old module paths, resolve."""
    for name in OLD_PUBLIC_NAMES:
        assert getattr(linfit, name) is not None, name
    keras_model = importlib.import_module("linfit.keras_model")
    assert keras_model is importlib.import_module("linfit.variants.keras_model")
    assert (
        linfit.plots.plot_loss
        is importlib.import_module("linfit.files.figures").plot_loss
    )
    from linfit.checkpoint import restore  # an old ``from`` import

    assert restore.__module__ == "linfit.files.checkpoint"


def test_python_m_linfit_multiworker_still_runs_the_launcher() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linfit.multiworker", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--workers" in result.stdout


def test_each_engine_declares_what_it_can_run() -> None:
    from linfit import engines

    for name, engine in engines.ENGINES.items():
        assert name == engine.NAME
        for capability in ("MINIBATCHES", "SHUFFLING", "STRATEGY"):
            assert isinstance(getattr(engine, capability), bool), (name, capability)
        assert callable(engine.run)
    assert typing.get_args(engines.Mode) == engines.MODES


def test_one_ruff_version_everywhere() -> None:
    """The lint session, the docs build (it formats signatures) and pre-commit agree."""
    import re

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = set(re.findall(r'"ruff==([\d.]+)"', pyproject))
    hook = re.search(
        r"ruff-pre-commit\s*\n\s*rev: v([\d.]+)",
        (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"),
    )
    assert len(pins) == 1 and hook is not None and {hook.group(1)} == pins
    assert not re.search(r'"ruff(>=|~=|<)', pyproject)


@pytest.mark.parametrize("folder", sorted(LAYERS))
def test_every_subpackage_says_what_it_holds(folder: str) -> None:
    docstring = ast.get_docstring(
        ast.parse((PACKAGE / folder / "__init__.py").read_text())
    )
    assert docstring and len(docstring.splitlines()) >= 3
