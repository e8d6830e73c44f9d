"""A throwaway PostgreSQL server for tests and trials, from the installed server binaries.

:func:`start_throwaway_postgres` runs ``initdb`` into a new temporary
folder, starts ``postgres`` there with ``pg_ctl`` (listening on 127.0.0.1 at
a free port and on a Unix socket inside the folder, nothing else), creates a
database ``ctrack`` and returns its SQLAlchemy URL with a ``stop`` function
that shuts the server down and deletes the folder. It never touches a system
cluster, and the data lives only as long as the process wants it.

The server binaries are looked up in ``$CTRACK_PG_BIN`` (a folder), then in
Debian's ``/usr/lib/postgresql/<version>/bin`` (newest version first, from
``apt-get install postgresql``), then on ``PATH``. PostgreSQL refuses to run
as root, so when the caller is root the folder is handed to an unprivileged
account (``postgres`` if it exists, else ``nobody``) and every server command
runs through ``runuser -u ACCOUNT --``.

Durability is switched off (``fsync``, ``synchronous_commit``,
``full_page_writes``): this server is for data that may be lost.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ctrack.errors import StoreError

#: Environment variable naming a folder that holds ``initdb`` and ``pg_ctl``.
PG_BIN_ENV = "CTRACK_PG_BIN"

#: Database and role created in the throwaway cluster.
DB_NAME = "ctrack"
DB_USER = "ctrack"


def find_pg_bin() -> Path | None:
    """The folder holding PostgreSQL's ``initdb`` and ``pg_ctl``, or None when they are not installed.

    Order: ``$CTRACK_PG_BIN``; Debian's ``/usr/lib/postgresql/*/bin`` (highest
    major version first); the folder of ``initdb`` on ``PATH``.
    """
    candidates: list[Path] = []
    if os.environ.get(PG_BIN_ENV):
        candidates.append(Path(os.environ[PG_BIN_ENV]))

    def _version(path: str) -> float:
        try:
            return float(Path(path).parent.parent.name)
        except ValueError:
            return 0.0

    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version, reverse=True)
    candidates.extend(Path(p).parent for p in debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_account() -> str | None:
    """The account the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise StoreError("running as root and neither a 'postgres' nor a 'nobody' account exists to run PostgreSQL")


def _run(cmd: list[str], account: str | None, log: Path | None = None) -> None:
    if account:
        runuser = shutil.which("runuser")
        if runuser:
            cmd = [runuser, "-u", account, "--", *cmd]
        else:  # pragma: no cover - every util-linux has runuser
            cmd = ["su", account, "-s", "/bin/sh", "-c", " ".join(map(_quote, cmd))]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/", check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()
        if log is not None and log.exists():
            detail += "\n" + log.read_text(errors="replace")[-2000:]
        raise StoreError(f"{' '.join(cmd)} failed (exit {proc.returncode}): {detail}")


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def start_throwaway_postgres(keep_in: Path | None = None) -> tuple[str, Callable[[], None]]:
    """Start a private PostgreSQL server in a temporary folder (or in ``keep_in``, kept for the next run).

    Returns ``(url, stop)``: ``url`` is a SQLAlchemy URL
    ``postgresql+psycopg://ctrack@127.0.0.1:PORT/ctrack`` (trust
    authentication, reachable only from this machine); ``stop()`` shuts the
    server down at once and removes the folder (calling it twice is harmless;
    it is also registered with :mod:`atexit`). Raises
    :class:`ctrack.errors.StoreError` when the binaries are missing (see
    :func:`find_pg_bin`) or the server does not start (the server log's tail
    is in the message).

    ``keep_in``: a folder whose data outlives the server (benchmarks that
    build a large knowledge base once and measure it again, see
    ``bench/kb_scale.py --reuse``). The cluster is created there on the first
    call and started again from it later; ``stop()`` shuts it down and keeps
    the folder.
    """
    bindir = find_pg_bin()
    if bindir is None:
        raise StoreError("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    account = _server_account()
    root = Path(keep_in) if keep_in is not None else Path(tempfile.mkdtemp(prefix="ctrack-pg-"))
    root.mkdir(parents=True, exist_ok=True)
    data, log = root / "data", root / "server.log"
    fresh = not (data / "PG_VERSION").exists()
    if account:
        info = pwd.getpwnam(account)
        os.chown(root, info.pw_uid, info.pw_gid)
    port = _free_port()
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if stopped:
            return
        stopped = True
        if (data / "postmaster.pid").exists():
            try:
                _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], account)
            except StoreError:
                pass
        if keep_in is None:
            shutil.rmtree(root, ignore_errors=True)

    try:
        if fresh:
            _run([str(bindir / "initdb"), "-D", str(data), "-U", DB_USER, "--auth=trust",
                  "--encoding=UTF8", "--no-locale", "--no-sync"], account)
        options = " ".join([
            "-c listen_addresses=127.0.0.1", f"-p {port}", f"-k {root}",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c max_connections=100",
        ])
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"],
             account, log)
        atexit.register(stop)
        import psycopg

        if fresh:
            with psycopg.connect(host="127.0.0.1", port=port, user=DB_USER, dbname="postgres",
                                 autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except BaseException:
        stop()
        raise
    return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{port}/{DB_NAME}", stop


__all__ = ["find_pg_bin", "start_throwaway_postgres", "PG_BIN_ENV"]
