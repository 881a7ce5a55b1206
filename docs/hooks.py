"""MkDocs hooks: build-time set-up, and fixes to what the reader's browser receives.

* The version in the footer comes from pyproject.toml, the single source of truth.
* ``docs/`` is importable from the pages' executed code blocks; matplotlib draws
  off-screen, with a CJK font registered so that Chinese figure labels render.
* Every link in a page is made relative, so the site works under any sub-path
  (a GitHub Pages project site lives under ``/REPO-NAME/``), and from a file server;
  the per-page ``<link rel="alternate">`` tags go (they made Material fetch sitemaps
  that do not exist: console errors on every page).
* Each language gets its own search index (the i18n plugin merges them into
  one), and Chinese pages look for theirs; the previews show math as text,
  not raw TeX.
* ``ports/js/linfit.js`` is published as it is in the repository: the
  playground runs the port that the conformance tests check, not a copy.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import warnings
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

DOCS = Path(__file__).parent
ROOT = DOCS.parent
CHINESE = "zh/"
_LOG = logging.getLogger("mkdocs.hooks.linfit")


def on_config(config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    for path in (str(DOCS), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    _quiet_libraries()
    _code_blocks_have_source()
    # NumPy 2 asks __array__ to take copy=; TensorFlow's variables do not yet, and
    # Keras's save_weights (the Keras chapter) triggers it: noise in the build log,
    # with a stack, that says nothing about the docs (pyproject.toml filters it too).
    warnings.filterwarnings(
        "ignore",
        message="__array__ implementation doesn't accept a copy keyword",
        category=DeprecationWarning,
    )
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE).group(1)
    config["copyright"] = f"linfit {version} · Apache-2.0"
    config["extra"]["linfit_version"] = version
    return config


_NOTEBOOKS: dict[str, str] = {}
"""Notebook text by the path it is written to, when its page is written."""


def _quiet_libraries() -> None:
    """No TensorFlow, absl or jieba lines in the build log.

    TensorFlow is imported through linfit (which filters its C++ INFO lines) before a
    page imports it, and jieba (the Chinese search index's word splitter) reports only
    problems.
    """
    import logging

    import jieba

    from linfit._tensorflow import tf

    jieba.setLogLevel(logging.WARNING)
    import linfit_docs  # noqa: F401  registers the CJK font before any page draws

    # The data-parallelism chapter mirrors over two logical CPUs, which must be made
    # before TensorFlow's first operation, that is, before the first page runs.
    cpu = tf.config.list_physical_devices("CPU")[0]
    if tf.config.get_logical_device_configuration(cpu) is None:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )


def _code_blocks_have_source() -> None:
    """Let the pages' code find its own source, as it can in a notebook or a file.

    markdown-exec compiles each block under a name like ``<code block: session
    loop-en; n3>`` that ``inspect`` cannot read, so ``tf.function`` (AutoGraph) warns
    that it cannot convert functions defined on a page. IPython registers each cell's
    code with ``linecache``; this does the same for each block.
    """
    import linecache

    from markdown_exec._internal.formatters import python

    original = python.exec_python
    if getattr(original, "registers_source", False):
        return

    def exec_python(code: str, filename: str, exec_globals=None) -> None:  # noqa: ANN001
        lines = code.splitlines(keepends=True)
        linecache.cache[filename] = (len(code), None, lines, filename)
        original(code, filename, exec_globals)

    exec_python.registers_source = True  # type: ignore[attr-defined]
    python.exec_python = exec_python


def on_page_markdown(markdown, page, config, files, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    import api_page
    import pages

    name, _, language = page.file.src_uri.removesuffix(".md").rpartition(".")
    if api_page.MARKER in markdown:
        markdown = markdown.replace(api_page.MARKER, api_page.markdown(language))
    _use_locale(config, language)
    notebook = None
    if pages.runnable_code(markdown):
        notebook = pages.notebook_name(name, language)
        target = Path(page.file.abs_dest_path).parent / notebook
        _NOTEBOOKS[str(target)] = pages.notebook_json(markdown, language)
    return pages.for_mkdocs(markdown, notebook)


def _use_locale(config, language: str) -> None:  # noqa: ANN001
    """API entries in the page's language.

    mkdocstrings' section titles and, on Chinese pages, each docstring's summary
    (``docs/api_zh.json``).
    """
    handlers = config.plugins["mkdocstrings"].handlers
    handlers._locale = language
    handlers.get_handler("python").env.globals["linfit_summary"] = summary


_SUMMARIES: dict[str, dict[str, str]] = {}


def summary(path: str, text: str, locale: str) -> str:
    """``text`` (a docstring's description) with its first paragraph in ``locale``.

    The table holds the English it translates: when a docstring's summary changes,
    or a new one has none, the build says so (and fails, being strict).
    """
    if locale != "zh":
        return text
    if not _SUMMARIES:
        _SUMMARIES.update(
            json.loads((DOCS / "api_zh.json").read_text(encoding="utf-8"))
        )
    first, _, rest = text.partition("\n\n")
    entry = _SUMMARIES.get(path)
    if entry is None:
        _LOG.warning("docs/api_zh.json: no Chinese summary for %s: %r", path, first)
        return text
    if " ".join(entry["en"].split()) != " ".join(first.split()):
        _LOG.warning(
            "docs/api_zh.json: the summary of %s changed; translate it again: %r",
            path,
            first,
        )
        return text
    return entry["zh"] + ("\n\n" + rest if rest else "")


def on_post_page(output, page, config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    for target, text in list(_NOTEBOOKS.items()):
        if Path(target).parent == Path(page.file.abs_dest_path).parent:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(text, encoding="utf-8")
            del _NOTEBOOKS[target]
    return _relative_links(output, page)


def on_files(files, config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    port = File(
        "linfit.js",
        src_dir=str(ROOT / "ports" / "js"),
        dest_dir=config["site_dir"],
        use_directory_urls=config["use_directory_urls"],
        dest_uri="javascripts/linfit.js",
    )
    files.append(port)
    return files


_ABSOLUTE = re.compile(r'((?:href|src)=")/(?!/)')
_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*')
_BASE = re.compile(r'("base": ")([^"]*)(")')


def _relative_links(output: str, page) -> str:  # noqa: ANN001
    depth = page.url.count("/")
    to_root = "../" * depth or "./"
    output = _ABSOLUTE.sub(lambda m: m.group(1) + to_root, output)
    # Material fetches "sitemap.xml" next to each <link rel="alternate"> (here: every page
    # in the other language, where there is none) to map pages between languages. The
    # language selector's own links already lead to the same page in the other language.
    output = _ALTERNATE.sub("", output)
    if page.url.startswith(
        CHINESE
    ):  # the Chinese site's root is zh/: its search index is there
        depth_in_zh = depth - 1
        base = "/".join([".."] * depth_in_zh) or "."
        output = _BASE.sub(lambda m: m.group(1) + base + m.group(3), output, count=1)
    return output


_TEX = [
    (r"\\[()\[\]]", ""),
    (r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)"),
    (r"\\(?:operatorname|mathbf|mathrm|text|overline|bar)\{([^{}]*)\}", r"\1"),
]
_SYMBOLS = {
    "eta": "η",
    "lambda": "λ",
    "rho": "ρ",
    "gamma": "γ",
    "delta": "δ",
    "sum": "Σ",
    "cdot": "·",
    "le": "≤",
    "ge": "≥",
    "approx": "≈",
    "leftarrow": "←",
    "to": "→",
    "partial": "∂",
    "in": "∈",
    "lVert": "‖",
    "rVert": "‖",
    "max": "max",
    "min": "min",
}


def plain_math(text: str) -> str:
    r"""TeX as a reader can read it in a search preview: ``\(\eta \cdot g\)`` → ``η · g``."""
    for pattern, replacement in _TEX:
        text = re.sub(pattern, replacement, text)
    text = re.sub(
        r"\\([A-Za-z]+)", lambda m: _SYMBOLS.get(m.group(1), m.group(1)), text
    )
    return text.replace("{", "").replace("}", "")


_INDEXES: dict[str, dict] = {}


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    site = Path(config["site_dir"])
    if (
        site.name == "zh"
    ):  # the nested build of the Chinese site: its index lands at the root
        site = site.parent
    path = site / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for language in ("en", "zh"):
        docs = [
            {
                **doc,
                "text": plain_math(doc.get("text", "")),
                "title": plain_math(doc["title"]),
            }
            for doc in index["docs"]
            if doc["location"].startswith(CHINESE) == (language == "zh")
        ]
        if not docs:
            continue
        if language == "zh":
            for doc in docs:
                doc["location"] = doc["location"][len(CHINESE) :]
        _INDEXES[language] = {**index, "docs": docs}
    for language, content in _INDEXES.items():
        target = (
            site / ("search" if language == "en" else "zh/search") / "search_index.json"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
