"""The sweep (``ckan molisa odl-sweep``): reminders before the due date to
the unit's admins, overdue entries escalated to the IT Centre, each once per
entry and due date, through the real SMTP server (R14.1)."""
from __future__ import annotations

import datetime

import pytest

from ckanext.molisa.model.odl import Notice
from ckanext.molisa.testing.factories import act

from .conftest import TODAY, days

IT_CENTRE = "ttcntt@molisa.example.vn"
UNIT_ADMIN = "admin.btxh@molisa.example.vn"


def has(message, words: str) -> bool:
    """Whether the subject holds the words, spaces aside (a long Vietnamese
    subject is folded into encoded words; a space at a fold is lost)."""
    return words.replace(" ", "") in (message["Subject"] or "").replace(" ", "")

#: a request context, as the command has: mail in the portal's language
pytestmark = [pytest.mark.ckan_config("ckanext.molisa.odl.it_centre_email", IT_CENTRE),
              pytest.mark.usefixtures("with_request_context")]


@pytest.mark.req("R14.1")
def test_reminders_and_escalations_are_mailed_once(world, odl, mailbox):
    counts = act(world.sysadmin, "molisa_odl_sweep")
    # on_time is due in a year; planned in 30 days (outside 14); overdue: escalated;
    # late (other unit) is due in a year less 40 days
    assert counts == {"reminders": 0, "escalations": 1}
    mailbox.wait_for(2)
    to_it = mailbox.to(IT_CENTRE)
    assert len(to_it) == 1
    assert has(to_it[0], "Trẻ em mồ côi theo tỉnh")
    assert has(to_it[0], "Quá hạn")                    # Vietnamese: the portal's language
    body = to_it[0].get_content()
    assert days(-10) in body and "/open-data-list/unit/cuc-bao-tro-xa-hoi" in body
    assert len(mailbox.to(UNIT_ADMIN)) == 1                     # the unit's admins in copy
    # a second run sends nothing
    assert act(world.sysadmin, "molisa_odl_sweep") == {"reminders": 0, "escalations": 0}
    assert len(mailbox.messages) == 2


@pytest.mark.req("R14.1")
@pytest.mark.ckan_config("ckanext.molisa.odl.remind_days", "30")
def test_the_reminder_window_is_configurable_and_a_day_is_not_mailed_twice(world, odl, mailbox):
    counts = act(world.sysadmin, "molisa_odl_sweep", today=TODAY.isoformat())
    assert counts["reminders"] == 1            # "planned", due in 30 days
    mailbox.wait_for(3)
    reminders = [m for m in mailbox.to(UNIT_ADMIN) if has(m, "Người cao tuổi")]
    assert len(reminders) == 1 and has(reminders[0], days(30))
    assert mailbox.to(IT_CENTRE) and all(not has(m, "Người cao tuổi")
                                         for m in mailbox.to(IT_CENTRE))
    mailbox.clear()
    later = (TODAY + datetime.timedelta(days=3)).isoformat()
    assert act(world.sysadmin, "molisa_odl_sweep", today=later) == {"reminders": 0,
                                                                   "escalations": 0}
    # once the due date has passed, the same entry is escalated (a new notice)
    after = (TODAY + datetime.timedelta(days=31)).isoformat()
    counts = act(world.sysadmin, "molisa_odl_sweep", today=after)
    assert counts["escalations"] == 1
    mailbox.wait_for(2)
    assert any(has(m, "Người cao tuổi") for m in mailbox.to(IT_CENTRE))
    from ckan import model
    kinds = sorted((n.kind, n.due.isoformat()) for n in model.Session.query(Notice)
                   if n.due.isoformat() == days(30))
    assert kinds == [("overdue", days(30)), ("reminder", days(30))]


@pytest.mark.req("R14.1")
def test_an_entry_published_after_its_escalation_is_late(world, odl, mailbox):
    act(world.sysadmin, "molisa_odl_sweep")
    overdue = odl.entries["overdue"]
    from ckan.tests import helpers
    from ckanext.molisa.testing.factories import dataset_data
    pkg = helpers.call_action("package_create", context={"user": world.sysadmin["name"]},
                              **dataset_data(world.unit["id"], "open", name="tre-em-mo-coi"))
    linked = act(world.unit_admin, "molisa_odl_entry_link", id=overdue["id"],
                 package_id=pkg["id"])
    assert linked["state"] == "late"
    assert act(world.sysadmin, "molisa_odl_sweep") == {"reminders": 0, "escalations": 0}


@pytest.mark.req("R14.1")
def test_the_command_runs_the_sweep(world, odl, mailbox, cli):
    from ckan.cli.cli import ckan
    result = cli.invoke(ckan, ["molisa", "odl-sweep"])
    assert result.exit_code == 0, result.output
    assert "escalations=1" in result.output
    assert has(mailbox.wait_for(2)[0], "Quá hạn")
    result = cli.invoke(ckan, ["molisa", "odl-sweep"])
    assert "escalations=0" in result.output
