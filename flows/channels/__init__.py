"""Output channels. Each module has one entry point, `render(item, plan, workspace) -> Artifact`
(the Pelican "generator" step); where its file goes under output/ is said here, once."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from ..core.workspace import BUILTIN_ROOT


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


# What each channel's output is made of besides the item: parts of commune.yaml, and files of the workspace
# (or the built-in ones). A change to any of them re-renders that channel's files.
RECIPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "portal": (("commune", "units", "topics", "style"), ("templates/portal", "templates/infographic/card.yaml")),
    "infographic": (("commune", "units", "style"), ("templates/infographic", "assets")),
    "loudspeaker": (("commune", "audio"), ("content/lexicon.yaml", "assets/jingle.mp3")),
}


def recipe(channel: str, plan: object, workspace: object) -> str:
    """A fingerprint of everything but the item that the channel's file is made from, and of this version."""
    import hashlib

    from .. import __version__

    settings, paths = RECIPES[channel]
    digest = hashlib.sha256(f"{channel}|{__version__}|".encode())
    digest.update(plan.model_dump_json(include=set(settings)).encode())
    for relative in paths:
        for root in (workspace.root, *([] if relative.startswith("content") else [BUILTIN_ROOT])):
            target = root / relative
            files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
            for path in files:
                if path.is_file():
                    digest.update(f"{path.relative_to(root)}|".encode() + path.read_bytes())
            if target.exists():
                break  # the workspace's own copy hides the built-in one
    return digest.hexdigest()[:32]
