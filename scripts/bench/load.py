"""sgo-load (crates/loadgen): open-loop load at a fixed rate from a file of requests."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .util import die, log, seconds
from .weeks import ColdSpace, monday_saturday


@dataclass
class Student:
    """A signed-in student: the diary path up to the dates, and the token."""

    prefix: str  # /webapi/student/diary?studentId=…&yearId=…
    at: str


def diary_lines(students: list[Student], space: ColdSpace, count: int, first_counter: int = 0) -> list[dict]:
    """`count` diary requests alternating hot (the student's current week) and cold (a student-week
    no other line of the file asks for, while the file has fewer than space.n cold lines)."""
    start, end = monday_saturday()
    lines = []
    for i in range(count):
        if i % 2 == 0:
            s = students[(i // 2) % len(students)]
            lines.append({"tag": "hot", "path": f"{s.prefix}&weekStart={start}&weekEnd={end}", "headers": {"at": s.at}})
        else:
            k, ws, we = space.week(first_counter + i // 2)
            s = students[k]
            lines.append({"tag": "cold", "path": f"{s.prefix}&weekStart={ws}&weekEnd={we}", "headers": {"at": s.at}})
    return lines


def write_lines(path: Path, lines: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


class Run:
    """One sgo-load process running in the background; `result()` waits for its report."""

    def __init__(self, binary: Path, requests: Path, target: str, rate: float, duration: str,
                 out: Path, max_connections: int = 256, timeout: str = "30s", first_line: int = 0):
        self.out = out
        self.cmd = [str(binary), "--requests", str(requests), "--target", target, "--rate", str(rate),
                    "--duration", duration, "--max-connections", str(max_connections), "--timeout", timeout,
                    "--first-line", str(first_line)]
        log("$ " + " ".join(self.cmd))
        self.stdout = out.open("wb")
        self.stderr = out.with_suffix(".stderr").open("wb")
        self.proc = subprocess.Popen(self.cmd, stdout=self.stdout, stderr=self.stderr)
        self.budget = seconds(duration) + seconds(timeout) + 30

    def result(self) -> dict:
        try:
            rc = self.proc.wait(timeout=self.budget)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            die(f"sgo-load did not finish within {self.budget:.0f}s")
        self.stdout.close()
        self.stderr.close()
        if rc != 0:
            die(f"sgo-load failed ({rc}): {self.out.with_suffix('.stderr').read_text()[:2000]}")
        return json.loads(self.out.read_text())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def tag_summary(report: dict, tag: str) -> dict:
    """The figures of one tag of a report (or `overall`), flattened for printing."""
    t = report["overall"] if tag == "overall" else report["tags"].get(tag)
    if t is None:
        return {}
    lat = t["latency_ms"]
    return {
        "sent": t["sent"], "completed": t["completed"], "rps": t["achieved_rate"],
        "p50": lat["p50"], "p90": lat["p90"], "p99": lat["p99"], "p999": lat["p999"], "max": lat["max"],
        "non2xx": t["non_2xx_3xx"], "errors": t["errors"], "statuses": t["statuses"],
        "error_kinds": t["error_kinds"],
    }
