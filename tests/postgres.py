"""A real PostgreSQL for the tests, started from Debian's `postgresql` package (which `make test` installs) in
a temporary folder, on a free port of 127.0.0.1, with password authentication; stopped afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "cchc", "mat-khau-thu"


@dataclass(frozen=True)
class Server:
    port: int

    def url(self, database: str, password: str = PASSWORD) -> str:
        return f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres").replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root (the CI runs as root): run it as Debian's postgres user
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def running() -> Iterator[Server]:
    bin_dir = binaries()
    assert bin_dir is not None, "PostgreSQL is not installed (make system-packages)"
    root = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
    data, sockets, secret = root / "data", root / "run", root / "pw"
    sockets.mkdir()
    secret.write_text(PASSWORD)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        for path in (sockets, secret):
            shutil.chown(path, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={secret}", "--auth=scram-sha-256"]
    subprocess.run(_as_postgres_user([*initdb, "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "-t", "120"]
    subprocess.run(_as_postgres_user([*start, "start"]), check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield Server(port)
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_postgres_user(stop), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
