"""How linfit's modules are found: on first use, and under their old names too.

* [`lazy_submodules`][linfit._imports.lazy_submodules] lets a subpackage import a
  module the first time it is named (``linfit.files.figures`` after
  ``import linfit``), so importing a package costs nothing.
* linfit's top level is the lesson; the tools live in subpackages. Code written
  against the earlier, flat layout (``from linfit.keras_model import fit_keras``,
  ``python -m linfit.multiworker``) keeps working: [`MOVED`][linfit._imports.MOVED]
  maps each old dotted name to the module that now holds its contents, and a finder
  on ``sys.meta_path`` answers the old name with that very module (the same object,
  not a copy), or, for ``python -m``, with its code.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable
from types import CodeType, ModuleType

MOVED = {
    "linfit.batching": "linfit.data",
    "linfit.bench": "linfit.cli.bench",
    "linfit.checkpoint": "linfit.files.checkpoint",
    "linfit.classifier": "linfit.variants.classifier",
    "linfit.csvfile": "linfit.files.csvfile",
    "linfit.distributed": "linfit.parallel.mirrored",
    "linfit.keras_model": "linfit.variants.keras_model",
    "linfit.multiworker": "linfit.parallel.multiworker",
    "linfit.optimizers": "linfit.variants.optimizers",
    "linfit.plots": "linfit.files.figures",
    "linfit.recorder": "linfit.engines.recorder",
}
"""Old dotted name → the module that holds its contents now."""


class _Alias(importlib.abc.Loader):
    """Loads an old name as the module it moved to."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec  # importlib set the alias's spec: undo that

    def get_code(self, fullname: str) -> CodeType | None:
        """The moved module's code (``python -m OLD.NAME`` runs it as ``__main__``)."""
        spec = importlib.util.find_spec(self.target)
        assert spec is not None and isinstance(spec.loader, importlib.abc.InspectLoader)
        return spec.loader.get_code(self.target)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        real = importlib.util.find_spec(new)
        origin = real.origin if real is not None else None
        return importlib.util.spec_from_loader(fullname, _Alias(new), origin=origin)


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())


def lazy_submodules(
    package: str, names: tuple[str, ...]
) -> Callable[[str], ModuleType]:
    """A module ``__getattr__`` for ``package`` that imports ``names`` on first use.

    Args:
        package: The package's ``__name__``.
        names: Its submodules.
    """

    def __getattr__(name: str) -> ModuleType:
        if name in names:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def quiet_matplotlib_config() -> None:
    """Give matplotlib a writable config folder before it is imported, if it has none.

    With an unwritable home folder matplotlib prints two warnings as it imports (and
    TensorFlow imports it, through Keras, when it is installed); a command line whose
    stderr is kept for one-line messages must not. A private temporary folder, removed
    at exit, takes the place of the missing one (what matplotlib itself would do,
    without the warnings).
    """
    import atexit
    import os
    import shutil
    import tempfile

    if os.environ.get("MPLCONFIGDIR"):
        return
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(
        os.path.expanduser("~"), ".config"
    )
    folder = os.path.join(home, "matplotlib")
    try:
        os.makedirs(folder, exist_ok=True)
        if os.access(folder, os.W_OK):
            return
    except OSError:
        pass
    private = tempfile.mkdtemp(prefix="linfit-matplotlib-")
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    os.environ["MPLCONFIGDIR"] = private
