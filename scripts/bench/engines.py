"""The database under the server: a demo region on SQLite or on a fresh PostgreSQL database,
PgBouncer in front of PostgreSQL, and `sgo serve` on top."""

from __future__ import annotations

import csv
import os
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from .util import die, find_tool, free_port, log, peak_rss_kib, stop, tail, wait_http, wait_port

# The settings that keep per-account and per-address protections from turning a sign-in storm
# into 429s and lockouts (crates/app/src/rate.rs, protection.rs; keys of crates/cli/src/config.rs).
# They also keep the storm's new sessions from ending the diary load's (max_sessions_per_account
# ends the oldest session of an account beyond the cap).
STORM_SETTINGS = {
    "SGO_SIGN_INS_PER_MINUTE": "0",
    "SGO_MAX_SESSIONS_PER_ACCOUNT": "0",
    "SGO_LOCKOUT_FAILURES": "0",
    "SGO_ADDRESS_LOCKOUT_FAILURES": "0",
}


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    # sgo reads SGO_* variables: a developer's SGO_DATABASE_URL would silently change the engine.
    for key in ("SGO_DATABASE_URL", "SGO_DIRECT_DATABASE_URL", "SGO_DATABASE_POOLER"):
        env.pop(key, None)
    # Per-request logging would be part of the measurement; keep only warnings.
    env.setdefault("SGO_LOG", "warn")
    return env


def psql(admin_url: str, sql: str) -> None:
    proc = subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        die(f"psql failed ({sql}): {proc.stderr.strip()}")


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


@dataclass
class Region:
    """A generated demo region: its data directory and, on PostgreSQL, its database."""

    engine: str  # "sqlite" | "postgres"
    work: Path
    data: Path
    generation_s: float
    admin_url: str | None = None
    db_name: str | None = None
    accounts: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str | None:
        return with_database(self.admin_url, self.db_name) if self.db_name else None

    def students(self, n: int | None = None, skip: int = 0) -> list[dict]:
        rows = [r for r in self.accounts if r["role"] == "student"][skip:]
        return rows if n is None else rows[:n]

    def drop(self, keep: bool) -> None:
        if self.db_name and not keep:
            psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        elif self.db_name:
            log(f"kept database {self.url}")


def generate(sgo: Path, engine: str, work: Path, args, schools: int, students_per_class: int | None,
             tag: str = "") -> Region:
    data = work / "data"
    region = Region(engine=engine, work=work, data=data, generation_s=0.0)
    cmd = [str(sgo), "demo", "--data-dir", str(data), "--schools", str(schools), "--seed", str(args.seed)]
    if students_per_class is not None:
        cmd += ["--students-per-class", str(students_per_class)]
    if engine == "postgres":
        region.admin_url = args.pg_admin
        region.db_name = f"sgo_bench_{os.getpid()}{tag}"
        log(f"creating database {region.db_name}")
        psql(region.admin_url, f'CREATE DATABASE "{region.db_name}"')
        cmd += ["--database-url", region.url]
    log("$ " + " ".join(cmd))
    t0 = time.monotonic()
    with (work / "demo.log").open("wb") as f:
        rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=work, env=base_env()).returncode
    region.generation_s = time.monotonic() - t0
    if rc != 0:
        region.drop(keep=False)
        die(f"sgo demo exited {rc}:\n{tail(work / 'demo.log')}")
    log(f"generated in {region.generation_s:.1f}s ({engine})")
    with (data / "demo-accounts.csv").open(encoding="utf-8-sig", newline="") as f:
        region.accounts = list(csv.DictReader(f))
    return region


class PgBouncer:
    """PgBouncer in transaction mode in front of the local PostgreSQL, as the many-nodes test
    starts it (it refuses to run as root, so it runs as the postgres user)."""

    def __init__(self, work: Path):
        self.dir = work / "pgbouncer"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self, pool_size: int) -> None:
        binary = find_tool("pgbouncer")
        if not binary:
            die("pgbouncer not found; install the Debian package: apt-get install -y pgbouncer", 2)
        self.dir.mkdir(parents=True, exist_ok=True)
        # It runs as the postgres user: the scratch dir (mkdtemp makes it 0700) must let it in.
        self.dir.parent.chmod(0o755)
        self.dir.chmod(0o777)
        self.port = free_port()
        (self.dir / "users.txt").write_text('"postgres" ""\n')
        config = self.dir / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            "* = host=127.0.0.1 port=5432\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "auth_type = trust\n"
            f"auth_file = {self.dir / 'users.txt'}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 400\n"
            f"default_pool_size = {pool_size}\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\n"
            f"pidfile = {self.dir / 'pgbouncer.pid'}\n"
            "unix_socket_dir =\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        for f in self.dir.iterdir():
            f.chmod(0o666)
        cmd = [binary, str(config)]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        log("$ " + " ".join(cmd))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_port(self.port, self.proc, "pgbouncer", self.dir / "pgbouncer.log")

    def url(self, db_name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db_name}"

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    log: Path

    def peak_rss_kib(self) -> int | None:
        return peak_rss_kib(self.proc.pid)

    def stop(self) -> None:
        stop(self.proc)


def serve(sgo: Path, region: Region, name: str, bouncer: PgBouncer | None = None,
          extra_env: dict[str, str] | None = None) -> Server:
    """`sgo serve` on a free port over the region, directly or through PgBouncer."""
    env = base_env()
    env.update(extra_env or {})
    port = free_port()
    cmd = [str(sgo), "serve", "--data-dir", str(region.data), "--listen", f"127.0.0.1:{port}"]
    if region.engine == "postgres":
        if bouncer is not None:
            cmd += ["--database-url", bouncer.url(region.db_name)]
            # Through a transaction pooler: unnamed statements only, and what the pooler cannot
            # carry (migrations' advisory lock, LISTEN) on a direct connection.
            env["SGO_DATABASE_POOLER"] = "transaction"
            env["SGO_DIRECT_DATABASE_URL"] = region.url
        else:
            cmd += ["--database-url", region.url]
    logfile = region.work / f"serve-{name}.log"
    log("$ " + " ".join(cmd))
    with logfile.open("wb") as f:
        # sgo reads ./sgo.toml: run it from the scratch dir.
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, env=env, cwd=region.work)
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/healthz", proc, logfile)
    return Server(proc=proc, base=base, log=logfile)


def server_warnings(server: Server, limit: int = 5) -> list[str]:
    """The first WARN/ERROR lines the server logged (the log level is warn unless SGO_LOG says
    otherwise), for the report."""
    try:
        lines = server.log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    found = [line for line in lines if "WARN" in line or "ERROR" in line]
    return found[:limit] + ([f"... and {len(found) - limit} more"] if len(found) > limit else [])
