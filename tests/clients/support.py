"""Helpers shared by the client-library tests (stdlib + httpx only)."""

from __future__ import annotations

from datetime import date, timedelta
from hashlib import md5
from typing import Any, Callable, Iterator

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


async def find_mark_and_overdue(ns: Any, has_mark: Callable[[Any], bool]) -> tuple[date | None, date | None]:
    """The latest weeks, going back, with a marked assignment and with overdue work, as a client
    library reads them (`ns` has the `diary` and `overdue` of either library)."""
    mark_week = overdue_week = None
    for start, end in weeks_back():
        if mark_week is None:
            diary = await ns.diary(start, end)
            if any(has_mark(a) for day in diary.schedule for lesson in day.lessons for a in lesson.assignments):
                mark_week = start
        if overdue_week is None and await ns.overdue(start, end):
            overdue_week = start
        if mark_week and overdue_week:
            break
    return mark_week, overdue_week
