"""Benchmark: one 1080×1350 portrait drawn from its layout and saved as PNG.

Target (issue 6): at most 150 ms for render and save together. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import time

from flows.channels import cards
from flows.core.workspace import BUILTIN_ROOT, Workspace


def main() -> None:
    workspace = Workspace(BUILTIN_ROOT)
    plan = workspace.load_plan()
    items = workspace.read_items(plan).items
    cards.png(cards.draw("portrait", items[0], plan, workspace).image)  # fonts and layout loaded once
    draw_ms, save_ms = [], []
    for _ in range(3):
        for item in items:
            start = time.perf_counter()
            image = cards.draw("portrait", item, plan, workspace).image
            drawn = time.perf_counter()
            cards.png(image)
            draw_ms.append((drawn - start) * 1000)
            save_ms.append((time.perf_counter() - drawn) * 1000)
    total = [d + s for d, s in zip(draw_ms, save_ms, strict=True)]
    print(
        f"portrait 1080×1350, {len(total)} renders of {len(items)} items: "
        f"draw median {statistics.median(draw_ms):.0f} ms, save median {statistics.median(save_ms):.0f} ms, "
        f"total median {statistics.median(total):.0f} ms, max {max(total):.0f} ms (target ≤ 150 ms)"
    )


if __name__ == "__main__":
    main()
