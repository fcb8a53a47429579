"""Data entered through the web UI reaches `student/diary` of the NetSchool client libraries.

The school administrator sets up, through the HTML forms only, a new class, a new subject, a
subject group taught by an existing teacher, a weekly timetable from this week's Monday and a
new student of that class, and issues the student's credential sheet (PDF). The student signs
in on the web with the one-time password from the sheet, is made to set a new one, and then the
client library of this venv signs in with it and must find the new subject in the diary on
exactly the dates the school's lesson list shows.

The UI has no lesson topic field, so topics are not covered here.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from support import password_proof

LIBRARIES = ["netschoolapi", "netschoolpy"]
INSTALLED = [lib for lib in LIBRARIES if importlib.util.find_spec(lib) is not None]

SUBJECT = "Астрономия UI-тест"
SUBJECT_SHORT = "Астр UI"
CLASS_GRADE, CLASS_LETTER = "7", "Ю"
CLASS_NAME = CLASS_GRADE + CLASS_LETTER
CLASS_ROOM = "UI-7"
STUDENT_LAST, STUDENT_FIRST = "Звездочётова", "Алиса"
STUDENT_LOGIN = "ЗвездочётоваА"
NEW_PASSWORD = "Орион-2026-ui"
# Two cells of the weekly grid (weekday 1 = Monday, lesson number): one early in the week, one late.
CELLS = [(2, 2), (4, 3)]
# If this week is a holiday the school has no lessons; the next weeks with lessons are looked at.
WEEKS_AHEAD = 4
TEST_TIMEOUT_S = 120


# --- HTML ------------------------------------------------------------------------------------


@dataclass
class Option:
    value: str
    text: str
    selected: bool


@dataclass
class Page:
    """What the tests read from a page: select options, input values and table rows, by id/name."""

    selects: dict[str, list[Option]] = field(default_factory=dict)  # by name
    inputs: dict[str, list[str]] = field(default_factory=dict)  # by name
    tables: dict[str, list[list[str]]] = field(default_factory=dict)  # by id, body rows
    ids: set[str] = field(default_factory=set)

    def option(self, select: str, text: str) -> Option:
        options = self.selects.get(select)
        assert options is not None, f"no select named {select!r}; selects: {sorted(self.selects)}"
        for o in options:
            if o.text == text:
                return o
        raise AssertionError(f"select {select!r} has no option {text!r}: {[o.text for o in options]}")

    def csrf(self) -> str:
        values = self.inputs.get("csrf") or []
        assert values and values[0], "page has no csrf field"
        return values[0]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._select: str | None = None
        self._option: Option | None = None
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_thead = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.page.ids.add(a["id"])
        if tag == "select":
            self._select = a.get("name") or a.get("id") or ""
            self.page.selects.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self._option = Option(a.get("value") or "", "", "selected" in a)
        elif tag == "input" and a.get("name"):
            self.page.inputs.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "table":
            self._table = a.get("id") or ""
            self.page.tables.setdefault(self._table, [])
        elif tag == "thead":
            self._in_thead = True
        elif tag == "tr" and self._table is not None and not self._in_thead:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            self._option.text = self._option.text.strip()
            self.page.selects[self._select].append(self._option)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "thead":
            self._in_thead = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.page.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._option is not None:
            self._option.text += data
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Page:
    p = _Parser()
    p.feed(html)
    p.close()
    return p.page


def expect(resp: httpx.Response, status: int, what: str) -> httpx.Response:
    assert resp.status_code == status, (
        f"{what}: {resp.request.method} {resp.request.url.path} -> HTTP {resp.status_code}, "
        f"expected {status}; location={resp.headers.get('location')!r}\n{resp.text[:3000]}"
    )
    return resp


def see_other(resp: httpx.Response, what: str, to: str) -> str:
    """A successful form: 303 to the page that shows the result (Post-Redirect-Get)."""
    expect(resp, 303, what)
    location = resp.headers.get("location", "")
    assert re.fullmatch(to, location), f"{what}: redirected to {location!r}, expected {to!r}"
    return location


def get_page(web: httpx.Client, path: str, what: str) -> Page:
    return parse(expect(web.get(path), 200, what).text)


# --- the web UI --------------------------------------------------------------------------------


def web_sign_in(base_url: str, organization_id: str, login: str, password: str, landing: str) -> httpx.Client:
    """Signs in through the login page's cascade exactly as a browser submits it."""
    web = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    page = get_page(web, "/login", "login page")
    assert web.cookies.get("sgo_csrf"), "GET /login set no sgo_csrf cookie"
    chosen: dict[str, str] = {}
    for level in ("region", "municipality", "settlement"):
        picked = [o.value for o in page.selects.get(level, []) if o.selected]
        assert len(picked) == 1, f"the demo region has one {level}; options: {page.selects.get(level)}"
        chosen[level] = picked[0]
    # Whichever organization kind lists the school, as a user choosing from the cascade would.
    for kind in [o.value for o in page.selects["kind"] if o.value]:
        step = get_page(web, "/login?" + str(httpx.QueryParams({**chosen, "kind": kind})), "login cascade")
        if any(o.value == organization_id for o in step.selects.get("organization", [])):
            chosen["kind"] = kind
            break
    else:
        raise AssertionError(f"organization {organization_id} is offered under no kind of the login cascade")
    resp = web.post(
        "/login",
        data={**chosen, "organization": organization_id, "login": login, "password": password, "csrf": page.csrf()},
    )
    see_other(resp, f"sign-in of {login}", re.escape(landing))
    return web


