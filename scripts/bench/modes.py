"""The benchmark modes. Each starts its own `sgo serve` over a generated region (so that its
peak memory is its own), signs K students in, measures, and stops the server.

- hot / cold: wrk (closed loop) against sgo, then the same wrk script against nginx.
- mixed: sgo-load offers diary reads (half hot, half cold) and journal mark writes at fixed
  rates; meanwhile marks are set one by one and the student's diary is polled until it shows them.
- logins: sgo-load offers diary reads while sign-ins (web form and NetSchool challenge) are
  started by the clock at rising rates.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from . import load
from .engines import STORM_SETTINGS, PgBouncer, Region, Server, serve, server_warnings
from .journal import Cell, Teacher, find_teacher
from .signin import Client, Session, change_password, login_cascade, netschool_sign_in, sign_in, web_sign_in
from .util import die, log, nearest_rank, seconds, stop, tail
from .weeks import ColdSpace, monday_saturday
from .wrk import cold_counters, run_wrk, start_nginx, write_cold_script, write_hot_script

COLD_TARGET = 50_000  # distinct student-weeks a cold run should reach
SIGN_IN_P99_MS = 300.0  # the sign-in storm's target


@dataclass
class Tools:
    args: argparse.Namespace
    sgo: Path
    load: Path | None
    wrk: str | None
    nginx: str | None


@dataclass
class Signed:
    row: dict  # the account's line of demo-accounts.csv
    session: Session

    @property
    def prefix(self) -> str:
        s = self.session
        return f"/webapi/student/diary?studentId={s.student_id}&yearId={s.year_id}"


def engine_label(region: Region, bouncer: PgBouncer | None) -> str:
    return "pgbouncer" if bouncer else region.engine


def mode_dir(region: Region, name: str) -> Path:
    d = region.work / name
    d.mkdir(parents=True, exist_ok=True)
    d.chmod(0o755)
    return d


def sign_in_students(server: Server, region: Region, k: int) -> list[Signed]:
    rows = region.students(k)
    if not rows:
        die("demo-accounts.csv has no student")
    t0 = time.monotonic()
    try:
        signed = [Signed(r, sign_in(server.base, r["organization_id"], r["login"], r["password"])) for r in rows]
    except urllib.error.HTTPError as e:
        die(f"signing the students in: {e.url}: HTTP {e.code}; server log {server.log}:\n{tail(server.log)}")
    log(f"signed in {len(signed)} students in {time.monotonic() - t0:.1f}s")
    return signed


def get(server: Server, path: str, at: str) -> bytes:
    req = urllib.request.Request(server.base + path, headers={"at": at})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        die(f"GET {path}: HTTP {e.code}; server log {server.log}:\n{tail(server.log)}")
        raise


def cold_space(k: int) -> ColdSpace:
    space = ColdSpace.build(k)
    if space.n < COLD_TARGET:
        log(f"note: {k} students × {space.start_days} days × 7 spans = {space.n} student-weeks, fewer than "
            f"{COLD_TARGET:,}; raise --students for a larger cold set")
    return space


# --- hot and cold: wrk ---------------------------------------------------------------------------


def wrk_mode(t: Tools, region: Region, cold: bool, bouncer: PgBouncer | None = None) -> dict:
    args = t.args
    label = engine_label(region, bouncer)
    name = f"{'cold' if cold else 'hot'}-{label}"
    work = mode_dir(region, name)
    duration = args.cold_duration if cold else args.duration
    result: dict = {"mode": "cold" if cold else "hot", "engine": label}
    server = serve(t.sgo, region, name, bouncer)
    nginx_proc = None
    try:
        signed = sign_in_students(server, region, args.students)
        result["tokens"] = len(signed)
        start, end = monday_saturday()
        sample = get(server, f"{signed[0].prefix}&weekStart={start}&weekEnd={end}", signed[0].session.at)
        (work / "diary-sample.json").write_bytes(sample)
        result["response_bytes"] = len(sample)
        script = work / "diary.lua"
        if cold:
            space = cold_space(len(signed))
            write_cold_script(script, [(s.prefix, s.session.at) for s in signed], space, args.threads)
            result["space"] = space.n
        else:
            write_hot_script(script, [(f"{s.prefix}&weekStart={start}&weekEnd={end}", s.session.at) for s in signed])
        result["ours"] = run_wrk(t.wrk, server.base, script, args, work / "wrk-sgo.txt", duration)
        if cold:
            counters = cold_counters(result["ours"]["text"], args.threads)
            result["generated"] = len(counters)
            result["distinct"] = space.distinct(counters)
        result["peak_rss_kib"] = server.peak_rss_kib()
        result["warnings"] = server_warnings(server)
        server.stop()
        nginx_proc, nginx_url, _ = start_nginx(t.nginx, work / "nginx", sample)
        result["nginx"] = run_wrk(t.wrk, nginx_url, script, args, work / "wrk-nginx.txt", duration)
        return result
    finally:
        server.stop()
        stop(nginx_proc)


# --- mixed: writes and reads at fixed rates --------------------------------------------------------


def diary_file(work: Path, signed: list[Signed], rate: float, duration_s: float) -> Path:
    """A request file long enough that no cold line repeats during the run."""
    space = cold_space(len(signed))
    count = min(int(rate * duration_s) + 2, 2 * space.n)
    students = [load.Student(s.prefix, s.session.at) for s in signed]
    return load.write_lines(work / "diary.jsonl", load.diary_lines(students, space, count))


def mark_of(diary: dict, assignment: int) -> int | None:
    for day in diary.get("weekDays") or []:
        for lesson in day.get("lessons") or []:
            for a in lesson.get("assignments") or []:
                if a.get("id") == assignment:
                    return (a.get("mark") or {}).get("mark")
    return None


def propagation(teacher: Teacher, base: str, probes: list[tuple[Cell, Signed]], stop_at: float) -> dict:
    """For each probe cell: read the student's week (so the server has it cached), set a new mark
    through the journal, then read the week again and again, with no pause, until it shows the
    new value. The time from the write's answer to the answer that shows it is the propagation."""
    times, polls, writes, failures = [], [], [], []
    reader = Client(base)
    try:
        for cell, student in probes:
            if time.monotonic() > stop_at:
                break
            monday = cell.day - timedelta(days=cell.day.weekday())
            path = (f"{student.prefix}&weekStart={monday.isoformat()}"
                    f"&weekEnd={(monday + timedelta(days=6)).isoformat()}")
            headers = {"at": student.session.at}
            before = mark_of(reader.json(path, headers), cell.assignment)
            new = 4 if before == 5 else 5
            t0 = time.monotonic()
            status, body = teacher.set_mark(cell, str(new))
            t1 = time.monotonic()
            if status != 200 or b'"error"' in body:
                failures.append(f"write {cell.assignment}/{cell.student}: HTTP {status} {body[:120]!r}")
                continue
            writes.append((t1 - t0) * 1000)
            n = 0
            while True:
                n += 1
                shown = mark_of(reader.json(path, headers), cell.assignment)
                if shown == new:
                    times.append((time.monotonic() - t1) * 1000)
                    polls.append(n)
                    break
                if time.monotonic() - t1 > 10:
                    failures.append(f"assignment {cell.assignment}: mark {new} not shown after 10 s ({n} reads)")
                    break
    finally:
        reader.close()
    return {"count": len(times), "median_ms": statistics.median(times) if times else None,
            "max_ms": max(times) if times else None, "reads_max": max(polls) if polls else None,
            "first_read_showed": sum(1 for p in polls if p == 1),
            "write_ms_median": statistics.median(writes) if writes else None, "failures": failures}


