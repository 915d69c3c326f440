"""`make screenshot`: refresh docs/screenshot.png on purpose (never as a side effect of the tests): the end
of lesson 1 at 1600x900 in headless Chromium, against a throw-away server."""
from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402
from tests.browser.diagram_checks import reference_lines, replay, settle, start_lesson  # noqa: E402
from tests.browser.learner import sign_up  # noqa: E402

SLUG = "services-clusterip-nodeport"


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = ROOT / "docs" / "screenshot.png"
    out.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serving(Path(tmp)) as srv, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900}, device_scale_factor=1)
        sign_up(page, srv["base"], f"shot{random.randint(0, 10**6)}")
        start_lesson(page, srv["base"], SLUG)
        replay(page, reference_lines(SLUG))
        settle(page)
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
