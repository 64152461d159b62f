"""Who gets the sharing mail, and that a mail that cannot be sent never
undoes the step it reports (R12.6, R18.3)."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories

from ckanext.molisa_sharing import mail
from ckanext.molisa_sharing.model import Request
from ckanext.molisa.testing.factories import act


@pytest.mark.req("R12.6")
def test_send_once_per_address_and_only_to_addresses(mailbox, with_plugins):
    sent = mail.send([("A", "a@example.vn"), ("A again", "A@example.vn".lower()),
                      ("Nobody", ""), ("B", "b@example.vn")], "Tiêu đề", "Nội dung")
    assert sent == 2
    mailbox.wait_for(2)
    assert [m["Subject"] for m in mailbox.to("a@example.vn")] == ["Tiêu đề"]
    assert "Nội dung" in mailbox.to("b@example.vn")[0].get_content()


@pytest.mark.req("R12.6")
def test_reviewers_are_the_units_admins_or_else_the_sysadmins(world):
    assert [a for _, a in mail.reviewers(world.unit["id"])] == ["admin.btxh@molisa.example.vn"]
    lonely = factories.Organization(unit_type="department")
    assert {a for _, a in mail.reviewers(lonely["id"])} == {
        a for _, a in mail.sysadmins()} and mail.sysadmins()
    assert mail.user_recipient(None) == []


@pytest.mark.req("R12.6", "R18.3")
@pytest.mark.ckan_config("smtp.server", "127.0.0.1:9")
def test_a_mail_that_cannot_be_sent_does_not_undo_the_step(world, mailbox):
    req = world.submitted(world.grantee)
    assert req["state"] == "submitted"
    req = act(world.unit_admin, "molisa_sharing_request_approve", id=req["id"])
    assert Request.get(req["id"]).state == "approved"
    grant = act(world.unit_admin, "molisa_sharing_grant_suspend", id=req["grant_id"],
                reason="Kiểm tra")
    assert grant["state"] == "suspended"
    assert mailbox.messages == []  # nothing reached a mail server
