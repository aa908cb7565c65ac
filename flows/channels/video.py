"""Video channel: a short vertical MP4 (1080×1920, for the fanpage, YouTube Shorts and TikTok) — the
infographic with the bulletin's voice, and subtitles from the script twice: burned into the picture (most
people watch muted) and as a subtitle track and an .srt file (for YouTube)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageDraw

from ..core.processes import CHILD_OPTIONS
from ..core.text import plain_text
from . import Artifact, Job, RenderContext, paths
from .cards import draw, png
from .layout import font
from .loudspeaker import bulletin_script, speak_lines, spoken_script

SIZE = (1080, 1920)
PICTURE_TOP = 150
BAND = (60, 1560, 1020, 1840)  # where the subtitle is drawn
FPS = 10  # a still picture: ten frames a second is smooth enough and quick to encode


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def subtitles(lines: list[str], cues: tuple[tuple[float, float], ...]) -> str:
    return "\n".join(
        f"{n}\n{_srt_time(start)} --> {_srt_time(end)}\n{line}\n"
        for n, (line, (start, end)) in enumerate(zip(lines, cues, strict=True), start=1)
    )


def _wrap(text: str, face: object, width: int, draw_: ImageDraw.ImageDraw) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw_.textlength(trial, font=face) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def frame(picture: Image.Image, text: str, palette: dict[str, str]) -> Image.Image:
    """The infographic on the commune's colour, with one subtitle in the band below it (shrunk to fit)."""
    canvas = Image.new("RGB", SIZE, palette["primary_dark"])
    canvas.paste(picture.convert("RGB"), ((SIZE[0] - picture.width) // 2, PICTURE_TOP))
    if not text:
        return canvas
    pen = ImageDraw.Draw(canvas)
    left, top, right, bottom = BAND
    for size in range(52, 25, -2):
        face = font("SemiBold", size)
        lines = _wrap(text, face, right - left - 40, pen)
        height = len(lines) * size * 1.3
        if height <= bottom - top - 30:
            break
    else:
        lines = lines[: int((bottom - top - 30) // (size * 1.3))]
        lines[-1] = lines[-1] + "…"
    pen.rounded_rectangle(BAND, 24, fill=palette["footer"])
    y = top + (bottom - top - len(lines) * size * 1.3) / 2
    for line in lines:
        pen.text(((left + right) / 2, y), line, font=face, fill=palette["white"], anchor="ma")
        y += size * 1.3
    return canvas


def render(job: Job, ctx: RenderContext) -> Artifact:
    item, plan, workspace = job.item, ctx.plan, ctx.workspace
    written = [plain_text(line) for line in bulletin_script(item, plan)]
    tags = {"title": item.meta.title, "artist": plan.commune.full_name, "language": "vie"}
    bulletin = speak_lines(spoken_script(item, plan, workspace), plan, workspace, tags)
    picture = draw("portrait", item, plan, workspace, job.canonical_url).image
    srt = subtitles(written, bulletin.cues)
    with tempfile.TemporaryDirectory(prefix="cchc-video-") as folder:
        work = Path(folder)
        (work / "voice.mp3").write_bytes(bulletin.data)
        (work / "subs.srt").write_text(srt, encoding="utf-8")
        # one still frame per stretch of time: a subtitle while its line is heard, the bare picture between
        moments: list[tuple[str, float]] = []
        clock = 0.0
        for line, (start, end) in zip(written, bulletin.cues, strict=True):
            if start > clock:
                moments.append(("", start - clock))
            moments.append((line, end - start))
            clock = end
        moments.append(("", max(0.04, bulletin.loudness.duration_seconds - clock)))
        listing = []
        for n, (text, seconds) in enumerate(moments):
            name = f"f{n:04d}.png"
            (work / name).write_bytes(png(frame(picture, text, plan.style.palette)))
            listing.append(f"file '{name}'\nduration {seconds:.3f}")
        listing.append(f"file 'f{len(moments) - 1:04d}.png'")  # the concat demuxer needs the last frame twice
        (work / "frames.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "concat", "-safe", "0", "-i", "frames.txt", "-i", "voice.mp3", "-i", "subs.srt",
            "-map", "0:v", "-map", "1:a", "-map", "2:s",
            "-vf", f"fps={FPS},format=yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage",
            "-crf", "23", "-c:a", "aac", "-b:a", "128k", "-c:s", "mov_text",
            "-metadata:s:s:0", "language=vie", "-metadata:s:a:0", "language=vie",
            "-metadata", f"title={plain_text(item.meta.title)}", "-map_metadata", "-1",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-movflags", "+faststart", "video.mp4",  # no -shortest: with a subtitle track it never ends
        ]  # fmt: skip
        done = subprocess.run(
            command, cwd=work, stdin=subprocess.DEVNULL, capture_output=True, timeout=600, **CHILD_OPTIONS
        )
        if done.returncode != 0:
            raise RuntimeError(f"ffmpeg could not make the video: {done.stderr.decode(errors='replace')[-500:]}")
        data = (work / "video.mp4").read_bytes()
    main = paths.video(item.id)
    return Artifact(
        main,
        {paths.video_subtitles(item.id): srt.encode("utf-8"), main: data},
        duration_seconds=bulletin.loudness.duration_seconds,
        engine=f"{bulletin.speech.engine}/{bulletin.speech.voice}",
        note=bulletin.speech.note,
    )
