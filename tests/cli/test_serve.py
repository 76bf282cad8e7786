"""`fieldoffice serve`: its options checked before anything starts, and a port in use worded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fieldoffice.web.cache import CachePolicy
from fieldoffice.web.settings import ServeSettings, SettingsError

EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, "serve", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})  # fmt: skip


def test_a_port_in_use_is_one_worded_line_and_exit_2_before_serving_is_announced(
    tmp_path: Path,
) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        r = serve("--port", str(port), "--database", f"sqlite:///{tmp_path / 'store.db'}")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (
        f"fieldoffice: error: port {port} on 127.0.0.1 is in use (another fieldoffice serve?); "
        f"choose another with --port {port + 1}"
    )
    assert "serving" not in r.stderr and "Errno" not in r.stderr


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--redis", "http://cache:6379"], {}, "as the Redis address"),
        ([], {"FIELDOFFICE_REDIS": "localhost:6379"}, "as the Redis address"),
        (["--max-age", "-1"], {}, "--max-age is seconds, 0 or more"),
        (["--shared-max-age", "-5"], {}, "--shared-max-age is seconds, 0 or more"),
        (["--stale-while-revalidate", "-1"], {}, "--stale-while-revalidate is seconds"),
        (["--forwarded-allow-ips", " , "], {}, "--forwarded-allow-ips needs addresses"),
    ],
)
def test_unusable_serve_options_are_one_worded_line_and_exit_2(
    args: list[str], env: dict[str, str], said: str
) -> None:
    r = serve("--port", "1", *args, env=env)  # (refused before any port is tried)
    assert r.returncode == 2, r.stderr
    assert said in r.stderr and r.stderr.startswith("fieldoffice: error: "), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_the_rate_limit_help_says_where_it_is_counted() -> None:
    r = subprocess.run([EXE, "serve", "--help"], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "COLUMNS": "400"})  # fmt: skip
    words = " ".join(r.stdout.replace("│", " ").split())
    assert "per client per process" in words and "across all instances" in words
    for option in ("--redis", "--forwarded-allow-ips", "--max-age", "--shared-max-age",
                   "--stale-while-revalidate"):  # fmt: skip
        assert option in words


def test_serve_settings_carry_redis_proxies_and_cache_lifetimes_to_workers() -> None:
    settings = ServeSettings(redis="rediss://cache:6380/0", trusted_proxies=("10.0.0.5", "10.0.0.6"),
                             max_age=0, shared_max_age=5, stale_while_revalidate=7)  # fmt: skip
    os.environ["FIELDOFFICE_SERVE_SETTINGS"] = settings.to_env()
    try:
        back = ServeSettings.from_env()
    finally:
        del os.environ["FIELDOFFICE_SERVE_SETTINGS"]
    assert back == settings
    assert back.cache_policy() == CachePolicy(0, 5, 7)
    assert ServeSettings(redis="unix:///run/redis.sock").redis == "unix:///run/redis.sock"
    with pytest.raises(SettingsError):
        ServeSettings(redis="memcached://x")


def test_serve_settings_reach_the_app_cache_policy_and_rate_limit_storage() -> None:
    from fastapi.testclient import TestClient
    from limits.storage import MemoryStorage

    from fieldoffice.web.app import create_app

    settings = ServeSettings(max_age=11, shared_max_age=3, stale_while_revalidate=9,
                             allowed_hosts=("*",))  # fmt: skip
    app = create_app(settings=settings)
    with TestClient(app) as client:
        r = client.get("/api/v1/offices")
    assert r.headers["cache-control"] == "public, max-age=11, s-maxage=3, stale-while-revalidate=9"
    fair = next(m for m in app.user_middleware if m.cls.__name__ == "FairShare")
    assert isinstance(fair.kwargs["storage"], MemoryStorage)  # (no --redis: this process's own)
