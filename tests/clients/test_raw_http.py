"""The wire protocol without any client library: challenge login, logout, dead token."""

from __future__ import annotations

import httpx

from support import assert_token_dead, raw_login


def test_logout_kills_token(server):
    account = server.first("student")
    with httpx.Client(base_url=server.url, timeout=10) as client:
        at = raw_login(client, account.organization_id, account.login, account.password)
        client.headers["at"] = at

        init = client.get("/webapi/student/diary/init")
        assert init.status_code == 200, init.text[:300]
        assert init.json()["students"], "a student sees at least itself"

        logout = client.post("/webapi/auth/logout")
        assert 200 <= logout.status_code < 300, f"logout: HTTP {logout.status_code}"

        # Same client, cookie still in the jar: the session itself must be gone too.
        after = client.get("/webapi/student/diary/init")
        assert after.status_code == 401, f"after logout with cookie: HTTP {after.status_code}"
    assert_token_dead(server.url, at)


def test_wrong_password_is_409(server):
    account = server.first("student")
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.get("/webapi/logindata").raise_for_status()
        meta = client.post("/webapi/auth/getdata").json()
        meta.pop("salt")
        resp = client.post(
            "/webapi/login",
            data={"loginType": 1, "scid": account.organization_id, "un": account.login,
                  "pw": "0" * 8, "pw2": "0" * 32, **meta},
        )
    assert resp.status_code == 409, f"HTTP {resp.status_code}"
    assert "message" in resp.json()
