"""Session fixtures: a demo region served by the real `sgo` binary, once per backend.

Both client libraries run this same conftest from their own venv, so it may only use
the standard library (plus pytest).
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WORK_DIR = REPO_ROOT / "tests" / ".work"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"

DEMO_ARGS = ["--schools", "1", "--students-per-class", "6", "--seed", "7"]
DEMO_TIMEOUT_S = 600
HEALTH_TIMEOUT_S = 60


@dataclass(frozen=True)
class Account:
    role: str
    organization_id: str
    organization_short_name: str
    login: str
    password: str
    display_name: str
    children: str = ""


@dataclass(frozen=True)
class DemoServer:
    backend: str
    url: str
    data_dir: Path
    accounts: list[Account]

    def first(self, role: str) -> Account:
        for account in self.accounts:
            if account.role == role:
                return account
        raise AssertionError(f"demo-accounts.csv has no {role!r} row")


def sgo_bin() -> Path:
    raw = os.environ.get("SGO_BIN", "target/debug/sgo")
    path = Path(raw)
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.is_file():
        pytest.fail(f"sgo binary not found at {path} (build it or set SGO_BIN)", pytrace=False)
    return path


def free_port() -> int:
    # The port is released before sgo binds it; on a test machine the race is harmless.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


def sgo_env() -> dict[str, str]:
    # The server also reads SGO_* variables; a developer's SGO_DATABASE_URL would
    # silently turn the "sqlite" backend into PostgreSQL.
    env = dict(os.environ)
    env.pop("SGO_DATABASE_URL", None)
    # The suite signs the same few demo accounts in from many tests within a minute; the
    # per-account limits (tested in crates/web/tests/rates.rs) must not fail it.
    env.setdefault("SGO_SIGN_INS_PER_MINUTE", "600")
    env.setdefault("SGO_MAX_SESSIONS_PER_ACCOUNT", "1000")
    # schemathesis calls the open API thousands of times a minute with one token (the per-token
    # limit is tested in crates/web/tests/api_tokens.rs).
    env.setdefault("SGO_API_CALLS_PER_MINUTE", "1000000")
    return env


def run_logged(cmd: list[str], log: Path, cwd: Path, timeout: float) -> None:
    with log.open("ab") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        try:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd, env=sgo_env())
        except subprocess.TimeoutExpired:
            pytest.fail(f"{cmd[0]} {cmd[1]} timed out after {timeout}s; log {log}:\n{tail(log)}", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode}; log {log}:\n{tail(log)}", pytrace=False)


def read_accounts(data_dir: Path) -> list[Account]:
    path = data_dir / "demo-accounts.csv"
    if not path.is_file():
        pytest.fail(f"sgo demo did not write {path}", pytrace=False)
    # utf-8-sig: tolerate a BOM in case the generator writes one for spreadsheet users.
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [Account(**{k: row[k] for k in Account.__dataclass_fields__}) for row in rows]


def wait_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"sgo serve exited with {proc.returncode} before /healthz; log {log}:\n{tail(log)}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as e:
            last = f"HTTP {e.code}"
        except (urllib.error.URLError, OSError) as e:
            last = repr(e)
        time.sleep(0.2)
    pytest.fail(f"/healthz not 200 within {HEALTH_TIMEOUT_S}s ({last}); log {log}:\n{tail(log)}", pytrace=False)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def psql(admin_url: str, sql: str) -> None:
    if shutil.which("psql") is None:
        pytest.fail("psql not found: the postgres backend needs the PostgreSQL client", pytrace=False)
    proc = subprocess.run(
        ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        capture_output=True, text=True, timeout=60,
    )
    if proc.returncode != 0:
        pytest.fail(f"psql failed ({sql}): {proc.stderr.strip()}", pytrace=False)


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request):
    backend = request.param
    binary = str(sgo_bin())
    # sgo reads ./sgo.toml when present, so it runs from a scratch dir, not the repo.
    scratch = Path(tempfile.mkdtemp(prefix=f"sgo-clients-{backend}-"))
    data_dir = scratch / "data"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    # Logs outlive the temp data dir so a failed run can be inspected afterwards.
    # One log per backend and venv, overwritten on each run.
    log = WORK_DIR / f"clients-{backend}-{Path(sys.prefix).name.lstrip('.')}.log"
    log.write_bytes(b"")
    db_args: list[str] = []
    admin_url = os.environ.get("SGO_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    db_name = None
    proc = None
    try:
        if backend == "postgres":
            db_name = "sgo_clients_" + uuid.uuid4().hex[:12]
            psql(admin_url, f'CREATE DATABASE "{db_name}"')
            db_args = ["--database-url", with_database(admin_url, db_name)]

        run_logged([binary, "demo", "--data-dir", str(data_dir), *db_args, *DEMO_ARGS], log, scratch, DEMO_TIMEOUT_S)
        accounts = read_accounts(data_dir)

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            cmd = [binary, "serve", "--data-dir", str(data_dir), *db_args, "--listen", f"127.0.0.1:{port}"]
            out.write(("$ " + " ".join(cmd) + "\n").encode())
            out.flush()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=scratch, env=sgo_env())
        wait_healthy(proc, url, log)
        yield DemoServer(backend=backend, url=url, data_dir=data_dir, accounts=accounts)
    finally:
        if proc is not None:
            stop(proc)
        if db_name is not None:
            # FORCE: a crashed server may leave connections behind that would block the drop.
            try:
                psql(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            except BaseException as e:  # pytest.fail raises a BaseException subclass
                print(f"warning: could not drop {db_name}: {e}")
        shutil.rmtree(scratch, ignore_errors=True)
