# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Sessions for developing linfit. `nox -l` lists them; `nox -s NAME -- ARGS` passes ARGS on."""

from __future__ import annotations

import os

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def install(session: nox.Session, *groups: str, extras: str = "cpu") -> None:
    """Install linfit (editable, with `extras`) and the named dependency groups."""
    session.install("-e", f".[{extras}]" if extras else ".")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest); arguments after `--` go to pytest."""
    install(session, "test", "docs")  # the docs tests build the site
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
    session.run("pytest", *session.posargs, env={"HYPOTHESIS_PROFILE": profile})


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """Build the docs site strictly into site/; `nox -s docs -- serve` serves it locally."""
    install(session, "docs")
    env = {"NO_MKDOCS_2_WARNING": "1"}
    if session.posargs and session.posargs[0] == "serve":
        session.run("mkdocs", "serve", *session.posargs[1:], env=env)
    else:
        session.run("mkdocs", "build", "--strict", *session.posargs, env=env)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time a training step many ways (`linfit bench`); `-- --output FILE.json` saves it."""
    install(session, "bench")
    session.run("linfit", "bench", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Run `linfit demo`; arguments after `--` go to it (e.g. `-- --epochs 20`)."""
    install(session)
    session.run("linfit", "demo", *session.posargs)
