"""Broadcast master for horn loudspeakers: high-pass, compression, loudness to target under a true-peak
ceiling, MP3 CBR at 44.1 kHz with ID3v2 tags.

Loudness follows ITU-R BS.1770-4 (K-weighting by the formulas pyloudnorm uses, in speech/dsp.py; 400 ms
blocks with 75 % overlap, absolute and relative gates); the true peak is read on a 4× oversampled signal.
The limiter is a look-ahead gain computer on those peaks, so peaks are turned down smoothly, never clipped.
Everything after the K-weighting works on blocks of about a millisecond, and the master runs at the voice's
own sample rate (resampled to 44.1 kHz only for the encoder): that is what makes the chain run over a
hundred times faster than real time.
"""

from __future__ import annotations

import io
import math
import subprocess
from dataclasses import dataclass
from functools import cache

import imageio_ffmpeg
import numpy as np
from mutagen.id3 import COMM, ID3, TALB, TDRC, TIT2, TLAN, TPE1

from ..core.processes import CHILD_OPTIONS
from . import dsp
from .audio import AudioSegment, decode_mp3

SAMPLE_RATE = 44_100  # of the MP3s
OVERSAMPLE = 4
# Intersample peaks of the limited signal and of the resampling: the limiter aims this much under the ceiling.
LIMITER_MARGIN_DB = 0.5
_FIR = (dsp.lowpass_fir(48, 0.22, 6.0) * OVERSAMPLE).astype(np.float32)


@dataclass(frozen=True)
class MasterSettings:
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    highpass_hz: float = 120.0
    bitrate: str = "96k"


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float
    duration_seconds: float


@dataclass(frozen=True)
class Grid:
    """Blocks of about a millisecond that divide BS.1770's 100 ms step exactly, at one sample rate."""

    rate: int
    block: int

    @property
    def step_blocks(self) -> int:
        return self.rate // 10 // self.block

    def blocks(self, ms: float) -> int:
        return max(1, round(ms / 1000 * self.rate / self.block))


@cache
def grid(rate: int) -> Grid:
    step = rate // 10
    if rate % 10:
        raise ValueError(f"unsupported sample rate {rate}")
    divisors = [d for d in range(1, step + 1) if step % d == 0]
    return Grid(rate, min(divisors, key=lambda d: abs(d - rate / 1000)))


# --- conversions -------------------------------------------------------------------------------------------
def samples_of(segment: AudioSegment) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1], at the segment's own rate."""
    segment = segment.set_channels(1).set_sample_width(2)
    return (np.frombuffer(segment.raw_data, dtype=np.int16) / 32768.0).astype(np.float32), segment.frame_rate