def pick_probes(cells: list[Cell], signed: list[Signed], count: int) -> list[tuple[Cell, Signed]]:
    """Up to `count` cells of signed-in students, taking students in turn."""
    by_name = {s.row["display_name"].strip(): s for s in signed}
    by_id = {s.session.student_id: s for s in signed}
    per_student: dict[int, list[tuple[Cell, Signed]]] = {}
    for c in cells:
        s = by_id.get(c.student) or by_name.get(c.name)
        if s is not None:
            per_student.setdefault(c.student, []).append((c, s))
    picked: list[tuple[Cell, Signed]] = []
    queues = list(per_student.values())
    while len(picked) < count and any(queues):
        for q in queues:
            if q and len(picked) < count:
                picked.append(q.pop())
    return picked


def mixed_mode(t: Tools, region: Region, bouncer: PgBouncer | None = None) -> dict:
    args = t.args
    label = engine_label(region, bouncer)
    name = f"mixed-{label}"
    work = mode_dir(region, name)
    duration_s = seconds(args.mixed_duration)
    result: dict = {"mode": "mixed", "engine": label, "diary_rate": args.diary_rate, "write_rate": args.write_rate}
    server = serve(t.sgo, region, name, bouncer)
    runs: list[load.Run] = []
    try:
        signed = sign_in_students(server, region, args.students)
        org = signed[0].row["organization_id"]
        teacher = find_teacher(server.base, region.accounts, org,
                               {s.row["display_name"].strip() for s in signed}, {s.session.student_id for s in signed})
        probes = pick_probes(teacher.cells, signed, args.probes)
        if not probes:
            die("no journal cell of a signed-in student to measure propagation on")
        probe_keys = {(c.assignment, c.student) for c, _ in probes}
        cells = [c for c in teacher.cells if (c.assignment, c.student) not in probe_keys]
        if not cells:
            die("no journal cell left for the write load")
        # Each cell twice, first with the value it does not have, then with the other one: when the
        # file comes round again every write is a real change (4 → 5 → 4 …).
        first = ["4" if c.value != "4" else "5" for c in cells]
        second = ["5" if v == "4" else "4" for v in first]
        lines = [teacher.write_line(c, v) for c, v in zip(cells, first)]
        lines += [teacher.write_line(c, v) for c, v in zip(cells, second)]
        writes_file = load.write_lines(work / "writes.jsonl", lines)
        result["write_cells"] = len(cells)
        reads_file = diary_file(work, signed, args.diary_rate, duration_s)

        load_end = time.monotonic() + duration_s
        runs.append(load.Run(t.load, reads_file, server.base, args.diary_rate, args.mixed_duration, work / "load-diary.json"))
        runs.append(load.Run(t.load, writes_file, server.base, args.write_rate, args.mixed_duration,
                             work / "load-writes.json", max_connections=64))
        # The probes run inside the load, after it has settled for a second, and stop with it.
        time.sleep(min(1.0, duration_s / 4))
        result["propagation"] = propagation(teacher, server.base, probes, load_end)
        result["diary"], result["writes"] = (r.result() for r in runs)
        result["peak_rss_kib"] = server.peak_rss_kib()
        result["warnings"] = server_warnings(server)
        teacher.client.close()
        return result
    finally:
        for r in runs:
            r.kill()
        server.stop()