@dataclass(frozen=True)
class UiData:
    """What the set-up produced and the diary must show."""

    group_name: str
    student_login: str
    password: str
    week: date
    lesson_days: dict[date, tuple[int, str]]  # date -> (lesson number, room) from the school's list


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def create_class(web: httpx.Client, teacher_name: str) -> str:
    page = get_page(web, "/school/classes", "class list")
    assert "create-class-form" in page.ids, "no «Новый класс» form: the demo school has no current year?"
    years = page.inputs.get("year") or []
    assert len(years) == 1 and years[0], f"create-class form has no year: {years}"
    teacher = page.option("teacher", teacher_name)
    resp = web.post(
        "/school/classes",
        data={
            "csrf": page.csrf(),
            "org": page.inputs["org"][0],
            "year": years[0],
            "grade": CLASS_GRADE,
            "letter": CLASS_LETTER,
            "profile": "",
            "room": CLASS_ROOM,
            "shift": "1",
            "teacher": teacher.value,
        },
    )
    location = see_other(resp, "create class", r"/school/classes/\d+\?saved=class")
    class_id = re.search(r"/school/classes/(\d+)", location).group(1)
    listed = get_page(web, "/school/classes", "class list")
    # Rows may end with action cells (links to edit): compare the data columns only.
    expected = [CLASS_NAME, "", CLASS_ROOM, "1", teacher_name]
    assert any(row[: len(expected)] == expected for row in listed.tables["classes"]), listed.tables["classes"]
    return class_id


def create_subject(web: httpx.Client) -> None:
    page = get_page(web, "/school/subjects", "subjects")
    resp = web.post(
        "/school/subjects",
        data={"csrf": page.csrf(), "org": page.inputs["org"][0], "subject_name": SUBJECT, "short_name": SUBJECT_SHORT},
    )
    see_other(resp, "create subject", r"/school/subjects\?saved=subject")
    listed = get_page(web, "/school/subjects", "subjects")
    assert any(row[:2] == [SUBJECT, SUBJECT_SHORT] for row in listed.tables["subjects"]), listed.tables["subjects"]


def create_group(web: httpx.Client, class_id: str, teacher_name: str) -> str:
    page = get_page(web, f"/school/classes/{class_id}", "class card")
    resp = web.post(
        f"/school/classes/{class_id}/groups",
        data={
            "csrf": page.csrf(),
            "subject": page.option("subject", SUBJECT).value,
            "subgroup": "",
            "teachers": page.option("teachers", teacher_name).value,
            "hours": str(len(CELLS)),
        },
    )
    see_other(resp, "create subject group", rf"/school/classes/{class_id}\?saved=group")
    groups = get_page(web, f"/school/classes/{class_id}", "class card").tables["groups"]
    rows = [r for r in groups if r[1] == SUBJECT]
    assert len(rows) == 1, groups
    assert rows[0][2:5] == ["", str(len(CELLS)), teacher_name], rows[0]
    return rows[0][0]


