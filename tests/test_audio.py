"""Broadcast-ready audio: loudness, peaks, tags, and voices that fail clearly instead of hanging."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np
import pytest
import requests
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from flows.core.items import Item
from flows.core.plan import CommunePlan
from flows.speech import engines
from flows.speech.audio import decode_mp3
from flows.speech.engines import EspeakEngine, GttsEngine, SpeechError, synthesize
from flows.speech.master import SAMPLE_RATE, MasterSettings, encode_mp3, master, to_array

from .audio_check import ebur128
from .cli import cchc
from .conftest import render, sidecar


@pytest.fixture(autouse=True)
def _fresh_gtts_state() -> None:
    engines.reset_gtts_cooldown()


def with_audio(plan: CommunePlan, **changes: object) -> CommunePlan:
    return plan.model_copy(update={"audio": plan.audio.model_copy(update=changes)})


# --- the broadcast master ----------------------------------------------------------------------------------
def test_bulletin_is_on_target_loudness_peak_format_and_tags(
    plan: CommunePlan, sample_items: dict[str, Item], tmp_path: Path
) -> None:
    item = sample_items["chi-so-sipas-hai-long"]
    artifact = render("loudspeaker", item, plan)
    path = tmp_path / "x.mp3"
    path.write_bytes(artifact.data)
    measured = ebur128(path)
    assert abs(measured.integrated_lufs - (-16.0)) <= 0.5, measured
    assert measured.true_peak_dbtp <= -1.0, measured
    info = MP3(path).info
    assert (info.channels, info.sample_rate, info.bitrate) == (1, 44_100, 96_000)
    tags = ID3(path)
    assert tags["TIT2"].text == [item.title]
    assert tags["TPE1"].text == ["Đài truyền thanh xã Bình Giang"]
    assert tags["TALB"].text == ["Tuyên truyền cải cách hành chính 2026"]
    assert str(tags["TDRC"].text[0]) == "2026-03-03"
    assert any(f"{item.id} {item.content_hash[:12]}" in c.text[0] for c in tags.getall("COMM"))
    # what the sidecar says matches what was measured independently
    assert abs(sidecar(artifact)["loudness_lufs"] - measured.integrated_lufs) <= 0.2
    assert sidecar(artifact)["engine"] == "espeak-ng" and sidecar(artifact)["voice"] == "vi"
    assert sidecar(artifact)["script"][0] == "Đài truyền thanh xã Bình Giang. Chuyên mục Cải cách hành chính."


def spectrum_level(samples: np.ndarray, frequency: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    bins = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    return 20 * np.log10(spectrum[np.argmin(np.abs(bins - frequency))] + 1e-12)


def test_master_removes_bass_and_never_clips() -> None:
    t = np.arange(SAMPLE_RATE * 6) / SAMPLE_RATE
    # a hum at 50 Hz under a 1 kHz voice-like tone that pulses, plus spikes far above full scale
    signal = 0.3 * np.sin(2 * np.pi * 50 * t) + 0.2 * np.sin(2 * np.pi * 1000 * t) * (np.sin(2 * np.pi * 3 * t) > 0)
    signal[::9000] = 1.0
    signal = signal.astype(np.float32)
    out, loudness = master(signal, SAMPLE_RATE, MasterSettings())
    hum_before = spectrum_level(signal, 50) - spectrum_level(signal, 1000)
    hum_after = spectrum_level(out, 50) - spectrum_level(out, 1000)
    assert hum_after <= hum_before - 20  # the high-pass took the hum down by at least 20 dB
    assert abs(loudness.integrated_lufs + 16) <= 0.1
    decoded = to_array(decode_mp3(encode_mp3(out, SAMPLE_RATE, MasterSettings(), {})))
    assert np.max(np.abs(decoded)) < 10 ** (-1.0 / 20)  # under −1 dBFS: limited, not clipped


def test_quieter_target_is_honoured(tmp_path: Path, plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    quiet = with_audio(plan, loudness_lufs=-20.0, true_peak_dbtp=-2.0, bitrate="128k")
    path = tmp_path / "quiet.mp3"
    path.write_bytes(render("loudspeaker", sample_items["van-hoa-cong-vu"], quiet).data)
    measured = ebur128(path)
    assert abs(measured.integrated_lufs + 20) <= 0.5 and measured.true_peak_dbtp <= -2.0
    assert MP3(path).info.bitrate == 128_000


# --- engines -----------------------------------------------------------------------------------------------
def test_espeak_regional_voices_differ() -> None:
    north = EspeakEngine("vi").speak("Xin chào bà con")
    south = EspeakEngine("vi-VN-x-south").speak("Xin chào bà con")
    assert north.raw_data != south.raw_data and len(south) > 500


def google_answer(audio: bytes) -> str:
    payload = base64.b64encode(audio).decode("ascii")
    return ")]}'\n\n" + f'[["wrb.fr","jQ1olc","[\\"{payload}\\"]",null,null,null,"generic"]]\n'


class FakeGoogle:
    """Stands in for the HTTP layer (requests' adapter): answers in turn with the scripted outcomes."""

    def __init__(self, *outcomes: object):
        self.outcomes = list(outcomes)
        self.calls: list[dict[str, object]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        self.calls.append(kwargs)
        outcome = self.outcomes.pop(0) if self.outcomes else self.outcomes_exhausted()
        if isinstance(outcome, Exception):
            raise outcome
        status, body = outcome
        response = requests.Response()
        response.status_code, response._content, response.url = status, body.encode(), request.url
        response.encoding = "utf-8"
        return response

    @staticmethod
    def outcomes_exhausted() -> None:
        raise AssertionError("more HTTP requests than scripted")


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(engines.time, "sleep", slept.append)
    return slept


def install(monkeypatch: pytest.MonkeyPatch, fake: FakeGoogle) -> None:
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", fake.send)


def test_gtts_retries_429_then_times_out_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, no_sleep: list[float], plan: CommunePlan
) -> None:
    fake = FakeGoogle(
        (429, "Too Many Requests"),
        requests.exceptions.ReadTimeout(),
        requests.exceptions.ReadTimeout(),
        requests.exceptions.ReadTimeout(),
    )
    install(monkeypatch, fake)
    with pytest.raises(SpeechError) as caught:
        synthesize(["Xin chào"], with_audio(plan, engine="gtts", gtts_retries=3, gtts_timeout_seconds=2).audio)
    message = str(caught.value)
    assert "Google" in message and "không trả lời sau 2 giây" in message and "4 lần" in message
    assert len(fake.calls) == 4
    assert no_sleep == [1.0, 2.0, 4.0]  # exponential backoff between tries
    assert all(call["verify"] is True for call in fake.calls)  # TLS verification stays on
    assert all(call["timeout"] == (2.0, 2.0) for call in fake.calls)  # and no request waits without a limit


def test_auto_falls_back_to_the_offline_voice_and_says_why(
    monkeypatch: pytest.MonkeyPatch, no_sleep: list[float], plan: CommunePlan, sample_items: dict[str, Item]
) -> None:
    fake = FakeGoogle(
        (503, "busy"), (429, "slow down"), requests.exceptions.ReadTimeout(), requests.exceptions.ReadTimeout()
    )
    install(monkeypatch, fake)
    auto = with_audio(plan, engine="auto", gtts_retries=3)
    artifact = render("loudspeaker", sample_items["cuoc-thi-tim-hieu-cchc"], auto)
    assert sidecar(artifact)["engine"] == "espeak-ng"
    assert "Google" in sidecar(artifact)["note"] and "espeak-ng" in artifact.note
    assert decode_mp3(artifact.data).duration_seconds > 20
    # the next item does not wait on Google again during the cool-down
    again = render("loudspeaker", sample_items["van-hoa-cong-vu"], auto)
    assert sidecar(again)["engine"] == "espeak-ng" and len(fake.calls) == 4


def test_gtts_answer_is_decoded_and_cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spoken = encode_mp3(to_array(EspeakEngine().speak("Xin chào")), SAMPLE_RATE, MasterSettings(), {})
    fake = FakeGoogle((200, google_answer(spoken)))
    install(monkeypatch, fake)
    engine = GttsEngine(cache_dir=tmp_path)
    first = engine.speak("Xin chào")
    second = GttsEngine(cache_dir=tmp_path).speak("Xin chào")  # a rerun: from the cache, no request
    assert len(fake.calls) == 1
    assert abs(first.duration_seconds - second.duration_seconds) < 0.01 and first.duration_seconds > 0.3


def test_piper_without_a_voice_file_says_what_to_do(plan: CommunePlan, tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="piper_model"):
        synthesize(
            ["Xin chào"], with_audio(plan, engine="piper", piper_model="voices/vi.onnx").audio, workspace_root=tmp_path
        )


# --- cchc say ----------------------------------------------------------------------------------------------
def test_say_writes_a_broadcast_ready_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from flows.core.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", with_samples=False)
    out = tmp_path / "thong-bao.mp3"
    run = cchc(
        capsys,
        "say",
        "Hạn nộp hồ sơ là ngày 15/3/2026, liên hệ 0225 3899 999.",
        "--out",
        str(out),
        "--engine",
        "espeak",
        "-w",
        str(ws.root),
    )
    assert run.code == 0, run.err
    measured = ebur128(out)
    assert abs(measured.integrated_lufs + 16) <= 0.5 and measured.true_peak_dbtp <= -1.0
    assert "LUFS" in run.out
    bad = cchc(capsys, "say", "x", "--out", str(out), "--engine", "robot", "-w", str(ws.root))
    assert bad.code == 1 and "auto, gtts, espeak" in bad.err


def test_sidecar_records_the_approver(tmp_path: Path, plan: CommunePlan, sample_items: dict[str, Item]) -> None:
    from flows.channels import Job, RenderContext
    from flows.core.workspace import init_workspace
    from flows.pipeline import produce_job

    ws = init_workspace(tmp_path / "ws")
    job = Job.of(sample_items["van-hoa-cong-vu"], "loudspeaker", plan, approved_by="Vũ Thị Hòa")
    produce_job(job, RenderContext(plan, ws))
    sidecar = json.loads((ws.output_dir / "audio" / "van-hoa-cong-vu.json").read_text(encoding="utf-8"))
    assert sidecar["approved_by"] == "Vũ Thị Hòa" and sidecar["item"] == "van-hoa-cong-vu"
    assert io.BytesIO((ws.output_dir / "audio" / "van-hoa-cong-vu.mp3").read_bytes()).read(3) in (b"ID3",)


def test_piper_model_without_the_package_says_how_to_install(plan: CommunePlan, tmp_path: Path) -> None:
    try:
        import piper  # noqa: F401

        pytest.skip("piper-tts is installed here")
    except ImportError:
        pass
    (tmp_path / "vi.onnx").write_bytes(b"not a real voice")
    with pytest.raises(SpeechError, match="pip install 'piper-tts"):
        synthesize(["Xin chào"], with_audio(plan, engine="piper", piper_model="vi.onnx").audio, workspace_root=tmp_path)


def test_a_stalled_connection_fails_within_its_timeout(monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]) -> None:
    """A real socket that accepts and never answers, like a network that hangs: the request gives up."""
    import socket
    import threading

    import gtts.tts

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    server.settimeout(5)
    accepting = threading.Thread(target=lambda: held.extend(server.accept()[0] for _ in range(2)), daemon=True)
    accepting.start()
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda **_: f"http://127.0.0.1:{server.getsockname()[1]}/x")
    engine = GttsEngine(timeout_seconds=0.5, retries=1)
    try:
        with pytest.raises(SpeechError, match="không trả lời sau 0.5 giây"):
            engine.speak("Xin chào")
        assert engine.attempts == ["timeout", "timeout"]
    finally:
        accepting.join(timeout=5)
        for connection in held:
            connection.close()
        server.close()


