"""The rendered report as a reader sees it, in headless Chromium, at a desktop window
(1,280 px wide) and a phone (420 px): the page never scrolls sideways (a wide table scrolls
inside its own box), captions fit the screen, the page shows no folder of the machine,
figures are sharp (SVG, or images of at least twice their displayed resolution) with no
text smaller than 9 CSS px as displayed at 1,280 px, and no number in a table breaks over
two lines at 1,280 px.

The report is the session's ``rendered_report``; the browser and the offline page opener
are the shared fixtures of conftest.py.
"""

from __future__ import annotations

import base64
import re
import tempfile
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from models.core.paths import ROOT

DESKTOP, PHONE = 1280, 420
"""Window widths (CSS px) of the issue: a laptop and a phone."""

MIN_TEXT_PX = 9.0
"""Smallest figure text as displayed (CSS px) at the desktop width."""

SHARPNESS = 2.0
"""A raster figure holds at least this many image pixels per displayed CSS pixel."""

SVG_URI = re.compile(r"data:image/svg\+xml(;base64)?,(.*)", re.DOTALL)
FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)(px|pt)?")

NUMBER_CELL = """(cell) => {
    const text = cell.innerText.trim();
    return /\\d/.test(text) && !/\\p{L}{4,}/u.test(text);
}"""
"""A table cell holding a number, or numbers joined by short words and units
("0.872 ± 0.005", "2.57 (0.56 to 11.72)", "N(0.00, 2.50)", "7/13 vs 5/16"): a digit and no
word of four letters or more (so "Remission at day 28" and sentences are not numbers)."""


@pytest.fixture
def report_at(rendered_report, open_page):
    """Open the rendered report in a window ``width`` CSS px wide; return the page."""
    path, _ = rendered_report

    def open_at(width: int) -> Any:
        page, _ = open_page(path)
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # let the layout settle at the new width
        return page

    return open_at


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_page_never_scrolls_sideways(report_at, width):
    page = report_at(width)
    found = page.evaluate(
        """() => {
        const width = window.innerWidth;
        const scrolls = (el) => getComputedStyle(el).overflowX !== "visible";
        const inScroller = (el) => {
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                if (scrolls(a)) return true;
            }
            return false;
        };
        const outside = [];
        for (const el of document.body.querySelectorAll("*")) {
            const box = el.getBoundingClientRect();
            if (box.width === 0 || box.right <= width + 0.5 || inScroller(el)) continue;
            const parent = el.parentElement.getBoundingClientRect();
            if (el.parentElement !== document.body && parent.right > width + 0.5) continue;
            outside.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at `
                + `${Math.round(box.right)} px: ${el.textContent.trim().slice(0, 60)}`);
        }
        return {scrollWidth: document.documentElement.scrollWidth, width, outside};
    }"""
    )
    assert found["scrollWidth"] <= found["width"], (
        f"at {width} px the page is {found['scrollWidth']} px wide; wider than the window:\n"
        + "\n".join(found["outside"][:20])
    )


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_captions_fit_the_screen(report_at, width):
    """Table and figure captions wrap within the window, even when their table scrolls."""
    page = report_at(width)
    cut = page.evaluate(
        """() => [...document.querySelectorAll("caption, figcaption")]
            .filter((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5
                || c.getBoundingClientRect().left < -0.5)
            .map((c) => c.textContent.trim().slice(0, 60))"""
    )
    assert not cut, f"captions wider than the {width} px window: {cut}"


def _machine_folders(report_path: Path) -> list[str]:
    """Folders of this machine that a page must never show."""
    folders = {str(Path.cwd()), str(ROOT), str(Path.home()) + "/", "/root/", "/tmp/",
               tempfile.gettempdir().rstrip("/") + "/", str(report_path.parent)}
    return sorted(folder for folder in folders if len(folder) > 1)


def _svg_sources(html: str) -> list[str]:
    """The SVG text of every image embedded as a ``data:image/svg+xml`` URI."""
    sources = []
    for uri in re.findall(r"""src=["'](data:image/svg\+xml[^"']*)["']""", html):
        sources.append(_svg_text(unescape(uri)))
    return sources


def _svg_text(uri: str) -> str:
    match = SVG_URI.match(uri)
    assert match, uri[:40]
    encoded, data = match.groups()
    return base64.b64decode(data).decode("utf-8") if encoded else unquote(data)


def test_page_shows_no_folder_of_the_machine(rendered_report, report_at):
    path, html = rendered_report
    text = "\n".join([unescape(html), *_svg_sources(html)])
    shown = report_at(DESKTOP).evaluate("() => document.body.innerText")
    found = [(folder, where) for folder in _machine_folders(path)
             for where, content in (("HTML", text), ("page text", shown)) if folder in content]
    assert not found, f"the report shows folders of this machine: {found}"


# --------------------------------------------------------------------------- figures


