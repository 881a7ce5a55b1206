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


def on_config(config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    for path in (str(DOCS), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("MPLBACKEND", "Agg")
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


def on_page_markdown(markdown, page, config, files, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    import api_page

    if api_page.MARKER in markdown:
        language = "zh" if page.file.src_uri.endswith(".zh.md") else "en"
        markdown = markdown.replace(api_page.MARKER, api_page.markdown(language))
    return markdown


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


def on_post_page(output, page, config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
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
