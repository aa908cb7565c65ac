"""Imported first by the render pool's fork server (and run in each worker it forks): the process dies with its
parent, so a kill -9 of `cchc produce` or of the web app leaves no fork server or worker behind."""

from __future__ import annotations

from .core.processes import die_with_parent

die_with_parent()