def resample(samples: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    if rate == to_rate:
        return samples
    common = math.gcd(rate, to_rate)
    return dsp.resample(samples, to_rate // common, rate // common).astype(np.float32)


def to_array(segment: AudioSegment, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Mono float32 samples at `rate` (resampled with a polyphase filter if need be)."""
    samples, own_rate = samples_of(segment)
    return resample(samples, own_rate, rate)


def to_pcm(samples: np.ndarray) -> bytes:
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2").tobytes()


def _blocks(samples: np.ndarray, size: int) -> np.ndarray:
    count = -(-len(samples) // size)
    if count * size == len(samples):
        return samples.reshape(count, size)
    padded = np.zeros(count * size, dtype=samples.dtype)
    padded[: len(samples)] = samples
    return padded.reshape(count, size)


def _per_sample(per_block: np.ndarray, length: int, block: int) -> np.ndarray:
    centres = np.arange(len(per_block)) * block + block / 2
    return np.interp(np.arange(length), centres, per_block).astype(np.float32)


# --- measurement -------------------------------------------------------------------------------------------
def k_weighted_power(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of the K-weighted signal per block."""
    weighted = dsp.iir(dsp.k_weighting(rate), samples)
    return (_blocks(weighted, grid(rate).block) ** 2).mean(axis=1)


def gated_loudness(block_power: np.ndarray, rate: int) -> float:
    """BS.1770-4 integrated loudness from per-block K-weighted power (400 ms blocks, 100 ms step)."""
    per_step = grid(rate).step_blocks
    steps = len(block_power) // per_step
    if steps < 4:
        return -np.inf
    step_power = block_power[: steps * per_step].reshape(steps, per_step).mean(axis=1)
    z = np.convolve(step_power, np.ones(4) / 4, mode="valid")  # each 400 ms block = 4 steps
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(z)
    above_absolute = z[loudness >= -70.0]
    if not len(above_absolute):
        return -np.inf
    relative_gate = -0.691 + 10 * np.log10(above_absolute.mean()) - 10.0
    gated = z[(loudness >= -70.0) & (loudness > relative_gate)]
    return float(-0.691 + 10 * np.log10(gated.mean())) if len(gated) else -np.inf


def integrated_loudness(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    return gated_loudness(k_weighted_power(samples, rate), rate)


def peak_envelope(samples: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Per block, the largest magnitude of the 4× oversampled signal (true peak, BS.1770 annex 2)."""
    up = dsp.upsample(samples.astype(np.float32), OVERSAMPLE, _FIR)
    delay = (len(_FIR) - 1) // 2
    up = _blocks(up[delay : delay + len(samples) * OVERSAMPLE], grid(rate).block * OVERSAMPLE)
    return np.maximum(up.max(axis=1), -up.min(axis=1))


def true_peak(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    peak = float(peak_envelope(samples, rate).max()) if len(samples) else 0.0
    return 20 * np.log10(peak) if peak > 0 else -np.inf


def measure(samples: np.ndarray, rate: int = SAMPLE_RATE) -> Loudness:
    return Loudness(
        round(float(integrated_loudness(samples, rate)), 2),
        round(float(true_peak(samples, rate)), 2),
        round(len(samples) / rate, 3),
    )


# --- processing --------------------------------------------------------------------------------------------
def highpass(samples: np.ndarray, cutoff_hz: float, rate: int) -> np.ndarray:
    # Horn loudspeakers reproduce no bass; energy below ~120 Hz only eats headroom.
    return dsp.iir(dsp.butterworth_highpass(4, cutoff_hz, rate), samples).astype(np.float32)


def compressor_gain(block_power: np.ndarray, threshold_db: float, blocks: Grid, ratio: float = 3.0) -> np.ndarray:
    """Per block, gentle RMS compression above `threshold_db`.

    Synthetic speech has a peak-to-loudness ratio near 22 dB; −16 LUFS under −1 dBTP allows 15. Taking a
    few dB here leaves the limiter less to do, so it does it with less distortion."""
    level = 10 * np.log10(dsp.moving_average(block_power, blocks.blocks(6)) + 1e-12)  # ~6 ms RMS
    gain_db = np.minimum(0.0, -(level - threshold_db) * (1 - 1 / ratio))
    # fast attack, ~30 ms release
    gain_db = dsp.moving_average(dsp.moving_minimum(gain_db, blocks.blocks(3)), blocks.blocks(30))
    return 10 ** (gain_db / 20)


def limiter_gain(
    peaks: np.ndarray, ceiling_dbtp: float, blocks: Grid, lookahead_ms: float = 2.0, release_ms: float = 5.0
) -> np.ndarray:
    """Per block, a smooth gain that brings every peak to the ceiling, starting before it.

    A minimum filter holds each needed reduction `hold` blocks either side; averaging over fewer blocks
    than that never lifts the gain above what any peak needs."""
    needed = np.minimum(1.0, 10 ** (ceiling_dbtp / 20) / np.maximum(peaks, 1e-12))
    if needed.min() >= 1.0:
        return needed
    lookahead = blocks.blocks(lookahead_ms)
    hold = lookahead + blocks.blocks(release_ms)
    return dsp.moving_average(dsp.moving_minimum(needed, 2 * hold + 1), lookahead + 1)


def master(samples: np.ndarray, rate: int, settings: MasterSettings) -> tuple[np.ndarray, Loudness]:
    """High-pass, compress, then the gain that gives the target loudness once the limiter has held the
    true peaks under the ceiling (secant search: limiting costs loudness, more so the louder it pushes).

    The K-weighted power and the peak envelope are measured once, on the high-passed signal: every later
    stage is a gain that changes slowly against the blocks, so it scales both per block, and the samples
    are multiplied once, at the end. Returns the mastered samples (same rate) and their loudness."""
    blocks = grid(rate)
    length = len(samples)
    padded = np.zeros(-(-length // blocks.block) * blocks.block, dtype=np.float32)  # reshapes never copy
    padded[:length] = samples
    signal = highpass(padded, settings.highpass_hz, rate)
    power = k_weighted_power(signal, rate)
    loudness = gated_loudness(power, rate)
    if not np.isfinite(loudness):
        return signal[:length], measure(signal[:length], rate)  # silence: nothing to normalise
    peaks = peak_envelope(signal, rate)
    shaped = compressor_gain(
        (_blocks(signal, blocks.block).astype(np.float64) ** 2).mean(axis=1), loudness - 10.0, blocks
    )
    ceiling = settings.true_peak_dbtp - LIMITER_MARGIN_DB
    gain_db = settings.target_lufs - gated_loudness(power * shaped**2, rate)
    tried: list[tuple[float, float]] = []
    for _ in range(8):
        level = 10 ** (gain_db / 20) * shaped
        gains = level * limiter_gain(peaks * level, ceiling, blocks)
        loudness = gated_loudness(power * gains**2, rate)
        tried.append((gain_db, loudness))
        error = settings.target_lufs - loudness
        if abs(error) < 0.05:
            break
        slope = 1.0
        if len(tried) > 1 and abs(tried[-1][1] - tried[-2][1]) > 1e-4:
            slope = float(np.clip((tried[-1][0] - tried[-2][0]) / (tried[-1][1] - tried[-2][1]), 1.0, 6.0))
        gain_db += error * slope
    out = (signal * _per_sample(gains, len(signal), blocks.block))[:length]
    peak = float(20 * np.log10((peaks * gains).max()))
    return out, Loudness(round(float(loudness), 2), round(peak, 2), round(length / rate, 3))


# --- encoding ----------------------------------------------------------------------------------------------
def _ffmpeg_mp3(pcm: bytes, bitrate: str) -> bytes:
    # 44.1 kHz in and out; no ID3 from ffmpeg (with_id3 writes real frames) and no Xing header
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
               "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
               "-c:a", "libmp3lame", "-b:a", bitrate, "-ac", "1", "-compression_level", "7",
               "-id3v2_version", "0", "-write_xing", "0", "-fflags", "+bitexact", "-flags:a", "+bitexact",
               "-f", "mp3", "pipe:1"]  # fmt: skip
    done = subprocess.run(command, input=pcm, capture_output=True, check=False, timeout=300, **CHILD_OPTIONS)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not encode the MP3: {done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout


@cache
def encoder_gain_db(bitrate: str) -> float:
    """LAME's CBR path turns the level down by a constant (0.445 dB, ×0.95, with this ffmpeg): measured
    once on a test tone so the MP3, not just the master, lands on the target."""
    tone = (0.25 * np.sin(2 * np.pi * 997 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
    decoded = to_array(decode_mp3(_ffmpeg_mp3(to_pcm(tone), bitrate)))
    middle = slice(SAMPLE_RATE // 4, 3 * SAMPLE_RATE // 4)
    return float(20 * np.log10(np.std(decoded[middle]) / np.std(tone[middle])))


def encode_mp3(samples: np.ndarray, rate: int, settings: MasterSettings, tags: dict[str, str]) -> bytes:
    """MP3, constant bit rate, mono 44.1 kHz, ID3v2.4 tags, no Xing header: the same bytes on every run.

    Resampling to 44.1 kHz here (numpy's polyphase filter) is several times faster than ffmpeg's own; the
    new samples lie on the waveform whose true peak the master already held under the ceiling."""
    compensation = 10 ** (-encoder_gain_db(settings.bitrate) / 20)
    pcm = to_pcm(resample(samples, rate, SAMPLE_RATE) * compensation)
    return with_id3(_ffmpeg_mp3(pcm, settings.bitrate), tags)


_ID3_FRAMES = {"title": TIT2, "artist": TPE1, "album": TALB, "date": TDRC, "language": TLAN}


def with_id3(mp3: bytes, tags: dict[str, str]) -> bytes:
    """ID3v2.4 frames players show: title, artist, album, date, language, and a real COMM comment."""
    if not tags:
        return mp3
    frames = ID3()
    for key, value in tags.items():
        if key == "comment":
            frames.add(COMM(encoding=3, lang="vie", desc="", text=[value]))
        elif key in _ID3_FRAMES:
            frames.add(_ID3_FRAMES[key](encoding=3, text=[value]))
    buffer = io.BytesIO(mp3)
    frames.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()