# --- logins: a sign-in storm -------------------------------------------------------------------------


def storm(base: str, rate: float, duration_s: float, accounts: list[tuple[dict, dict]], workers: int) -> dict:
    """Sign-ins started by the clock, alternating web form and NetSchool challenge. A sign-in's
    latency runs from its due time, so time spent waiting for a free worker counts too."""
    n = max(1, round(rate * duration_s))
    t0 = time.monotonic() + 0.05

    def one(i: int, due: float) -> tuple[str, str, float]:
        row, cascade = accounts[i % len(accounts)]
        kind = "web" if i % 2 == 0 else "netschool"
        try:
            if kind == "web":
                status, client = web_sign_in(base, cascade, row["login"], row["password"])
                client.close()
                ok = status == 303
            else:
                status = netschool_sign_in(base, row["organization_id"], row["login"], row["password"])
                ok = status == 200
            outcome = "ok" if ok else f"HTTP {status}"
        except Exception as e:  # noqa: BLE001 - any failure is a failed sign-in, counted by kind
            outcome = type(e).__name__
        return kind, outcome, (time.monotonic() - due) * 1000

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        for i in range(n):
            due = t0 + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, i, due))
        done = [f.result() for f in futures]
    kinds: dict = {}
    for kind in ("web", "netschool"):
        mine = [d for d in done if d[0] == kind]
        lat = [d[2] for d in mine]
        outcomes: dict[str, int] = {}
        for d in mine:
            outcomes[d[1]] = outcomes.get(d[1], 0) + 1
        ok = outcomes.get("ok", 0)
        kinds[kind] = {"count": len(mine), "ok": ok, "failed": {k: v for k, v in outcomes.items() if k != "ok"},
                       "p50": nearest_rank(lat, 0.5), "p99": nearest_rank(lat, 0.99), "max": max(lat, default=None)}
    slow = any((k["p99"] or 0) >= SIGN_IN_P99_MS for k in kinds.values())
    failed = any(k["ok"] < k["count"] for k in kinds.values())
    verdict = "ok" if not (slow or failed) else " and ".join(
        w for w, on in ((f"p99 ≥ {SIGN_IN_P99_MS:.0f} ms", slow), ("failed sign-ins", failed)) if on)
    return {"rate": rate, "kinds": kinds, "passed": not (slow or failed), "verdict": verdict}


