"""Benchmark: `cchc produce` on the sample commune, first run and a rerun with nothing to do.

Target (issue 3): a rerun with nothing to do returns in under 2 s. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CCHC = Path(sys.executable).with_name("cchc")


def timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(CCHC), *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = str(Path(tmp) / "ws")
        subprocess.run([str(CCHC), "init", ws], check=True, capture_output=True)
        items = sorted(p.stem for p in (Path(ws) / "content" / "items").rglob("*.md"))
        subprocess.run([str(CCHC), "approve", *items, "--by", "benchmark", "-w", ws], check=True, capture_output=True)
        first = timed("produce", "-w", ws)
        reruns = [timed("produce", "-w", ws) for _ in range(5)]
        files = sum(1 for p in (Path(ws) / "output").rglob("*") if p.suffix in (".html", ".png", ".mp3"))
    print(f"items: {len(items)}, files produced: {files}")
    print(f"first produce (Prefect flow, ephemeral server): {first:.1f} s")
    print(
        f"rerun with nothing to do: median {statistics.median(reruns):.2f} s, max {max(reruns):.2f} s "
        f"(target < 2 s) over {len(reruns)} runs"
    )


if __name__ == "__main__":
    main()
