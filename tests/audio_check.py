"""Measure an MP3 the way a broadcast engineer would, independently of our own meter: ffmpeg's EBU R128."""

from flows.speech.audio import R128, ebur128

__all__ = ["R128", "ebur128"]