def test_the_numpy_filters_match_a_plain_recursive_filter_and_scipys_edges() -> None:
    import numpy as np

    from flows.speech import dsp

    rng = np.random.default_rng(7)
    x = rng.standard_normal(6000)

    def recursive(sections: tuple, signal: np.ndarray) -> np.ndarray:
        for b0, b1, b2, a1, a2 in sections:
            y, x1, x2, y1, y2 = np.empty(len(signal)), 0.0, 0.0, 0.0, 0.0
            for n, v in enumerate(signal):
                y[n] = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
                x2, x1, y2, y1 = x1, v, y1, y[n]
            signal = y
        return signal

    for sections in (dsp.k_weighting(22050), dsp.k_weighting(48000), dsp.butterworth_highpass(4, 120, 22050)):
        assert np.abs(dsp.iir(sections, x) - recursive(sections, x)).max() < 1e-6  # 16-bit LSB: 3e-5
    # the K-weighting's known response: +4 dB at high frequencies, about -1 dB at 100 Hz (BS.1770 figure)
    for hz, gain_db in ((100.0, -0.9), (10_000.0, 4.0)):
        t = np.arange(48000) / 48000
        tone = np.sin(2 * np.pi * hz * t)
        out = dsp.iir(dsp.k_weighting(48000), tone)[24000:]
        assert abs(20 * np.log10(np.sqrt(2) * out.std()) - gain_db) < 0.3
    v = rng.standard_normal(50)
    assert np.allclose(dsp.moving_average(v, 1), v) and len(dsp.moving_minimum(v, 6)) == 50
