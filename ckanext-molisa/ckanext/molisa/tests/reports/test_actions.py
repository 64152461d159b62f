"""Reports of problems through the real actions, PostgreSQL, Solr, Redis and
the SMTP server: who may read and handle a report, routing by mail, the
resource hidden at once by a personal-data report, closing with a version,
the thread, the throttle, the statistics and the audit events."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers

from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import act

from .conftest import IT_CENTRE, UNIT_ADMIN, VISITOR, has

pytestmark = [pytest.mark.ckan_config("ckanext.molisa.report.it_centre_email", IT_CENTRE),
              pytest.mark.usefixtures("with_request_context")]


def _data_error(world, who=None, **extra):
    data = {"type": "data_error", "package_id": world.datasets["open"]["id"],
            "resource_id": world.resources["open"]["id"],
            "description": "Số người ở Huế năm 2024 bị ghi sai: 80 thay vì 800."}
    if who is None:
        data["email"] = VISITOR
    data.update(extra)
    return act(who, "molisa_report_create", **data)


@pytest.mark.req("R21.1d", "R21.2c")
def test_a_data_error_goes_to_the_units_admins_and_only_they_and_the_reporter_see_it(
        world, mailbox):
    report = _data_error(world, world.user)
    assert report["state"] == "new" and report["owner_org"] == world.unit["id"]
    assert not report["private"] and report["ack_due"] < report["resolve_due"]
    mailbox.wait_for(1)
    to_admin = mailbox.to(UNIT_ADMIN)
    assert len(to_admin) == 1 and has(to_admin[0], "Lỗi dữ liệu")      # Vietnamese
    body = to_admin[0].get_content()
    assert "80 thay vì 800" in body and f"/report/{report['id']}" in body
    assert not mailbox.to(IT_CENTRE)                # a data error is the unit's
    # the reporter, the unit's admin and sysadmins read it
    for who in (world.user, world.unit_admin, world.sysadmin):
        assert act(who, "molisa_report_show", id=report["id"])["id"] == report["id"]
    # nobody else: another unit's admin, a member of the unit, a visitor
    for who in (world.other_admin, world.unit_member, world.grantee, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_report_show", id=report["id"])
    # a report that does not exist is refused the same way (no existence oracle)
    with pytest.raises(tk.NotAuthorized):
        act(world.grantee, "molisa_report_show", id="khong-co")
    assert [r["id"] for r in act(world.user, "molisa_report_list", mine=True)] == [report["id"]]
    assert act(world.grantee, "molisa_report_list") == []
    assert [r["id"] for r in act(world.unit_admin, "molisa_report_list")] == [report["id"]]
    assert act(world.other_admin, "molisa_report_list") == []
    with pytest.raises(tk.NotAuthorized):
        act(None, "molisa_report_list")
    # the reporter's address is for those who handle the report
    assert "reporter_email" not in act(world.user, "molisa_report_show", id=report["id"])


@pytest.mark.req("R21.1d", "R15.1")
def test_the_unit_answers_and_closes_a_data_error_naming_the_corrected_version(world, mailbox):
    audit = Audit()
    report = _data_error(world)                         # a visitor, with an address
    mailbox.wait_for(1)
    mailbox.clear()
    with pytest.raises(tk.NotAuthorized):                # the reporter does not handle it
        act(world.user, "molisa_report_acknowledge", id=report["id"])
    act(world.unit_admin, "molisa_report_acknowledge", id=report["id"],
        message="Cảm ơn, chúng tôi đang kiểm tra.")
    act(world.unit_admin, "molisa_report_reply", id=report["id"], message="Đã tìm ra lỗi.")
    mailbox.wait_for(2)
    assert len(mailbox.to(VISITOR)) == 2            # acknowledged, and the reply
    assert any("Đã tìm ra lỗi." in m.get_content() for m in mailbox.to(VISITOR))
    # a data error is closed naming a version, or as not an error with a reason
    for bad, field in (({"resolution": "resolved", "reason": "x"}, "resolution"),
                       ({"resolution": "fixed"}, "activity_id"),
                       ({"resolution": "not_an_error"}, "reason")):
        with pytest.raises(tk.ValidationError) as err:
            act(world.unit_admin, "molisa_report_close", id=report["id"], **bad)
        assert field in err.value.error_dict
    # an activity of another dataset is refused
    other = helpers.call_action("package_activity_list", context={"user": world.sysadmin["name"]},
                                id=world.datasets["internal"]["id"])[0]["id"]
    with pytest.raises(tk.ValidationError) as err:
        act(world.unit_admin, "molisa_report_close", id=report["id"], resolution="fixed",
            activity_id=other)
    assert "activity_id" in err.value.error_dict
    # a version from before the report is refused: it cannot be the correction
    before = helpers.call_action("package_activity_list",
                                 id=world.datasets["open"]["id"])[0]["id"]
    with pytest.raises(tk.ValidationError):
        act(world.unit_admin, "molisa_report_close", id=report["id"], resolution="fixed",
            activity_id=before)
    act(world.sysadmin, "resource_patch", id=world.resources["open"]["id"],
        description="Đã sửa số liệu Huế 2024")
    fixed = helpers.call_action("package_activity_list",
                                id=world.datasets["open"]["id"])[0]["id"]
    mailbox.clear()
    closed = act(world.unit_admin, "molisa_report_close", id=report["id"], resolution="fixed",
                 activity_id=fixed)
    assert closed["state"] == "closed" and closed["activity_id"] == fixed
    assert [m["role"] for m in closed["messages"]] == ["unit", "unit"]
    mailbox.wait_for(1)
    assert has(mailbox.to(VISITOR)[0], "Đã đóng")
    with pytest.raises(tk.ValidationError):
        act(world.unit_admin, "molisa_report_reply", id=report["id"], message="sau khi đóng")
    actions = [e["action"] for e in audit.events(channel="report")]
    assert actions == ["report_create", "report_acknowledge", "report_reply", "report_close"]


@pytest.mark.req("R21.1d", "R4.3")
def test_a_personal_data_report_is_private_goes_to_the_it_centre_and_hides_the_resource(
        world, mailbox):
    audit = Audit()
    pkg_id, res_id = world.datasets["open"]["id"], world.resources["open"]["id"]
    report = act(None, "molisa_report_create", type="personal_data", resource_id=res_id,
                 description="Cột ho_ten có họ tên người thật.", email=VISITOR)
    assert report["private"] and report["package_id"] == pkg_id
    mailbox.wait_for(3)              # new report: IT Centre + unit admin; hidden: both again
    to_it = mailbox.to(IT_CENTRE)
    assert len(to_it) == 2
    # a private report's mail names the kind and the page, never the text
    assert all("ho_ten" not in m.get_content() for m in mailbox.messages)
    # gone for the public: package_show, resource_show, search, the DataStore
    shown = act(None, "package_show", id=pkg_id)
    assert res_id not in [r["id"] for r in shown["resources"]]
    assert shown["num_resources"] == 0
    with pytest.raises(tk.NotAuthorized):
        act(None, "resource_show", id=res_id)
    with pytest.raises(tk.NotAuthorized):
        act(world.grantee, "datastore_search", resource_id=res_id)
    found = act(None, "package_search", q="id:" + pkg_id, fl="id,res_url,data_dict")
    assert found["results"] and "res_url" not in found["results"][0]
    assert res_id not in found["results"][0].get("data_dict", "")
    found = act(None, "package_search", q="id:" + pkg_id)
    assert [r["id"] for r in found["results"][0]["resources"]] == []
    # still there for the unit and the IT Centre
    for who in (world.unit_member, world.sysadmin):
        assert res_id in [r["id"] for r in act(who, "package_show", id=pkg_id)["resources"]]
    assert act(world.unit_admin, "molisa_report_show", id=report["id"])["resource"]["hidden"]
    # reversible by the unit's admin (not by another unit's)
    with pytest.raises(tk.NotAuthorized):
        act(world.other_admin, "molisa_report_restore_resource", resource_id=res_id)
    act(world.unit_admin, "molisa_report_restore_resource", resource_id=res_id)
    assert res_id in [r["id"] for r in act(None, "package_show", id=pkg_id)["resources"]]
    assert act(None, "resource_show", id=res_id)["id"] == res_id
    # search results are filtered by the dataset's search document, indexed
    # again at once on every hide and restore
    found = act(None, "package_search", q="id:" + pkg_id)
    assert [r["id"] for r in found["results"][0]["resources"]] == [res_id]
    with pytest.raises(tk.ValidationError):
        act(world.unit_admin, "molisa_report_restore_resource", resource_id=res_id)
    # and hidden again by hand
    act(world.unit_admin, "molisa_report_hide_resource", resource_id=res_id,
        report_id=report["id"])
    assert act(None, "package_show", id=pkg_id)["resources"] == []
    found = act(None, "package_search", q="id:" + pkg_id, fl="id,validated_data_dict")
    assert res_id not in found["results"][0]["validated_data_dict"]
    assert act(None, "package_search", q="id:" + pkg_id)["results"][0]["resources"] == []
    # the index's copy of the hidden ids is for the filter, shown to nobody
    for who in (None, world.unit_member, world.sysadmin):
        assert "molisa_hidden_resources" not in act(who, "package_show", id=pkg_id)
        shown = act(who, "package_search", q="id:" + pkg_id)["results"][0]
        assert "molisa_hidden_resources" not in shown
    with pytest.raises(tk.ValidationError):
        act(world.unit_admin, "molisa_report_hide_resource", resource_id=res_id)
    events = audit.events(channel="report")
    assert [e["action"] for e in events] == ["report_create", "report_hide_resource",
                                             "report_restore_resource",
                                             "report_hide_resource"]


@pytest.mark.req("R21.1e")
def test_the_contact_form_reaches_the_it_centre_and_visitors_are_throttled(world, mailbox):
    report = act(None, "molisa_report_create", type="outage",
                 description="Trang tìm kiếm báo lỗi 502.", email=VISITOR, name="Nguyễn Văn Dân")
    assert report["owner_org"] is None and report["package_id"] is None
    mailbox.wait_for(1)
    assert len(mailbox.to(IT_CENTRE)) == 1
    with pytest.raises(tk.ValidationError) as err:
        act(None, "molisa_report_create", type="support", description="Giúp tôi")
    assert "email" in err.value.error_dict             # a visitor gives an address
    # five an hour per address (the first above counted)
    for i in range(4):
        act(None, "molisa_report_create", type="support", description=f"Câu hỏi {i}",
            email=VISITOR)
    with pytest.raises(tk.ValidationError) as err:
        act(None, "molisa_report_create", type="support", description="Câu hỏi 6",
            email=VISITOR)
    assert "email" in err.value.error_dict
    # a logged-in reporter is not throttled
    act(world.user, "molisa_report_create", type="support", description="Câu hỏi 7")


@pytest.mark.req("R21.1d")
def test_an_outsider_cannot_report_on_a_dataset_it_cannot_see(world):
    with pytest.raises(tk.ValidationError) as err:
        act(world.grantee, "molisa_report_create", type="data_error",
            package_id=world.datasets["internal"]["id"], description="?")
    assert "package_id" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        act(world.grantee, "molisa_report_create", type="data_error",
            package_id=world.datasets["open"]["id"],
            resource_id=world.resources["default_shared"]["id"], description="?")
    assert "resource_id" in err.value.error_dict


@pytest.mark.req("R21.1d", "R15.1")
def test_public_statistics_count_private_reports_without_showing_them(world, mailbox):
    first = _data_error(world, world.user)
    act(world.user, "molisa_report_create", type="security", description="Lộ mật khẩu",
        package_id=world.datasets["open"]["id"])
    act(world.unit_admin, "molisa_report_acknowledge", id=first["id"])
    act(world.unit_admin, "molisa_report_close", id=first["id"], resolution="not_an_error",
        reason="Số liệu đúng theo báo cáo của Sở.")
    stats = act(None, "molisa_report_stats")
    assert stats["received"] == 2 and stats["private"] == 1 and stats["closed"] == 1
    unit = stats["units"][0]
    assert unit["unit"]["name"] == "cuc-bao-tro-xa-hoi" and unit["received"] == 2
    assert unit["open"] == 1
    assert unit["median_hours_to_acknowledge"] is not None
    assert unit["median_hours_to_resolve"] is not None
    text = repr(stats)
    assert "Lộ mật khẩu" not in text and first["id"] not in text
    assert act(None, "molisa_report_stats", owner_org="cuc-viec-lam")["received"] == 0
