"""Benchmark: the loudspeaker chain (normalizer → espeak-ng → master → MP3) on 10 bulletins of 150–400 words,
pinned to one core, beside ffmpeg's two-pass loudnorm on the same speech.

Target (issue 4): at least 100× real time offline on one core. Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, for the chain and for ffmpeg alike

import imageio_ffmpeg  # noqa: E402
import numpy as np  # noqa: E402

from flows.channels.loudspeaker import bulletin_script, chime  # noqa: E402
from flows.core.workspace import BUILTIN_ROOT, Workspace  # noqa: E402
from flows.speech.audio import ebur128  # noqa: E402
from flows.speech.engines import synthesize  # noqa: E402
from flows.speech.master import MasterSettings, encode_mp3, master, to_array, to_pcm  # noqa: E402
from flows.speech.normalize import normalize  # noqa: E402

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def bulletins() -> list[list[str]]:
    """Ten scripts of 150–400 words made from the sample items (short items get the next one's body)."""
    workspace = Workspace(BUILTIN_ROOT)
    plan = workspace.load_plan()
    items = workspace.read_items(plan).items
    scripts = []
    for index in range(10):
        lines = bulletin_script(items[index % len(items)], plan)
        extra = 1
        while sum(len(line.split()) for line in lines) < 150:
            lines = lines[:-1] + bulletin_script(items[(index + extra) % len(items)], plan)[2:]
            extra += 1
        while sum(len(line.split()) for line in lines) > 400:
            lines = lines[:-2] + lines[-1:]
        scripts.append(lines)
    return scripts


def loudnorm_two_pass(wav: Path, mp3: Path) -> float:
    """ffmpeg's own answer to the same job: measure, then normalise, to −16 LUFS / −1 dBTP."""
    start = time.perf_counter()
    first = subprocess.run(
        [
            FFMPEG,
            "-hide_banner",
            "-nostats",
            "-i",
            str(wav),
            "-af",
            "loudnorm=I=-16:TP=-1:LRA=11:print_format=json",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    found = json.loads(first[first.rindex("{") : first.rindex("}") + 1])
    second = (
        f"loudnorm=I=-16:TP=-1:LRA=11:measured_I={found['input_i']}:measured_TP={found['input_tp']}:"
        f"measured_LRA={found['input_lra']}:measured_thresh={found['input_thresh']}:"
        f"offset={found['target_offset']}:linear=true"
    )
    subprocess.run(
        [
            FFMPEG,
            "-hide_banner",
            "-y",
            "-i",
            str(wav),
            "-af",
            second,
            "-ar",
            "44100",
            "-ac",
            "1",
            "-b:a",
            "96k",
            str(mp3),
        ],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    plan = Workspace(BUILTIN_ROOT).load_plan()
    settings = MasterSettings()
    # warm-up, as in a running flow: encoder calibration, espeak-ng start, lexicon, imports
    warm = synthesize([normalize("Xin chào UBND xã")], plan.audio).segments[0]
    encode_mp3(master(to_array(warm, warm.frame_rate), warm.frame_rate, settings)[0], warm.frame_rate, settings, {})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, lines in enumerate(bulletins(), 1):
            words = sum(len(line.split()) for line in lines)
            start = time.perf_counter()
            script = [normalize(line) for line in lines]
            speech = synthesize(script, plan.audio)
            rate = speech.segments[0].frame_rate
            pause = np.zeros(int(0.7 * rate), np.float32)
            spoken = [np.concatenate([to_array(s, rate), pause]) for s in speech.segments]
            raw = np.concatenate([chime(None, rate), *spoken, chime(None, rate)])
            mastered, _ = master(raw, rate, settings)
            data = encode_mp3(mastered, rate, settings, {"title": f"bulletin {number}"})
            ours = time.perf_counter() - start
            path, wav, theirs_mp3 = (Path(tmp) / f"{number}{suffix}" for suffix in (".mp3", ".wav", "-loudnorm.mp3"))
            path.write_bytes(data)
            subprocess.run(
                [FFMPEG, "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", str(wav)],
                input=to_pcm(raw),
                capture_output=True,
                check=True,
            )
            theirs = loudnorm_two_pass(wav, theirs_mp3)
            seconds = len(raw) / rate
            rows.append(
                (
                    number,
                    words,
                    seconds,
                    seconds / ours,
                    ebur128(path).integrated_lufs,
                    seconds / theirs,
                    ebur128(theirs_mp3).integrated_lufs,
                )
            )
    print("bulletin  words  audio s | chain ×realtime  LUFS | ffmpeg loudnorm 2-pass ×realtime  LUFS")
    for number, words, seconds, ours, our_lufs, theirs, their_lufs in rows:
        print(
            f"{number:8d} {words:6d} {seconds:8.1f} | {ours:15.0f} {our_lufs:5.1f} | {theirs:32.0f} {their_lufs:5.1f}"
        )
    total = sum(r[2] for r in rows)
    ours_total = total / sum(r[2] / r[3] for r in rows)
    theirs_total = total / sum(r[2] / r[5] for r in rows)
    print(
        f"all      {sum(r[1] for r in rows):6d} {total:8.1f} | {ours_total:15.0f} "
        f"{np.mean([r[4] for r in rows]):5.1f} | {theirs_total:32.0f} {np.mean([r[6] for r in rows]):5.1f}"
    )
    print("target: chain ≥ 100× real time on one core, −16 ± 1 LUFS")


if __name__ == "__main__":
    main()
