"""netschoolapi 11.0.5 (PyPI, unmodified) against a demo region."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("netschoolapi")

from netschoolapi import NetSchoolAPI  # noqa: E402

from support import assert_token_dead, find_mark_and_overdue  # noqa: E402

# netschoolapi re-logs in on every 401 without bound, so a broken server could
# otherwise hang the suite instead of failing it.
TEST_TIMEOUT_S = 180


async def scenario(url: str, account, role: str) -> None:
    ns = NetSchoolAPI(url)
    # By short name on purpose: netschoolapi matches shortName exactly over an
    # unfiltered schools/search, the path most likely to break.
    await ns.login(account.login, account.password, account.organization_short_name)
    at = ns._access_token
    try:
        if role == "parent":
            # netschoolapi keeps only students[currentStudentId]; the list itself is
            # only visible in the raw init response (same client, same session).
            init = (await ns._wrapped_client.client.get("student/diary/init")).json()
            assert len(init["students"]) == 2, init["students"]

        mark_week, overdue_week = await find_mark_and_overdue(ns, lambda a: a.mark is not None)
        assert mark_week is not None, "no assignment with a mark in the last 10 weeks"
        assert overdue_week is not None, "no overdue assignment in the last 10 weeks"

        school = await ns.school()
        assert school.name.strip(), "school card has an empty fullSchoolName"

        announcements = await ns.announcements()
        assert isinstance(announcements, list)
    finally:
        await ns.full_logout()
    assert_token_dead(url, at)


@pytest.mark.parametrize("role", ["student", "parent"])
def test_netschoolapi(server, role):
    account = server.first(role)
    asyncio.run(asyncio.wait_for(scenario(server.url, account, role), TEST_TIMEOUT_S))
