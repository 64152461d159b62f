"""Links: outcome, status, type and size with history; a link broken twice
in a row is mailed to the unit's admins through the real SMTP server, once
per break (R6.2)."""
from __future__ import annotations

import pytest

from ckanext.molisa.model import quality as qmodel
from ckanext.molisa.quality import runner

from .conftest import CSV, UNIT_ADMIN

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8"),
              pytest.mark.ckan_config("ckanext.molisa.quality.check_on_change", "false"),
              pytest.mark.usefixtures("with_request_context")]


def link_history(resource_id):
    return [(r.outcome, r.details.get("status"))
            for r in qmodel.history(resource_id, qmodel.LINK)]


@pytest.mark.req("R6.2")
def test_a_reachable_link_is_ok_with_status_type_and_size(files, make_dataset):
    pkg = make_dataset(files.url("/data.csv"), files.url("/error"), "ftp://example.org/x")
    counts = runner.check_packages([pkg["id"]])
    assert counts["resources"] == 3
    assert counts["link:ok"] == 1 and counts["link:broken"] == 1 and counts["link:refused"] == 1
    good, bad, refused = (r["id"] for r in pkg["resources"])
    [row] = qmodel.history(good, qmodel.LINK)
    assert row.score == 1.0 and row.details["status"] == 200
    assert row.details["content_type"] == "text/csv" and row.details["size"] == len(CSV)
    assert link_history(bad) == [("broken", 500)]
    [row] = qmodel.history(refused, qmodel.LINK)
    assert row.score is None and row.details["error"] == "scheme"


@pytest.mark.req("R6.2")
def test_history_is_kept_and_a_break_is_mailed_once_after_two_failures(files, make_dataset,
                                                                        mailbox):
    pkg = make_dataset(files.url("/flaky.csv"))
    resource_id = pkg["resources"][0]["id"]
    files.site.routes["/flaky.csv"] = (200, "text/csv", CSV)
    runner.check_packages([pkg["id"]])
    del files.site.routes["/flaky.csv"]                   # the file goes away: 404
    runner.check_packages([pkg["id"]])
    assert mailbox.messages == []                         # one failure: no mail yet
    runner.check_packages([pkg["id"]])
    mailbox.wait_for(1)
    [message] = mailbox.to(UNIT_ADMIN)
    subject = (message["Subject"] or "").replace(" ", "")
    assert "Liênkếthỏng".replace(" ", "") in subject      # Vietnamese: the portal's language
    body = message.get_content()
    assert "/dataset/" + pkg["name"] in body and "404" in body
    runner.check_packages([pkg["id"]])                    # still broken: no second mail
    assert len(mailbox.messages) == 1
    files.site.routes["/flaky.csv"] = (200, "text/csv", CSV)
    runner.check_packages([pkg["id"]])                    # back
    del files.site.routes["/flaky.csv"]
    runner.check_packages([pkg["id"]])
    runner.check_packages([pkg["id"]])                    # a new break: mailed again
    mailbox.wait_for(2)
    assert len(mailbox.to(UNIT_ADMIN)) == 2
    assert link_history(resource_id) == [("broken", 404), ("broken", 404), ("ok", 200),
                                         ("broken", 404), ("broken", 404), ("broken", 404),
                                         ("ok", 200)]
    mailed = [r.details.get("mailed") for r in qmodel.history(resource_id, qmodel.LINK)]
    assert mailed == [1, None, None, None, 1, None, None]


def test_a_refused_link_is_never_mailed(make_dataset, mailbox):
    pkg = make_dataset("http://192.168.0.10/internal.csv")
    for _ in range(3):
        runner.check_packages([pkg["id"]])
    assert [r.outcome for r in qmodel.history(pkg["resources"][0]["id"], qmodel.LINK)] == \
        ["refused"] * 3
    assert mailbox.messages == []


def test_an_uploaded_file_is_read_from_the_file_store(quality_unit, make_dataset):
    from ckan.tests import helpers
    from ckanext.molisa.testing.factories import csv_upload
    pkg = make_dataset()
    res = helpers.call_action("resource_create", context={"user": quality_unit.sysadmin["name"]},
                              package_id=pkg["id"], name="Tệp", format="PDF",
                              upload=csv_upload(), url="people.csv")
    runner.check_packages([pkg["id"]])
    [link] = qmodel.history(res["id"], qmodel.LINK)
    assert link.outcome == "ok" and link.details["size"] > 0
    [stars] = qmodel.history(res["id"], qmodel.OPENNESS)
    assert stars.score == 3 and stars.details["sniffed"] == "csv"
