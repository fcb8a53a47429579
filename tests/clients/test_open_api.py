"""The open API against its own OpenAPI document, with the real server (issue 20).

schemathesis generates requests for every operation of `/api/v1/openapi.json` with a token of
all scopes: no answer may be a server error or differ from the document (status, content type,
headers, body schema). Then every bearer operation is called with a token of one unrelated
scope (403) and with a revoked token (401).

Runs only in the schemathesis venv (tests/clients/requirements-schemathesis.txt), bounded by
`--max-examples` and `--max-time`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import WORK_DIR
from support import raw_login

MAX_EXAMPLES = os.environ.get("SGO_SCHEMATHESIS_EXAMPLES", "25")
MAX_SECONDS = os.environ.get("SGO_SCHEMATHESIS_SECONDS", "150")
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
])
ALL_SCOPES = ["diary:read", "marks:read", "mail:read", "mail:send", "calendar:read", "events:read"]


def make_token(client: httpx.Client, at: str, scopes: list[str]) -> dict:
    resp = client.post("/api/v1/tokens", headers={"at": at}, json={"name": "schemathesis", "scopes": scopes})
    assert resp.status_code == 201, f"token: HTTP {resp.status_code} {resp.text[:300]}"
    return resp.json()


@pytest.fixture(scope="module")
def signed_in(server):
    student = server.first("student")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        at = raw_login(client, student.organization_id, student.login, student.password)
        yield client, at


def someone_else_at(server) -> str:
    """The session of another person (a teacher), whose token operations cannot reach the
    student's tokens: schemathesis tries DELETE /tokens/{id} with every small id."""
    teacher = server.first("teacher")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return raw_login(client, teacher.organization_id, teacher.login, teacher.password)


def bearer_operations(doc: dict) -> list[tuple[str, str, list[str]]]:
    """(method, path, scopes) of every operation a token opens."""
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for requirement in op.get("security", []):
                if "bearer" in requirement:
                    out.append((method.upper(), path, requirement["bearer"]))
    return out


def concrete(path: str, student: int) -> str:
    return (path.replace("{id}", str(student)).replace("{assignment}", "1").replace("{folder}", "inbox"))


def test_schemathesis_finds_nothing(server, signed_in):
    client, at = signed_in
    token = make_token(client, at, ALL_SCOPES)["token"]
    other_at = someone_else_at(server)
    report = WORK_DIR / f"schemathesis-{server.backend}"
    cmd = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{server.url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        # A session for the operations that manage tokens.
        "--header", f"at: {other_at}",
        "--checks", CHECKS,
        "--max-examples", MAX_EXAMPLES,
        "--max-time", MAX_SECONDS,
        "--phases", "examples,coverage,fuzzing",
        "--seed", "20",
        "--workers", "2",
        "--request-timeout", "20",
        "--suppress-health-check", "all",
        "--report", "junit", "--report-dir", str(report),
        "--output-truncate", "true",
    ]
    env = dict(os.environ, SCHEMATHESIS_HOOKS="", NO_COLOR="1")
    report.mkdir(parents=True, exist_ok=True)
    # Run from the report directory: schemathesis keeps a cache directory where it runs.
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=int(MAX_SECONDS) + 120, env=env, cwd=report)
    out = proc.stdout + proc.stderr
    # Secrets must not end up in the kept logs.
    out = out.replace(token, "[token]").replace(other_at, "[at]")
    (report / "output.txt").write_text(out)
    assert proc.returncode == 0, out[-12000:]


def test_one_scope_gets_403_elsewhere_and_a_revoked_token_401(server, signed_in):
    client, at = signed_in
    doc = client.get("/api/v1/openapi.json").json()
    ops = bearer_operations(doc)
    assert len(ops) >= 10, ops
    everything = make_token(client, at, ALL_SCOPES)["token"]
    student = client.get("/api/v1/me", headers={"Authorization": f"Bearer {everything}"}).json()["students"][0]["id"]
    # events:read opens none of these operations (only `/me`, which needs no scope).
    narrow = make_token(client, at, ["events:read"])
    checked = 0
    for method, path, scopes in ops:
        if not scopes:
            continue
        uri = concrete(path, student)
        resp = client.request(method, uri, headers={"Authorization": f"Bearer {narrow['token']}"}, json={} if method == "POST" else None)
        assert resp.status_code == 403, f"{method} {uri}: HTTP {resp.status_code} {resp.text[:200]}"
        assert resp.headers["content-type"] == "application/problem+json"
        checked += 1
    assert checked >= 10
    resp = client.delete(f"/api/v1/tokens/{narrow['id']}", headers={"at": at})
    assert resp.status_code == 204, resp.text
    for method, path, _ in ops:
        uri = concrete(path, student)
        resp = client.request(method, uri, headers={"Authorization": f"Bearer {narrow['token']}"}, json={} if method == "POST" else None)
        assert resp.status_code == 401, f"{method} {uri} with a revoked token: HTTP {resp.status_code}"
        assert resp.headers.get("www-authenticate") == "Bearer"