FIGURES = """() => {
    const images = [...document.images].map((img) => ({
        kind: "img", src: img.currentSrc, alt: img.alt,
        naturalWidth: img.naturalWidth, width: img.getBoundingClientRect().width}));
    const svgs = [...document.querySelectorAll("svg")].filter((svg) =>
        svg.getBoundingClientRect().width > 0 && !svg.parentElement.closest("svg"))
        .map((svg) => {
            const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim())
                .map((t) => {
                    const m = t.getScreenCTM();
                    const scale = m ? Math.hypot(m.a, m.b) : 1;
                    return {text: t.textContent.trim().slice(0, 40),
                            px: parseFloat(getComputedStyle(t).fontSize) * scale};
                });
            return {kind: "svg", label: svg.getAttribute("aria-label")
                        || svg.getAttribute("data-testid") || "inline svg", texts};
        });
    return [...images, ...svgs];
}"""


def _figures(page: Any) -> list[dict[str, Any]]:
    figures = page.evaluate(FIGURES)
    assert any(f["kind"] == "img" for f in figures), "the report has no figure images"
    return figures


def _name(figure: dict[str, Any]) -> str:
    return (figure.get("alt") or figure.get("label") or figure.get("src", "")[:40])[:60]


def test_figures_are_sharp(report_at):
    """Every image is SVG, or a raster with at least ``SHARPNESS`` image pixels per CSS px
    at which it is displayed at 1,280 px."""
    blurred = [
        f"{_name(f)}: {f['naturalWidth']} px shown at {f['width']:.0f} px"
        for f in _figures(report_at(DESKTOP))
        if f["kind"] == "img" and not f["src"].startswith("data:image/svg+xml")
        and f["naturalWidth"] < SHARPNESS * f["width"]
    ]
    assert not blurred, "figures below twice the displayed resolution:\n" + "\n".join(blurred)


def _svg_font_sizes(svg: str) -> list[tuple[str, float]]:
    """(text, font size in the SVG's user units) of every non-empty text element."""
    root = ET.fromstring(svg)
    sizes = []

    def walk(element: ET.Element, inherited: float) -> None:
        size = inherited
        declared = FONT_SIZE.search(element.get("style", "")) or FONT_SIZE.search(
            "font-size: " + element.get("font-size", ""))
        if declared:
            size = float(declared.group(1)) * (4 / 3 if declared.group(2) == "pt" else 1)
        if element.tag.rsplit("}", 1)[-1] == "text":
            text = "".join(element.itertext()).strip()
            if text:
                sizes.append((text, size))
        for child in element:
            walk(child, size)

    walk(root, 16.0)
    return sizes


def _view_box_width(svg: str) -> float:
    root = ET.fromstring(svg)
    if root.get("viewBox"):
        return float(root.get("viewBox").replace(",", " ").split()[2])
    width = re.match(r"([\d.]+)(pt|px)?", root.get("width", ""))
    assert width, "an SVG figure without viewBox or width"
    return float(width.group(1))


def test_figure_text_is_at_least_9px_at_desktop_width(report_at):
    """No text of a figure is smaller than ``MIN_TEXT_PX`` CSS px as displayed at 1,280 px:
    an SVG image's font sizes times the scale at which the browser shows it, an inline SVG's
    computed font sizes times its screen transform. A raster figure's text cannot be
    measured, and fails."""
    small, raster = [], []
    for figure in _figures(report_at(DESKTOP)):
        if figure["kind"] == "svg":
            texts = [(t["text"], t["px"]) for t in figure["texts"]]
        elif figure["src"].startswith("data:image/svg+xml"):
            svg = _svg_text(figure["src"])
            scale = figure["width"] / _view_box_width(svg)
            texts = [(text, size * scale) for text, size in _svg_font_sizes(svg)]
            assert texts, f"{_name(figure)}: an SVG without text elements (text as paths?)"
        else:
            raster.append(_name(figure))
            continue
        small += [f"{_name(figure)}: {text!r} at {px:.1f} px" for text, px in texts
                  if px < MIN_TEXT_PX - 1e-6]
    assert not raster, f"raster figures, whose text size cannot be checked: {raster}"
    assert not small, f"figure text below {MIN_TEXT_PX:g} px:\n" + "\n".join(small[:30])


# --------------------------------------------------------------------------- tables


def test_numbers_in_tables_keep_one_line_at_desktop_width(report_at):
    """At 1,280 px no table cell holding a number wraps ("0.872 ±" over "0.005"): the text
    of each such cell lies on one line."""
    wrapped = report_at(DESKTOP).evaluate(
        f"""() => {{
        const isNumber = {NUMBER_CELL};
        const lines = (cell) => {{
            const range = document.createRange();
            range.selectNodeContents(cell);
            const bottoms = [...range.getClientRects()].filter((r) => r.width > 0)
                .map((r) => r.bottom).sort((a, b) => a - b);
            let count = 0, last = -Infinity;
            for (const bottom of bottoms) {{
                if (bottom - last > 4) count += 1;
                last = bottom;
            }}
            return count;
        }};
        const cells = [...document.querySelectorAll("td")].filter(isNumber);
        return {{count: cells.length, wrapped: cells.filter((c) => lines(c) > 1)
            .map((c) => c.innerText.trim().replace(/\\s+/g, " "))}};
    }}"""
    )
    assert wrapped["count"] > 0, "no numeric table cells found"
    assert not wrapped["wrapped"], (
        f"{len(wrapped['wrapped'])} numeric cells wrap at {DESKTOP} px: {wrapped['wrapped'][:20]}"
    )
