"""Output channels. Each module has one entry point, `render(item, plan, workspace) -> Artifact`
(the Pelican "generator" step); where its file goes under output/ is said here, once."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType


@dataclass(frozen=True)
class Artifact:
    """What a channel made for one item, before it is written."""

    data: bytes
    duration_seconds: float | None = None
    engine: str | None = None
    note: str | None = None
    sidecar: dict[str, object] | None = None  # written next to the file as JSON (what was made, and how)
    files: dict[str, bytes] = field(default_factory=dict)  # companions written with it, paths under output/


OUTPUT_PATHS = {
    "portal": "portal/bai-viet/{slug}.html",
    "infographic": "infographic/{id}.png",
    "loudspeaker": "audio/{id}.mp3",
}


def relative_path(item_id: str, channel: str, slug: str | None = None) -> str:
    """Where a channel's file for an item goes, relative to output/ (needs no rendering library)."""
    return OUTPUT_PATHS[channel].format(id=item_id, slug=slug or item_id)


_MODULES = {"portal": "portal", "infographic": "infographic", "loudspeaker": "loudspeaker"}


def channel_module(channel: str) -> ModuleType:
    """Imported on demand: the audio stack is slow to import and a run with nothing to do needs none of it."""
    return importlib.import_module(f"{__name__}.{_MODULES[channel]}")
