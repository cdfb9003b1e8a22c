"""Every public page type, at a desktop and a phone size: no axe-core violations, tap targets of
at least 24 px, and a screenshot kept in test-artifacts/screenshots/ for a person to look at."""

import json
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PUBLIC_PAGES = {
    "home": "/",
    "post": "/mayo-clinic-sets-a-high-bar-with-social-media/",
    "category": "/category/social-media/",
    "tag": "/tag/healthcare/",
    "author": "/author/neville-hobson/",
    "search": "/search/?q=podcast",
    "show": "/podcast/",
    "episode": "/podcast/why-we-started/",
    "not-found": "/no-such-page/",
    "tag-index": "/tag/",
    "category-index": "/category/",
}
# Links and buttons a reader taps, WCAG 2.2's target size (2.5.8): at least 24 by 24 CSS pixels,
# unless inline in a sentence.
TAP_TARGETS = ".site-header a, .site-header button, .reply-link, .pagination a, .site-footer a, .comment-form button"


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make test does)")
    page.evaluate(AXE.read_text())  # not add_script_tag: an inline script, which the CSP refuses
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def small_targets(page) -> list[str]:
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.width < 24 || box.height < 24)
            .map(([el, box]) => `${el.textContent.trim().slice(0, 30)} (${box.width | 0}x${box.height | 0})`)""",
        TAP_TARGETS,
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_public_pages_have_no_axe_violations_and_big_enough_tap_targets(live_server, page, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(shots / f"{name}-{viewport}.png"), full_page=True)
        violations, small = axe_violations(page), small_targets(page)
        if violations or small:
            problems[name] = {"axe": violations, "small tap targets": small}
    assert problems == {}, json.dumps(problems, indent=1)