def storm_people(server: Server, region: Region, diary_logins: set[str], args: argparse.Namespace) -> list[dict]:
    """The accounts the storm signs in: parents, then students the diary load does not use (a
    password change ends an account's other sessions). Demo accounts are hashed at a light demo
    cost (crates/auth: 1 MiB, 1 pass); unless --demo-hashes, each gets a new password through
    /settings/password first, which the server hashes at its standard cost (19 MiB, 2 passes), so
    that web sign-ins pay what a real account's do."""
    rows = [r for r in region.accounts if r["role"] == "parent"]
    rows += [r for r in region.accounts if r["role"] == "student" and r["login"] not in diary_logins]
    rows = [dict(r) for r in rows[:args.storm_accounts]]
    if not rows:
        die("no parent or spare student account for the sign-in storm")
    if args.demo_hashes:
        return rows
    t0 = time.monotonic()
    cascades: dict[str, dict] = {}
    for i, r in enumerate(rows):
        org = r["organization_id"]
        cascade = cascades.setdefault(org, login_cascade(server.base, org))
        status, client = web_sign_in(server.base, cascade, r["login"], r["password"])
        new = f"Bench{os.getpid()}-{i}-{secrets.token_hex(6)}"
        changed = change_password(client, r["password"], new) if status == 303 else status
        client.close()
        if changed != 303:
            die(f"could not give {r['login']} a standard-cost password: HTTP {changed}; server log "
                f"{server.log}:\n{tail(server.log)}")
        r["password"] = new
    log(f"gave {len(rows)} storm accounts new (standard-cost) passwords in {time.monotonic() - t0:.1f}s")
    return rows


def logins_mode(t: Tools, region: Region, bouncer: PgBouncer | None = None) -> dict:
    args = t.args
    label = engine_label(region, bouncer)
    name = f"logins-{label}"
    work = mode_dir(region, name)
    step_s = seconds(args.login_duration)
    result: dict = {"mode": "logins", "engine": label, "diary_rate": args.login_diary_rate,
                    "settings": dict(STORM_SETTINGS), "steps": [], "nominal": args.login_rate}
    server = serve(t.sgo, region, name, bouncer, extra_env=STORM_SETTINGS)
    run = None
    try:
        signed = sign_in_students(server, region, args.students)
        reads_file = diary_file(work, signed, args.login_diary_rate, step_s * len(args.login_rates))
        people = storm_people(server, region, {s.row["login"] for s in signed}, args)
        result["storm_accounts"], result["rehashed"] = len(people), not args.demo_hashes
        cascades = {org: login_cascade(server.base, org) for org in {r["organization_id"] for r in people}}
        accounts = [(r, cascades[r["organization_id"]]) for r in people]
        for i, rate in enumerate(args.login_rates):
            log(f"sign-in storm: {rate}/s for {args.login_duration} with {args.login_diary_rate} diary req/s")
            # Each step starts further into the file, so that its cold lines are new ones too.
            run = load.Run(t.load, reads_file, server.base, args.login_diary_rate, args.login_duration,
                           work / f"load-diary-{rate:g}.json", first_line=int(i * args.login_diary_rate * step_s))
            step = storm(server.base, rate, step_s, accounts, args.storm_workers)
            step["diary"] = run.result()
            run = None
            result["steps"].append(step)
            if not step["passed"]:
                break
        passing = [s["rate"] for s in result["steps"] if s["passed"]]
        result["best_rate"] = max(passing) if passing else None
        result["peak_rss_kib"] = server.peak_rss_kib()
        result["warnings"] = server_warnings(server)
        return result
    finally:
        if run is not None:
            run.kill()
        server.stop()


def dump(result: dict, path: Path) -> None:
    """Everything a mode measured, for --keep."""
    clean = {k: v for k, v in result.items() if k not in ("ours", "nginx")}
    for k in ("ours", "nginx"):
        if k in result:
            clean[k] = {kk: vv for kk, vv in result[k].items() if kk != "text"}
    path.write_text(json.dumps(clean, ensure_ascii=False, indent=2, default=str))
