"""What each built page shows is rendered, not source: site-wide checks on the HTML.

Each test looks for one class of defect on every page of both languages:

* TeX source as text (``\\lambda``, ``$…$``) outside the math that KaTeX renders, as
  when a continuation line starting with ``+ `` turns half a formula into a bullet;
* Markdown table syntax shown as text, or printed into a code block, as when a
  table loses its blank line or is printed by code;
* tables whose rows have more or fewer cells than their header (a ``|`` inside a
  cell splits it);
* API sections whose one return value is split into several entries.

The layout in a real browser (widths in pixels) is checked in ``test_page_layout.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEX_COMMAND = re.compile(
    r"\\(?:frac|lambda|gamma|eta|sum|cdot|partial|mathcal|bar|text|le|ge|approx|max|min|lVert|rVert|begin|end)\b"
)
DOLLAR_MATH = re.compile(r"\$[^$\s][^$]*[\\^_{}][^$]*\$")
TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")


class Rendered(HTMLParser):
    """The article of a page: its prose text, code text and tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.prose: list[str] = []
        self.code: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._stack: list[tuple[str, str]] = []
        self._article = 0

    def _inside(self, predicate) -> bool:
        return any(predicate(tag, classes) for tag, classes in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "article":
            self._article += 1
        if tag in {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}:
            return
        self._stack.append((tag, classes))
        if tag == "pre":
            self.code.append("")
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article -= 1
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._article:
            return
        if self._inside(lambda tag, _: tag in {"script", "style", "svg"}):
            return
        if self._inside(lambda tag, _: tag == "pre"):
            self.code[-1] += data
            return
        if self._inside(lambda tag, _: tag in {"td", "th"}) and self.tables:
            row = self.tables[-1][-1] if self.tables[-1] else None
            if row is not None and self._stack and self._stack[-1][0] in {"td", "th"}:
                row.append(data)
        math = self._inside(lambda _, classes: "arithmatex" in classes)
        code = self._inside(lambda tag, _: tag in {"code", "kbd"})
        if not math and not code:
            self.prose.append(data)


def _cells(html: str) -> list[list[int]]:
    """For each table: the number of cells in each row."""
    counts = []
    for table in re.findall(r"<table.*?</table>", html, re.S):
        rows = re.findall(r"<tr.*?</tr>", table, re.S)
        counts.append([len(re.findall(r"<t[dh][\s>]", row)) for row in rows])
    return counts


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "assets" not in p.parts)


def render(path: Path) -> Rendered:
    page = Rendered()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def name(site: Path, path: Path) -> str:
    return str(path.parent.relative_to(site)) or "index"


def test_there_are_pages_in_both_languages(site: Path) -> None:
    found = pages(site)
    assert len([p for p in found if "zh" in p.relative_to(site).parts]) >= 15
    assert len(found) >= 30


def test_no_tex_source_shows_outside_the_rendered_math(site: Path) -> None:
    found = []
    for path in pages(site):
        prose = "".join(render(path).prose)
        for pattern in (TEX_COMMAND, DOLLAR_MATH):
            found += [
                f"{name(site, path)}: {m.group(0)[:60]!r}"
                for m in pattern.finditer(prose)
            ]
    assert found == []


def test_no_markdown_table_shows_as_text_or_inside_code(site: Path) -> None:
    found = []
    for path in pages(site):
        page = render(path)
        for text in ["".join(page.prose), *page.code]:
            lines = text.splitlines()
            for index, line in enumerate(lines[:-1]):
                if TABLE_LINE.match(line) and TABLE_RULE.match(lines[index + 1]):
                    found.append(f"{name(site, path)}: {line.strip()[:60]!r}")
    assert found == []


def test_every_table_row_has_as_many_cells_as_its_header(site: Path) -> None:
    found = []
    for path in pages(site):
        html = path.read_text(encoding="utf-8")
        for number, rows in enumerate(_cells(html)):
            if rows and any(count != rows[0] for count in rows):
                found.append(f"{name(site, path)}: table {number} has rows of {rows}")
    assert found == []


def test_one_return_value_is_one_entry() -> None:
    """A Returns section lists one entry per returned value: a ``tuple[...]`` may have
    several, anything else exactly one (a continuation line must not start a new one)."""
    griffe = pytest.importorskip("griffe")
    package = griffe.load("linfit", search_paths=[str(Path(__file__).parents[2])])
    found = []

    def walk(obj) -> None:
        for member in obj.members.values():
            if member.is_alias:
                continue
            if member.is_function and member.docstring:
                for section in member.docstring.parse("google"):
                    if section.kind.value == "returns" and len(section.value) > 1:
                        annotation = str(member.returns or "")
                        if not annotation.startswith("tuple["):
                            found.append(f"{member.path}: {len(section.value)} entries")
            if member.is_module or member.is_class:
                walk(member)

    walk(package)
    assert found == []
