"""Speech engines behind one entry point, `synthesize(lines, config, cache_dir)`.

- espeak: offline, libespeak-ng from the espeakng-loader wheel, driven with ctypes. Always there.
- gtts: Google's natural voice, online only. Every request has a timeout and TLS verification (gTTS's own
  stream() turns verification off, so we only let gTTS build the requests and send them ourselves),
  429 and 5xx answers are retried with backoff, and chunks are cached by text hash so a retry or a rerun
  downloads nothing twice.
- piper: an offline neural voice, when the commune supplies a voice model (.onnx) and installs the
  optional `piper-tts` package.
- auto: gtts, and if Google cannot be reached, the whole bulletin in the offline voice, saying why.
Nothing waits without a timeout.
"""

from __future__ import annotations

import atexit
import base64
import ctypes
import hashlib
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..core.atomic import write_atomic
from ..core.errors import CchcError
from ..core.settings import Audio
from .audio import AudioSegment, decode_mp3


class SpeechError(CchcError):
    pass


class SpeechEngine(Protocol):
    name: str
    voice: str

    def speak(self, text: str) -> AudioSegment: ...


@dataclass
class Speech:
    """A bulletin's lines as spoken, and by which engine and voice."""

    segments: list[AudioSegment]
    engine: str
    voice: str
    note: str | None = None


# --- espeak-ng -------------------------------------------------------------------------------------------
# espeak-ng keeps global state: one initialisation per process and one synthesis at a time.
_ESPEAK_LOCK = threading.Lock()
_ESPEAK: tuple[ctypes.CDLL, int] | None = None
_CALLBACK_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE, _ESPEAK_VOLUME = 1, 2
ESPEAK_VOLUME = 70  # espeak-ng clips above about 70
ESPEAK_VOICES = ("vi", "vi-VN-x-central", "vi-VN-x-south")
_chunks: list[bytes] = []

# A voice variant that only turns off pitch "flutter" and "roughness": both run on from one utterance to
# the next, so with them the same text sounds (and hashes) different depending on what was read before.
# Without them a rerun of the flow makes byte-identical MP3s.
STEADY_VARIANT = "cchc-steady"


@_CALLBACK_TYPE
def _collect(wav: ctypes.POINTER(ctypes.c_short), samples: int, _events: ctypes.c_void_p) -> int:
    if wav and samples > 0:
        _chunks.append(ctypes.string_at(wav, samples * 2))
    return 0


def _data_with_steady_variant(packaged: Path) -> Path:
    """espeak-ng reads variants only from its data folder: make a private one of symlinks plus our variant."""
    root = Path(tempfile.mkdtemp(prefix="cchc-espeak-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for entry in packaged.iterdir():
        if entry.name != "voices":
            (root / entry.name).symlink_to(entry)
    variants = root / "voices" / "!v"
    variants.mkdir(parents=True)
    for entry in (packaged / "voices" / "!v").iterdir():
        (variants / entry.name).symlink_to(entry)
    text = f"language variant\nname {STEADY_VARIANT}\nflutter 0\nroughness 0\n"
    (variants / STEADY_VARIANT).write_text(text, encoding="utf-8")
    return root


def _espeak() -> tuple[ctypes.CDLL, int]:
    global _ESPEAK
    if _ESPEAK is None:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        data = _data_with_steady_variant(Path(espeakng_loader.get_data_path()))
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data).encode(), 0)
        if rate <= 0:
            raise SpeechError("Không khởi động được giọng đọc espeak-ng (gói espeakng-loader).")
        lib.espeak_SetSynthCallback(_collect)
        _ESPEAK = (lib, rate)
    return _ESPEAK


@dataclass
class EspeakEngine:
    """The offline voice: robotic, but always there (about 900× faster than real time)."""

    voice: str = "vi"
    words_per_minute: int = 150
    name: str = "espeak-ng"

    def speak(self, text: str) -> AudioSegment:
        if self.voice not in ESPEAK_VOICES:
            raise SpeechError(f"Giọng espeak '{self.voice}' không hỗ trợ; chọn một trong: {', '.join(ESPEAK_VOICES)}.")
        with _ESPEAK_LOCK:
            lib, rate = _espeak()
            if lib.espeak_SetVoiceByName(f"{self.voice}+{STEADY_VARIANT}".encode()) != 0:
                raise SpeechError(f"Giọng đọc '{self.voice}' không có trong espeak-ng.")
            lib.espeak_SetParameter(_ESPEAK_RATE, self.words_per_minute, 0)
            lib.espeak_SetParameter(_ESPEAK_VOLUME, ESPEAK_VOLUME, 0)
            _chunks.clear()
            data = text.encode("utf-8") + b"\0"
            if lib.espeak_Synth(ctypes.c_char_p(data), len(data), 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None) != 0:
                raise SpeechError("espeak-ng không đọc được đoạn văn bản này.")
            lib.espeak_Synchronize()
            pcm = b"".join(_chunks)
            _chunks.clear()
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)


# --- gTTS --------------------------------------------------------------------------------------------------
_AUDIO_LINE = re.compile(r'jQ1olc","\[\\"(.*)\\"]')
# After Google failed, `auto` goes straight to the offline voice for a while instead of waiting on the
# network again for every item of the run.
_gtts_down_until = 0.0
_gtts_down_reason = ""
GTTS_COOLDOWN_SECONDS = 600.0


def reset_gtts_cooldown() -> None:
    global _gtts_down_until, _gtts_down_reason
    _gtts_down_until, _gtts_down_reason = 0.0, ""


