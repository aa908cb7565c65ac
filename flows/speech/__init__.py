"""Turning Vietnamese text into speech: engines (offline espeak-ng, online gTTS) and audio helpers."""
