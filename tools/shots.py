"""Screenshots of the guide at a phone's size, light and dark: `python tools/shots.py URL PREFIX`.

Writes var/shots/PREFIX-{light,dark}[-steps].png; used to look at the guide before and after a
change (needs /usr/bin/chromium and a running server).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main(base: str, prefix: str) -> None:
    out = Path(__file__).resolve().parents[1] / "var" / "shots"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
            page.goto(f"{base}/cramp-now/")
            page.screenshot(path=out / f"{prefix}-{scheme}.png")
            no = page.get_by_role("button", name="No, show the steps")
            if no.count():
                no.click()
                page.wait_for_timeout(500)
                page.screenshot(path=out / f"{prefix}-{scheme}-steps.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
