"""Benchmark (issue 17): how fast commands answer, and how `produce` scales with items and cores.

- `cchc --help`, `cchc normalize`: under 0.5 s;
- `cchc say` of a 300-word bulletin: at most 0.7× the naive chain (espeak-ng CLI → ffmpeg two-pass loudnorm
  → MP3) on the same text; of one sentence: under 1 s;
- a `produce` with nothing to do: under 1 s at 10 and at 200 items (as a user meets it: answered from the stamp
  the last check left; the full check, its stamp removed, is shown beside it);
- `produce` of 200 items: time per item within 20% of that at 10 items, and at least 1.6× faster on two cores
  than on one (`taskset` to one core against the machine's two).

Medians of several runs. Run with `make bench` (or `python benchmarks/speed.py`).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg

CCHC = str(Path(sys.executable).with_name("cchc"))
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "Sáng mai 7h30, UBND xã tiếp công dân tại hội trường."


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def timed_without(path: Path, command: list[str]) -> float:
    path.unlink(missing_ok=True)
    return timed(command)


def median(command: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    return statistics.median(timed(command, env) for _ in range(runs))


def bulletin_300_words() -> str:
    """About 300 words of the sample items' bodies, as an announcer would get them."""
    texts = [
        p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in sorted((ROOT / "content" / "items").rglob("*.md"))
    ]
    words = " ".join(texts).split()
    return " ".join(words[:300])


def naive_chain(text: str, folder: Path) -> float:
    """espeak-ng CLI → WAV → ffmpeg loudnorm first pass (measure) → second pass (apply) → MP3."""
    wav, mp3 = folder / "naive.wav", folder / "naive.mp3"
    start = time.perf_counter()
    subprocess.run(["espeak-ng", "-v", "vi", "-s", "150", "-w", str(wav), text], check=True, capture_output=True)
    first = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(wav), "-af", "loudnorm=I=-16:TP=-1:LRA=11:print_format=json",
         "-f", "null", "-"], capture_output=True, text=True, check=True,
    )  # fmt: skip
    stats = json.loads(first.stderr[first.stderr.rindex("{") : first.stderr.rindex("}") + 1])
    measured = (
        f"measured_I={stats['input_i']}:measured_TP={stats['input_tp']}:measured_LRA={stats['input_lra']}:"
        f"measured_thresh={stats['input_thresh']}:offset={stats['target_offset']}"
    )
    subprocess.run(
        [FFMPEG, "-hide_banner", "-y", "-i", str(wav), "-af", f"loudnorm=I=-16:TP=-1:LRA=11:{measured}:linear=true",
         "-ar", "44100", "-ac", "1", "-b:a", "96k", str(mp3)], check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def workspace_with(items: int, folder: Path) -> Path:
    """A workspace of `items` short items (copies of the samples under new ids), all approved."""
    ws = folder / f"ws-{items}"
    subprocess.run([CCHC, "init", str(ws)], check=True, capture_output=True)
    samples = sorted((ws / "content" / "items").rglob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in samples]
    for path in samples:
        path.unlink()
    target = ws / "content" / "items" / "thu"
    target.mkdir(parents=True)
    for n in range(items):
        head, body = texts[n % len(texts)].split("\n---\n", 1)
        head = head.replace("title: ", f"title: ({n + 1}) ", 1)
        short = "\n\n".join(body.strip().split("\n\n")[:2]) + "\n"  # two paragraphs: a typical short news item
        (target / f"bai-{n + 1:03d}.md").write_text(f"{head}\n---\n{short}", encoding="utf-8")
    ids = [f"bai-{n + 1:03d}" for n in range(items)]
    subprocess.run([CCHC, "approve", *ids, "--by", "benchmark", "-w", str(ws)], check=True, capture_output=True)
    return ws


def produce_seconds(items: int, folder: Path, cores: int | None = None) -> float:
    """One produce of `items` new items, on the machine's cores or pinned to `cores` of them (taskset)."""
    ws = workspace_with(items, folder)
    pin = ["taskset", "-c", ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[:cores])] if cores else []
    seconds = timed([*pin, CCHC, "produce", "-w", str(ws)])
    shutil.rmtree(ws)
    return seconds


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"cchc --help: {median([CCHC, '--help']):.2f} s (target < 0.5 s)")
        print(f"cchc normalize: {median([CCHC, 'normalize', SENTENCE]):.2f} s (target < 0.5 s)")
        text = bulletin_300_words()
        say = median([CCHC, "say", text, "--out", str(folder / "say.mp3"), "-w", str(ROOT)], 3)
        naive = statistics.median(naive_chain(text, folder) for _ in range(3))
        print(f"cchc say, 300 words: {say:.2f} s; naive chain {naive:.2f} s; ratio {say / naive:.2f} (target ≤ 0.7)")
        one = median([CCHC, "say", SENTENCE, "--out", str(folder / "one.mp3"), "-w", str(ROOT)], 3)
        print(f"cchc say, one sentence: {one:.2f} s (target < 1 s)")
        for items in (10, 200):
            ws = workspace_with(items, folder)
            subprocess.run([CCHC, "produce", "-w", str(ws)], check=True, capture_output=True)
            noop = median([CCHC, "produce", "-w", str(ws)], 5)
            print(f"produce with nothing to do, {items} items: {noop:.2f} s (target < 1 s)")
            stamp = ws / ".cchc" / "produce-stamp.json"
            full = statistics.median(timed_without(stamp, [CCHC, "produce", "-w", str(ws)]) for _ in range(3))
            print(f"  the same, its stamp removed first (the full check): {full:.2f} s")
            shutil.rmtree(ws)
        if quick:
            return
        runs = int(os.environ.get("BENCH_RUNS", "3"))
        small = statistics.median(produce_seconds(10, folder) / 10 for _ in range(runs))
        large_two = statistics.median(produce_seconds(200, folder) / 200 for _ in range(runs))
        large_one = statistics.median(produce_seconds(200, folder, cores=1) / 200 for _ in range(runs))
        print(f"produce per item: 10 items {small:.3f} s, 200 items {large_two:.3f} s "
              f"(ratio {large_two / small:.2f}, target ≤ 1.2)")  # fmt: skip
        print(f"produce 200 items: one core {large_one * 200:.1f} s, two cores {large_two * 200:.1f} s "
              f"(speed-up {large_one / large_two:.2f}×, target ≥ 1.6×)")  # fmt: skip


if __name__ == "__main__":
    main()