@dataclass
class GttsEngine:
    """Google's voice: natural, online only."""

    timeout_seconds: float = 10.0
    retries: int = 3
    backoff_seconds: float = 1.0
    cache_dir: Path | None = None
    name: str = "gtts"
    voice: str = "vi"
    attempts: list[str] = field(default_factory=list)

    def speak(self, text: str) -> AudioSegment:
        key = hashlib.sha256(f"gtts|{self.voice}|{text}".encode()).hexdigest()
        cached = self.cache_dir / f"{key}.mp3" if self.cache_dir else None
        if cached is not None and cached.is_file():
            return decode_mp3(cached.read_bytes())
        data = self._download(text)
        if cached is not None:
            write_atomic(cached, data)
        return decode_mp3(data)

    def _download(self, text: str) -> bytes:
        import requests
        from gtts import gTTS

        requests_to_send = gTTS(text, lang="vi")._prepare_requests()  # gTTS builds them; we send them
        with requests.Session() as session:
            return b"".join(self._send(session, request) for request in requests_to_send)

    def _send(self, session: object, request: object) -> bytes:
        import requests

        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
            try:
                response = session.send(
                    request, timeout=(min(5.0, self.timeout_seconds), self.timeout_seconds), verify=True
                )
            except requests.Timeout:
                problem = f"dịch vụ không trả lời sau {self.timeout_seconds:g} giây"
                self.attempts.append("timeout")
                continue
            except requests.RequestException as exc:
                self.attempts.append("no-connection")
                reason = f"không kết nối được ({type(exc).__name__}); máy không có Internet?"
                raise SpeechError(self._message(reason)) from exc
            self.attempts.append(str(response.status_code))
            if response.status_code == 429 or response.status_code >= 500:
                problem = f"máy chủ Google trả lời mã {response.status_code}"
                continue
            if response.status_code != 200:
                raise SpeechError(self._message(f"máy chủ Google từ chối yêu cầu (mã {response.status_code})"))
            for line in response.text.splitlines():
                if "jQ1olc" in line and (found := _AUDIO_LINE.search(line)):
                    return base64.b64decode(found.group(1))
            raise SpeechError(self._message("câu trả lời của Google không có âm thanh"))
        raise SpeechError(self._message(f"{problem} (đã thử {self.retries + 1} lần)"))

    @staticmethod
    def _message(reason: str) -> str:
        return f"Không dùng được giọng đọc Google (gTTS): {reason}."


# --- piper -------------------------------------------------------------------------------------------------
@dataclass
class PiperEngine:
    """An offline neural voice from a Piper model file the commune supplies (e.g. vi_VN-….onnx)."""

    model: Path
    name: str = "piper"

    @property
    def voice(self) -> str:
        return self.model.stem

    def speak(self, text: str) -> AudioSegment:
        if not self.model.is_file():
            raise SpeechError(
                f"Không tìm thấy tệp giọng đọc Piper '{self.model}'. Đặt tệp .onnx (kèm tệp .onnx.json) "
                "vào đó, hoặc sửa audio.piper_model trong content/commune.yaml."
            )
        try:
            import piper  # noqa: F401  (optional: pip install piper-tts)
        except ImportError as exc:
            raise SpeechError(
                "Chưa cài giọng đọc Piper: chạy  .venv/bin/pip install 'piper-tts>=1.3'  rồi thử lại."
            ) from exc
        voice = _piper_voice(str(self.model))
        chunks = list(voice.synthesize(text))
        rate = chunks[0].sample_rate if chunks else 22_050
        return AudioSegment(
            data=b"".join(c.audio_int16_bytes for c in chunks), sample_width=2, frame_rate=rate, channels=1
        )


_piper_voices: dict[str, object] = {}


def _piper_voice(model: str) -> object:
    from piper import PiperVoice

    if model not in _piper_voices:
        _piper_voices[model] = PiperVoice.load(model)
    return _piper_voices[model]


# --- the entry point ---------------------------------------------------------------------------------------
def _speak_all(engine: SpeechEngine, lines: list[str]) -> Speech:
    return Speech([engine.speak(line) for line in lines], engine.name, engine.voice)


def synthesize(
    lines: list[str], config: Audio, cache_dir: Path | None = None, workspace_root: Path | None = None
) -> Speech:
    """Speak every line with the configured engine; `auto` falls back to the offline voice as a whole."""
    global _gtts_down_until, _gtts_down_reason
    offline = EspeakEngine(config.espeak_voice, config.words_per_minute)
    online = GttsEngine(config.gtts_timeout_seconds, config.gtts_retries, cache_dir=cache_dir)
    if config.engine == "espeak":
        return _speak_all(offline, lines)
    if config.engine == "gtts":
        return _speak_all(online, lines)
    if config.engine == "piper":
        model = Path(config.piper_model or "")
        if workspace_root is not None and not model.is_absolute():
            model = workspace_root / model
        return _speak_all(PiperEngine(model), lines)
    if time.monotonic() < _gtts_down_until:
        reason = _gtts_down_reason
    else:
        try:
            return _speak_all(online, lines)
        except SpeechError as exc:
            reason = str(exc)
            _gtts_down_until, _gtts_down_reason = time.monotonic() + GTTS_COOLDOWN_SECONDS, reason
    speech = _speak_all(offline, lines)
    speech.note = f"Dùng giọng đọc dự phòng espeak-ng vì: {reason}"
    return speech
