"""Speech engines. espeak-ng (offline, shipped by espeakng-loader) and gTTS (Google, production voice).

gTTS needs the internet. When it cannot be reached it fails within its timeout and, if the commune's
plan allows, the offline voice takes over; the delivery records which engine spoke.
"""

from __future__ import annotations

import atexit
import ctypes
import io
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..core.errors import CchcError
from ..core.plan import Audio
from .audio import AudioSegment, decode_mp3


class SpeechError(CchcError):
    pass


class SpeechEngine(Protocol):
    name: str

    def speak(self, text: str) -> AudioSegment: ...


# espeak-ng keeps global state: one initialisation per process and one synthesis at a time.
_ESPEAK_LOCK = threading.Lock()
_ESPEAK: tuple[ctypes.CDLL, int] | None = None
_CALLBACK_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_chunks: list[bytes] = []


@_CALLBACK_TYPE
def _collect(wav: ctypes.POINTER(ctypes.c_short), samples: int, _events: ctypes.c_void_p) -> int:
    if wav and samples > 0:
        _chunks.append(ctypes.string_at(wav, samples * 2))
    return 0


# A voice variant that only turns off pitch "flutter": flutter runs on from one utterance to the next, so with
# it the same text sounds (and hashes) different depending on what was read before. Without it a rerun of the
# flow makes byte-identical MP3s.
STEADY_VARIANT = "cchc-steady"


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
    (variants / STEADY_VARIANT).write_text(
        f"language variant\nname {STEADY_VARIANT}\nflutter 0\nroughness 0\n", encoding="utf-8"
    )
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
    """The offline voice: robotic, but always there."""

    voice: str = "vi"
    words_per_minute: int = 150
    name: str = "espeak-ng"

    def speak(self, text: str) -> AudioSegment:
        with _ESPEAK_LOCK:
            lib, rate = _espeak()
            voice = self.voice if "+" in self.voice else f"{self.voice}+{STEADY_VARIANT}"
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeechError(f"Giọng đọc '{self.voice}' không có trong espeak-ng.")
            lib.espeak_SetParameter(_ESPEAK_RATE, self.words_per_minute, 0)
            _chunks.clear()
            data = text.encode("utf-8") + b"\0"
            if lib.espeak_Synth(ctypes.c_char_p(data), len(data), 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None) != 0:
                raise SpeechError("espeak-ng không đọc được đoạn văn bản này.")
            lib.espeak_Synchronize()
            pcm = b"".join(_chunks)
            _chunks.clear()
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)


@dataclass
class GttsEngine:
    """Google's voice: natural, online only."""

    timeout_seconds: float = 10.0
    name: str = "gtts"

    def speak(self, text: str) -> AudioSegment:
        from gtts import gTTS
        from gtts.tts import gTTSError

        buffer = io.BytesIO()
        try:
            gTTS(text, lang="vi", timeout=self.timeout_seconds).write_to_fp(buffer)
        except (gTTSError, OSError) as exc:
            raise SpeechError(
                "Không kết nối được dịch vụ giọng đọc Google (gTTS): máy không có Internet hoặc dịch vụ "
                f"không trả lời sau {self.timeout_seconds:g} giây. Chi tiết: {exc}"
            ) from exc
        return decode_mp3(buffer.getvalue())


@dataclass
class FallbackEngine:
    """Try the production voice; on failure use the offline one and remember why."""

    primary: SpeechEngine
    backup: SpeechEngine
    last_error: str | None = None

    @property
    def name(self) -> str:
        return self.primary.name if self.last_error is None else self.backup.name

    def speak(self, text: str) -> AudioSegment:
        if self.last_error is None:
            try:
                return self.primary.speak(text)
            except SpeechError as exc:
                self.last_error = str(exc)  # don't wait on the network again for every paragraph
        return self.backup.speak(text)


def engine_from(config: Audio) -> SpeechEngine:
    offline = EspeakEngine(config.voice, config.words_per_minute)
    if config.engine == "espeak":
        return offline
    online = GttsEngine(config.gtts_timeout_seconds)
    return FallbackEngine(online, offline) if config.fallback == "espeak" else online
