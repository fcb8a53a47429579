"""Small helpers: logging, ports, child processes, memory, figures."""

from __future__ import annotations

import math
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HEALTH_TIMEOUT_S = 120


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 1) -> None:
    print(f"bench-diary: {msg}", file=sys.stderr)
    sys.exit(code)


def find_tool(name: str) -> str | None:
    # nginx and pgbouncer live in /usr/sbin, which a non-root PATH often lacks.
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.is_file()), None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


def wait_http(url: str, proc: subprocess.Popen, logfile: Path, timeout: float = HEALTH_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            die(f"{proc.args[0]} exited with {proc.returncode}; log {logfile}:\n{tail(logfile)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    die(f"{url} did not answer 200 within {timeout}s; log {logfile}:\n{tail(logfile)}")


def wait_port(port: int, proc: subprocess.Popen, what: str, logfile: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            die(f"{what} exited with {proc.returncode}:\n{tail(logfile)}")
        try:
            with socket.create_connection(("127.0.0.1", port), 1):
                return
        except OSError:
            time.sleep(0.1)
    die(f"{what} did not listen on {port} within {timeout}s:\n{tail(logfile)}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def peak_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def seconds(text: str) -> float:
    """A wrk-style duration (10s, 500ms, 2m, or bare seconds) in seconds."""
    t = text.strip()
    for suffix, scale in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
        if t.endswith(suffix):
            return float(t[: -len(suffix)]) * scale
    return float(t)


def nearest_rank(values: list[float], q: float) -> float | None:
    """The q-quantile by the nearest-rank rule, as sgo-load computes it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def fmt_ms(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f} ms"


def fmt_mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"
