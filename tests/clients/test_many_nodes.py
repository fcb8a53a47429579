"""A region on many nodes: two `sgo serve` processes sharing nothing but one PostgreSQL database,
reached through PgBouncer in transaction pooling mode, behind nginx in round robin.

Through nginx, netschoolpy signs a parent in, reads the diary and sends the class teacher a mail
with a file; the teacher reads it and downloads the file byte for byte; a report is ordered over
the SignalR hub and delivered. Consecutive requests land on different nodes (nginx's log says
which). Against the nodes directly: after one node has answered a sign-out or a password change,
the very next request on the other is refused; the first diary read on one node after a mark
was committed on the other shows the mark, although that node had just cached the week. Then a
report job is caught mid-build (a table it reads is locked), the node holding it is killed with
SIGKILL, and the job is finished by the other node once its lease has run out: the client,
waiting over the hub, gets its file.

No sleeps decide anything: each check is the next request after the answer it depends on.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

pytest.importorskip("netschoolpy")

import netschoolpy.client  # noqa: E402
from netschoolpy import NetSchool  # noqa: E402
from netschoolpy.models import RecipientGroup  # noqa: E402

from conftest import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEMO_ARGS,
    DEMO_TIMEOUT_S,
    WORK_DIR,
    free_port,
    psql,
    read_accounts,
    sgo_bin,
    sgo_env,
    stop,
    tail,
    wait_healthy,
    with_database,
)
from support import assert_token_dead, raw_login  # noqa: E402
from test_journal_data import find_lesson, homework_type  # noqa: E402
from test_ui_data import expect, get_page, web_sign_in  # noqa: E402

TEST_TIMEOUT_S = 240
LEASE_SECONDS = 3
ATTACHMENT = ("Справка.pdf", secrets.token_bytes(300_000))


def tool(name: str) -> str:
    """A Debian tool by path: /usr/sbin is not on every user's PATH."""
    return shutil.which(name) or f"/usr/sbin/{name}"


def as_postgres(cmd: list[str]) -> list[str]:
    # PgBouncer refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def writable(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o777)
    return path


@dataclass
class Node:
    url: str
    proc: subprocess.Popen
    log: Path


@dataclass
class Cluster:
    url: str  # nginx
    nodes: list[Node]
    accounts: list
    database_url: str  # direct, for the test's own looks at the jobs
    nginx_log: Path

    def first(self, role: str):
        return next(a for a in self.accounts if a.role == role)


def pgbouncer_config(work: Path, port: int) -> Path:
    (work / "users.txt").write_text('"postgres" ""\n')
    config = work / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        "* = host=127.0.0.1 port=5432\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "auth_type = trust\n"
        f"auth_file = {work / 'users.txt'}\n"
        "pool_mode = transaction\n"
        "max_client_conn = 200\n"
        "default_pool_size = 10\n"
        f"logfile = {work / 'pgbouncer.log'}\n"
        f"pidfile = {work / 'pgbouncer.pid'}\n"
        "unix_socket_dir =\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    for f in work.iterdir():
        f.chmod(0o666)
    return config


