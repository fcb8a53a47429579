"""The teacher's journal: signing a teacher in through the login form, finding mark cells in the
grid (`/journal/group/{id}`) and setting a mark as the grid's script does (`POST /journal/mark`)."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from datetime import date

from .signin import Client, login_cascade, web_sign_in
from .util import die, log
from .weeks import school_year

GROUP_LINK = re.compile(r'href="/journal/group/(\d+)"')
GRID_CSRF = re.compile(r'id="journal-grid"[^>]*data-csrf="([^"]+)"')
GRID_COLUMN = re.compile(r'<th class="journal-day"><a href="/journal/lesson/\d+">([^<]+)</a></th>')
GRID_ROW = re.compile(r'<tr data-student="(\d+)">\s*<th class="journal-name">([^<]*)</th>(.*?)</tr>', re.S)
GRID_CELL = re.compile(r'<td class="journal-cell">(.*?)</td>', re.S)
CELL_INPUT = re.compile(r'<input class="mark-cell" data-assignment="(\d+)"[^>]*?value="([^"]*)"([^>]*)>')
DAY = re.compile(r"(\d\d)\.(\d\d)")


@dataclass(frozen=True)
class Cell:
    assignment: int
    student: int  # the grid's student id
    name: str  # as the grid shows it
    day: date  # of the lesson
    value: str  # the mark shown when the grid was read


@dataclass
class Teacher:
    login: str
    client: Client  # signed in: holds the session cookie
    csrf: str
    cells: list[Cell]

    def set_mark(self, cell: Cell, value: str) -> tuple[int, bytes]:
        status, _, body = self.client.request("POST", "/journal/mark", form={
            "csrf": self.csrf, "assignment": cell.assignment, "student": cell.student, "value": value})
        return status, body

    def write_line(self, cell: Cell, value: str) -> dict:
        """The same write as a line of sgo-load's request file."""
        body = urllib.parse.urlencode({"csrf": self.csrf, "assignment": cell.assignment,
                                       "student": cell.student, "value": value})
        cookie = "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())
        return {"tag": "write", "method": "POST", "path": "/journal/mark", "body": body,
                "headers": {"cookie": cookie, "content-type": "application/x-www-form-urlencoded"}}


def lesson_day(label: str, today: date) -> date | None:
    """The date of a grid column labelled like «Пн 07.12», in the school year of `today`."""
    m = DAY.search(label)
    if not m:
        return None
    day, month = int(m.group(1)), int(m.group(2))
    first, _ = school_year(today)
    return date(first.year if month >= 8 else first.year + 1, month, day)


def grid_cells(html: str, today: date) -> tuple[str, list[Cell]]:
    """The grid's CSRF token and its writable mark cells of lessons held up to today."""
    csrf = GRID_CSRF.search(html)
    days = [lesson_day(label, today) for label in GRID_COLUMN.findall(html)]
    cells = []
    for student, name, row in GRID_ROW.findall(html):
        for column, td in enumerate(GRID_CELL.findall(row)):
            m = CELL_INPUT.search(td)
            day = days[column] if column < len(days) else None
            if m and day and day <= today and "readonly" not in m.group(3):
                cells.append(Cell(int(m.group(1)), int(student), name.strip(), day, m.group(2).strip()))
    return (csrf.group(1) if csrf else ""), cells


def find_teacher(base: str, accounts: list[dict], organization_id: str, wanted_names: set[str],
                 wanted_ids: set[int], tries: int = 12) -> Teacher:
    """The first teacher of the organization whose journal has writable cells of the wanted
    students (matched by the grid's name or id), with all their writable cells."""
    cascade = login_cascade(base, organization_id)
    today = date.today()
    teachers = [a for a in accounts if a["role"] == "teacher" and a["organization_id"] == organization_id]
    for t in teachers[:tries]:
        status, client = web_sign_in(base, cascade, t["login"], t["password"])
        if status != 303:
            die(f"web sign-in of teacher {t['login']}: HTTP {status}")
        status, _, html = client.request("GET", "/journal")
        if status != 200:
            die(f"GET /journal as {t['login']}: HTTP {status}")
        csrf, cells = "", []
        for group in dict.fromkeys(GROUP_LINK.findall(html.decode())):
            status, _, page = client.request("GET", f"/journal/group/{group}")
            if status != 200:
                continue
            token, found = grid_cells(page.decode(), today)
            csrf = csrf or token
            cells.extend(found)
        if any(c.name in wanted_names or c.student in wanted_ids for c in cells) and csrf:
            log(f"teacher {t['login']}: {len(cells)} writable mark cells")
            return Teacher(t["login"], client, csrf, cells)
        client.close()
    die(f"none of the first {tries} teachers of organization {organization_id} has writable cells "
        "of the signed-in students")
    raise AssertionError  # unreachable: die exits
