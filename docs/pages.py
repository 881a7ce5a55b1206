"""A page's Markdown source, made into what MkDocs renders and into a notebook.

A page is written once, in Markdown, with three kinds of fenced Python:

* **Runnable** (``exec="1"`` with ``source="above"``, or ``figure="1"``): the reader
  sees the code, it runs while the site is built, and it becomes a code cell of the
  page's notebook. It may use public linfit, TensorFlow, NumPy and matplotlib only.
  A ``figure="1"`` block ends with an expression whose value is a matplotlib figure:
  the page shows the code and then the figure; the notebook displays it.
* **Hidden** (``exec="1"`` without ``source``): build code whose *output* the page
  shows (tables, measured numbers). It may use ``linfit_docs``; it is not in the
  notebook.
* **Display only** (no ``exec``): shown, never run (a counter-example, a shell command).

Two directives pull code from the repository while the site is built, so a page never
shows a stale copy:

* ``<!-- linfit-source linfit.loop.training_loop -->``: the source of a function or
  class, under its file name;
* ``<!-- linfit-ports step -->`` (or ``loop``): the same step or loop in TensorFlow,
  NumPy, JAX, JavaScript and C, one tab each, from the files the conformance tests run.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCS = Path(__file__).parent
ROOT = DOCS.parent

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_OPTION = re.compile(r'(\w+)="([^"]*)"')
_SOURCE = re.compile(r"^<!-- linfit-source (\S+) -->$")
_PORTS = re.compile(r"^<!-- linfit-ports (\w+) -->$")


@dataclass
class Block:
    """A piece of a page: prose (``language`` is None) or one fenced code block."""

    lines: list[str]
    language: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    indent: str = ""
    fence: str = "```"
    info: str = ""

    @property
    def runnable(self) -> bool:
        """Shown to the reader, run at build time, a cell of the notebook."""
        return self.language == "python" and (
            self.options.get("figure") == "1"
            or (self.options.get("exec") == "1" and "source" in self.options)
        )

    @property
    def hidden(self) -> bool:
        """Build code: its output is on the page, the code is not."""
        return self.options.get("exec") == "1" and not self.runnable

    @property
    def code(self) -> str:
        """The block's code, without the fences."""
        return "\n".join(self.lines)


def split(markdown: str) -> list[Block]:
    """The page as prose and fenced blocks, in order (fences may be indented)."""
    blocks: list[Block] = []
    prose: list[str] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            prose.append(lines[index])
            index += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"].strip()
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != fence:
            line = lines[index]
            body.append(
                line[len(indent) :] if line.startswith(indent) else line.lstrip()
            )
            index += 1
        index += 1  # the closing fence
        if prose:
            blocks.append(Block(prose))
            prose = []
        language = info.split()[0] if info else ""
        blocks.append(
            Block(body, language, dict(_OPTION.findall(info)), indent, fence, info)
        )
    if prose:
        blocks.append(Block(prose))
    return blocks


def runnable_code(markdown: str) -> list[str]:
    """The code of every runnable block of a page, in order."""
    return [block.code for block in split(markdown) if block.runnable]


# --- code from the repository -------------------------------------------------------


def _strip_docstrings(text: str) -> str:
    lines = text.splitlines()
    drop: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            drop.update(range(body[0].lineno - 1, body[0].end_lineno or 0))
    return "\n".join(line for number, line in enumerate(lines) if number not in drop)


def python_source(identifier: str) -> tuple[str, str]:
    """``(file, code)``: the source of ``identifier`` (``package.module.name``), no docstrings."""
    module_name, _, name = identifier.rpartition(".")
    obj = getattr(importlib.import_module(module_name), name)
    code = _strip_docstrings(textwrap.dedent(inspect.getsource(obj)).rstrip())
    path = Path(inspect.getsourcefile(obj) or "").resolve().relative_to(ROOT)
    return path.as_posix(), code


def braced_source(path: str, signature: str) -> str:
    """A C or JavaScript function of a file in the repository.

    From the line holding ``signature`` (with the comment lines just above it) to its
    closing brace.
    """
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if signature in line)
    first = start
    while first > 0 and lines[first - 1].lstrip().startswith(("/*", "*", "//")):
        first -= 1
    depth, seen = 0, False
    for end in range(start, len(lines)):
        depth += lines[end].count("{") - lines[end].count("}")
        seen = seen or "{" in lines[end]
        if seen and depth == 0:
            break
    else:
        raise ValueError(f"{path}: no closing brace after {signature!r}")
    return textwrap.dedent("\n".join(lines[first : end + 1]))


def ast_source(path: str, *names: str) -> str:
    """Top-level functions ``names`` of a Python file that is not part of linfit."""
    text = (ROOT / path).read_text(encoding="utf-8")
    lines = text.splitlines()
    found = {
        node.name: node
        for node in ast.parse(text).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }
    pieces = []
    for name in names:
        node = found[name]
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        pieces.append(_strip_docstrings("\n".join(lines[first : node.end_lineno])))
    return "\n\n\n".join(pieces)


