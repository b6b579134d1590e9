"""The playground page while it trains: epochs per second and redraws per second.

``python -m benchmarks.playground_page [--seconds 10] [--screenshot docs/playground.png]``

Playground's default configuration (circle, 2 → 4 → 2 → 1 tanh, batch 10,
learning rate 0.03, seed 0.59454), three ways, in turn, in this process:

1. **in-process**: ``gn.playground.train_epoch`` in a bare loop (Playground's
   algorithm, nothing drawn);
2. **served, page open**: ``glassnet playground``'s server with a headless
   Chromium page open and playing: epochs per second from ``/api/state``,
   redraws per second from the page's own counter (a redraw paints the epoch, the
   losses, every link, every neuron's heatmap, the output heatmap and the loss
   curve from one frame the server computed);
3. **served, no page**: the server playing with no page connected.

The page must stay interactive: at least 10 redraws a second. Needs Chromium at
/usr/bin/chromium and Playwright (the ``test`` extra). On a shared machine only
the ratios of one run mean anything.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request

from glassnet.glassbox import playground
from glassnet.glassbox.playground.launch import Server

DEFAULT = "#seed=0.59454"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def in_process(seconds: float) -> float:
    pg = playground.from_url(DEFAULT)
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        playground.train_epoch(pg)
        n += 1
    return n / (time.perf_counter() - start)


def state(server) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/state", timeout=30) as r:
        return json.load(r)


def control(server, **message) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/control", data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def served(seconds: float, with_page: bool, screenshot: str | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    server = Server(playground.Session.from_url(DEFAULT)).start()
    try:
        with sync_playwright() as p:
            browser = page = None
            if with_page:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1300, "height": 1000})
                page.goto(f"http://127.0.0.1:{server.port}/")
                while not page.evaluate("window.glassnetPlayground?.redraws > 0"):
                    time.sleep(0.05)
                page.click("#play-pause-button")
            else:
                control(server, action="play")
            time.sleep(1.0)  # past the first frames
            e0, t0 = state(server)["epoch"], time.perf_counter()
            r0 = page.evaluate("window.glassnetPlayground.redraws") if page else 0
            time.sleep(seconds)
            e1, t1 = state(server)["epoch"], time.perf_counter()
            r1 = page.evaluate("window.glassnetPlayground.redraws") if page else 0
            out = {"epochs_per_s": (e1 - e0) / (t1 - t0), "redraws_per_s": (r1 - r0) / (t1 - t0)}
            if page and screenshot:
                control(server, action="pause")
                time.sleep(0.5)
                page.hover("div.node[data-node='1:1']")
                page.mouse.move(5, 5)
                page.locator("path.link-hover[data-layer='1'][data-i='0'][data-j='0']").dispatch_event("click")
                page.wait_for_selector("#inspector .num[data-sym=w_after]")
                time.sleep(0.5)
                page.screenshot(path=screenshot, full_page=True)
                out["epoch_of_screenshot"] = state(server)["epoch"]
            if browser:
                browser.close()
        return out
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--screenshot", help="also save the page as a PNG here")
    args = parser.parse_args()
    bare = in_process(args.seconds)
    page = served(args.seconds, True, args.screenshot)
    alone = served(args.seconds, False)
    print(f"Playground's default configuration, {args.seconds:g} s each")
    print(f"  train_epoch in-process (no page)   {bare:8.1f} epochs/s")
    print(f"  served, page open and redrawing    {page['epochs_per_s']:8.1f} epochs/s "
          f"({page['epochs_per_s'] / bare:.0%} of in-process), "
          f"{page['redraws_per_s']:.1f} redraws/s")
    print(f"  served, no page                    {alone['epochs_per_s']:8.1f} epochs/s")
    verdict = "ok" if page["redraws_per_s"] >= 10 else "TOO FEW"
    print(f"  interactive (>= 10 redraws/s): {verdict}")


if __name__ == "__main__":
    main()
