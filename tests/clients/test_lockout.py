"""Lockout after repeated wrong passwords, as the real NetSchool clients see it.

The server runs with the default rules: three failures in a row pause a login for a minute,
answered with HTTP 409 and SGO's wording (spec §2.5). netschoolpy classifies that text as
`AccountLocked`; netschoolapi turns every 409 into `AuthError`, so its test reads the wording
from the wire as well. Each library's test pauses its own account, one no other test signs in
with, so the rest of the suite is not disturbed.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from support import password_proof

FAILURES = 3
LOCKED = (
    "Вы совершили 3 неудачные попытки входа. "
    "Следующая попытка может быть совершена не ранее чем через минуту"
)
WRONG = "Неправильный пароль или имя пользователя"


def spare_parent(server, offset: int):
    """A parent from the end of the sheet: other tests take the first accounts of each role."""
    parents = [a for a in server.accounts if a.role == "parent"]
    assert len(parents) > 4, "the demo sheet has too few parents for the lockout test"
    return parents[-1 - offset]


def wire_login(url: str, account, password: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=10) as client:
        client.get("/webapi/logindata").raise_for_status()
        meta = client.post("/webapi/auth/getdata").json()
        pw, pw2 = password_proof(password, meta.pop("salt"))
        return client.post(
            "/webapi/login",
            data={"loginType": 1, "scid": account.organization_id, "un": account.login,
                  "pw": pw, "pw2": pw2, **meta},
        )


def test_netschoolpy_gets_account_locked(server):
    netschoolpy = pytest.importorskip("netschoolpy")
    account = spare_parent(server, 0)

    async def attempt(password: str) -> None:
        async with netschoolpy.NetSchool(server.url, timeout=10) as ns:
            ns.set_keepalive_interval(0)
            await ns.login(account.login, password, account.organization_short_name)

    for i in range(FAILURES):
        with pytest.raises(netschoolpy.InvalidCredentials):
            asyncio.run(attempt(f"wrong-password-{i}"))
    # Even the right password now waits, and the client says why.
    with pytest.raises(netschoolpy.AccountLocked) as locked:
        asyncio.run(attempt(account.password))
    assert "не ранее чем через минуту" in str(locked.value), str(locked.value)

    resp = wire_login(server.url, account, account.password)
    assert resp.status_code == 409, resp.text
    assert resp.json() == {"message": LOCKED}


def test_netschoolapi_is_refused_with_the_lockout_wording(server):
    netschoolapi = pytest.importorskip("netschoolapi")
    errors = pytest.importorskip("netschoolapi.errors")
    account = spare_parent(server, 1)

    async def attempt(password: str) -> None:
        ns = netschoolapi.NetSchoolAPI(server.url)
        try:
            await ns.login(account.login, password, account.organization_short_name)
        finally:
            await ns._wrapped_client.client.aclose()

    for i in range(FAILURES):
        with pytest.raises(errors.AuthError):
            asyncio.run(attempt(f"wrong-password-{i}"))
    with pytest.raises(errors.AuthError):
        asyncio.run(attempt(account.password))

    resp = wire_login(server.url, account, account.password)
    assert resp.status_code == 409, resp.text
    assert resp.json() == {"message": LOCKED}
    # Another spare account is not slowed down by these failures.
    other = spare_parent(server, 2)
    ok = wire_login(server.url, other, other.password)
    assert ok.status_code == 200, ok.text


def test_a_wrong_password_is_not_yet_a_lockout(server):
    account = spare_parent(server, 3)
    resp = wire_login(server.url, account, "wrong-password")
    assert resp.status_code == 409
    assert resp.json() == {"message": WRONG}
    ok = wire_login(server.url, account, account.password)
    assert ok.status_code == 200, ok.text
