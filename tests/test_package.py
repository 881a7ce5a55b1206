"""Packaging facts: the public API, import-time behaviour, the missing-TensorFlow message."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import linfit

ROOT = Path(__file__).resolve().parents[1]

PUBLIC = [
    "synthesize",
    "load_csv",
    "LinearModel",
    "l2_loss",
    "l2_gradient",
    "loss_and_gradients",
    "gradient_step",
    "train",
    "History",
    "mse",
    "mae",
    "r2",
    "parameter_error",
    "StreamingMSE",
    "StreamingMAE",
    "StreamingR2",
    "reference",
    "bounds",
    "least_squares",
    "stable_learning_rate",
    "LinfitError",
    "InputValueError",
    "InputTypeError",
    "DataFileError",
]


def test_public_names_are_exported() -> None:
    missing = [name for name in PUBLIC if not hasattr(linfit, name)]
    assert missing == []
    assert set(PUBLIC) <= set(linfit.__all__)


def test_errors_are_also_builtin_exceptions() -> None:
    assert issubclass(linfit.InputValueError, ValueError)
    assert issubclass(linfit.InputTypeError, TypeError)
    assert issubclass(linfit.DataFileError, linfit.LinfitError)


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def test_linfit_does_not_need_matplotlib_and_import_prints_nothing() -> None:
    """linfit imports matplotlib only inside `linfit.files.figures`.

    TensorFlow 2.21 itself eagerly imports Keras, which loads matplotlib when it
    is installed, so "absent from sys.modules" cannot be asserted. What linfit
    controls is checked instead: with matplotlib made unimportable, importing
    linfit and training still work, and only the plots fail, with ImportError.
    """
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import linfit\n"
        "x, y = linfit.synthesize(n=10)\n"
        "linfit.train(linfit.LinearModel(), x, y, epochs=1, learning_rate=0.1)\n"
        "try:\n"
        "    from linfit.files import figures\n"
        "    figures.plot_loss(None)\n"
        "except ImportError:\n"
        "    print('plots need matplotlib')\n"
    )
    result = run_python(code)
    assert result.stdout == "plots need matplotlib\n"
    assert result.stderr == ""


def test_import_linfit_loads_nothing() -> None:
    """Names are imported on first use: `import linfit` costs neither TensorFlow nor NumPy."""
    result = run_python(
        "import sys, linfit\n"
        "print('tensorflow' in sys.modules, 'numpy' in sys.modules)\n"
        "linfit.reference\n"
        "print('tensorflow' in sys.modules, 'numpy' in sys.modules)\n"
    )
    assert result.stdout.split() == ["False", "False", "False", "True"]


def test_without_tensorflow_the_numpy_parts_work_and_the_rest_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['tensorflow'] = None  # makes `import tensorflow` fail\n"
        "import numpy as np, linfit\n"
        "from linfit import bounds, conformance, errors, history, moments, reference\n"
        "print(reference.stable_learning_rate(np.array([1.0, 2.0])) > 0)\n"
        "try:\n"
        "    linfit.train\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = run_python(code)
    first, message = result.stdout.split("\n", 1)
    assert first == "True"
    assert (
        "'linfit-reference[cpu]'" in message
        and "'linfit-reference[and-cuda]'" in message
    )


INSTALL = re.compile(r"pip install([^\n#`;&)]*)")


def wrong_names(text: str) -> list[str]:
    """The arguments of `pip install ...` that name the distribution `linfit` itself."""
    found = []
    for match in INSTALL.finditer(text):
        for token in match.group(1).split():
            name = token.strip("\"'").split("[")[0]
            if name == "linfit":
                found.append(match.group(0))
    return found


def test_every_install_instruction_names_the_distribution() -> None:
    """`pip install linfit` gets an unrelated project: every instruction names linfit-reference."""
    files = [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "CITATION.cff",
        *ROOT.glob("docs/*.md"),
        *ROOT.glob("linfit/**/*.py"),
        *ROOT.glob("ports/**/*"),
    ]
    wrong = [
        f"{path.relative_to(ROOT)}: {command}"
        for path in files
        if path.is_file()
        for command in wrong_names(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert wrong == []
    mentions = sum(
        "pip install" in path.read_text(encoding="utf-8", errors="replace")
        and "linfit-reference" in path.read_text(encoding="utf-8", errors="replace")
        for path in files
        if path.is_file()
    )
    assert mentions >= 4  # README, both docs home pages, the ImportError at least
    assert (
        re.search(
            r'^name = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M
        ).group(1)
        == linfit.DISTRIBUTION
    )


def test_the_install_check_catches_the_wrong_name() -> None:
    assert wrong_names("pip install 'linfit[cpu]'")
    assert wrong_names('run pip install -U "linfit" now')
    assert not wrong_names("pip install 'linfit-reference[cpu]' # then import linfit")
    assert not wrong_names("pip install nox uv && python -m nox -s tests")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["fit", "--help"],
        ["conformance", "check", "--help"],
        ["fit", "--epochs", "many"],
    ],
    ids=["help", "version", "fit-help", "check-help", "argument-error"],
)
def test_the_command_line_imports_nothing_heavy_where_it_has_nothing_to_compute(
    argv,
) -> None:
    """Help, the version and argument errors come before NumPy or TensorFlow load.

    (How long that takes is measured by ``nox -s bench``, not asserted here.)
    """
    code = (
        "import sys\n"
        "from linfit.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('numpy', 'tensorflow', 'keras', 'matplotlib')\n"
        "print([name for name in heavy if name in sys.modules], file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stderr.splitlines()[-1] == "[]"
