"""A real PostgreSQL server (Debian's package) for the tests, on 127.0.0.1.

Started with initdb and pg_ctl in a folder of its own, with a generated
password; as root, it runs as the `postgres` user (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.servers import free_port

INSTALL_HINT = "PostgreSQL is missing: apt-get install -y postgresql"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError(INSTALL_HINT)
    return found[-1].parent


def _as_owner(command: list[str]) -> list[str]:
    return (
        ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command
    )


@contextmanager
def postgres_server() -> Iterator[str]:
    """A running server; yields a URL (user `studio`) for its `postgres` database."""
    bin_dir, port, password = postgres_bin(), free_port(), secrets.token_hex(16)
    folder = Path(tempfile.mkdtemp(prefix="mnist-studio-pg-"))
    (folder / "password").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(folder / "password", "postgres")
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT}
    subprocess.run(
        _as_owner(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "studio", "-A",
             "scram-sha-256", f"--pwfile={folder / 'password'}"]
        ),
        check=True,
        **quiet,
    )  # fmt: skip
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -k {folder} -c fsync=off"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log")]
    subprocess.run(_as_owner([*pg_ctl, "-o", options, "start"]), check=True, **quiet)
    try:
        yield f"postgresql://studio:{password}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([*pg_ctl, "-m", "fast", "stop"]), **quiet)
        shutil.rmtree(folder, ignore_errors=True)
