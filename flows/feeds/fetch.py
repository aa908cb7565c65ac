"""Fetching a feed: a file, or http(s) with a timeout, a size cap and a conditional GET."""

from __future__ import annotations

import re
import time
from pathlib import Path

from ..core.errors import FeedError
from ..core.settings import Feed
from ..core.workspace import Workspace

MAX_BYTES = 5 * 1024 * 1024


def fetch(
    feed: Feed, workspace: Workspace, timeout: float, etag: str | None, modified: str | None
) -> tuple[bytes | None, dict[str, str]]:
    """The feed's bytes and response headers; None when the server says nothing changed (304)."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", feed.url) and not re.match(r"^https?://", feed.url):
        raise FeedError("chỉ nhận địa chỉ http://, https:// hoặc một tệp trong máy")
    if not re.match(r"^https?://", feed.url):
        path = Path(feed.url) if Path(feed.url).is_absolute() else workspace.root / feed.url
        if path.exists() and not path.is_file():  # /dev/zero, a FIFO, a folder: never read
            raise FeedError(f"{path} không phải một tệp thường")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # the cap holds while reading, not after
        except OSError as exc:
            raise FeedError(f"không đọc được tệp {path} ({exc.strerror or exc})") from exc
        if len(data) > MAX_BYTES:
            raise FeedError(f"tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB")
        return data, {}
    import requests
    import urllib3

    headers = {"User-Agent": "cchc (commune CCHC communication)"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        with requests.get(feed.url, headers=headers, timeout=(min(5.0, timeout), timeout), stream=True) as response:
            if response.status_code == 304:
                return None, dict(response.headers)
            if response.status_code != 200:
                raise FeedError(f"máy chủ trả lời mã {response.status_code}")
            chunks, size = [], 0
            # a total deadline: a server that drips a byte a second never trips the read timeout
            deadline = time.monotonic() + timeout
            while chunk := response.raw.read1(65536, decode_content=True):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FeedError(f"nguồn tin lớn hơn {MAX_BYTES // 1024 // 1024} MB, không tải")
                if time.monotonic() > deadline:
                    raise FeedError(f"máy chủ gửi quá chậm, chưa xong sau {timeout:g} giây")
                chunks.append(chunk)
            return b"".join(chunks), dict(response.headers)
    except urllib3.exceptions.HTTPError as exc:  # raised by read1, under requests
        raise FeedError(f"kết nối bị gián đoạn ({type(exc).__name__})") from exc
    except requests.Timeout as exc:
        raise FeedError(f"máy chủ không trả lời sau {timeout:g} giây") from exc
    except requests.RequestException as exc:
        raise FeedError(f"không kết nối được ({type(exc).__name__})") from exc
