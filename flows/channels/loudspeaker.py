"""Loudspeaker channel: the item as a spoken bulletin MP3, mastered for horn loudspeakers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import markdown_paragraphs, nfc
from ..core.workspace import Workspace
from ..speech.audio import AudioSegment
from ..speech.engines import Speech, synthesize
from ..speech.master import SAMPLE_RATE, Loudness, MasterSettings, encode_mp3, master, to_array
from ..speech.normalize import load_lexicon, normalize
from . import Artifact, Job, RenderContext, paths

SECTION_PAUSE_MS = 1_000


def bulletin_script(item: Item, plan: CommunePlan) -> list[str]:
    """The paragraphs as written, in the order read: ident, title, summary, body, hotline, closing."""
    names = {
        "station_name": plan.commune.station_name,
        "category": plan.commune.portal_category,
        "commune": plan.commune.full_name,
    }
    lines = [plan.audio.opening.format(**names), item.meta.title, item.meta.summary]
    lines += markdown_paragraphs(item.body)
    if item.meta.hotline:
        lines.append(f"Số điện thoại đường dây nóng: {item.meta.hotline}.")
    lines.append(plan.audio.closing.format(**names))
    return [nfc(line) for line in lines if line.strip()]


def spoken_script(item: Item, plan: CommunePlan, workspace: Workspace | None = None) -> list[str]:
    """What the voice actually reads: the script through the normalizer and the workspace's lexicon."""
    lexicon = load_lexicon(workspace.root / "content" / "lexicon.yaml" if workspace else None)
    return [normalize(line, lexicon) for line in bulletin_script(item, plan)]


def chime(workspace: Workspace | None = None, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The commune's jingle from assets/jingle.mp3 if it has one, else a two-note chime made here."""
    jingle = workspace.asset("jingle.mp3") if workspace else None
    if jingle is not None:
        return to_array(AudioSegment.from_file(jingle, format="mp3", codec="mp3"), rate)
    notes = []
    for frequency in (659.25, 880.0):  # E5, A5
        t = np.arange(int(0.26 * rate)) / rate
        envelope = np.minimum(1.0, t / 0.015) * np.exp(-t * 9)
        notes.append(0.35 * envelope * np.sin(2 * np.pi * frequency * t))
    return np.concatenate(notes).astype(np.float32)


def _silence(ms: int, rate: int) -> np.ndarray:
    return np.zeros(int(rate * ms / 1000), dtype=np.float32)


@dataclass(frozen=True)
class Bulletin:
    data: bytes
    loudness: Loudness
    speech: Speech
    cues: tuple[tuple[float, float], ...] = ()  # when each line of the script is heard (seconds)


def speak_lines(
    script: list[str], plan: CommunePlan, workspace: Workspace | None, tags: dict[str, str], with_chime: bool = True
) -> Bulletin:
    """Normalized lines → voice → pauses and chime → broadcast master → tagged MP3."""
    settings = MasterSettings(
        plan.audio.loudness_lufs, plan.audio.true_peak_dbtp, plan.audio.highpass_hz, plan.audio.bitrate
    )
    cache = workspace.output_dir / paths.TTS_CACHE if workspace else None
    speech = synthesize(script, plan.audio, cache, workspace.root if workspace else None)
    # mastered at the voice's own rate; the encoder makes 44.1 kHz
    rate = speech.segments[0].frame_rate if speech.segments else SAMPLE_RATE
    bell = chime(workspace, rate) if with_chime else _silence(0, rate)
    parts = [bell, _silence(400 if with_chime else 0, rate)]
    cues = []
    for index, segment in enumerate(speech.segments):
        pause = SECTION_PAUSE_MS if index in (0, 1, len(script) - 2) else plan.audio.paragraph_pause_ms
        start = sum(len(p) for p in parts) / rate
        voice = to_array(segment, rate)
        parts += [voice, _silence(pause, rate)]
        cues.append((start, start + len(voice) / rate))
    parts.append(bell)
    mastered, loudness = master(np.concatenate(parts), rate, settings)
    return Bulletin(encode_mp3(mastered, rate, settings, tags), loudness, speech, tuple(cues))


def render(job: Job, ctx: RenderContext) -> Artifact:
    """The bulletin MP3 and its JSON sidecar (what was read, how loud, by which voice, who approved it)."""
    item, plan, workspace = job.item, ctx.plan, ctx.workspace
    script = spoken_script(item, plan, workspace)
    tags = {
        "title": item.meta.title,
        "artist": plan.commune.station_name,
        "album": f"{plan.audio.campaign} {item.meta.date.year}",
        "date": item.meta.date.isoformat(),
        "comment": f"{item.id} {item.content_hash[:12]}",
        "language": "vie",
    }
    bulletin = speak_lines(script, plan, workspace, tags)
    speech, loudness = bulletin.speech, bulletin.loudness
    sidecar: dict[str, object] = {
        "item": item.id,
        "version": item.content_hash,
        "title": item.meta.title,
        "duration_seconds": loudness.duration_seconds,
        "loudness_lufs": loudness.integrated_lufs,
        "true_peak_dbtp": loudness.true_peak_dbtp,
        "engine": speech.engine,
        "voice": speech.voice,
        "text_sha256": hashlib.sha256("\n".join(script).encode("utf-8")).hexdigest(),
        "script": script,
    }
    if speech.note:
        sidecar["note"] = speech.note
    sidecar["approved_by"] = job.approved_by
    main = paths.audio(item.id)
    return Artifact(
        main,
        {
            paths.audio_sidecar(item.id): json.dumps(sidecar, ensure_ascii=False, indent=2).encode("utf-8"),
            main: bulletin.data,
        },
        duration_seconds=loudness.duration_seconds,
        engine=f"{speech.engine}/{speech.voice}",
        note=speech.note,
    )
