"""The few signal-processing pieces the broadcast master needs, in numpy alone: importing scipy.signal and
scipy.ndimage took longer than mastering a whole bulletin, and a spoken announcement should answer at once.

IIR filters (the K-weighting of BS.1770, the Butterworth high-pass) are applied as their impulse response,
run until it has died away (under 1e-9 of its peak), by FFT convolution in blocks: the same result as a
recursive filter to far below the 16-bit noise floor."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

Biquad = tuple[float, float, float, float, float]  # b0, b1, b2, a1, a2 (a0 = 1)


def k_weighting(rate: int) -> tuple[Biquad, Biquad]:
    """BS.1770-4's two stages, for any rate (the formulas of pyloudnorm, after Brecht De Man): a high shelf
    of +4 dB at 1.5 kHz, then the RLB high-pass at 38 Hz."""
    a = 10 ** (4.0 / 40)
    w0 = 2 * math.pi * 1500.0 / rate
    alpha = math.sin(w0) / (2 * (1 / math.sqrt(2)))
    cos = math.cos(w0)
    shelf = (
        a * ((a + 1) + (a - 1) * cos + 2 * math.sqrt(a) * alpha),
        -2 * a * ((a - 1) + (a + 1) * cos),
        a * ((a + 1) + (a - 1) * cos - 2 * math.sqrt(a) * alpha),
        (a + 1) - (a - 1) * cos + 2 * math.sqrt(a) * alpha,
        2 * ((a - 1) - (a + 1) * cos),
        (a + 1) - (a - 1) * cos - 2 * math.sqrt(a) * alpha,
    )
    w0 = 2 * math.pi * 38.0 / rate
    alpha, cos = math.sin(w0) / (2 * 0.5), math.cos(w0)
    high_pass = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)
    return _normalised(shelf), _normalised(high_pass)


def butterworth_highpass(order: int, cutoff_hz: float, rate: int) -> tuple[Biquad, ...]:
    """An even-order Butterworth high-pass as biquads (bilinear transform, pre-warped cutoff)."""
    w0 = 2 * math.pi * cutoff_hz / rate
    cos, sections = math.cos(w0), []
    for k in range(order // 2):
        q = 1 / (2 * math.cos(math.pi * (2 * k + 1) / (2 * order)))
        alpha = math.sin(w0) / (2 * q)
        sections.append(_normalised(((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)))
    return tuple(sections)


def _normalised(c: tuple[float, ...]) -> Biquad:
    b0, b1, b2, a0, a1, a2 = c
    return b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0


@cache
def impulse_response(sections: tuple[Biquad, ...], limit: int = 1 << 18) -> np.ndarray:
    """The cascade's response to a unit impulse, until it has decayed away."""
    length = 4096
    while True:
        x = np.zeros(length)
        x[0] = 1.0
        for b0, b1, b2, a1, a2 in sections:
            y = np.empty(length)
            x1 = x2 = y1 = y2 = 0.0
            for n in range(length):  # a few thousand steps, once per filter and rate (cached)
                out = b0 * x[n] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
                x2, x1, y2, y1 = x1, x[n], y1, out
                y[n] = out
            x = y
        tail = np.abs(x[-length // 8 :]).max()
        if tail < 1e-9 * np.abs(x).max() or length >= limit:
            return x[: _last_significant(x)]
        length *= 2


def _last_significant(response: np.ndarray) -> int:
    significant = np.nonzero(np.abs(response) >= 1e-9 * np.abs(response).max())[0]
    return int(significant[-1]) + 1


def convolve(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """`signal` filtered by `kernel`, same length as the signal (overlap-add FFT convolution in blocks)."""
    n, m = len(signal), len(kernel)
    if n == 0:
        return signal.astype(np.float64)
    if m <= 64:
        return np.convolve(signal, kernel)[:n]
    size = 1 << max(12, (2 * m - 1).bit_length())
    step = size - m + 1
    count = -(-n // step)
    padded = np.zeros(count * step)
    padded[:n] = signal
    spectrum = np.fft.rfft(kernel, size)
    pieces = np.fft.irfft(np.fft.rfft(padded.reshape(count, step), size, axis=1) * spectrum, size, axis=1)
    out = np.zeros(count * step + size)
    for index in range(count):  # overlap-add: each block's tail lands on the next ones
        out[index * step : index * step + size] += pieces[index]
    return out[:n]


def iir(sections: tuple[Biquad, ...], signal: np.ndarray) -> np.ndarray:
    return convolve(np.asarray(signal, dtype=np.float64), impulse_response(tuple(sections)))


def lowpass_fir(taps: int, cutoff: float, beta: float) -> np.ndarray:
    """A windowed-sinc low-pass (Kaiser window), `cutoff` as a fraction of Nyquist, unit gain at DC."""
    n = np.arange(taps) - (taps - 1) / 2
    h = cutoff * np.sinc(cutoff * n) * np.kaiser(taps, beta)
    return h / h.sum()


def upsample(signal: np.ndarray, factor: int, kernel: np.ndarray) -> np.ndarray:
    """Zero-stuffed by `factor`, then filtered (scipy's upfirdn with up only)."""
    stuffed = np.zeros(len(signal) * factor, dtype=np.float64)
    stuffed[::factor] = signal
    return np.convolve(stuffed, kernel) if len(kernel) <= 64 else convolve(stuffed, kernel)


def resample(signal: np.ndarray, up: int, down: int) -> np.ndarray:
    """Rational resampling by up/down through a Kaiser-windowed low-pass (as scipy's resample_poly)."""
    factor = max(up, down)
    half = 10 * factor
    kernel = lowpass_fir(2 * half + 1, 1 / factor, 5.0) * up
    stuffed = np.zeros(len(signal) * up, dtype=np.float64)
    stuffed[::up] = signal
    filtered = convolve(np.concatenate([stuffed, np.zeros(half)]), kernel)[half:]
    return filtered[::down][: -(-len(signal) * up // down)]


def moving_average(values: np.ndarray, size: int) -> np.ndarray:
    """Centred running mean, edges mirrored (as scipy.ndimage.uniform_filter1d)."""
    if size <= 1 or len(values) == 0:
        return np.asarray(values, dtype=np.float64)
    left, right = size // 2, size - 1 - size // 2
    padded = np.pad(np.asarray(values, dtype=np.float64), (left, right), mode="symmetric")
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    return (sums[size:] - sums[:-size]) / size


def moving_minimum(values: np.ndarray, size: int) -> np.ndarray:
    """Centred running minimum, edges mirrored (as scipy.ndimage.minimum_filter1d)."""
    if size <= 1 or len(values) == 0:
        return np.asarray(values)
    left, right = size // 2, size - 1 - size // 2
    padded = np.pad(np.asarray(values), (left, right), mode="symmetric")
    return np.lib.stride_tricks.sliding_window_view(padded, size).min(axis=1)
