"""The docs site as a reader receives it: the built HTML, not the Markdown.

The site is built once, exactly as ``nox -s docs`` builds it (``mkdocs build
--strict``: a warning fails, including a code block that raises while the page
is built and a broken cross-reference), and every test looks at the files a
browser would get.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ENGLISH = sorted(DOCS.glob("*.en.md"))
PAGES = [page.name.replace(".en.md", "") for page in ENGLISH]
WIDEST = 88


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
    return len(
        re.findall(
            r'^```python exec="1"', path.read_text(encoding="utf-8"), re.MULTILINE
        )
    )


def test_there_are_pages() -> None:
    assert len(ENGLISH) >= 15


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.name)
def test_every_english_page_has_a_chinese_twin_with_the_same_structure(
    english: Path,
) -> None:
    chinese = english.with_name(english.name.replace(".en.md", ".zh.md"))
    assert chinese.exists(), f"{chinese.name} is missing"
    assert headings(chinese) == headings(english), "heading structure differs"
    assert executed_blocks(chinese) == executed_blocks(english), (
        "executed blocks differ"
    )
    identifiers = re.compile(r"^ *::: (\S+)", re.MULTILINE)
    assert identifiers.findall(chinese.read_text()) == identifiers.findall(
        english.read_text()
    )


def test_no_orphan_chinese_pages() -> None:
    for chinese in DOCS.glob("*.zh.md"):
        assert chinese.with_name(chinese.name.replace(".zh.md", ".en.md")).exists()


def test_every_file_a_page_names_exists() -> None:
    """A renamed test module or source file leaves no page pointing at its old name."""
    named = re.compile(r"`((?:[\w./-]+/)?[\w-]+\.(?:py|js|c|json|toml|yml))`")
    missing = []
    for page in sorted(DOCS.glob("*.md")):
        for name in set(named.findall(page.read_text(encoding="utf-8"))):
            candidates = [ROOT / name] + [
                path
                for folder in ("linfit", "tests", "ports", "docs", ".ci")
                for path in (ROOT / folder).glob(f"**/{Path(name).name}")
            ]
            if not any(path.exists() for path in candidates):
                missing.append(f"{page.name}: {name}")
    assert not missing, missing


CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—]"


@pytest.mark.parametrize("chinese", sorted(DOCS.glob("*.zh.md")), ids=lambda p: p.name)
def test_no_line_break_between_two_chinese_characters(chinese: Path) -> None:
    """Markdown turns a line break into a space, which shows between two Chinese characters."""
    lines, fenced, found = chinese.read_text(encoding="utf-8").splitlines(), False, []
    for line, following in itertools.pairwise(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if (
            not fenced
            and re.search(CJK + "$", line)
            and re.match(r"\s*" + CJK, following)
        ):
            found.append(f"{line[-12:]}⏎{following.strip()[:12]}")
    assert found == []


def test_python_blocks_that_do_not_run_say_they_are_counter_examples() -> None:
    """No hand-copied package code: a Python block runs, or is labelled as a wrong example."""
    for page in DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^```python\s*$", text, re.MULTILINE):
            before = text[max(0, match.start() - 300) : match.start()]
            assert re.search(r"(?i)counter-example|反例", before), (
                f"{page.name}: {before[-80:]}"
            )


# --- the built site -------------------------------------------------------------


class _Page(HTMLParser):
    """Collects what a test needs from one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.pres: list[str] = []
        self.svgs = 0
        self.text: list[str] = []
        self._pre_depth = 0
        self._in_article = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"}:
            self.assets.append(values.get("src") or "")
        elif tag == "link" and (values.get("rel") or "") in {
            "stylesheet",
            "preload",
            "icon",
        }:
            self.assets.append(values.get("href") or "")
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(values[key] or "")
        if tag == "article":
            self._in_article += 1
        if tag in {"script", "style"}:
            self._skip += 1
        if self._in_article and re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "pre":
            self._pre_depth += 1
            self.pres.append("")
        if tag == "svg" and self._in_article:
            self.svgs += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre_depth -= 1
        if tag == "article":
            self._in_article -= 1
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._pre_depth:
            self.pres[-1] += data
        if self._in_article and not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.text = ["".join(page.text)]
    return page


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "assets" not in p.parts)


