"""Output channels, the Pelican "generator" step. Every channel module has one entry point,

    render(job: Job, ctx: RenderContext) -> Artifact

which returns every file it made (paths from channels/paths.py), written by the caller, never by the channel.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.workspace import BUILTIN_ROOT
from . import paths

if TYPE_CHECKING:
    from ..core.items import Item
    from ..core.plan import CommunePlan
    from ..core.workspace import Workspace


@dataclass(frozen=True)
class RenderContext:
    """What a channel renders with besides the job: the plan, and the workspace's templates, assets and lexicon
    (None: the built-in ones)."""

    plan: CommunePlan
    workspace: Workspace | None = None


@dataclass(frozen=True)
class Job:
    """One item for one channel, with everything decided before rendering."""

    item: Item
    channel: str
    approved_by: str | None = None
    slug: str | None = None  # the post's address on the portal, fixed in the ledger
    canonical_url: str | None = None  # where the post lives (the QR code points there)
    recipe: str | None = None  # fingerprint of what else the files are made from

    @classmethod
    def of(cls, item: Item, channel: str, plan: CommunePlan, slug: str | None = None, **extra: object) -> Job:
        url = paths.post_url(plan, slug) if slug else None
        return cls(item, channel, slug=slug, canonical_url=url, **extra)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        return f"{self.channel}:{self.item.id}"

    @property
    def main_path(self) -> str:
        return paths.delivery(self.channel, self.item.id, self.slug)


@dataclass(frozen=True)
class Artifact:
    """What a channel made for one item, before it is written: `main` is the delivery the ledger counts;
    `files` holds it and every companion (fragment, bundle, card, PDF, sidecar), by path under output/."""

    main: str
    files: dict[str, bytes]
    duration_seconds: float | None = None
    engine: str | None = None
    note: str | None = None

    @property
    def data(self) -> bytes:
        return self.files[self.main]

    @property
    def companions(self) -> list[str]:
        return [path for path in self.files if path != self.main]


_MODULES = {
    "portal": "portal",
    "infographic": "infographic",
    "loudspeaker": "loudspeaker",
    "social": "social",
    "video": "video",
}


def render(job: Job, ctx: RenderContext) -> Artifact:
    """The job's channel module, imported on demand: the audio stack is slow to import, and a run with nothing
    to do needs none of it."""
    return importlib.import_module(f"{__name__}.{_MODULES[job.channel]}").render(job, ctx)


# What each channel's output is made of besides the item: parts of commune.yaml, and files of the workspace
# (or the built-in ones). A change to any of them re-renders that channel's files.
RECIPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "portal": (("commune", "units", "topics", "style"), ("templates/portal", "templates/infographic/card.yaml")),
    "infographic": (("commune", "units", "style"), ("templates/infographic", "assets")),
    "loudspeaker": (("commune", "audio"), ("content/lexicon.yaml", "assets/jingle.mp3")),
    "social": (("commune", "units", "style", "social"), ("templates/infographic", "assets")),
    "video": (
        ("commune", "units", "style", "audio"),
        ("templates/infographic", "assets", "content/lexicon.yaml"),
    ),
}


def recipe(channel: str, plan: CommunePlan, workspace: Workspace) -> str:
    """A fingerprint of everything but the item that the channel's files are made from, and of this version."""
    from .. import __version__

    settings, sources = RECIPES[channel]
    digest = hashlib.sha256(f"{channel}|{__version__}|".encode())
    digest.update(plan.model_dump_json(include=set(settings)).encode())
    for relative in sources:
        for root in (workspace.root, *([] if relative.startswith("content") else [BUILTIN_ROOT])):
            target = root / relative
            files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
            for path in files:
                if path.is_file():
                    digest.update(f"{path.relative_to(root)}|".encode() + path.read_bytes())
            if target.exists():
                break  # the workspace's own copy hides the built-in one
    return digest.hexdigest()[:32]


def recipes(plan: CommunePlan, workspace: Workspace) -> dict[str, str]:
    """Every channel's recipe, worked out once per run."""
    return {channel: recipe(channel, plan, workspace) for channel in RECIPES}


__all__ = ["Artifact", "Job", "RenderContext", "paths", "recipe", "recipes", "render"]
