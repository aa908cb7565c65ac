"""pydub set up with the ffmpeg that imageio-ffmpeg ships (no system ffmpeg, no ffprobe needed)."""

from __future__ import annotations

import io
import re
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from ..core.processes import CHILD_OPTIONS

with warnings.catch_warnings():
    # pydub warns at import when no ffmpeg is on PATH; we point it at imageio-ffmpeg's binary below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.effects import normalize
    from pydub.generators import Sine

AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()


def decode_mp3(data: bytes) -> AudioSegment:
    # Giving the codec skips pydub's ffprobe call, which imageio-ffmpeg does not ship.
    return AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3")


@dataclass(frozen=True)
class R128:
    integrated_lufs: float
    true_peak_dbtp: float


def ebur128(path: Path) -> R128:
    """A file's loudness and true peak read by ffmpeg's own EBU R128 meter: independent of the meter the
    broadcast master uses, so the tests and benchmarks check the master against someone else's ruler."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
               "-af", "ebur128=peak=true", "-f", "null", "-"]  # fmt: skip
    stderr = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120, **CHILD_OPTIONS).stderr
    summary = stderr[stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary)[1])
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)[1])
    return R128(integrated, peak)


__all__ = ["R128", "AudioSegment", "Sine", "decode_mp3", "ebur128", "normalize"]
