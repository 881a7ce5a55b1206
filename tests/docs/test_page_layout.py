"""Every page in a real browser, at a desktop and at a phone width.

Headless Chromium renders each built page (both languages) with every fold opened and
every tab shown, and measures what a reader would hit:

* at 1280 px, no code block is wider than its box (no sideways scrolling to read code);
* at 390 px, the page itself never scrolls sideways, API entries do not either, and the
  smallest text of every figure is at least 9 px high. Figures are SVG with their text
  drawn as paths; the page records each figure's smallest font size in points, and the
  browser gives the scale at which the figure is shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
SMALLEST_TEXT_PX = 9.0
"""Figure text below this is unreadable on a phone (body text there is about 16 px)."""

SHOW_EVERYTHING = """
document.querySelectorAll('details').forEach(d => d.open = true);
const style = document.createElement('style');
style.textContent = '.tabbed-block { display: block !important; }';
document.head.appendChild(style);
"""

WIDE_CODE = """
return [...document.querySelectorAll('article pre > code')]
  .filter(code => code.scrollWidth > code.clientWidth + 1)
  .map(code => code.textContent.split('\\n').reduce((a, b) => a.length > b.length ? a : b))
  .map(line => line.slice(0, 80));
"""

SMALL_FIGURE_TEXT = """
return [...document.querySelectorAll('article svg[data-smallest-text-pt]')].map(svg => {
  const shown = svg.getBoundingClientRect().width;
  const drawn = svg.viewBox.baseVal.width;
  return parseFloat(svg.dataset.smallestTextPt) * shown / drawn;
});
"""

SIDEWAYS = """
const page = document.documentElement.scrollWidth > window.innerWidth + 1;
const api = [...document.querySelectorAll('article .doc *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
  .filter(e => !e.closest('pre'))
  .map(e => e.tagName + '.' + e.className);
return {page: page, api: api};
"""


def urls(site: Path) -> list[str]:
    pages = sorted(p for p in site.rglob("index.html") if "assets" not in p.parts)
    return [str(p.parent.relative_to(site)).replace(".", "") + "/" for p in pages]


def visit(browser, server: str, url: str, width: int) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.get(f"{server}/{url.lstrip('/')}")
    browser.find_element("css selector", "article")
    browser.execute_script(SHOW_EVERYTHING)


def test_no_code_block_is_wider_than_its_box_at_1280_px(site, server, browser) -> None:
    found = {}
    for url in urls(site):
        visit(browser, server, url, 1280)
        wide = browser.execute_script(WIDE_CODE)
        if wide:
            found[url] = wide
    assert found == {}


def test_at_390_px_nothing_scrolls_sideways_and_figure_text_stays_readable(
    site,
    server,
    browser,
) -> None:
    sideways, small, figures = {}, {}, 0
    for url in urls(site):
        visit(browser, server, url, 390)
        layout = browser.execute_script(SIDEWAYS)
        if layout["page"] or layout["api"]:
            sideways[url] = layout
        sizes = browser.execute_script(SMALL_FIGURE_TEXT)
        figures += len(sizes)
        tiny = [round(size, 1) for size in sizes if size < SMALLEST_TEXT_PX]
        if tiny:
            small[url] = tiny
    drawn = sum(
        len(
            re.findall(
                r'figure="1"|linfit_docs\.svg\(', page.read_text(encoding="utf-8")
            )
        )
        for page in DOCS.glob("*.md")
    )
    assert figures == drawn, (
        f"{drawn} figures are drawn on the pages, {figures} carry data-smallest-text-pt"
    )
    assert sideways == {}
    assert small == {}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_measurements_can_fail(server, browser, width: int) -> None:
    """The scripts above do see a too-wide code line and too-small figure text."""
    visit(browser, server, "/", width)
    browser.execute_script(
        """
        const pre = document.createElement('pre');
        pre.innerHTML = '<code>' + 'x'.repeat(400) + '</code>';
        document.querySelector('article').appendChild(pre);
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        svg.setAttribute('viewBox', '0 0 4000 100');
        svg.setAttribute('width', '100%');
        svg.dataset.smallestTextPt = '10';
        document.querySelector('article').appendChild(svg);
        """
    )
    assert browser.execute_script(WIDE_CODE)
    assert min(browser.execute_script(SMALL_FIGURE_TEXT)) < SMALLEST_TEXT_PX