def chapter(site: Path, name: str, language: str) -> Path:
    folder = site if language == "en" else site / "zh"
    return folder / ("" if name == "index" else name) / "index.html"


def test_no_build_code_is_published(site: Path) -> None:
    assert sorted(site.rglob("*.py")) == []


def test_built_site_loads_nothing_from_the_network(site: Path) -> None:
    external = [
        f"{page.relative_to(site)}: {url}"
        for page in site.rglob("*.html")
        for url in parse(page).assets
        if "//" in url
    ]
    for sheet in site.rglob("*.css"):
        external += [
            f"{sheet.name}: {u}"
            for u in re.findall(r"url\((?:'|\")?(\w+:)?//", sheet.read_text())
        ]
    assert external == []


def test_every_internal_link_is_relative(site: Path) -> None:
    """A site served under a sub-path (GitHub Pages: /REPO-NAME/) must still find its pages.

    404.html is the exception by nature: a server shows it at any missing path,
    so only links from the site root could work there.
    """
    absolute = [
        f"{page.relative_to(site)}: {link}"
        for page in built_pages(site)
        for link in parse(page).links
        if link.startswith("/") and not link.startswith("//")
    ]
    assert absolute == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_language_searches_only_its_own_pages(site: Path, language: str) -> None:
    folder = site if language == "en" else site / "zh"
    index = json.loads(
        (folder / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert pages and all(not page.startswith("zh/") for page in pages)
    for page in pages:
        built = (folder / page / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in built, page
    previews = " ".join(doc["text"] for doc in index["docs"])
    assert "\\(" not in previews and "\\eta" not in previews  # no raw TeX in previews
    if language == "zh":
        assert re.search(r"[\u4e00-\u9fff]", previews)
        glossary = [
            doc for doc in index["docs"] if doc["location"].startswith("glossary/")
        ]
        assert glossary  # searching 梯度 on a Chinese page finds the Chinese glossary


def test_chinese_pages_look_for_their_own_index(site: Path) -> None:
    config = re.search(
        r'<script id="__config" type="application/json">(.*?)</script>',
        (site / "zh" / "loop" / "index.html").read_text(encoding="utf-8"),
    )
    base = json.loads(config.group(1))["base"]
    assert (site / "zh" / "loop" / base / "search" / "search_index.json").resolve() == (
        site / "zh" / "search" / "search_index.json"
    ).resolve()


def test_no_raw_sphinx_roles_and_no_internal_jargon(site: Path) -> None:
    roles = re.compile(r":(?:func|class|mod|meth|data|attr|exc|obj):")
    found = []
    for page in built_pages(site):
        text = parse(page).text[0]
        found += [
            f"{page.relative_to(site)}: {m.group(0)}" for m in roles.finditer(text)
        ]
        if not page.is_relative_to(site / "zh"):
            jargon = re.findall(r"(?i)\bthe seeds\b|\bseeds'|\bseed 00\d", text)
            found += [f"{page.relative_to(site)}: {word!r}" for word in jargon]
    assert found == []


def test_no_line_of_code_or_output_needs_sideways_scrolling(site: Path) -> None:
    wide = [
        f"{page.relative_to(site)}: {len(line)}: {line[:60]}..."
        for page in built_pages(site)
        for pre in parse(page).pres
        for line in html.unescape(pre).splitlines()
        if len(line) > WIDEST
    ]
    assert wide == []


@pytest.mark.parametrize("name", PAGES)
def test_both_languages_render_the_same_headings(site: Path, name: str) -> None:
    assert (
        parse(chapter(site, name, "en")).headings
        == parse(chapter(site, name, "zh")).headings
    )


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_block_ran_and_every_figure_is_there(
    site: Path, name: str, language: str
) -> None:
    markdown = (DOCS / f"{name}.{language}.md").read_text(encoding="utf-8")
    page = parse(chapter(site, name, language))
    assert "Traceback (most recent call last)" not in page.text[0]
    figures = len(re.findall(r"linfit_docs\.svg\(|figure=\"1\"", markdown))
    assert page.svgs >= figures
    outputs = len(
        re.findall(r'^ *```python exec="1"[^\n]*result=', markdown, re.MULTILINE)
    )
    assert len([pre for pre in page.pres if pre.strip()]) >= outputs


def _narrated(markdown: str) -> list[tuple[str, bool]]:
    """The ``:::`` identifiers of a chapter, and whether the page also prints their source."""
    return [
        (identifier, f"<!-- linfit-source {identifier} -->" in markdown)
        for identifier in re.findall(r"^ *::: (linfit\.\S+)", markdown, re.MULTILINE)
    ]


@pytest.mark.parametrize("name", [p for p in PAGES if p != "api"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_chapters_show_the_current_code_and_api_of_what_they_narrate(
    site: Path, name: str, language: str
) -> None:
    sys.path.insert(0, str(DOCS))
    import pages

    markdown = (DOCS / f"{name}.{language}.md").read_text(encoding="utf-8")
    page = parse(chapter(site, name, language))
    shown = "\n".join(html.unescape(pre) for pre in page.pres)
    for identifier, with_source in _narrated(markdown):
        assert identifier in page.ids, (
            f"{identifier}: no API entry on {name} ({language})"
        )
        if with_source:
            for line in pages.python_source(identifier)[1].splitlines():
                assert line.rstrip() in shown, f"{identifier}: {line!r} not on the page"


def test_the_chapters_narrate_the_package(site: Path) -> None:
    """The core chapters each show real package code, not calls only."""
    for name in (
        "model",
        "loss",
        "step",
        "loop",
        "data",
        "keras",
        "minibatches",
        "autodiff",
    ):
        markdown = (DOCS / f"{name}.en.md").read_text(encoding="utf-8")
        assert any(source for _, source in _narrated(markdown)), name


def test_pages_show_output_computed_from_the_package(site: Path) -> None:
    """The loop chapter prints History rows; they must be today's rows, not stale text."""
    import linfit

    x, y = linfit.synthesize(n=1000, seed=0)
    lines = linfit.train(
        linfit.LinearModel(), x, y, epochs=10, learning_rate=0.1
    ).lines()
    text = "\n".join(parse(site / "loop" / "index.html").pres)
    assert all(line in text for line in lines)


def test_math_and_the_offline_katex_are_there(site: Path) -> None:
    assert "arithmatex" in (site / "zh" / "loss" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (site / "assets" / "katex" / "katex.min.js").exists()


def test_a_glyph_missing_from_every_font_fails_the_build() -> None:
    """The check that keeps boxes out of the Chinese figures can fail."""
    pytest.importorskip("matplotlib")
    sys.path.insert(0, str(DOCS))
    import linfit_docs
    import matplotlib
    from matplotlib.figure import Figure

    figure = Figure()
    figure.add_subplot().set_xlabel("轮")
    assert "<svg" in linfit_docs.svg(figure)  # the CJK fallback font has the glyph
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        figure = Figure()
        figure.add_subplot().set_xlabel("轮")
        with pytest.raises(UserWarning, match="missing from font"):
            linfit_docs.svg(figure)


def public_identifier(name: str) -> str:
    """The dotted path the API documents ``linfit.<name>`` under."""
    import types

    import linfit

    value = getattr(linfit, name)
    if isinstance(value, types.ModuleType):
        return value.__name__
    module = getattr(value, "__module__", None)
    return f"{module}.{name}" if module and name != "DISTRIBUTION" else f"linfit.{name}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_public_name_appears_on_the_api_page(site: Path, language: str) -> None:
    """Each name of ``linfit.__all__`` has an entry on the API page, or a link there to
    the chapter that documents it next to its code."""
    import linfit

    page = chapter(site, "api", language).read_text(encoding="utf-8")
    missing = [
        name
        for name in linfit.__all__
        if name != "__version__"
        and f'id="{public_identifier(name)}"' not in page
        and f'#{public_identifier(name)}"' not in page
    ]
    assert missing == []


def test_the_api_page_lists_every_public_module() -> None:
    import pkgutil

    import linfit

    sys.path.insert(0, str(DOCS))
    import api_page

    public = {
        module.name
        for module in pkgutil.walk_packages(linfit.__path__, "linfit.")
        if not any(part.startswith("_") for part in module.name.split("."))
    }
    assert set(api_page.modules()) == public | {"linfit"}
    assert set(api_page.SUMMARIES_ZH) == set(api_page.modules())
