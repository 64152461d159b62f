"""Reports about community data go to WikiMolisa's moderators (the
organisation that owns it has no admins): they are mailed, see, acknowledge,
answer and close the report as a unit's admins do for their own datasets,
and are reminded and escalated to the same way. Real actions, PostgreSQL,
Solr and the SMTP server."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk

from ckanext.molisa.testing.factories import act

from .conftest import submission

IT_CENTRE = "ttcntt@molisa.example.vn"
MODERATOR = "kiem.duyet@molisa.example.vn"
UNIT_ADMIN = "admin.btxh@molisa.example.vn"
VISITOR = "nguoi.dan@example.vn"

pytestmark = [
    pytest.mark.ckan_config("ckanext.molisa.report.it_centre_email", IT_CENTRE),
    pytest.mark.ckan_config("ckanext.molisa.wiki.moderator_units",
                            "trung-tam-cong-nghe-thong-tin"),
    pytest.mark.usefixtures("with_request_context")]


def _published(world) -> dict:
    item = act(world.citizen, "molisa_wiki_submit", **submission())
    return act(world.moderator, "molisa_wiki_moderate", id=item["id"], decision="publish")


def _day(value: str, days: int) -> str:
    return (datetime.date.fromisoformat(value) + datetime.timedelta(days=days)).isoformat()


@pytest.mark.req("R21.1d", "R21.2c", "R14.3")
def test_a_data_error_in_community_data_goes_to_the_moderators_who_handle_it(world, mailbox):
    item = _published(world)
    mailbox.wait_for(1)                               # the submitter's "published"
    mailbox.clear()
    resource_id = item["files"][0]["resource_id"]
    report = act(None, "molisa_report_create", type="data_error", resource_id=resource_id,
                 description="Số câu lạc bộ ở Huế bị ghi sai.", email=VISITOR)
    owner = act(world.sysadmin, "package_show", id=item["dataset"]["id"])["owner_org"]
    assert report["owner_org"] == owner and report["state"] == "new"
    mailbox.wait_for(2)
    # the moderators are mailed (the IT Centre and the moderating unit's
    # member), nobody else: the WikiMolisa organisation has no admins
    assert len(mailbox.to(MODERATOR)) == 1 and len(mailbox.to(IT_CENTRE)) == 1
    assert "Số câu lạc bộ ở Huế" in mailbox.to(MODERATOR)[0].get_content()
    assert not mailbox.to(UNIT_ADMIN) and len(mailbox) == 2
    # the moderator sees it, as a unit's admin sees their unit's reports
    assert act(world.moderator, "molisa_report_show", id=report["id"])["reporter_email"] == \
        VISITOR                                       # what those who handle it see
    assert [r["id"] for r in act(world.moderator, "molisa_report_list")] == [report["id"]]
    # a unit's admin, the submitter and a neighbour do not
    for who in (world.unit_admin, world.citizen, world.neighbour):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_report_show", id=report["id"])
        assert act(who, "molisa_report_list") == []
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_report_acknowledge", id=report["id"])
    # acknowledge, answer and close, each mailed to the reporter
    mailbox.clear()
    act(world.moderator, "molisa_report_acknowledge", id=report["id"],
        message="Cảm ơn, chúng tôi đang kiểm tra.")
    act(world.moderator, "molisa_report_reply", id=report["id"],
        message="Người đóng góp sẽ sửa lại.")
    closed = act(world.moderator, "molisa_report_close", id=report["id"],
                 resolution="not_an_error", reason="Số liệu đúng theo nguồn.")
    assert closed["state"] == "closed"
    assert [m["role"] for m in closed["messages"]] == ["moderator", "moderator"]
    mailbox.wait_for(3)
    assert len(mailbox.to(VISITOR)) == 3
    assert any("Người đóng góp sẽ sửa lại." in m.get_content() for m in mailbox.to(VISITOR))
    # a moderator may hide a community file pending review, a unit's admin may not
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_report_hide_resource", resource_id=resource_id)
    act(world.moderator, "molisa_report_hide_resource", resource_id=resource_id)
    assert act(None, "package_show", id=item["dataset"]["id"])["resources"] == []
    act(world.moderator, "molisa_report_restore_resource", resource_id=resource_id)


@pytest.mark.req("R21.1d", "R21.2c")
def test_reports_about_community_data_are_reminded_to_and_escalated_past_the_moderators(
        world, mailbox):
    item = _published(world)
    report = act(world.neighbour, "molisa_report_create", type="broken_link",
                 package_id=item["dataset"]["id"], description="Tệp không tải được.")
    mailbox.wait_for(3)
    mailbox.clear()
    ack_day = report["ack_due"]
    assert act(world.sysadmin, "molisa_report_sweep", today=ack_day) == {
        "reminders": 1, "escalations": 0}
    mailbox.wait_for(2)                               # the moderators (the IT Centre is one)
    assert len(mailbox.to(MODERATOR)) == 1 and ack_day in mailbox.to(MODERATOR)[0]["Subject"]
    assert len(mailbox.to(IT_CENTRE)) == 1 and not mailbox.to(UNIT_ADMIN)
    mailbox.clear()
    assert act(world.sysadmin, "molisa_report_sweep", today=_day(ack_day, 1)) == {
        "reminders": 0, "escalations": 1}
    mailbox.wait_for(2)
    # escalated to the IT Centre, the moderators in copy, each once
    assert len(mailbox.to(IT_CENTRE)) == 1 and len(mailbox.to(MODERATOR)) == 1
    assert len(mailbox) == 2
