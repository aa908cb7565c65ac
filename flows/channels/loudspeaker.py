"""Loudspeaker channel: the item as a spoken bulletin MP3 for the commune's loudspeaker system."""

from __future__ import annotations

import io

from ..core.items import Item
from ..core.plan import CommunePlan
from ..core.text import markdown_paragraphs, nfc
from ..core.workspace import Workspace
from ..speech.audio import AudioSegment, Sine, normalize
from ..speech.engines import FallbackEngine, engine_from
from . import Artifact

SAMPLE_RATE = 44_100
PARAGRAPH_PAUSE_MS = 700
SECTION_PAUSE_MS = 1_000
PEAK_HEADROOM_DB = 1.0


def bulletin_script(item: Item, plan: CommunePlan) -> list[str]:
    """The paragraphs the voice reads, in order: ident, title, summary, body, closing."""
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


def chime(workspace: Workspace | None = None) -> AudioSegment:
    """The commune's jingle from assets/jingle.mp3 if it has one, else a two-note chime made here."""
    jingle = workspace.asset("jingle.mp3") if workspace else None
    if jingle is not None:
        return AudioSegment.from_file(jingle, format="mp3", codec="mp3").set_channels(1)
    notes = [Sine(freq).to_audio_segment(duration=260, volume=-8).fade_in(15).fade_out(120) for freq in (659, 880)]
    return (notes[0] + notes[1]).set_frame_rate(SAMPLE_RATE)


def render(item: Item, plan: CommunePlan, workspace: Workspace | None = None) -> Artifact:
    engine = engine_from(plan.audio)
    script = bulletin_script(item, plan)
    silence = AudioSegment.silent
    bell = chime(workspace).set_frame_rate(SAMPLE_RATE)
    speech = silence(0, frame_rate=SAMPLE_RATE)
    for index, line in enumerate(script):
        voice = engine.speak(line).set_frame_rate(SAMPLE_RATE).set_channels(1)
        pause = SECTION_PAUSE_MS if index in (0, 1, len(script) - 2) else PARAGRAPH_PAUSE_MS
        speech += voice + silence(pause, frame_rate=SAMPLE_RATE)
    bulletin = bell + silence(400, frame_rate=SAMPLE_RATE) + speech + bell
    bulletin = normalize(bulletin.set_sample_width(2), headroom=PEAK_HEADROOM_DB)
    buffer = io.BytesIO()
    tags = {
        "title": item.meta.title,
        "artist": plan.commune.station_name,
        "album": plan.commune.portal_category,
        "date": item.meta.date.isoformat(),
        "language": "vie",
    }
    bulletin.export(
        buffer,
        format="mp3",
        bitrate=plan.audio.bitrate,
        tags=tags,
        parameters=["-ac", "1", "-fflags", "+bitexact", "-flags:a", "+bitexact"],
    )
    note = None
    if isinstance(engine, FallbackEngine) and engine.last_error:
        note = f"Dùng giọng đọc dự phòng espeak-ng vì: {engine.last_error}"
    return Artifact(buffer.getvalue(), duration_seconds=round(len(bulletin) / 1000, 3), engine=engine.name, note=note)
