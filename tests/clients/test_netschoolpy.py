"""netschoolpy 9.6.3 (PyPI, unmodified) against a demo region."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("netschoolpy")

from netschoolpy import NetSchool  # noqa: E402

from support import assert_token_dead, find_mark_and_overdue  # noqa: E402

TEST_TIMEOUT_S = 180


def has_mark(assignment) -> bool:
    return assignment.mark is not None or bool(assignment.mark_text)


async def scenario(url: str, account, role: str) -> None:
    async with NetSchool(url, timeout=10) as ns:
        await ns.login(account.login, account.password, account.organization_short_name)
        # Keep-alive pings would race the logout at the end of the block.
        ns.set_keepalive_interval(0)
        at = ns._access_token
        assert at

        if role == "parent":
            assert len(ns.students) == 2, ns.students
            assert len({s.id for s in ns.students}) == 2

        mark_week, overdue_week = await find_mark_and_overdue(ns, has_mark)
        assert mark_week is not None, "no assignment with a mark in the last 10 weeks"
        assert overdue_week is not None, "no overdue assignment in the last 10 weeks"

        if role == "parent":
            # The server must authorise the second child's id for this parent.
            await ns.switch_student(1)
            await ns.diary()

        school = await ns.school_info()
        assert school.name.strip(), "school card has an empty name"

        announcements = await ns.announcements()
        assert isinstance(announcements, list)
    assert_token_dead(url, at)


@pytest.mark.parametrize("role", ["student", "parent"])
def test_netschoolpy(server, role):
    account = server.first(role)
    asyncio.run(asyncio.wait_for(scenario(server.url, account, role), TEST_TIMEOUT_S))
