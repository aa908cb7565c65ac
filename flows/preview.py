"""`cchc preview`: the category site on 127.0.0.1, serving only the site's own files — no dotfile (the site's
fingerprint), nothing reached through a symbolic link, no folder listing."""

from __future__ import annotations

from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


def site_file(root: Path, url_path: str) -> Path | None:
    """The regular file under `root` that `url_path` names, or None."""
    relative = unquote(urlsplit(url_path).path).lstrip("/") or "index.html"
    if relative.endswith("/"):
        relative += "index.html"
    parts = Path(relative).parts
    if any(part.startswith(".") or part in ("..", "") for part in parts):
        return None
    target = root
    for part in parts:
        target = target / part
        if target.is_symlink():
            return None
    return target if target.is_file() and target.resolve().is_relative_to(root.resolve()) else None


class SiteHandler(SimpleHTTPRequestHandler):
    root: Path

    def send_head(self):  # type: ignore[no-untyped-def]
        target = site_file(self.root, self.path)
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not Found", "Không có tệp này trong trang chuyên mục.")
            return None
        self.path = "/" + target.relative_to(self.root).as_posix()
        return super().send_head()

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(HTTPStatus.NOT_FOUND, "Not Found", "Không có tệp này trong trang chuyên mục.")
        return None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def preview_server(site: Path, port: int) -> ThreadingHTTPServer:
    handler = type("Handler", (SiteHandler,), {"root": site})

    def make(*args: object, **kwargs: object) -> SiteHandler:
        return handler(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

    return ThreadingHTTPServer(("127.0.0.1", port), make)  # type: ignore[arg-type]
