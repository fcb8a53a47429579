"""Journal data entered through the web UI reaches the NetSchool client libraries.

A teacher, through the pages only, sets homework with a file on a lesson of a class that has a
student on the demo credential sheet and gives that student a mark in the grid (the same form
request the page's script sends); the administration publishes an announcement with a file to
everyone. The client library of this venv then signs in as the student and must read the mark
and the homework in `student/diary`, list and download the homework file, and read the
announcement with its attachment and download it.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import re
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

import httpx
import pytest

from test_ui_data import expect, get_page, web_sign_in

LIBRARIES = ["netschoolapi", "netschoolpy"]
INSTALLED = [lib for lib in LIBRARIES if importlib.util.find_spec(lib) is not None]
TEST_TIMEOUT_S = 120

HOMEWORK = "Прочитать главу 3 и ответить на вопросы"
HOMEWORK_FILE = ("Вопросы к главе 3.txt", "1. Кто главный герой?\n2. Где происходит действие?\n".encode())
MARK = "5"
ANNOUNCEMENT = "Родительское собрание в четверг"
ANNOUNCEMENT_FILE = ("Повестка собрания.txt", "Повестка: итоги четверти.\n".encode())


ATTENDANCE_ROW = re.compile(r'<label for="attendance-(\d+)">([^<]+)</label>')


@dataclass(frozen=True)
class Entered:
    student_login: str
    student_password: str
    week: date
    assignment_id: int


def lesson_links(html: str) -> list[tuple[str, str]]:
    found = []
    for m in re.finditer(r"<a [^>]*class=\"journal-lesson\"[^>]*>", html):
        tag = m.group(0)
        href = re.search(r'href="([^"]+)"', tag)
        day = re.search(r'data-date="([^"]+)"', tag)
        if href and day:
            found.append((href.group(1), day.group(1)))
    return found


def find_lesson(server) -> tuple:
    """A teacher's lesson whose class has a student from the sheet: (teacher, lesson href, date, student id, student)."""
    students = {a.display_name: a for a in server.accounts if a.role == "student"}
    today = date.today().isoformat()
    for teacher in (a for a in server.accounts if a.role == "teacher"):
        web = web_sign_in(server.url, teacher.organization_id, teacher.login, teacher.password, "/home")
        lessons = lesson_links(expect(web.get("/journal"), 200, "my lessons").text)
        # Lessons already held first, newest first.
        lessons.sort(key=lambda l: (l[1] > today, -int(l[1].replace("-", "")) if l[1] <= today else int(l[1].replace("-", ""))))
        for href, day in lessons:
            html = expect(web.get(href), 200, "lesson page").text
            for student_id, name in ATTENDANCE_ROW.findall(html):
                if name.strip() in students:
                    return web, teacher, href, date.fromisoformat(day), student_id, students[name.strip()]
        web.close()
    raise AssertionError("no teacher has a lesson with a student from the credential sheet")


def homework_type(page) -> str:
    options = page.selects.get("type") or []
    assert options, "the lesson page has no assignment type select"
    for o in options:
        if "домашн" in o.text.lower():
            return o.value
    return options[0].value


def enter_through_ui(server) -> Entered:
    web, _teacher, href, day, student_id, student = find_lesson(server)
    with contextlib.closing(web):
        page = get_page(web, href, "lesson page")
        resp = web.post(
            f"{href}/assignments",
            data={
                "csrf": page.csrf(),
                "type": homework_type(page),
                "title": HOMEWORK,
                "description": "Письменно, в тетради",
                "weight": "",
                "due": day.isoformat(),
            },
            files={"files": (HOMEWORK_FILE[0], HOMEWORK_FILE[1], "text/plain")},
        )
        assert resp.status_code == 303, f"homework: HTTP {resp.status_code}\n{resp.text[:2000]}"
        html = expect(web.get(href), 200, "lesson page").text
        m = re.search(r'data-assignment="(\d+)">\s*<strong>[^<]*</strong>\s*' + re.escape(HOMEWORK), html)
        assert m, f"the new homework is not listed on the lesson page:\n{html[:3000]}"
        assignment_id = int(m.group(1))
        assert HOMEWORK_FILE[0] in html, "the homework file is not listed"
        # What the grid's script sends when the teacher types a mark and presses Enter.
        resp = web.post(
            "/journal/mark",
            data={"csrf": page.csrf(), "assignment": str(assignment_id), "student": student_id, "value": MARK},
        )
        assert resp.status_code == 200, f"mark: HTTP {resp.status_code} {resp.text[:500]}"
        assert resp.json()["value"] == MARK, resp.text
    return Entered(student.login, student.password, day - timedelta(days=day.weekday()), assignment_id)