def fenced(code: str, language: str, title: str, indent: str = "") -> list[str]:
    """A fenced code block with a title, as lines."""
    body = [f'```{language} title="{title}"', *code.splitlines(), "```"]
    return [indent + line if line else line for line in body]


PORTS: dict[str, list[tuple[str, str, str, Any]]] = {
    "step": [
        (
            "TensorFlow",
            "python",
            "linfit/step.py",
            lambda: python_source("linfit.step.gradient_step")[1],
        ),
        (
            "NumPy",
            "python",
            "linfit/reference.py",
            lambda: "\n\n\n".join(
                python_source(f"linfit.reference.{name}")[1]
                for name in ("_gradient", "_step")
            ),
        ),
        (
            "JAX",
            "python",
            "ports/jax/linfit_port.py",
            lambda: ast_source("ports/jax/linfit_port.py", "gradient", "step"),
        ),
        (
            "JavaScript",
            "javascript",
            "ports/js/linfit.js",
            lambda: braced_source("ports/js/linfit.js", "function step("),
        ),
        (
            "C",
            "c",
            "ports/c/linfit_port.c",
            lambda: braced_source("ports/c/linfit_port.c", "static void step32("),
        ),
    ],
    "loop": [
        (
            "TensorFlow",
            "python",
            "linfit/loop.py",
            lambda: python_source("linfit.loop.training_loop")[1],
        ),
        ("NumPy", "python", "linfit/reference.py", lambda: _reference_loop()),
        (
            "JAX",
            "python",
            "ports/jax/linfit_port.py",
            lambda: ast_source("ports/jax/linfit_port.py", "train"),
        ),
        (
            "JavaScript",
            "javascript",
            "ports/js/linfit.js",
            lambda: "\n\n".join(
                braced_source("ports/js/linfit.js", signature)
                for signature in ("epoch: function ()", "function train(")
            ),
        ),
        (
            "C",
            "c",
            "ports/c/linfit_port.c",
            lambda: braced_source("ports/c/linfit_port.c", "static void train32("),
        ),
    ],
}
"""For each ``<!-- linfit-ports NAME -->``: (tab, language, file, code) per framework."""


def _reference_loop() -> str:
    """The loop of ``linfit.reference.train``, without its argument checks."""
    code = python_source("linfit.reference.train")[1].splitlines()
    start = next(i for i, line in enumerate(code) if line.lstrip().startswith("ws, bs"))
    end_of_signature = next(
        i for i, line in enumerate(code) if line.endswith(") -> History:")
    )
    head = code[: end_of_signature + 1]
    return "\n".join([*head, "    ...  # the arguments are checked", *code[start:]])


def ports_tabs(name: str, indent: str = "") -> list[str]:
    """Tabs (pymdownx.tabbed) with the same step or loop in each framework."""
    lines: list[str] = []
    for tab, language, path, code in PORTS[name]:
        lines += [f'{indent}=== "{tab}"', ""]
        lines += fenced(code(), language, path, indent + "    ")
        lines.append("")
    return lines


def expand_directives(markdown: str) -> str:
    """Replace the source and ports directives with the code they name."""
    out: list[str] = []
    for line in markdown.splitlines():
        source, ports = _SOURCE.match(line.strip()), _PORTS.match(line.strip())
        indent = line[: len(line) - len(line.lstrip())]
        if source:
            path, code = python_source(source.group(1))
            out += fenced(code, "python", path, indent)
        elif ports:
            out += ports_tabs(ports.group(1), indent)
        else:
            out.append(line)
    return "\n".join(out) + "\n"


# --- what MkDocs renders ------------------------------------------------------------


