"""The docs site: bilingual parity, a strict offline build, and pages that ran their code.

The build test runs ``mkdocs build --strict`` into a temporary folder: any
warning fails it, including a code block that raises while the page is built
(markdown-exec reports those as warnings) and a broken cross-reference.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ENGLISH = sorted(DOCS.glob("*.en.md"))


def headings(path: Path) -> list[int]:
    """Heading levels of a Markdown page, outside fenced code blocks."""
    levels, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"^(#{1,6}) ", line)):
            levels.append(len(match.group(1)))
    return levels


def executed_blocks(path: Path) -> int:
    return len(re.findall(r'^```python exec="1"', path.read_text(encoding="utf-8"), re.MULTILINE))


def test_there_are_pages() -> None:
    assert len(ENGLISH) >= 15


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.name)
def test_every_english_page_has_a_chinese_twin_with_the_same_structure(english: Path) -> None:
    chinese = english.with_name(english.name.replace(".en.md", ".zh.md"))
    assert chinese.exists(), f"{chinese.name} is missing"
    assert headings(chinese) == headings(english), "heading structure differs"
    assert executed_blocks(chinese) == executed_blocks(english), "executed blocks differ"


def test_no_orphan_chinese_pages() -> None:
    for chinese in DOCS.glob("*.zh.md"):
        assert chinese.with_name(chinese.name.replace(".zh.md", ".en.md")).exists()


class _Assets(HTMLParser):
    """Collects URLs the browser would *load* (scripts, styles, images, fonts, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"}:
            self.urls.append(values.get("src") or "")
        elif tag == "link" and (values.get("rel") or "") in {"stylesheet", "preload", "icon"}:
            self.urls.append(values.get("href") or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs", reason="docs dependencies are installed by the tests session")
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    # A figure with glyphs its font lacks shows boxes; matplotlib only warns (as INFO here).
    assert "missing from font" not in result.stderr
    return target


def test_built_site_loads_nothing_from_the_network(site: Path) -> None:
    external = []
    for page in site.rglob("*.html"):
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        external += [f"{page.relative_to(site)}: {u}" for u in parser.urls if "//" in u]
    for sheet in site.rglob("*.css"):
        external += [
            f"{sheet.name}: {u}" for u in re.findall(r"url\((?:'|\")?(\w+:)?//", sheet.read_text())
        ]
    assert external == []


def test_both_languages_are_built_with_figures_and_math(site: Path) -> None:
    for page in ("loop", "step", "data"):
        for prefix in ("", "zh/"):
            html = (site / prefix / page / "index.html").read_text(encoding="utf-8")
            assert "<svg" in html, f"{prefix}{page} has no inline plot"
    assert "arithmatex" in (site / "zh" / "loss" / "index.html").read_text(encoding="utf-8")
    assert (site / "assets" / "katex" / "katex.min.js").exists()
    assert "linfit" in (site / "zh" / "index.html").read_text(encoding="utf-8")


def test_pages_show_output_computed_from_the_package(site: Path) -> None:
    """The loop chapter prints History rows; they must be today's rows, not stale text."""
    import linfit

    x, y = linfit.synthesize(n=1000, seed=0)
    lines = linfit.train(linfit.LinearModel(), x, y, epochs=10, learning_rate=0.1).lines()
    html = (site / "loop" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert all(line in text for line in lines)
