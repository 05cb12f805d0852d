"""The rendered teaching deck (``make slides``, fallback renderer) as an audience sees it,
in headless Chromium at 1280 x 720: it opens from disk offline with no console error and
no request outside file://, the keys move between slides and the counter follows, no
visible text is smaller than 24 px, figures are big, and printing shows every slide, one
per page. Rendering and the browser make these slow tests (``make test-slow``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from models.core.paths import DEFAULT_PRIORS_FILE

WIDTH, HEIGHT = 1280, 720
MIN_TEXT_PX = 24.0
"""Smallest text on a slide (CSS px at 1280 x 720), readable from the back of a room."""

MIN_FIGURE_WIDTH, MIN_FIGURE_HEIGHT = 640.0, 250.0
"""Smallest displayed size of a slide's figure (CSS px at 1280 x 720): at least half the
stage wide and a third of it high."""

SMALL_TEXT = """([scale, least]) => {
    const slide = document.querySelector("section.slide.current");
    const small = [];
    for (const el of slide.querySelectorAll("*")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        if (style.visibility !== "visible" || style.display === "none") continue;
        const size = parseFloat(style.fontSize) * scale;
        const text = el.textContent.trim().slice(0, 40);
        if (size < least) small.push(`${el.tagName} ${size}px: ${text}`);
    }
    return small;
}"""


@pytest.fixture(scope="session")
def rendered_slides(tmp_path_factory) -> tuple[Path, str]:
    """The deck rendered once per session by the fallback renderer (shipped priors)."""
    from models.report.slides_build import make_slides

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RENDERER", "fallback")
        output = tmp_path_factory.mktemp("slides") / "slides.html"
        path = make_slides(DEFAULT_PRIORS_FILE, output)
    return path, path.read_text(encoding="utf-8")


@pytest.fixture
def slides_page(rendered_slides, open_page) -> tuple[Any, Any]:
    """The deck open at 1280 x 720, with its request log."""
    page, log = open_page(rendered_slides[0])
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.wait_for_timeout(150)
    return page, log


def counter(page: Any) -> str:
    return page.locator(".slide-counter").inner_text().strip()


def current_key(page: Any) -> str:
    return page.evaluate("() => document.querySelector('section.slide.current').id")


def test_the_file_has_no_url_and_is_one_deck(rendered_slides):
    _, html = rendered_slides
    assert not re.search(r"https?://|\b(?:src|href)\s*=\s*[\"']?//", html, re.IGNORECASE)
    assert 10 <= html.count('<section id="') <= 15
    assert "<script>" in html and "slide-counter" in html  # slides.js is inlined


def test_the_deck_opens_offline_without_errors(slides_page):
    page, log = slides_page
    page.keyboard.press("End")  # every slide shown once, the explorer's included
    assert log.console_errors == [] and log.page_errors == []
    assert log.blocked == []
    assert all(url.startswith(("file:", "data:", "about:blank")) for url in log.requests)


def test_keys_move_between_slides_and_the_counter_follows(slides_page):
    page, _ = slides_page
    total = int(counter(page).split("/")[1])
    assert counter(page) == f"1 / {total}" and 10 <= total <= 15
    first = current_key(page)
    steps = [("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("PageDown", 3),
             ("PageUp", 2), ("Space", 3), ("Shift+Space", 2), ("ArrowDown", 3),
             ("ArrowUp", 2), ("End", total), ("ArrowRight", total), ("Home", 1),
             ("ArrowLeft", 1)]
    for key, expected in steps:
        page.keyboard.press(key)
        assert counter(page) == f"{expected} / {total}", key
    assert current_key(page) == first
    page.keyboard.press("ArrowRight")
    assert current_key(page) != first
    assert page.evaluate("() => document.querySelectorAll('section.slide.current').length") == 1


def test_no_visible_text_is_smaller_than_24_px(slides_page):
    page, _ = slides_page
    total = int(counter(page).split("/")[1])
    scale = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement)"
                          ".getPropertyValue('--deck-scale'))")
    assert scale == pytest.approx(1.0)
    small: dict[str, list[str]] = {}
    bar = page.evaluate("() => parseFloat(getComputedStyle("
                        "document.querySelector('.slide-counter')).fontSize)")
    assert bar >= MIN_TEXT_PX
    for _ in range(total):
        found = page.evaluate(SMALL_TEXT, [scale, MIN_TEXT_PX])
        if found:
            small[current_key(page)] = found
        page.keyboard.press("ArrowRight")
    assert small == {}


def test_slides_fit_their_stage_and_figures_are_big(slides_page):
    page, _ = slides_page
    total = int(counter(page).split("/")[1])
    figures = 0
    for _ in range(total):
        fit = page.evaluate("""() => {
            const slide = document.querySelector("section.slide.current");
            const box = slide.getBoundingClientRect();
            const style = getComputedStyle(slide);  // content must stay above the counter
            const bottom = box.bottom - parseFloat(style.paddingBottom);
            const outside = [...slide.querySelectorAll("*")].filter((el) => {
                const r = el.getBoundingClientRect();
                return r.height > 0 && (r.bottom > bottom + 1 || r.right > box.right + 1);
            }).map((el) => el.tagName + "." + el.className);
            const sizes = [...slide.querySelectorAll(".deck-figure img")].map((img) => {
                const r = img.getBoundingClientRect();
                return [r.width, r.height];
            });
            const cut = [...slide.querySelectorAll(".deck-scroll")].filter(
                (el) => el.scrollHeight > el.clientHeight + 1).map((el) => el.className);
            return {outside: outside.slice(0, 3), sizes, cut};
        }""")
        key = current_key(page)  # the live explorer's slide included: it fits at 24 px
        assert fit["outside"] == [] and fit["cut"] == [], (key, fit)
        assert all(width >= MIN_FIGURE_WIDTH and height >= MIN_FIGURE_HEIGHT
                   for width, height in fit["sizes"]), (key, fit)
        figures += len(fit["sizes"])
        page.keyboard.press("ArrowRight")
    assert figures >= 5


def test_printing_shows_every_slide_one_per_page(slides_page):
    page, _ = slides_page
    page.emulate_media(media="print")
    shown = page.evaluate("""() => [...document.querySelectorAll("section.slide")].map((s) => {
        const style = getComputedStyle(s);
        return [style.visibility, style.position, style.breakAfter];
    })""")
    assert len(shown) >= 10
    assert all(visibility == "visible" and position != "absolute" for visibility, position, _
               in shown)
    assert all(brk == "page" for _, _, brk in shown[:-1])
    assert not page.locator(".deck-bar").is_visible()