def save_timetable(web: httpx.Client, class_id: str, group_name: str, valid_from: date) -> None:
    page = get_page(web, f"/school/classes/{class_id}/timetable", "class timetable")
    cells = {name: opts for name, opts in page.selects.items() if name.startswith("cell_")}
    assert cells, "the timetable page has no grid (no bells for the 1st shift?)"
    group = page.option(f"cell_{CELLS[0][0]}_{CELLS[0][1]}", group_name).value
    # Keep whatever the grid already holds (a new class: nothing) and fill the chosen free cells.
    data: dict[str, str] = {"csrf": page.csrf(), "valid_from": valid_from.isoformat()}
    for name, opts in cells.items():
        chosen = [o.value for o in opts if o.selected]
        data[name] = chosen[0] if chosen else ""
        room = "room_" + name.removeprefix("cell_")
        data[room] = (page.inputs.get(room) or [""])[0]
    for weekday, number in CELLS:
        name = f"cell_{weekday}_{number}"
        assert name in data, f"no grid cell {name}: {sorted(cells)}"
        assert data[name] == "", f"cell {name} of a new class is not empty"
        data[name] = group
    resp = web.post(f"/school/classes/{class_id}/timetable", data=data)
    see_other(
        resp,
        "save timetable",
        rf"/school/classes/{class_id}/timetable\?on={valid_from.isoformat()}&created=\d+&deleted=0&kept=0",
    )
    after = get_page(web, f"/school/classes/{class_id}/timetable?on={valid_from.isoformat()}", "class timetable")
    for weekday, number in CELLS:
        picked = [o.text for o in after.selects[f"cell_{weekday}_{number}"] if o.selected]
        assert picked == [group_name], f"cell {weekday}/{number} after saving: {picked}"


def week_lessons(web: httpx.Client, class_id: str, monday: date, group_name: str) -> dict[date, tuple[int, str]]:
    """The class's lessons of the group in a week, as the school's «Уроки по датам» lists them."""
    page = get_page(web, f"/school/classes/{class_id}/lessons?week={monday.isoformat()}", "class lessons")
    found: dict[date, tuple[int, str]] = {}
    for row in page.tables.get("lessons", []):
        day, number, _time, group, room = row[:5]
        if group == group_name:
            found[datetime.strptime(day.split()[-1], "%d.%m.%Y").date()] = (int(number), room)
    return found


def create_student(web: httpx.Client, class_from: date) -> None:
    page = get_page(web, "/people/new", "new person")
    resp = web.post(
        "/people/new",
        data={
            "csrf": page.csrf(),
            "last_name": STUDENT_LAST,
            "first_name": STUDENT_FIRST,
            "middle_name": "",
            "birth_date": "2013-04-12",
            "gender": "female",
            "snils": "",
            "login": STUDENT_LOGIN,
            "display_name": "",
            "roles": "student",
            "class_id": page.option("class_id", CLASS_NAME).value,
            # In the class from the timetable's first week, so the whole week reaches the diary.
            "class_from": class_from.isoformat(),
        },
    )
    see_other(resp, "create student", r"/people/\d+\?done=created")


