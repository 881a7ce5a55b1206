# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Sessions for developing linfit. `nox -l` lists them; `nox -s NAME -- ARGS` passes ARGS on."""

from __future__ import annotations

import os

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True
# uv installs without compiling to bytecode; with PYTHONDONTWRITEBYTECODE set (as on CI
# machines) every process would then compile TensorFlow's sources again: 11 s per
# `import tensorflow` instead of 5, in each of the many processes the tests start.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")

PYPROJECT = nox.project.load_toml("pyproject.toml")


def install(session: nox.Session, *groups: str, extras: str = "cpu") -> None:
    """Install linfit (editable, with `extras`) and the named dependency groups.

    One installer call: uv resolves (and, when all is in place, checks) once.
    """
    requirements = [
        requirement
        for group in groups
        for requirement in nox.project.dependency_groups(PYPROJECT, group)
    ]
    session.install("-e", f".[{extras}]" if extras else ".", *requirements)


SLOWEST_FIRST = (
    "tests/test_processes.py",
    "tests/test_multiworker.py",
    "tests/test_engines.py",
)
"""The test files that take longest (each 40-50 s here), handed out first; pytest
collects each file once, so ``tests`` after them adds only the others."""


@nox.session
def tests(session: nox.Session) -> None:
    """Run the unit, property and CLI tests (pytest); arguments after `--` go to pytest."""
    install(session, "test")
    if session.posargs:
        session.run("pytest", *session.posargs, env=hypothesis_profile())
        return
    # Spread the suite over the cores, a test file per worker: the multi-worker
    # runs of test_distributed.py then never overlap. The built site and the
    # wheel have their own sessions (docs, build).
    workers = str(min(4, os.cpu_count() or 1))
    session.run(
        "pytest",
        "-n",
        workers,
        "--dist",
        "loadfile",
        *SLOWEST_FIRST,  # so that no worker is left with a long file at the end
        "tests",
        "linfit",
        "--ignore=tests/docs",
        "--ignore=tests/wheel",
        env=hypothesis_profile(),
    )


def hypothesis_profile() -> dict[str, str]:
    """``HYPOTHESIS_PROFILE``: as set, else ``ci`` on CI and ``dev`` elsewhere."""
    default = "ci" if os.environ.get("CI") else "dev"
    return {"HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", default)}


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check linfit/ with mypy in strict mode (settings in pyproject.toml)."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "typecheck"))
    session.run("mypy", *session.posargs)


@nox.session(default=False)
def ports(session: nox.Session) -> None:
    """Run the ports in ports/ (JAX, C, JavaScript) through the conformance checker."""
    install(session, "test", "bench")  # bench brings JAX
    session.run(
        "pytest", "tests/test_ports.py", "-p", "no:cacheprovider", *session.posargs
    )


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build sdist and wheel, check them, and test the wheel in fresh venvs."""
    import glob
    import shutil
    import tempfile

    install(session, "build", "test")
    dist = tempfile.mkdtemp(prefix="linfit-dist-")
    session.run("python", "-m", "build", "--installer", "uv", "--outdir", dist)
    artifacts = sorted(glob.glob(f"{dist}/*"))
    session.run("twine", "check", "--strict", *artifacts)
    wheel = next(path for path in artifacts if path.endswith(".whl"))
    session.run("pytest", "tests/wheel", "-s", env={"LINFIT_WHEEL": wheel})
    shutil.rmtree(dist, ignore_errors=True)


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the site strictly into site/ and test it; `-- serve` serves it instead."""
    install(session, "docs", "test")
    env = {"NO_MKDOCS_2_WARNING": "1"}
    if session.posargs and session.posargs[0] == "serve":
        session.run("mkdocs", "serve", *session.posargs[1:], env=env)
        return
    session.run("mkdocs", "build", "--strict", *session.posargs, env=env)
    # The built pages, the notebooks and the playground in headless Chromium.
    session.run(
        "pytest",
        "tests/docs",
        "-n",
        "2",
        "--dist",
        "loadfile",
        env={"LINFIT_SITE": "site"},
    )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time a training step many ways (`linfit bench`); `-- --output FILE.json` saves it."""
    install(session, "bench")
    session.run("linfit", "bench", *session.posargs)


@nox.session(default=False)
def distributed(session: nox.Session) -> None:
    """Run the multi-worker example (two local worker processes) and its tests."""
    install(session, "test")
    session.run(
        "python", "-m", "linfit.multiworker", "--workers", "2", "--epochs", "10"
    )
    session.run("pytest", "tests/test_distributed.py", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Run `linfit demo`; arguments after `--` go to it (e.g. `-- --plot figures/`)."""
    install(session, extras="cpu,plots")  # the README's examples draw figures too
    session.run("linfit", "demo", *session.posargs)
