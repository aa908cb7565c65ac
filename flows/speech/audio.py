"""pydub set up with the ffmpeg that imageio-ffmpeg ships (no system ffmpeg, no ffprobe needed)."""

from __future__ import annotations

import io
import warnings

import imageio_ffmpeg

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


__all__ = ["AudioSegment", "Sine", "decode_mp3", "normalize"]
