"""netschoolpy 9.6.3 (PyPI, unmodified) lists, reads, sends and moves mail.

A teacher (through the raw web API, as the teacher side has no client library) writes to a
parent with a file; the parent, through netschoolpy, finds it unread in the inbox, reads it,
downloads the file, answers with the server's reply draft, and moves the message through
Удалённые and back before deleting it for good. The teacher then finds the answer.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

pytest.importorskip("netschoolpy")

from netschoolpy import NetSchool  # noqa: E402
from netschoolpy.models import RecipientGroup  # noqa: E402

from support import raw_login  # noqa: E402

TEST_TIMEOUT_S = 180
SUBJECT = "Поход в театр"
TEXT = "Уважаемые родители! Сбор у школы в 17:30."


def registry(folder: str) -> dict:
    return {
        "filterContext": {"selectedData": [{"filterId": "MailBox", "filterValue": folder, "filterText": folder}],
                          "params": None},
        "fields": ["author", "subject", "sent"], "page": 1, "pageSize": 20, "search": None,
        "order": {"fieldId": "sent", "ascending": False},
    }


async def scenario(server) -> None:
    parent = server.first("parent")
    async with NetSchool(server.url, timeout=30) as ns:
        await ns.login(parent.login, parent.password, parent.organization_short_name)
        ns.set_keepalive_interval(0)
        teachers = await ns.mail_recipients(RecipientGroup.TEACHERS)
        teachers += await ns.mail_recipients(RecipientGroup.CLASS_TEACHERS)
        assert teachers, "a parent's directory lists their children's teachers"
        by_name = {a.display_name: a for a in server.accounts if a.role == "teacher"}
        teacher = next(by_name[t.name] for t in teachers if t.name in by_name)
        teacher_key = next(t.id for t in teachers if t.name == teacher.display_name)

        # The teacher writes to the parent with a file, through the wire API.
        with httpx.Client(base_url=server.url, timeout=30) as http:
            at = raw_login(http, teacher.organization_id, teacher.login, teacher.password)
            parents = http.get("/webapi/mail/recipients", params={"group": 6}, headers={"at": at}).json()
            parent_key = next(p["id"] for p in parents if p["name"] == parent.display_name)
            guid = http.post("/webapi/attachments", headers={"at": at},
                             files={"file": ("Программа.txt", "Спектакль «Морозко»".encode(), "text/plain")},
                             data={"description": ""}).json()
            sent = http.post("/webapi/mail/messages", headers={"at": at}, json={
                "subject": SUBJECT, "text": TEXT, "to": [parent_key], "cc": [], "bcc": [],
                "notify": False, "draft": False, "fileAttachmentGuids": [guid]})
            assert sent.status_code == 200, sent.text
            message_id = int(sent.json()["messageId"])

        assert message_id in await ns.mail_unread()
        inbox = await ns.mail_list("Inbox")
        entry = next(e for e in inbox.entries if e.id == message_id)
        assert entry.subject == SUBJECT and entry.author == teacher.display_name
        message = await ns.mail_read(message_id)
        assert message.text == TEXT
        assert message.author_name == teacher.display_name
        assert [a.name for a in message.file_attachments] == ["Программа.txt"]
        data = await ns.download_attachment_as_bytes(message.file_attachments[0].id)
        assert data.decode() == "Спектакль «Морозко»"
        assert message_id not in await ns.mail_unread()
        await ns.mail_mark_read([message_id], read=False)
        assert message_id in await ns.mail_unread()

        draft = await ns.mail_draft(message_id, "reply")
        assert draft.subject == f"Re: {SUBJECT}"
        assert [r.id for r in draft.to] == [teacher_key]
        reply_id = await ns.mail_send(draft.subject, "Спасибо, будем!", [r.id for r in draft.to],
                                      attachments=[("Согласие.txt", "Согласны".encode())])
        sent_box = await ns.mail_list("Sent", search="театр", search_field="subject")
        assert [e.id for e in sent_box.entries] == [reply_id]

        await ns.mail_delete([message_id])
        assert message_id not in [e.id for e in (await ns.mail_list("Inbox")).entries]
        assert message_id in [e.id for e in (await ns.mail_list("Deleted")).entries]
        await ns.mail_restore([message_id])
        assert message_id in [e.id for e in (await ns.mail_list("Inbox")).entries]
        await ns.mail_delete([message_id])
        await ns.mail_delete([message_id], permanent=True)
        assert message_id not in [e.id for e in (await ns.mail_list("Deleted")).entries]

    with httpx.Client(base_url=server.url, timeout=30) as http:
        at = raw_login(http, teacher.organization_id, teacher.login, teacher.password)
        rows = http.post("/webapi/mail/registry", headers={"at": at}, json=registry("Inbox")).json()["rows"]
        assert any(r["id"] == reply_id and r["subject"] == f"Re: {SUBJECT}" for r in rows)


def test_netschoolpy_mail(server):
    asyncio.run(asyncio.wait_for(scenario(server), TEST_TIMEOUT_S))
