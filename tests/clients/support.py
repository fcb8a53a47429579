"""Helpers shared by the client-library tests (stdlib + httpx only)."""

from __future__ import annotations

from datetime import date, timedelta
from hashlib import md5
from typing import Iterator

import httpx

WEEKS_BACK = 10


def weeks_back(today: date | None = None, count: int = WEEKS_BACK) -> Iterator[tuple[date, date]]:
    """Monday..Saturday pairs, current week first."""
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    for i in range(count):
        start = monday - timedelta(weeks=i)
        yield start, start + timedelta(days=5)


def password_proof(password: str, salt: str) -> tuple[str, str]:
    inner = md5(password.encode("cp1251")).hexdigest()
    pw2 = md5((salt + inner).encode()).hexdigest()
    return pw2[: len(password)], pw2


def raw_login(client: httpx.Client, school_id: str, login: str, password: str) -> str:
    """The challenge login exactly as the web clients perform it; returns `at`."""
    client.get("/webapi/logindata").raise_for_status()
    meta = client.post("/webapi/auth/getdata").json()
    salt = meta.pop("salt")
    pw, pw2 = password_proof(password, salt)
    resp = client.post(
        "/webapi/login",
        data={"loginType": 1, "scid": school_id, "un": login, "pw": pw, "pw2": pw2, **meta},
    )
    assert resp.status_code == 200, f"login: HTTP {resp.status_code} {resp.text[:300]}"
    at = resp.json()["at"]
    assert isinstance(at, str) and at
    return at


def assert_token_dead(url: str, at: str) -> None:
    # A fresh client with no cookie jar: only the header can identify the session.
    with httpx.Client(base_url=url, timeout=10) as client:
        resp = client.get("/webapi/student/diary/init", headers={"at": at})
    assert resp.status_code == 401, f"old at after logout: HTTP {resp.status_code}, expected 401"
