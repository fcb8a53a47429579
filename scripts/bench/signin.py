"""Signing in: the NetSchool challenge (as the Python clients do it) and the web login form (as a
browser submits it), and a small HTTP client that keeps its cookies."""

from __future__ import annotations

import hashlib
import http.client
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

from .util import die


# --- NetSchool challenge login ------------------------------------------------------------------


@dataclass
class Session:
    at: str
    student_id: int
    year_id: int


def netschool_password(salt: str, password: str) -> tuple[str, str]:
    """(pw, pw2) of the challenge: pw2 = md5(salt + md5(cp1251(password))), pw its first len chars."""
    inner = hashlib.md5(password.encode("cp1251")).hexdigest()
    pw2 = hashlib.md5((salt + inner).encode()).hexdigest()
    return pw2[: len(password)], pw2


def sign_in(base: str, scid: str, login: str, password: str) -> Session:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method: str, path: str, form: dict | None = None, at: str | None = None) -> object:
        data = urllib.parse.urlencode(form).encode() if form is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(base + path, data=data, method=method)
        if at:
            req.add_header("at", at)
        with opener.open(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    call("GET", "/webapi/logindata")  # issues the NSSESSIONID cookie the challenge is bound to
    meta = call("POST", "/webapi/auth/getdata")
    salt = meta.pop("salt")
    pw, pw2 = netschool_password(salt, password)
    form = {"loginType": 1, "scid": scid, "un": login, "pw": pw, "pw2": pw2, **meta}
    try:
        at = call("POST", "/webapi/login", form)["at"]
    except urllib.error.HTTPError as e:
        die(f"login of {login!r} failed: HTTP {e.code} {e.read()[:200]!r}")
    init = call("GET", "/webapi/student/diary/init", at=at)
    year = call("GET", "/webapi/years/current", at=at)
    return Session(at=at, student_id=init["students"][0]["studentId"], year_id=year["id"])


# --- a client with cookies ----------------------------------------------------------------------


class Client:
    """One keep-alive connection and the cookies it was given, like one browser tab."""

    def __init__(self, base: str, timeout: float = 30):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        hdrs = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif method == "POST":
            body = b""
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0].strip()
        if resp.will_close:
            self.close()
        return resp.status, resp.headers, data

    def json(self, path: str, headers: dict | None = None) -> object:
        status, _, data = self.request("GET", path, headers=headers)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status} {data[:200]!r}")
        return json.loads(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _Form(HTMLParser):
    """The selects (options, which is selected) and inputs of a page, by name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.selects: dict[str, list[tuple[str, bool]]] = {}
        self.inputs: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select":
            self._select = a.get("name") or ""
            self.selects.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append((a.get("value") or "", "selected" in a))
        elif tag == "input" and a.get("name"):
            self.inputs.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_form(html: str) -> _Form:
    p = _Form()
    p.feed(html)
    return p


def login_cascade(base: str, organization_id: str) -> dict[str, str]:
    """The login form's cascade (region, municipality, settlement, kind) that offers the
    organization, found as a person choosing from the lists would."""
    c = Client(base)
    try:
        status, _, html = c.request("GET", "/login")
        if status != 200:
            die(f"GET /login: HTTP {status}")
        page = parse_form(html.decode())
        chosen = {}
        for level in ("region", "municipality", "settlement"):
            picked = [v for v, sel in page.selects.get(level, []) if sel]
            chosen[level] = picked[0] if picked else ""
        for kind in [v for v, _ in page.selects.get("kind", []) if v]:
            status, _, html = c.request("GET", "/login?" + urllib.parse.urlencode({**chosen, "kind": kind}))
            step = parse_form(html.decode())
            if any(v == organization_id for v, _ in step.selects.get("organization", [])):
                return {**chosen, "kind": kind, "organization": organization_id}
    finally:
        c.close()
    # The organization is what the server reads; the other fields only repeat the choices.
    return {**chosen, "kind": "", "organization": organization_id}


def web_sign_in(base: str, cascade: dict[str, str], login: str, password: str) -> tuple[int, Client]:
    """GET /login (its CSRF cookie and token), POST the form. Returns the POST's status (303 when
    signed in) and the client, which then holds the session cookie."""
    c = Client(base)
    status, _, html = c.request("GET", "/login")
    if status != 200:
        return status, c
    status, _, _ = c.request("POST", "/login", form={**cascade, "login": login, "password": password,
                                                     "csrf": csrf_of(html)})
    if status == 303 and "sgo_session" not in c.cookies:
        status = 599  # a redirect without a session is not a sign-in
    return status, c


def csrf_of(html: bytes) -> str:
    m = re.search(rb'name="csrf" value="([^"]*)"', html) or re.search(rb'value="([^"]*)" name="csrf"', html)
    return m.group(1).decode() if m else parse_form(html.decode()).inputs.get("csrf", "")


def change_password(client: Client, current: str, new: str) -> int:
    """Changes the signed-in account's password on /settings/password, as its owner would; the
    server hashes the new one at its standard argon2id cost. The status: 303 when changed."""
    status, _, html = client.request("GET", "/settings/password")
    if status != 200:
        return status
    status, _, _ = client.request("POST", "/settings/password", form={
        "csrf": csrf_of(html), "current_password": current, "new_password": new, "repeat_password": new})
    return status


def netschool_sign_in(base: str, scid: str, login: str, password: str) -> int:
    """getdata, then login, on one new connection; the status of the login (200 when signed in)."""
    c = Client(base)
    try:
        status, _, data = c.request("POST", "/webapi/auth/getdata")
        if status != 200:
            return status
        meta = json.loads(data)
        pw, pw2 = netschool_password(meta.pop("salt"), password)
        form = {"loginType": 1, "scid": scid, "un": login, "pw": pw, "pw2": pw2, **meta}
        status, _, data = c.request("POST", "/webapi/login", form=form)
        if status == 200 and b'"at"' not in data:
            return 599
        return status
    finally:
        c.close()
