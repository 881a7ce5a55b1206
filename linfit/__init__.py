"""linfit: training ``y = W·x + b`` with TensorFlow 2, as a readable, tested reference.

The top level is the lesson, in the order a learner reads it:

* `linfit.data` makes points around a known line (and the order an epoch visits them);
* `linfit.model` holds the line in two ``tf.Variable`` objects;
* `linfit.loss` scores it, and derives the gradient by hand;
* `linfit.step` improves it once, with a ``GradientTape``;
* `linfit.loop` repeats the step into a `linfit.history.History`;
* `linfit.metrics` judges the result;
* `linfit.moments` shows that the data enters the loss through five numbers;
* `linfit.reference` is the NumPy float64 oracle everything is checked against,
  `linfit.bounds` says how close "agrees" must be, and `linfit.errors` and
  `linfit.validation` say what linfit refuses and why.

The tools live in subpackages: `linfit.engines` (faster ways to run the same
loop), `linfit.variants` (Keras, the functional and optimizer styles, the MLP
classifier), `linfit.parallel` (``tf.distribute``), `linfit.files` (CSV,
checkpoints, figures, atomic writes), `linfit.cli` (the command line and the
benchmark) and `linfit.conformance` (golden vectors for ports).

Importing `linfit` loads nothing: each public name is imported on first use. So
the parts that need only NumPy (`reference`, `bounds`, `moments`, `history`,
`errors`, `conformance`) work without TensorFlow installed, and the command line
answers ``--help`` at once.
"""

from typing import TYPE_CHECKING

DISTRIBUTION = "linfit-reference"
"""The name to install linfit under (``pip install linfit-reference``); the import
name is ``linfit``. (The distribution ``linfit`` on PyPI is an unrelated project.)"""

if TYPE_CHECKING:  # The public names and where each lives: the one list of them.
    from linfit import bounds as bounds
    from linfit import cli as cli
    from linfit import conformance as conformance
    from linfit import data as data
    from linfit import engines as engines
    from linfit import errors as errors
    from linfit import files as files
    from linfit import history as history
    from linfit import loop as loop
    from linfit import loss as loss
    from linfit import metrics as metrics
    from linfit import model as model
    from linfit import moments as moments
    from linfit import parallel as parallel
    from linfit import reference as reference
    from linfit import step as step
    from linfit import validation as validation
    from linfit import variants as variants
    from linfit.data import epoch_order as epoch_order
    from linfit.data import synthesize as synthesize
    from linfit.errors import DataFileError as DataFileError
    from linfit.errors import DivergenceError as DivergenceError
    from linfit.errors import InputTypeError as InputTypeError
    from linfit.errors import InputValueError as InputValueError
    from linfit.errors import LinfitError as LinfitError
    from linfit.errors import TrainingInterrupted as TrainingInterrupted
    from linfit.files.csvfile import load_csv as load_csv
    from linfit.files.streaming import train_streaming as train_streaming
    from linfit.history import History as History
    from linfit.loop import train as train
    from linfit.loss import l2_gradient as l2_gradient
    from linfit.loss import l2_loss as l2_loss
    from linfit.metrics import StreamingMAE as StreamingMAE
    from linfit.metrics import StreamingMSE as StreamingMSE
    from linfit.metrics import StreamingR2 as StreamingR2
    from linfit.metrics import mae as mae
    from linfit.metrics import mse as mse
    from linfit.metrics import parameter_error as parameter_error
    from linfit.metrics import r2 as r2
    from linfit.model import LinearModel as LinearModel
    from linfit.reference import least_squares as least_squares
    from linfit.reference import stable_learning_rate as stable_learning_rate
    from linfit.step import gradient_step as gradient_step
    from linfit.step import loss_and_gradients as loss_and_gradients
    from linfit.variants.keras_model import KerasLinearModel as KerasLinearModel
    from linfit.variants.keras_model import fit_keras as fit_keras
    from linfit.variants.optimizers import train_functional as train_functional
    from linfit.variants.optimizers import (
        train_with_optimizer as train_with_optimizer,
    )


def _public() -> dict[str, tuple[str, str | None]]:
    """``name → (module, attribute)``, read from the ``TYPE_CHECKING`` imports above.

    ``(module, None)`` is a module. Parsing this file's own source keeps one list
    of public names, the one type checkers and editors read too; it runs once, on
    the first lookup of a public name.
    """
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    names: dict[str, tuple[str, str | None]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        for alias in node.names:
            if node.module == __name__:
                names[alias.name] = (f"{__name__}.{alias.name}", None)
            else:
                names[alias.name] = (node.module, alias.name)
    return names


_NAMES: dict[str, tuple[str, str | None]] = {}


def __getattr__(name: str) -> object:
    import importlib

    moved = importlib.import_module(f"{__name__}._imports").MOVED
    if not _NAMES:
        _NAMES.update(_public())
    if name == "__all__":
        return ["DISTRIBUTION", "__version__", *sorted(_NAMES)]
    if name == "__version__":
        return _version()
    if name in _NAMES:
        module, attribute = _NAMES[name]
        found = importlib.import_module(module)
        value = found if attribute is None else getattr(found, attribute)
    elif f"{__name__}.{name}" in moved:  # an old module path
        value = importlib.import_module(moved[f"{__name__}.{name}"])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    names: list[str] = __getattr__("__all__")  # type: ignore[assignment]
    return names


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


def _install_moved_paths() -> None:
    import importlib

    importlib.import_module(f"{__name__}._imports").install()


_install_moved_paths()
