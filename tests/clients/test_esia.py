"""netschoolpy 9.6.3's ESIA finalisation against our server (spec §2.10.1 steps 4-7, §6.3).

A real OpenID Connect provider (tests/browser/idp.mjs, npm oidc-provider) plays ESIA. The
provider step — which netschoolpy can only do against esia.gosuslugi.ru — is done here with a
plain HTTP client: linking the ESIA user from personal settings, then `sso/esia/crosslogin`
through the provider's login and consent pages to our callback, whose redirect carries
`loginState`. Then netschoolpy's own `_esia_finalize_login_sgo` (account-info → auth/login with
loginType=8) runs, and the resulting `at` reads the diary. netschoolpy venv only.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from netschoolpy import NetSchool

from conftest import REPO_ROOT, WORK_DIR, free_port, read_accounts, run_logged, sgo_bin, sgo_env, stop, wait_healthy

IDP_SCRIPT = REPO_ROOT / "tests" / "browser" / "idp.mjs"


def wait_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the provider exited {proc.returncode}:\n{log.read_text(errors='replace')}", pytrace=False)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"the provider did not listen on {port}", pytrace=False)


@pytest.fixture(scope="module")
def esia_server():
    if shutil.which("node") is None or not (IDP_SCRIPT.parent / "node_modules" / "oidc-provider").exists():
        pytest.fail("node and tests/browser/node_modules (npm ci) are needed for the provider", pytrace=False)
    scratch = Path(tempfile.mkdtemp(prefix="sgo-esia-client-"))
    data_dir = scratch / "data"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    log = WORK_DIR / "clients-esia.log"
    log.write_bytes(b"")
    idp_log = WORK_DIR / "clients-esia-idp.log"
    port, idp_port = free_port(), free_port()
    url, issuer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{idp_port}"
    users = scratch / "users.json"
    users.write_text(json.dumps({
        "esia-student": {"family_name": "Ученикова", "given_name": "Оля", "birthdate": "2012-01-01", "trusted": True},
    }))
    (scratch / "sgo.toml").write_text(
        f'public_url = "{url}"\n\n[esia]\nprofile = "oidc"\nissuer = "{issuer}"\nclient_id = "sgo-test"\n'
        'client_secret = "sgo-test-secret"\nscopes = ["openid", "fullname", "birthdate", "snils"]\n'
    )
    idp = server = None
    try:
        with idp_log.open("wb") as out:
            idp = subprocess.Popen(
                ["node", str(IDP_SCRIPT)], stdout=out, stderr=subprocess.STDOUT,
                env={**sgo_env(), "OP_PORT": str(idp_port), "RP_REDIRECT": f"{url}/esia/callback", "IDP_USERS": str(users)},
            )
        wait_port(idp_port, idp, idp_log)
        binary = str(sgo_bin())
        run_logged([binary, "demo", "--data-dir", str(data_dir), "--schools", "1", "--students-per-class", "3",
                    "--seed", "7"], log, scratch, 600)
        accounts = read_accounts(data_dir)
        with log.open("ab") as out:
            server = subprocess.Popen([binary, "serve", "--data-dir", str(data_dir), "--listen", f"127.0.0.1:{port}"],
                                      stdout=out, stderr=subprocess.STDOUT, cwd=scratch, env=sgo_env())
        wait_healthy(server, url, log)
        yield {"url": url, "issuer": issuer, "accounts": accounts}
    finally:
        if server is not None:
            stop(server)
        if idp is not None:
            stop(idp)
        shutil.rmtree(scratch, ignore_errors=True)


def through_provider(client: httpx.Client, start: str, issuer: str, login: str, origin: str) -> str:
    """Follows redirects by hand, answering the provider's login and consent pages; returns the
    first URL on our site after the provider (the callback)."""
    url = start
    for _ in range(15):
        if url.startswith(origin):
            return url
        r = client.get(url)
        if r.is_redirect:
            url = str(r.next_request.url) if r.next_request else r.headers["location"]
            continue
        page = r.text
        if 'value="login"' in page:
            form = {"prompt": "login", "login": login, "password": "any"}
        elif 'value="consent"' in page:
            form = {"prompt": "consent"}
        else:
            raise AssertionError(f"unexpected provider page {url}: {page[:300]}")
        r = client.post(url, data=form)
        assert r.is_redirect, f"{url}: {r.status_code}"
        url = str(r.next_request.url)
    raise AssertionError("the provider did not send us back")


def link_student(srv, student) -> None:
    """The student signs in with the school's password and links the ESIA user from settings."""
    origin = srv["url"]
    with httpx.Client(follow_redirects=False, timeout=20) as web, httpx.Client(follow_redirects=False, timeout=20) as idp:
        page = web.get(f"{origin}/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = web.post(f"{origin}/login", data={"csrf": csrf, "organization": student.organization_id,
                                              "login": student.login, "password": student.password})
        assert r.status_code == 303, r.text[:300]
        page = web.get(f"{origin}/settings/esia/link").text
        assert "будете перенаправлены" in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        # A page that sends the browser on (Refresh): a redirect answering the form would be
        # stopped by the page's Content-Security-Policy `form-action 'self'`.
        r = web.post(f"{origin}/settings/esia/link", data={"csrf": csrf})
        assert r.status_code == 200, r.text[:300]
        onward = r.headers["refresh"].removeprefix("0;url=")
        callback = through_provider(idp, onward, srv["issuer"], "esia-student", origin)
        r = web.get(callback)
        assert r.headers["location"] == "/settings/esia?done=linked", r.text[:300]


def crosslogin(srv) -> str:
    """netschoolpy's step 1 and 3 with a plain client: crosslogin → provider → callback chain,
    grepping `loginState` from every URL as netschoolpy does."""
    origin = srv["url"]
    with httpx.Client(follow_redirects=False, timeout=20) as client:
        client.get(f"{origin}/webapi/logindata")
        r = client.get(f"{origin}/webapi/sso/esia/crosslogin")
        assert r.is_redirect and r.headers["location"].startswith(srv["issuer"])
        url = through_provider(client, r.headers["location"], srv["issuer"], "esia-student", origin)
        for _ in range(15):
            m = re.search(r"loginState=([a-f0-9-]+)", url)
            if m:
                return m.group(1)
            r = client.get(url)
            if not r.is_redirect:
                break
            url = str(r.next_request.url)
    raise AssertionError("no loginState in the callback chain")


def test_netschoolpy_esia_finalisation_reads_the_diary(esia_server):
    student = next(a for a in esia_server["accounts"] if a.role == "student")
    link_student(esia_server, student)
    login_state = crosslogin(esia_server)

    async def finish():
        async with httpx.AsyncClient() as esia_client, NetSchool(esia_server["url"], timeout=20) as ns:
            await ns._esia_finalize_login_sgo(esia_client, esia_server["url"], login_state, None)
            ns.set_keepalive_interval(0)
            diary = await ns.diary()
            return ns, diary

    ns, diary = asyncio.run(finish())
    assert diary is not None and hasattr(diary, "schedule")

    # The state is single use: a second finalisation is rejected.
    async def again():
        async with httpx.AsyncClient() as esia_client, NetSchool(esia_server["url"], timeout=20) as ns2:
            await ns2._esia_finalize_login_sgo(esia_client, esia_server["url"], login_state, None)

    with pytest.raises(Exception):
        asyncio.run(again())
