"""The deployment, run for real: deploy/nginx.conf (Debian's nginx) in front of two `fieldoffice
serve` instances on one PostgreSQL store, sharing their rate limit through Redis, all on
127.0.0.1 and all stopped here. The commands are deploy/README.md's."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.databases import PostgresServer, RedisServer
from tests.paths import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RATE = 100  # per minute, per client address: shared by both instances through Redis
pytestmark = pytest.mark.skipif(
    not Path(NGINX).is_file(), reason="nginx not installed (scripts/test)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} exited with {process.returncode}", pytrace=False)
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s", pytrace=False)


@dataclass
class Deployment:
    proxy: str
    instances: list[str]
    processes: list[subprocess.Popen[bytes]]
    store_url: str
    logs: Path

    def etag(self, base: str, client: str = "192.0.2.1") -> str:
        r = httpx.get(
            base + "/api/v1/locate?q=89501", headers={"X-Forwarded-For": client}, timeout=5
        )
        assert r.status_code == 200, r.text
        return r.headers["etag"]


def start_serve(port: int, store_url: str, redis: str, log: Path) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "fieldoffice"
    env = {**os.environ, "FIELDOFFICE_REDIS": redis}
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--database", store_url, "--rate-limit", f"{RATE}/minute"]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def start_nginx(prefix: Path, listen: int, upstreams: list[int]) -> subprocess.Popen[bytes]:
    """deploy/README.md's commands: the config, its two local files, then nginx in the fore."""
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "deploy" / "nginx.conf", prefix / "nginx.conf")
    (prefix / "listen.conf").write_text(f"listen 127.0.0.1:{listen};\n")
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstreams
    )
    (prefix / "upstreams.conf").write_text(
        f"upstream fieldoffice {{\n{servers}    keepalive 16;\n}}\n"
    )
    cmd = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*cmd, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    log = (prefix / "logs" / "nginx.out").open("wb")
    return subprocess.Popen([*cmd, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def deployment(postgres_server: PostgresServer, redis_server: RedisServer) -> Iterator[Deployment]:
    name = postgres_server.create_database("deploy")
    store_url = postgres_server.url(name)
    # a folder the nginx workers (nobody, when the master is root) can enter
    prefix = Path(tempfile.mkdtemp(prefix="fieldoffice-nginx-", dir="/tmp"))
    prefix.chmod(0o755)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ports = [free_port(), free_port()]
        instances = [f"http://127.0.0.1:{p}" for p in ports]
        for port, base in zip(ports, instances, strict=True):  # one at a time: the first seeds
            processes.append(
                start_serve(port, store_url, redis_server.url, prefix / f"serve-{port}.log")
            )
            wait_for(base + "/api/v1/locate?q=89501", processes[-1])
        listen = free_port()
        processes.append(start_nginx(prefix, listen, ports))
        proxy = f"http://127.0.0.1:{listen}"
        wait_for(proxy + "/static/style.css", processes[-1], 20)
        yield Deployment(proxy, instances, processes, store_url, prefix)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(prefix, ignore_errors=True)
        postgres_server.drop_database(name)


def publisher_token(store_url: str) -> dict[str, str]:
    from fieldoffice.store import accounts
    from fieldoffice.store.database import Database

    db = Database(store_url)
    try:
        accounts.add_user(db, "pub", "publisher", "a long enough passphrase 1")
        return {"Authorization": f"Bearer {accounts.new_token(db, 'pub')}"}
    finally:
        db.close()


def test_a_publish_reaches_both_instances_and_the_cache_within_a_second(deployment: Deployment) -> None:  # fmt: skip
    d = deployment
    path = "/api/v1/offices/denver"
    first = httpx.get(d.proxy + path, timeout=5)
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"].startswith("public")
    before = {d.etag(base) for base in d.instances}
    assert before == {first.headers["etag"]}
    auth = publisher_token(d.store_url)
    a = d.instances[0]
    draft = httpx.get(a + "/api/v1/admin/draft", headers=auth, timeout=5)
    edited = httpx.patch(a + "/api/v1/admin/draft/offices/denver", json={"name": "Denver Field Office (moved)"},
                         headers={**auth, "If-Match": draft.headers["etag"]}, timeout=10)  # fmt: skip
    assert edited.status_code == 200, edited.text
    published = httpx.post(a + "/api/v1/admin/draft/publish", json={"acknowledge_warnings": True},
                           headers=auth, timeout=60)  # fmt: skip
    assert published.status_code == 201, published.text
    done = time.monotonic()

    def until_new(base: str) -> float:
        """Seconds from the publish's answer to the first answer from the new version."""
        while time.monotonic() - done < 10:
            if (
                httpx.get(base + path, timeout=5).json().get("name")
                == "Denver Field Office (moved)"
            ):
                return time.monotonic() - done
            time.sleep(0.02)
        return float("inf")

    with ThreadPoolExecutor(3) as pool:  # each asked on its own, as its own visitors would
        seen = dict(
            zip(("a", "b", "proxy"), pool.map(until_new, [*d.instances, d.proxy]), strict=True)
        )
    log = "".join(p.read_text(errors="replace") for p in d.logs.glob("serve-*.log"))
    # the other instance swapped once, told by NOTIFY or (when its poll came first) by polling;
    # test_publish_channel.py shows NOTIFY itself arrives at once
    assert "(learnt by notify" in log or "(learnt by polling" in log, log[-2000:]
    assert max(seen.values()) <= 1.0, (seen, log[-2000:])


def test_the_rate_limit_holds_across_both_instances(deployment: Deployment) -> None:
    d = deployment
    codes = []
    for i in range(2 * RATE):  # one client (as the proxy names it), split between the instances
        base = d.instances[i % 2]
        r = httpx.get(base + "/api/v1/locate?q=89501", headers={"X-Forwarded-For": "198.51.100.23"},
                      timeout=5)  # fmt: skip
        codes.append(r.status_code)
    assert set(codes) == {200, 429}
    assert RATE - 2 <= codes.count(200) <= RATE + 2, codes.count(200)  # not 2 x RATE


def test_a_lockout_on_one_instance_holds_on_the_other(deployment: Deployment) -> None:
    a, b = deployment.instances
    who = {"X-Forwarded-For": "198.51.100.77"}
    with httpx.Client(headers=who, timeout=10) as client:
        form = client.get(a + "/admin/login")
        token = form.text.split('name="csrftoken" value="', 1)[1].split('"', 1)[0]
        body = {"csrftoken": token, "name": "pub", "next": "/admin"}
        for _ in range(5):
            wrong = client.post(a + "/admin/login", data={**body, "password": "not the password"})
            assert wrong.status_code in (401, 429)
        right = client.post(
            b + "/admin/login", data={**body, "password": "a long enough passphrase 1"}
        )
        assert right.status_code == 429, right.text[:300]
        assert int(right.headers["retry-after"]) > 60


def test_a_second_cache_hit_never_reaches_an_instance(deployment: Deployment) -> None:
    d = deployment
    url = d.proxy + "/api/v1/locate?q=Sacramento"
    gz = {"Accept-Encoding": "gzip"}
    first = httpx.get(url, headers=gz, timeout=5)
    assert first.status_code == 200 and first.headers["x-cache"] in ("MISS", "EXPIRED", "HIT")
    serving = d.processes[:2]
    for p in serving:  # no instance can answer now
        p.send_signal(signal.SIGSTOP)
    try:
        second = httpx.get(url, headers=gz, timeout=2)
    finally:
        for p in serving:
            p.send_signal(signal.SIGCONT)
    assert second.status_code == 200 and second.headers["x-cache"] == "HIT"
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]


def test_killing_an_instance_mid_load_loses_no_get(deployment: Deployment) -> None:
    """Every GET gets its answer, except one whose answer the killed instance had begun to send:
    nginx has passed that status line on and can no longer retry it (nginx's own rule). The client
    sees its status and a cut body; there can be no more of those than requests in flight."""
    d = deployment
    paths = [
        f"/api/v1/locate?lat={36 + i * 0.01:.2f}&lon={-117 - i * 0.01:.2f}" for i in range(240)
    ]
    in_flight = 4

    def get(i: int) -> str:
        # eight clients, as the proxy and the instances see them (each within its allowance)
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + i % 8}")
        with (
            httpx.Client(transport=transport, timeout=20) as client,
            client.stream("GET", d.proxy + paths[i]) as r,  # no answer at all: raises here
        ):
            try:
                r.read()
            except httpx.RemoteProtocolError:
                return f"cut {r.status_code}"
            return str(r.status_code)

    with ThreadPoolExecutor(in_flight) as pool:
        futures = [pool.submit(get, i) for i in range(len(paths))]
        time.sleep(0.3)
        d.processes[0].kill()  # mid-load: no goodbye
        outcomes = [f.result() for f in futures]
    assert d.processes[0].wait(timeout=10) is not None
    answered = [o for o in outcomes if not o.startswith("cut")]
    assert set(answered) <= {"200", "404"}, sorted(set(outcomes))  # an answer for every one
    assert len(outcomes) - len(answered) <= in_flight, outcomes