def issue_sheet(web: httpx.Client) -> str:
    """Issues the class's credential sheet and reads the student's one-time password from the PDF."""
    page = get_page(web, "/people/credentials", "credential sheets")
    resp = web.post(
        "/people/credentials",
        data={"csrf": page.csrf(), "class": page.option("class", CLASS_NAME).value, "confirm": "1"},
    )
    expect(resp, 200, "credential sheet")
    assert resp.headers.get("content-type", "").startswith("application/pdf"), resp.headers
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: install poppler-utils (.ci/run does)", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="sgo-sheet-") as tmp:
        pdf = Path(tmp) / "sheet.pdf"
        pdf.write_bytes(resp.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    assert STUDENT_LOGIN in text, f"the sheet does not show the login:\n{text}"
    assert f"{STUDENT_LAST} {STUDENT_FIRST}" in text, f"the sheet does not show the name:\n{text}"
    passwords = re.findall(r"^Пароль\s+(\S+)\s*$", text, re.MULTILINE)
    assert len(passwords) == 1, f"expected one card with one password on the sheet:\n{text}"
    return passwords[0]


def set_up_through_ui(server) -> UiData:
    admin = server.first("administrator")
    teacher_name = server.first("teacher").display_name
    today = date.today()
    signed_in = web_sign_in(server.url, admin.organization_id, admin.login, admin.password, "/home")
    with contextlib.closing(signed_in) as web:
        class_id = create_class(web, teacher_name)
        create_subject(web)
        group_name = create_group(web, class_id, teacher_name)
        save_timetable(web, class_id, group_name, monday_of(today))
        lessons: dict[date, tuple[int, str]] = {}
        week = monday_of(today)
        for _ in range(WEEKS_AHEAD):
            lessons = week_lessons(web, class_id, week, group_name)
            if lessons:
                break
            week += timedelta(weeks=1)
        assert lessons, f"no lessons of {group_name} in the {WEEKS_AHEAD} weeks from {monday_of(today)}"
        want_days = {week + timedelta(days=wd - 1) for wd, _ in CELLS}
        # A holiday day may drop one of the two, never add a day off the grid.
        assert set(lessons) <= want_days, (lessons, want_days)
        assert all(room == CLASS_ROOM for _, room in lessons.values()), lessons
        # The demo's school year starts on 1 September; a run in its first days starts there.
        year_start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        create_student(web, max(monday_of(today), year_start))
        password = issue_sheet(web)
    return UiData(group_name, STUDENT_LOGIN, password, week, lessons)


def api_login_status(url: str, organization_id: str, login: str, password: str) -> int:
    """The NetSchool challenge login without a library; returns the HTTP status."""
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/webapi/logindata").raise_for_status()
        meta = client.post("/webapi/auth/getdata").json()
        pw, pw2 = password_proof(password, meta.pop("salt"))
        resp = client.post(
            "/webapi/login",
            data={"loginType": 1, "scid": organization_id, "un": login, "pw": pw, "pw2": pw2, **meta},
        )
        return resp.status_code


def change_one_time_password(url: str, organization_id: str, login: str, one_time: str) -> None:
    with contextlib.closing(web_sign_in(url, organization_id, login, one_time, "/settings/password")) as web:
        page = get_page(web, "/settings/password", "password page")
        assert "forced-password-notice" in page.ids, "a one-time password must force a new one"
        resp = web.post(
            "/settings/password",
            data={
                "csrf": page.csrf(),
                "current_password": one_time,
                "new_password": NEW_PASSWORD,
                "repeat_password": NEW_PASSWORD,
            },
        )
        see_other(resp, "forced password change", re.escape("/diary"))


# --- the client libraries ----------------------------------------------------------------------


async def diary_with(library: str, url: str, login: str, password: str, school: str, start: date, end: date):
    """(day, number, subject, room) of every lesson the library reads for the week."""
    if library == "netschoolapi":
        from netschoolapi import NetSchoolAPI

        ns = NetSchoolAPI(url)
        await ns.login(login, password, school)
        try:
            diary = await ns.diary(start, end)
        finally:
            await ns.full_logout()
    else:
        from netschoolpy import NetSchool

        async with NetSchool(url, timeout=30) as ns:
            await ns.login(login, password, school)
            ns.set_keepalive_interval(0)
            diary = await ns.diary(start, end)
    return [
        (lesson.day, lesson.number, lesson.subject, lesson.room) for day in diary.schedule for lesson in day.lessons
    ]


_SET_UP: dict[str, UiData] = {}


def prepare(server) -> UiData:
    """The UI set-up and the student's first sign-in, once per server.

    A second library in the same venv would otherwise find the class already there.
    """
    if server.url in _SET_UP:
        return _SET_UP[server.url]
    school = server.first("administrator").organization_id
    data = set_up_through_ui(server)
    # SGO refuses the NetSchool API while the password is a one-time one: the user must set
    # their own on the web first (409 with a message, like a wrong password).
    status = api_login_status(server.url, school, data.student_login, data.password)
    assert status == 409, f"API sign-in with a one-time password: HTTP {status}, expected 409"
    change_one_time_password(server.url, school, data.student_login, data.password)
    status = api_login_status(server.url, school, data.student_login, data.password)
    assert status == 409, f"API sign-in with the replaced one-time password: HTTP {status}, expected 409"
    _SET_UP[server.url] = data
    return data


@pytest.mark.parametrize("library", LIBRARIES)
def test_ui_data_reaches_diary(server, library):
    assert INSTALLED, f"none of {LIBRARIES} is installed in this venv"
    pytest.importorskip(library)
    school = server.first("administrator").organization_short_name
    data = prepare(server)
    start, end = data.week, data.week + timedelta(days=5)
    lessons = asyncio.run(
        asyncio.wait_for(
            diary_with(library, server.url, data.student_login, NEW_PASSWORD, school, start, end), TEST_TIMEOUT_S
        )
    )
    seen = {day: (number, room) for day, number, subject, room in lessons if subject == SUBJECT}
    assert seen == data.lesson_days, (
        f"{SUBJECT!r} in the diary of {start}..{end}: {seen}, the school lists {data.lesson_days}; "
        f"all lessons: {lessons}"
    )
    # The new class has only this subject, so the diary holds nothing else.
    assert {subject for _, _, subject, _ in lessons} == {SUBJECT}, lessons