def _figure_code(code: str) -> str:
    """The block's code with its last expression drawn as inline SVG."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        raise ValueError(f"a figure block must end with an expression:\n{code}")
    lines = code.splitlines()
    head = "\n".join(lines[: last.lineno - 1])
    expression = ast.get_source_segment(code, last.value)
    return f"{head}\nimport linfit_docs as _docs\n\nprint(_docs.svg({expression}))\n"


def for_mkdocs(markdown: str, notebook: str | None = None) -> str:
    """The page as MkDocs should see it.

    Directives expanded, figure blocks split in a shown block and a hidden one that
    draws, the notebook link under the title.
    """
    out: list[str] = []
    for block in split(expand_directives(markdown)):
        if block.language is None:
            out += block.lines
            continue
        indent = block.indent
        if block.options.get("figure") == "1":
            session = block.options.get("session", "")
            out += [
                f"{indent}```python",
                *_indented(block.lines, indent),
                f"{indent}```",
                "",
            ]
            out += [f'{indent}```python exec="1" html="1" session="{session}"']
            out += _indented(_figure_code(block.code).splitlines(), indent)
            out.append(f"{indent}```")
        else:
            out += [
                f"{indent}{block.fence}{block.info}",
                *_indented(block.lines, indent),
            ]
            out.append(f"{indent}{block.fence}")
    text = "\n".join(out) + "\n"
    if notebook:
        text = re.sub(
            r"^(# .+)$",
            lambda m: f"{m.group(1)}\n\n{notebook_link(notebook)}",
            text,
            count=1,
            flags=re.MULTILINE,
        )
    return text


def _indented(lines: list[str], indent: str) -> list[str]:
    return [indent + line if line else line for line in lines]


LINK_TEXT = {
    "en": "Run this chapter yourself: download it as a notebook",
    "zh": "自己动手运行本章：下载为 Jupyter 笔记本",
}


def notebook_name(page: str, language: str) -> str:
    """``loop`` → ``linfit-loop.en.ipynb``."""
    return f"linfit-{page}.{language}.ipynb"


def notebook_link(name: str) -> str:
    """The link under a page's title.

    Raw HTML, since the file is written next to the page's HTML after MkDocs has
    checked the links between source files.
    """
    language = name.rsplit(".", 2)[-2]
    return (
        f'<p class="linfit-notebook"><a href="{name}" download="{name}">'
        f"{LINK_TEXT[language]}</a> (<code>{name}</code>)</p>"
    )


# --- the notebook -------------------------------------------------------------------

_ADMONITION = re.compile(
    r'^(?P<indent> *)(?:!!!|\?\?\?\+?|===) *(?:\w[\w-]*)? *(?:"(?P<title>[^"]*)")?\s*$'
)
_API = re.compile(r"^ *::: (\S+)")
_PAGE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:)[^)]*\)")
_AUTOREF = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_ATTRS = re.compile(r"\{ *[.#][^}]*\}")

HEADER = {
    "en": (
        "*This notebook is the chapter of [linfit](https://pypi.org/project/linfit-reference/)'s "
        "tutorial of the same name, generated from the page's source when the site was built. "
        'It needs linfit with TensorFlow: `pip install "linfit-reference[cpu]"`, or '
        '`pip install -e ".[cpu]"` in a clone of the repository. Run the cells from the top.*'
    ),
    "zh": (
        "*本笔记本就是 [linfit](https://pypi.org/project/linfit-reference/) 教程中的同名一章，"
        "在构建网站时由页面源文件生成。运行它需要安装带 TensorFlow 的 linfit："
        '`pip install "linfit-reference[cpu]"`，或在仓库的克隆中运行 '
        '`pip install -e ".[cpu]"`。请从第一个单元格开始依次运行。图中的中文需要 CJK 字体'
        "（例如 Noto Sans CJK SC）；没有的话，matplotlib 会把汉字画成方框。*"
    ),
}


def _prose_for_jupyter(lines: list[str]) -> list[str]:
    """MkDocs-only syntax in prose, as plain Markdown that Jupyter renders."""
    out: list[str] = []
    skipping_options = False
    for line in lines:
        if skipping_options:
            if line.startswith("        ") or line.strip() == "options:":
                continue
            skipping_options = False
        api = _API.match(line)
        if api:
            out.append(f"- API: `{api.group(1)}`")
            skipping_options = True
            continue
        admonition = _ADMONITION.match(line)
        if admonition and (line.lstrip().startswith(("!!!", "???", "==="))):
            title = admonition.group("title")
            out.append(f"**{title}**" if title else "")
            continue
        if line.startswith("    "):
            line = line[4:]
        line = _ATTRS.sub("", line)
        line = _PAGE_LINK.sub(r"\1", line)
        line = _AUTOREF.sub(r"\1", line)
        out.append(line)
    return out


def notebook(markdown: str, language: str) -> dict[str, Any]:
    """The page as a Jupyter notebook (nbformat 4).

    Prose as Markdown cells, every runnable block as a code cell, in order; no
    outputs; kernel ``python3``.
    """
    import nbformat

    cells = []
    blocks = split(expand_directives(markdown))
    figures = any(block.options.get("figure") == "1" for block in blocks)
    prose: list[str] = []

    def flush() -> None:
        text = "\n".join(_prose_for_jupyter(prose)).strip()
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))
        prose.clear()

    for block in blocks:
        if block.language is None:
            prose.extend(block.lines)
        elif block.runnable:
            flush()
            cells.append(nbformat.v4.new_code_cell(block.code.strip("\n")))
        elif not block.hidden:
            prose += [f"{block.fence}{block.language}", *block.lines, block.fence]
    flush()
    if cells and cells[0].cell_type == "markdown":
        title, _, rest = cells[0].source.partition("\n")
        cells[0].source = f"{title}\n\n{HEADER[language]}\n{rest}".rstrip()
    if figures:  # linfit's figures are made without pyplot: show them inline
        cells.insert(1, nbformat.v4.new_code_cell("%matplotlib inline"))
    book = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            },
            "language_info": {"name": "python"},
        },
    )
    for number, cell in enumerate(
        book.cells
    ):  # stable ids: the same page, the same file
        cell["id"] = f"cell-{number}"
    nbformat.validate(book)
    return book


def notebook_json(markdown: str, language: str) -> str:
    """The notebook as the text of an ``.ipynb`` file."""
    return json.dumps(notebook(markdown, language), indent=1, ensure_ascii=False) + "\n"
