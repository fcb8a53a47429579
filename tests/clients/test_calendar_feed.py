"""The calendar feed as calendar programs read it (issue 20): its address from
`/api/v1/calendar`, parsed by the `icalendar` library, then imported into a vdir by Debian's
`khal`, whose agenda for the week shows the diary's lessons at their times.

Runs in the schemathesis venv (tests/clients/requirements-schemathesis.txt, which pins icalendar).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import icalendar
import pytest

from support import raw_login

KHAL_CONFIG = """[calendars]
[[school]]
path = {path}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
default_timezone = Europe/Moscow
local_timezone = Europe/Moscow
"""


def token(client: httpx.Client, at: str, scopes: list[str]) -> str:
    resp = client.post("/api/v1/tokens", headers={"at": at}, json={"name": "календарь", "scopes": scopes})
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


def test_the_feed_parses_and_khal_shows_the_weeks_lessons(server):
    student = server.first("student")
    monday = date.today() - timedelta(days=date.today().weekday())
    with httpx.Client(base_url=server.url, timeout=30) as client:
        at = raw_login(client, student.organization_id, student.login, student.password)
        calendar = token(client, at, ["calendar:read"])
        diary = token(client, at, ["diary:read"])
        url = client.get("/api/v1/calendar", headers={"Authorization": f"Bearer {calendar}"}).json()["url"]
        assert url.startswith(server.url + "/calendar/") and url.endswith(".ics"), url
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {diary}"}).json()
        sid = me["students"][0]["id"]
        week = client.get(f"/api/v1/students/{sid}/timetable?from={monday}",
                          headers={"Authorization": f"Bearer {diary}"}).json()
        # The feed needs no sign-in, as a calendar program polls it.
        with httpx.Client(timeout=30) as anonymous:
            resp = anonymous.get(url)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "text/calendar; charset=utf-8"
    lessons = [(d["date"], l) for d in week["days"] for l in d["lessons"]]
    assert lessons, "the demo student has lessons this week"

    parsed = icalendar.Calendar.from_ical(resp.content)
    events = [c for c in parsed.walk("VEVENT")]
    starts = {(str(e.get("SUMMARY")), e.decoded("DTSTART")) for e in events}
    for day, lesson in lessons:
        start = date.fromisoformat(day)
        hour, minute = map(int, lesson["start_time"].split(":")[:2])
        want = (lesson["subject"], datetime(start.year, start.month, start.day, hour, minute))
        assert want in starts, f"{want} not in the feed"
    assert any(str(e.get("SUMMARY")).startswith("Каникулы") for e in events), "holidays are in the feed"

    khal = shutil.which("khal")
    if khal is None:
        pytest.fail("khal not found: .ci/run installs Debian's khal", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="sgo-khal-") as tmp:
        root = Path(tmp)
        (root / "cal").mkdir()
        config = root / "config"
        config.write_text(KHAL_CONFIG.format(path=root / "cal"))
        feed = root / "feed.ics"
        feed.write_bytes(resp.content)
        # khal keeps its event cache under XDG_DATA_HOME: inside the temporary directory too.
        env = dict(os.environ, XDG_DATA_HOME=str(root / "data"), XDG_CONFIG_HOME=str(root / "config-home"))
        imported = subprocess.run([khal, "-c", str(config), "import", "--batch", "-a", "school", str(feed)],
                                  capture_output=True, text=True, timeout=120, env=env)
        assert imported.returncode == 0, imported.stdout + imported.stderr
        listed = subprocess.run([khal, "-c", str(config), "list", monday.isoformat(), "7d"],
                                capture_output=True, text=True, timeout=60, env=env)
        assert listed.returncode == 0, listed.stderr
    agenda = listed.stdout
    for _, lesson in lessons:
        line = f"{lesson['start_time'][:5]}-{lesson['end_time'][:5]} {lesson['subject']}"
        assert line in agenda, f"{line!r} not in khal's agenda:\n{agenda[:3000]}"