def nginx_config(work: Path, port: int, upstreams: list[int]) -> Path:
    temp = writable(work / "temp")
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in upstreams)
    config = work / "nginx.conf"
    config.write_text(
        f"pid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'};\n"
        "worker_processes 1;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  log_format upstream '$request_method $uri $status $upstream_addr';\n"
        f"  access_log {work / 'access.log'} upstream;\n"
        f"  client_body_temp_path {temp / 'body'};\n"
        f"  proxy_temp_path {temp / 'proxy'};\n"
        f"  fastcgi_temp_path {temp / 'fastcgi'};\n"
        f"  uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"  scgi_temp_path {temp / 'scgi'};\n"
        f"  upstream sgo {{\n{servers}  }}\n"
        "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
        "  server {\n"
        f"    listen 127.0.0.1:{port};\n"
        "    client_max_body_size 60m;\n"
        "    location / {\n"
        "      proxy_pass http://sgo;\n"
        "      proxy_http_version 1.1;\n"
        "      proxy_set_header Upgrade $http_upgrade;\n"
        "      proxy_set_header Connection $connection_upgrade;\n"
        "      proxy_set_header Host $host:$server_port;\n"
        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "      proxy_read_timeout 120s;\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    return config


def wait_port(port: int, proc: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{tail(log)}", pytrace=False)
        with contextlib.suppress(OSError), contextlib.closing(__import__("socket").create_connection(("127.0.0.1", port), 1)):
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not listen on {port}:\n{tail(log)}", pytrace=False)


def start_node(binary: str, scratch: Path, name: str, env: dict, bouncer_url: str) -> Node:
    port = free_port()
    data_dir = scratch / name
    log = WORK_DIR / f"many-nodes-{name}.log"
    log.write_bytes(b"")
    cmd = [binary, "serve", "--data-dir", str(data_dir), "--database-url", bouncer_url, "--listen", f"127.0.0.1:{port}"]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=scratch, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(proc, url, log)
    return Node(url, proc, log)


@pytest.fixture(scope="module")
def cluster():
    with running_cluster() as c:
        yield c


@contextlib.contextmanager
def running_cluster(demo_args: list[str] | None = None, job_lease: int = LEASE_SECONDS):
    """Two nodes behind PgBouncer and nginx on a fresh database; also used by scripts/bench-nodes."""
    for name in ("nginx", "pgbouncer"):
        if not Path(tool(name)).exists():
            pytest.fail(f"{name} not installed: run .ci/run (Debian package {name})", pytrace=False)
    binary = str(sgo_bin())
    scratch = Path(tempfile.mkdtemp(prefix="sgo-many-nodes-"))
    scratch.chmod(0o755)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    admin_url = os.environ.get("SGO_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    db_name = "sgo_many_" + uuid.uuid4().hex[:12]
    direct_url = with_database(admin_url, db_name)
    procs: list[subprocess.Popen] = []
    try:
        psql(admin_url, f'CREATE DATABASE "{db_name}"')
        env = sgo_env()
        # One server key for every node, as the deployment guide says.
        env["SGO_SERVER_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
        env["SGO_JOB_LEASE_SECONDS"] = str(job_lease)
        demo_log = WORK_DIR / "many-nodes-demo.log"
        demo_log.write_bytes(b"")
        demo = [binary, "demo", "--data-dir", str(scratch / "demo"), "--database-url", direct_url, *(demo_args or DEMO_ARGS)]
        with demo_log.open("ab") as out:
            done = subprocess.run(demo, stdout=out, stderr=subprocess.STDOUT, cwd=scratch, env=env, timeout=DEMO_TIMEOUT_S)
        assert done.returncode == 0, f"sgo demo failed:\n{tail(demo_log)}"
        accounts = read_accounts(scratch / "demo")

        bouncer_dir = writable(scratch / "pgbouncer")
        bouncer_port = free_port()
        bouncer_log = bouncer_dir / "pgbouncer.log"
        bouncer = subprocess.Popen(as_postgres([tool("pgbouncer"), str(pgbouncer_config(bouncer_dir, bouncer_port))]),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        procs.append(bouncer)
        wait_port(bouncer_port, bouncer, "pgbouncer", bouncer_log)
        bouncer_url = f"postgres://postgres@127.0.0.1:{bouncer_port}/{db_name}"

        env["SGO_DATABASE_POOLER"] = "transaction"
        env["SGO_DIRECT_DATABASE_URL"] = direct_url
        nodes = [start_node(binary, scratch, name, env, bouncer_url) for name in ("node-a", "node-b")]
        procs.extend(n.proc for n in nodes)

        nginx_dir = writable(scratch / "nginx")
        nginx_port = free_port()
        config = nginx_config(nginx_dir, nginx_port, [int(n.url.rsplit(":", 1)[1]) for n in nodes])
        nginx = subprocess.Popen([tool("nginx"), "-c", str(config), "-p", str(nginx_dir), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        procs.append(nginx)
        wait_port(nginx_port, nginx, "nginx", nginx_dir / "error.log")
        yield Cluster(f"http://127.0.0.1:{nginx_port}", nodes, accounts, direct_url, nginx_dir / "access.log")
    finally:
        for proc in reversed(procs):
            stop(proc)
        with contextlib.suppress(BaseException):
            psql(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(scratch, ignore_errors=True)


def upstreams(log: Path, skip: int) -> list[str]:
    """The node of each request nginx logged after the first `skip` lines."""
    lines = log.read_text().splitlines()[skip:]
    return [line.rsplit(" ", 1)[1] for line in lines if line.strip()]


def log_length(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


async def parent_and_teacher_through_nginx(c: Cluster) -> None:
    parent = c.first("parent")
    start = log_length(c.nginx_log)
    async with NetSchool(c.url, timeout=30) as ns:
        await ns.login(parent.login, parent.password, parent.organization_short_name)
        ns.set_keepalive_interval(0)
        monday = date.today() - timedelta(days=date.today().weekday())
        diary = await ns.diary(monday, monday + timedelta(days=6))
        assert diary.start == monday
        teachers = await ns.mail_recipients(RecipientGroup.CLASS_TEACHERS)
        by_name = {a.display_name: a for a in c.accounts if a.role == "teacher"}
        to = next(t for t in teachers if t.name in by_name)
        teacher = by_name[to.name]
        sent = await ns.mail_send("Справка для классного руководителя", "Прошу приобщить справку.", [to.id],
                                  attachments=[ATTACHMENT])
    seen = upstreams(c.nginx_log, start)
    assert len(set(seen)) == 2, f"nginx used one node only: {seen}"
    assert any(a != b for a, b in zip(seen, seen[1:])), seen

    # The teacher, signing in on whichever node nginx picks, reads the mail and downloads the file.
    async with NetSchool(c.url, timeout=30) as ns:
        await ns.login(teacher.login, teacher.password, teacher.organization_short_name)
        ns.set_keepalive_interval(0)
        inbox = await ns.mail_list("Inbox")
        entry = next(e for e in inbox.entries if e.subject == "Справка для классного руководителя")
        message = await ns.mail_read(entry.id)
        assert message.author_name == parent.display_name
        assert [a.name for a in message.file_attachments] == [ATTACHMENT[0]]
        # Each download goes to the next node in turn: both serve the same bytes.
        for _ in range(2):
            data = await ns.download_attachment_as_bytes(message.file_attachments[0].id)
            assert data == ATTACHMENT[1]
    assert sent


async def report_through_nginx(c: Cluster) -> None:
    student = c.first("student")
    async with NetSchool(c.url, timeout=30) as ns:
        await ns.login(student.login, student.password, student.organization_short_name)
        ns.set_keepalive_interval(0)
        totals = await ns.total_marks()
        assert [t.subject for t in totals] == [s.name for s in await ns.subjects()]


def test_many_nodes_serve_one_region(cluster, monkeypatch):
    # netschoolpy hands its TLS context to websockets even for ws:// (see test_reports.py).
    monkeypatch.setattr(netschoolpy.client, "trusted_ssl_context", lambda: None)
    asyncio.run(asyncio.wait_for(parent_and_teacher_through_nginx(cluster), TEST_TIMEOUT_S))
    asyncio.run(asyncio.wait_for(report_through_nginx(cluster), TEST_TIMEOUT_S))


def test_sign_out_and_password_change_reach_the_other_node(cluster):
    a, b = cluster.nodes
    student = cluster.first("student")
    with httpx.Client(base_url=a.url, timeout=30) as http:
        at = raw_login(http, student.organization_id, student.login, student.password)
    with httpx.Client(base_url=b.url, timeout=30) as other:
        # Node B has checked (and cached) the session before node A ends it.
        assert other.get("/webapi/context", headers={"at": at}).status_code == 200
    with httpx.Client(base_url=a.url, timeout=30) as http:
        assert http.post("/webapi/auth/logout", headers={"at": at}).status_code == 200
    assert_token_dead(b.url, at)

    # A password change on node B ends the session node A had just served.
    with httpx.Client(base_url=a.url, timeout=30) as http:
        at = raw_login(http, student.organization_id, student.login, student.password)
        assert http.get("/webapi/context", headers={"at": at}).status_code == 200
    changed = student.password + "-Смена2"
    change_password(b.url, student, student.password, changed)
    assert_token_dead(a.url, at)
    # The demo password back for the other tests; the new one signs in on node A.
    change_password(a.url, student, changed, student.password)


def change_password(url: str, account, current: str, new: str) -> None:
    web = web_sign_in(url, account.organization_id, account.login, current, "/diary")
    with contextlib.closing(web):
        page = get_page(web, "/settings/password", "password change")
        resp = web.post("/settings/password", data={
            "csrf": page.csrf(), "current_password": current, "new_password": new, "repeat_password": new})
        assert resp.status_code == 303, f"password change: HTTP {resp.status_code} {resp.text[:800]}"


def diary_mark(url: str, at: str, student_id: int, monday: date, assignment_id: int) -> str | None:
    with httpx.Client(base_url=url, timeout=30) as http:
        resp = http.get("/webapi/student/diary", headers={"at": at}, params={
            "studentId": student_id, "weekStart": monday.isoformat(), "weekEnd": (monday + timedelta(days=6)).isoformat()})
        assert resp.status_code == 200, resp.text[:500]
        for day in resp.json()["weekDays"]:
            for lesson in day["lessons"]:
                for a in lesson.get("assignments") or []:
                    if a["id"] == assignment_id and a.get("mark"):
                        return str(a["mark"]["mark"])
    return None


def test_a_mark_written_on_one_node_is_read_on_the_other(cluster):
    a, b = cluster.nodes
    web, _teacher, href, day, student_id, student = find_lesson(_on(cluster, a.url))
    with contextlib.closing(web):
        page = get_page(web, href, "lesson page")
        resp = web.post(f"{href}/assignments", data={
            "csrf": page.csrf(), "type": homework_type(page), "title": "Проверочная работа (два узла)",
            "description": "", "weight": "", "due": day.isoformat()})
        assert resp.status_code == 303, resp.text[:800]
        html = expect(web.get(href), 200, "lesson page").text
        m = re.search(r'data-assignment="(\d+)">\s*<strong>[^<]*</strong>\s*Проверочная работа \(два узла\)', html)
        assert m, html[:2000]
        assignment_id = int(m.group(1))
        monday = day - timedelta(days=day.weekday())
        with httpx.Client(base_url=b.url, timeout=30) as http:
            at = raw_login(http, student.organization_id, student.login, student.password)
            init = http.get("/webapi/student/diary/init", headers={"at": at}).json()
        student_key = init["students"][0]["studentId"]
        # Node B holds the week, without the mark, in its cache.
        assert diary_mark(b.url, at, student_key, monday, assignment_id) is None
        resp = web.post("/journal/mark", data={"csrf": page.csrf(), "assignment": str(assignment_id),
                                               "student": student_id, "value": "4"})
        assert resp.status_code == 200, resp.text[:500]
    assert diary_mark(b.url, at, student_key, monday, assignment_id) == "4"


def _on(cluster: Cluster, url: str):
    """The cluster's accounts, as the demo fixtures of other tests expect them, on one node."""

    @dataclass(frozen=True)
    class One:
        url: str
        accounts: list

    return One(url, cluster.accounts)


def jobs(cluster: Cluster, where: str) -> list[tuple[int, str, str]]:
    out = subprocess.run(["psql", cluster.database_url, "-qAtF", "|", "-c",
                          f"SELECT id, state, node FROM report_jobs WHERE {where} ORDER BY id"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return [(int(i), s, n) for i, s, n in (line.split("|") for line in out.stdout.splitlines() if line)]


async def report_with_a_dying_node(c: Cluster) -> None:
    student = c.first("student")
    before = max([j[0] for j in jobs(c, "TRUE")], default=0)
    # A table the build reads is locked, so the job stays "running" on its node.
    locker = subprocess.Popen(["psql", c.database_url, "-qc",
                               "SET application_name = 'sgo-test-locker'; BEGIN; "
                               "LOCK TABLE marks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def unlock() -> None:
        # The server does not notice a client gone during pg_sleep: end the backend itself.
        subprocess.run(["psql", c.database_url, "-qAtc", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = 'sgo-test-locker'"], capture_output=True, timeout=30)
        locker.wait()

    try:
        async with NetSchool(c.url, timeout=60) as ns:
            await ns.login(student.login, student.password, student.organization_short_name)
            ns.set_keepalive_interval(0)
            report = asyncio.create_task(ns.total_marks())
            holder = None
            while holder is None:
                assert not report.done(), report
                running = [j for j in jobs(c, f"id > {before}") if j[1] == "running"]
                if running:
                    holder = running[0]
                await asyncio.sleep(0.1)
            pid = int(holder[2].split(":")[1])
            victim = next(n for n in c.nodes if n.proc.pid == pid)
            victim.proc.send_signal(signal.SIGKILL)
            victim.proc.wait()
            unlock()
            totals = await asyncio.wait_for(report, 60)
            assert totals, "the report has rows"
            (job_id, state, node), = [j for j in jobs(c, f"id = {holder[0]}")]
            assert state == "done" and int(node.split(":")[1]) != pid, (state, node)
    finally:
        if locker.poll() is None:
            unlock()


def test_a_job_of_a_killed_node_is_finished_by_the_other(cluster, monkeypatch):
    monkeypatch.setattr(netschoolpy.client, "trusted_ssl_context", lambda: None)
    asyncio.run(asyncio.wait_for(report_with_a_dying_node(cluster), TEST_TIMEOUT_S))
