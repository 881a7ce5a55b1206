"""Every page with code a reader can run is also a notebook, and the notebook runs.

The notebook is made from the page's own source while the site is built
(``docs/pages.py``): its code cells are the page's runnable blocks, in order. Here
each one is executed top to bottom on a fresh ``python3`` kernel (nbclient), as a
reader who downloads it would: a cell that raises fails the test, and so does a
figure cell that displays no image. The runnable blocks may use public linfit,
TensorFlow, NumPy, matplotlib and the standard library only, never the build's
helpers.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))

import pages  # noqa: E402

SOURCES = sorted(
    path
    for path in DOCS.glob("*.md")
    if pages.runnable_code(path.read_text(encoding="utf-8"))
)
ALLOWED = {"linfit", "tensorflow", "numpy", "matplotlib", "keras"}


def notebook_path(site: Path, source: Path) -> Path:
    name, language = source.name.removesuffix(".md").rsplit(".", 1)
    folder = site if language == "en" else site / "zh"
    folder = folder if name == "index" else folder / name
    return folder / pages.notebook_name(name, language)


def test_the_tutorial_chapters_have_code_to_run() -> None:
    names = {path.name.split(".")[0] for path in SOURCES}
    chapters = {"tensors", "autodiff", "data", "model", "loss", "step", "loop"}
    assert chapters | {"keras", "minibatches", "distributed", "real-data"} <= names


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_runnable_code_uses_only_what_a_reader_has(source: Path) -> None:
    for code in pages.runnable_code(source.read_text(encoding="utf-8")):
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in ALLOWED or top in sys.stdlib_module_names, (
                    f"{source.name}: a reader may not have {module!r}:\n{code}"
                )
                assert not any(part.startswith("_") for part in module.split(".")), (
                    f"{source.name}: {module!r} is private:\n{code}"
                )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_the_page_links_its_notebook_made_from_its_code(
    site: Path, source: Path
) -> None:
    path = notebook_path(site, source)
    assert path.is_file(), f"{source.name}: no notebook at {path}"
    page = (path.parent / "index.html").read_text(encoding="utf-8")
    assert f'href="{path.name}" download' in page
    book = json.loads(path.read_text(encoding="utf-8"))
    code = [
        "".join(cell["source"])
        for cell in book["cells"]
        if cell["cell_type"] == "code"
        and "".join(cell["source"]) != "%matplotlib inline"
    ]
    expected = [
        c.strip("\n") for c in pages.runnable_code(source.read_text(encoding="utf-8"))
    ]
    assert code == expected
    assert all(
        not cell.get("outputs") for cell in book["cells"] if cell["cell_type"] == "code"
    )
    assert book["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_the_notebook_runs_top_to_bottom_on_a_fresh_kernel(
    site: Path, source: Path, tmp_path: Path
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from jupyter_client.kernelspec import KernelSpecManager

    book = nbformat.read(notebook_path(site, source), as_version=4)
    kernel = book.metadata["kernelspec"]["name"]
    assert kernel in KernelSpecManager().find_kernel_specs(), f"no kernel {kernel!r}"
    client = nbclient.NotebookClient(
        book,
        timeout=600,
        kernel_name=kernel,
        resources={"metadata": {"path": str(tmp_path)}},  # run in an empty folder
    )
    client.execute()  # raises CellExecutionError, with the cell, if one fails
    figures = [
        block.code.strip("\n")
        for block in pages.split(
            pages.expand_directives(source.read_text(encoding="utf-8"))
        )
        if block.options.get("figure") == "1"
    ]
    for cell in book.cells:
        if cell.cell_type == "code" and cell.source in figures:
            kinds = {kind for output in cell.outputs for kind in output.get("data", {})}
            assert "image/png" in kinds, f"no figure shown by:\n{cell.source}"
