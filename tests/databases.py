"""Test databases: every store test runs against SQLite and against PostgreSQL.

A pytest plugin (loaded from tests/conftest.py). Its fixtures:

- ``database_url``: a SQLAlchemy URL for an empty database, once for SQLite (a file in the
  test's tmp_path) and once for PostgreSQL (a fresh database, dropped after the test); a test
  that asks for it runs twice, with ids ``[sqlite]`` and ``[postgresql]``.
- ``postgres_url``: a fresh PostgreSQL database only, for what SQLite lacks (a trigger, ...).
- ``postgres_server``: the throwaway PostgreSQL cluster behind both, started once per session
  and only when a test needs it: initdb in a temporary folder, listening on a Unix socket there
  (no TCP port), stopped and removed at the end of the session.

The server binaries come from Debian's ``postgresql`` package (/usr/lib/postgresql/*/bin),
which scripts/test installs. Without them the PostgreSQL tests fail and say so; set
FIELDOFFICE_TEST_POSTGRES=off to skip them instead.

- ``redis_server``: a throwaway Redis (Debian's ``redis-server``, which scripts/test installs),
  started the same way, once per session and only when a test needs it: listening on a Unix
  socket in a temporary folder (no TCP port), persisting nothing, stopped and removed at the end.
  FIELDOFFICE_TEST_REDIS=off skips the tests that need it.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import psycopg

POSTGRES_ENV = "FIELDOFFICE_TEST_POSTGRES"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432) in our own folder; no TCP
_SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
}
_names = itertools.count(1)


def postgres_off() -> bool:
    return os.environ.get(POSTGRES_ENV, "").strip().lower() == "off"


def _skip_if_off() -> None:
    if postgres_off():
        pytest.skip(f"PostgreSQL tests are off ({POSTGRES_ENV}=off)")


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster: reach it through the socket folder as the superuser."""

    socket_dir: Path
    user: str
    data_dir: Path
    version: str

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of database `dbname` on this server (psycopg 3, Unix socket)."""
        return f"postgresql+psycopg://{self.user}@/{dbname}?host={self.socket_dir}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """A plain psycopg connection in autocommit mode (CREATE/DROP DATABASE need it)."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), port=PORT, user=self.user, dbname=dbname, autocommit=True
        )

    def create_database(self, hint: str = "test") -> str:
        """A new empty database with a unique name; returns the name."""
        stem = re.sub(r"[^a-z0-9]+", "_", hint.lower()).strip("_")[:30] or "test"
        name = f"fo_{next(_names)}_{uuid.uuid4().hex[:8]}_{stem}"
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending any connection a test left open."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bindir() -> Path | None:
    """The bin folder of the newest PostgreSQL under /usr/lib/postgresql (Debian's layout),
    else the one holding `initdb` on PATH."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").is_file()]
    if found:
        return max(found, key=lambda d: _version_key(d / "initdb"))
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).parent / "pg_ctl").is_file():
        return Path(initdb).parent
    return None


def _run(cmd: list[str], *, cwd: Path, log: Path | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        if log is not None and log.is_file():
            detail += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
        pytest.fail(f"{shlex.join(cmd)} failed ({result.returncode}):\n{detail}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throwaway PostgreSQL cluster (Unix socket only) for this session; stop and
    remove it at the end, whatever the tests did."""
    _skip_if_off()
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under "
            "/usr/lib/postgresql/*/bin. Run the tests with scripts/test, which installs "
            f"Debian's postgresql package, or set {POSTGRES_ENV}=off to skip the PostgreSQL "
            "tests.",
            pytrace=False,
        )
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail(
                "running as root, but there is no 'postgres' user to own the test cluster "
                "(Debian's postgresql package creates it; run scripts/test)",
                pytrace=False,
            )
        as_user = ["runuser", "-u", owner.pw_name, "--"]
    # A short path under a folder every user can enter: the socket path must stay < 108 bytes.
    parent = "/tmp" if owner is not None or len(tempfile.gettempdir()) > 40 else None
    base = Path(tempfile.mkdtemp(prefix="fieldoffice-pg-", dir=parent))
    data, sockets, log = base / "data", base / "sockets", base / "server.log"
    try:
        sockets.mkdir()
        if owner is not None:
            for path in (base, sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        _run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                f"--username={SUPERUSER}",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            cwd=base,
        )
        options = {**_SETTINGS, "unix_socket_directories": shlex.quote(str(sockets))}
        _run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                " ".join(f"-c {key}={value}" for key, value in options.items()),
                "start",
            ],
            cwd=base,
            log=log,
        )
        yield PostgresServer(
            socket_dir=sockets,
            user=SUPERUSER,
            data_dir=data,
            version=bindir.parent.name,
        )
    finally:
        if (data / "postmaster.pid").exists():  # also after a start that timed out
            subprocess.run(
                [
                    *as_user,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                cwd=base,
                capture_output=True,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty PostgreSQL database, dropped after the test."""
    _skip_if_off()
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database(request.node.name)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


REDIS_ENV = "FIELDOFFICE_TEST_REDIS"


@dataclass(frozen=True)
class RedisServer:
    """A running throwaway Redis, reached through its Unix socket."""

    socket: Path

    @property
    def url(self) -> str:
        """As `serve --redis` and $FIELDOFFICE_REDIS take it."""
        return f"unix://{self.socket}"


def _redis_answers(socket_path: Path) -> bool:
    import socket

    if not socket_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(1)
            s.connect(str(socket_path))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """Start a throwaway Redis (Unix socket only, nothing saved) for this session; stop it and
    remove its folder at the end."""
    import time

    if os.environ.get(REDIS_ENV, "").strip().lower() == "off":
        pytest.skip(f"Redis tests are off ({REDIS_ENV}=off)")
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).is_file():
        pytest.fail("redis-server not found. Run the tests with scripts/test, which installs "
                    f"Debian's redis-server package, or set {REDIS_ENV}=off to skip them.",
                    pytrace=False)  # fmt: skip
    base = Path(tempfile.mkdtemp(prefix="fieldoffice-redis-", dir="/tmp"))
    sock, log = base / "redis.sock", base / "redis.log"
    args = ["--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--save", "",
            "--appendonly", "no", "--dir", str(base), "--logfile", str(log), "--daemonize", "no"]  # fmt: skip
    server = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not _redis_answers(sock):
            if server.poll() is not None or time.monotonic() > deadline:
                shown = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                pytest.fail(f"redis-server did not start:\n{shown}", pytrace=False)
            time.sleep(0.05)
        yield RedisServer(sock)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(base, ignore_errors=True)