def publish_announcement(server) -> None:
    admin = server.first("administrator")
    with contextlib.closing(web_sign_in(server.url, admin.organization_id, admin.login, admin.password, "/home")) as web:
        page = get_page(web, "/announcements/new", "new announcement")
        resp = web.post(
            "/announcements",
            data={"csrf": page.csrf(), "title": ANNOUNCEMENT, "body": "<p>Начало в <b>18:00</b></p>", "audience": "all"},
            files={"files": (ANNOUNCEMENT_FILE[0], ANNOUNCEMENT_FILE[1], "text/plain")},
        )
        assert resp.status_code == 303, f"announcement: HTTP {resp.status_code}\n{resp.text[:2000]}"


_ENTERED: dict[str, Entered] = {}


def prepare(server) -> Entered:
    if server.url not in _ENTERED:
        _ENTERED[server.url] = enter_through_ui(server)
        publish_announcement(server)
    return _ENTERED[server.url]


async def read_with(library: str, url: str, school: str, data: Entered) -> dict:
    start, end = data.week, data.week + timedelta(days=5)
    out: dict = {}
    if library == "netschoolapi":
        from netschoolapi import NetSchoolAPI

        ns = NetSchoolAPI(url)
        await ns.login(data.student_login, data.student_password, school)
        try:
            diary = await ns.diary(start, end)
            found = [a for d in diary.schedule for l in d.lessons for a in l.assignments if a.id == data.assignment_id]
            out["assignments"] = [(a.content, a.mark) for a in found]
            files = await ns.attachments(data.assignment_id)
            out["files"] = [f.name for f in files]
            if files:
                buf = BytesIO()
                await ns.download_attachment(files[0].id, buf)
                out["file_bytes"] = buf.getvalue()
            news = [a for a in await ns.announcements() if a.name == ANNOUNCEMENT]
            out["announcements"] = [(a.content, [f.name for f in a.attachments]) for a in news]
            if news and news[0].attachments:
                buf = BytesIO()
                await ns.download_attachment(news[0].attachments[0].id, buf)
                out["announcement_bytes"] = buf.getvalue()
        finally:
            await ns.full_logout()
    else:
        from netschoolpy import NetSchool

        async with NetSchool(url, timeout=30) as ns:
            await ns.login(data.student_login, data.student_password, school)
            ns.set_keepalive_interval(0)
            diary = await ns.diary(start, end)
            found = [a for d in diary.schedule for l in d.lessons for a in l.assignments if a.id == data.assignment_id]
            out["assignments"] = [(a.content, a.mark) for a in found]
            files = await ns.attachments(data.assignment_id)
            out["files"] = [f.name for f in files]
            if files:
                out["file_bytes"] = await ns.download_attachment_as_bytes(files[0].id)
            news = [a for a in await ns.announcements() if a.name == ANNOUNCEMENT]
            out["announcements"] = [(a.content, [f.name for f in a.attachments]) for a in news]
            if news and news[0].attachments:
                out["announcement_bytes"] = await ns.download_attachment_as_bytes(news[0].attachments[0].id)
    return out


@pytest.mark.parametrize("library", LIBRARIES)
def test_journal_data_reaches_clients(server, library):
    assert INSTALLED, f"none of {LIBRARIES} is installed in this venv"
    pytest.importorskip(library)
    school = server.first("administrator").organization_short_name
    data = prepare(server)
    got = asyncio.run(asyncio.wait_for(read_with(library, server.url, school, data), TEST_TIMEOUT_S))
    assert got["assignments"] == [(HOMEWORK, int(MARK))], got
    assert got["files"] == [HOMEWORK_FILE[0]], got
    assert got.get("file_bytes") == HOMEWORK_FILE[1], got
    assert len(got["announcements"]) == 1, got
    body, files = got["announcements"][0]
    assert "18:00" in body and "<b>" in body, body
    assert files == [ANNOUNCEMENT_FILE[0]], got
    assert got.get("announcement_bytes") == ANNOUNCEMENT_FILE[1], got
