"""The sweep (``ckan molisa report-sweep``): reminders when an
acknowledgement or a resolution falls due, escalation to the IT Centre once
it has passed, each once per report, step and due date."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk

from ckanext.molisa.testing.factories import act

from .conftest import IT_CENTRE, UNIT_ADMIN, has

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.report.it_centre_email", IT_CENTRE),
              pytest.mark.usefixtures("with_request_context")]


def _day(value: str, days: int) -> str:
    return (datetime.date.fromisoformat(value) + datetime.timedelta(days=days)).isoformat()


@pytest.mark.req("R21.1d", "R21.2c")
def test_reminders_and_escalations_are_mailed_once(world, mailbox):
    report = act(world.user, "molisa_report_create", type="broken_link",
                 package_id=world.datasets["open"]["id"], description="Liên kết hỏng")
    mailbox.wait_for(1)
    mailbox.clear()
    with pytest.raises(tk.NotAuthorized):
        act(world.unit_admin, "molisa_report_sweep")
    # the day the acknowledgement falls due: a reminder to the unit
    ack_day = report["ack_due"]
    assert act(world.sysadmin, "molisa_report_sweep", today=ack_day) == {
        "reminders": 1, "escalations": 0}
    mailbox.wait_for(1)
    assert has(mailbox.to(UNIT_ADMIN)[0], ack_day) and not mailbox.to(IT_CENTRE)
    assert act(world.sysadmin, "molisa_report_sweep", today=ack_day) == {
        "reminders": 0, "escalations": 0}
    # the day after: escalated to the IT Centre, the unit in copy; once
    mailbox.clear()
    after = _day(ack_day, 1)
    assert act(world.sysadmin, "molisa_report_sweep", today=after)["escalations"] == 1
    mailbox.wait_for(2)
    assert len(mailbox.to(IT_CENTRE)) == 1 and has(mailbox.to(IT_CENTRE)[0], "Quá hạn")
    assert len(mailbox.to(UNIT_ADMIN)) == 1
    assert act(world.sysadmin, "molisa_report_sweep", today=after) == {
        "reminders": 0, "escalations": 0}
    # acknowledged: only the resolution is followed now
    act(world.unit_admin, "molisa_report_acknowledge", id=report["id"])
    late = _day(report["resolve_due"], 1)
    assert act(world.sysadmin, "molisa_report_sweep", today=late) == {
        "reminders": 0, "escalations": 1}
    assert act(world.sysadmin, "molisa_report_sweep", today=late) == {
        "reminders": 0, "escalations": 0}
    # a closed report is never reminded
    act(world.unit_admin, "molisa_report_close", id=report["id"], resolution="not_an_error",
        reason="Liên kết vẫn hoạt động.")
    assert act(world.sysadmin, "molisa_report_sweep", today=_day(late, 30)) == {
        "reminders": 0, "escalations": 0}
