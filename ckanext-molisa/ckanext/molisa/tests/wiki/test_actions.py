"""WikiMolisa's submissions through the real actions, PostgreSQL, Solr and
the file store: the short form's checks, the scan before any moderator sees
a dataset, the quarantine of a file with personal data and who sees what."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import act

from .conftest import submission, upload

pytestmark = pytest.mark.usefixtures("with_request_context")


@pytest.mark.req("R14.3", "R14.4", "R15.1")
def test_a_clean_submission_is_a_private_community_dataset_awaiting_moderation(world):
    audit = Audit()
    item = act(world.citizen, "molisa_wiki_submit", **submission())
    assert item["state"] == "submitted" and item["own"] and not item["moderator"]
    assert item["quarantined"] == [] and item["due"] > item["created"][:10]
    report = item["scan"]["files"][0]
    assert report["personal_data"] == [] and report["readable"]
    assert report["table"]["outcome"] == "no_structure" and report["table"]["rows"] == 3
    dataset = item["dataset"]
    assert dataset["private"] and dataset["source"] == "Hội Người cao tuổi các tỉnh"
    pkg = act(world.sysadmin, "package_show", id=dataset["id"])
    assert pkg["type"] == "community" and pkg["access_level"] == "open"
    assert pkg["organization"]["name"] == "wikimolisa" and pkg["private"]
    assert [r["format"] for r in pkg["resources"]] == ["CSV"]
    # nobody but the submitter and the moderators sees it before publication
    for who in (None, world.neighbour, world.unit_admin):
        with pytest.raises(tk.ObjectNotFound):
            act(who, "molisa_wiki_show", id=item["id"])
        with pytest.raises(tk.NotAuthorized):
            act(who, "package_show", id=dataset["id"])
    assert act(None, "package_search", q="id:" + dataset["id"])["count"] == 0
    assert act(world.sysadmin, "molisa_wiki_show", id=dataset["name"])["moderator"]
    assert act(world.citizen, "molisa_wiki_show", id=item["id"])["own"]
    assert act(None, "molisa_wiki_list") == []
    assert [i["id"] for i in act(world.citizen, "molisa_wiki_list", mine=True)] == [item["id"]]
    assert [i["id"] for i in act(world.sysadmin, "molisa_wiki_list", queue=True)] == [item["id"]]
    with pytest.raises(tk.NotAuthorized):
        act(world.citizen, "molisa_wiki_list", queue=True)
    events = audit.events(channel="wiki", action="submit")
    assert len(events) == 1 and events[0]["actor"] == world.citizen["name"]
    assert events[0]["datasets"] == [dataset["id"]]


@pytest.mark.req("R4.3", "R14.3")
@pytest.mark.parametrize("filename, column, category", [
    ("ho_gia_dinh.csv", "so_dinh_danh", "citizen_id"),
    ("bhxh.csv", "so_bhxh", "social_insurance"),
    ("danh_sach.csv", "ho_ten + ngay_sinh", "name_with_birth_date"),
])
def test_a_file_with_personal_data_is_quarantined_and_the_submitter_told_which_column(
        world, filename, column, category):
    item = act(world.citizen, "molisa_wiki_submit",
               **submission(files=[upload(filename), upload("tham_gia_clb.csv")]))
    quarantined, clean = item["scan"]["files"]
    assert quarantined["quarantined"] and not clean["quarantined"]
    assert [(f["column"], f["category"]) for f in quarantined["personal_data"]] == \
        [(column, category)]
    assert item["quarantined"] == [quarantined["resource_id"]]
    # a moderator sees both files; anyone else who may see the dataset sees
    # only the clean one, in package_show, resource_show and search
    pkg_id = item["dataset"]["id"]
    shown = act(world.sysadmin, "package_show", id=pkg_id)
    assert len(shown["resources"]) == 2
    from ckan import model
    model.Package.get(pkg_id).private = False       # as if published
    model.repo.commit()
    for who in (None, world.neighbour, world.citizen):
        shown = act(who, "package_show", id=pkg_id)
        assert [r["id"] for r in shown["resources"]] == [clean["resource_id"]]
        with pytest.raises((tk.ObjectNotFound, tk.NotAuthorized)):
            act(who, "resource_show", id=quarantined["resource_id"])
    act(world.sysadmin, "package_patch", id=pkg_id, notes="Đã sửa mô tả.")   # reindexed
    found = act(None, "package_search", q="id:" + pkg_id, fl="id,res_url,data_dict")
    assert quarantined["resource_id"] not in str(found["results"])


@pytest.mark.req("R14.3", "R14.4")
def test_the_short_form_is_checked_per_field(world):
    with pytest.raises(tk.NotAuthorized):
        act(None, "molisa_wiki_submit", **submission())
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", title="", notes="", source="",
            license_id="other-closed")
    assert set(err.value.error_dict) == {"title", "notes", "source", "license_id", "files"}
    # only open licences from CKAN's list
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", **submission(license_id="khong-co"))
    assert set(err.value.error_dict) == {"license_id"}
    # file type and size
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit",
            **submission(files=[upload("virus.exe", b"MZ\x90\x00")]))
    assert "virus.exe" in err.value.error_dict["files"][0]


@pytest.mark.req("R14.3")
@pytest.mark.ckan_config("ckanext.molisa.wiki.file_max_mb", "1")
def test_a_file_over_the_size_limit_is_refused(world):
    big = b"a,b\n" + b"1,2\n" * 300_000
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", **submission(files=[upload("lon.csv", big)]))
    assert "1 MB" in err.value.error_dict["files"][0]


@pytest.mark.req("R14.3")
@pytest.mark.ckan_config("ckanext.molisa.wiki.blocked_words", "casino cá_độ")
def test_spam_signals_are_refused(world):
    links = " ".join(f"https://spam{i}.example.com" for i in range(4))
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", **submission(notes="Xem " + links))
    assert list(err.value.error_dict) == ["notes"]
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", **submission(title="Kèo cá độ bóng đá"))
    assert list(err.value.error_dict) == ["title"]
    # the same title twice from one account
    act(world.citizen, "molisa_wiki_submit", **submission())
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", **submission())
    assert list(err.value.error_dict) == ["title"]
    # another account may use it
    act(world.neighbour, "molisa_wiki_submit", **submission())


@pytest.mark.req("R4.3")
def test_a_file_that_cannot_be_read_is_quarantined(world):
    item = act(world.citizen, "molisa_wiki_submit",
               **submission(files=[upload("hong.xlsx", b"not a workbook")]))
    scanned = item["scan"]["files"][0]
    assert scanned["quarantined"] and not scanned["readable"]
    assert scanned["personal_data"][0]["category"] == "unreadable"


@pytest.mark.req("R14.3", "R14.4", "R15.1")
@pytest.mark.ckan_config("ckanext.molisa.wiki.moderator_units", "trung-tam-cong-nghe-thong-tin")
def test_moderators_publish_ask_for_changes_and_reject_and_the_submitter_is_mailed(
        world, mailbox):
    audit = Audit()
    first = act(world.citizen, "molisa_wiki_submit", **submission())
    second = act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng thứ hai"))
    third = act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng thứ ba"))
    # the queue: sysadmins and the named units' members, earliest due first
    queue = act(world.moderator, "molisa_wiki_list", queue=True)
    assert {i["id"] for i in queue} == {first["id"], second["id"], third["id"]}
    for who in (world.citizen, world.unit_admin):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_wiki_moderate", id=first["id"], decision="publish")
    with pytest.raises(tk.ValidationError) as err:
        act(world.moderator, "molisa_wiki_moderate", id=second["id"], decision="reject")
    assert list(err.value.error_dict) == ["reason"]
    with pytest.raises(tk.ValidationError) as err:
        act(world.moderator, "molisa_wiki_moderate", id=second["id"], decision="xoa")
    assert list(err.value.error_dict) == ["decision"]

    published = act(world.moderator, "molisa_wiki_moderate", id=first["id"],
                    decision="publish")
    assert published["state"] == "published" and not published["dataset"]["private"]
    act(world.moderator, "molisa_wiki_moderate", id=second["id"],
        decision="request_changes", reason="Ghi rõ năm của số liệu.")
    act(world.sysadmin, "molisa_wiki_moderate", id=third["id"], decision="reject",
        reason="Không phải dữ liệu lao động, xã hội.")
    with pytest.raises(tk.ValidationError):          # decided once
        act(world.sysadmin, "molisa_wiki_moderate", id=third["id"], decision="publish")
    # anyone sees the published one, in WikiMolisa and in search
    assert [i["id"] for i in act(None, "molisa_wiki_list")] == [first["id"]]
    assert act(None, "molisa_wiki_show", id=first["id"])["state"] == "published"
    found = act(None, "package_search", q="id:" + first["dataset"]["id"],
                fq="dataset_type:community")
    assert found["count"] == 1
    # the others stay the submitter's and the moderators'
    for other in (second, third):
        with pytest.raises(tk.ObjectNotFound):
            act(world.neighbour, "molisa_wiki_show", id=other["id"])
    shown = act(world.citizen, "molisa_wiki_show", id=second["id"])
    assert shown["state"] == "changes_requested" and shown["reason"] == "Ghi rõ năm của số liệu."
    # the submitter is mailed each decision, in Vietnamese, with the reason
    mailbox.wait_for(3)
    to_citizen = mailbox.to("cong.dan@example.vn")
    assert len(to_citizen) == 3
    bodies = "\n".join(m.get_content() for m in to_citizen)
    assert "Ghi rõ năm của số liệu." in bodies and "Không phải dữ liệu lao động" in bodies
    assert f"/wikimolisa/{first['id']}" in bodies
    # after a request for changes the same title may come again
    act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng thứ hai"))
    actions = [e["action"] for e in audit.events(channel="wiki")]
    assert sorted(actions) == ["publish", "reject", "request_changes", "submit", "submit",
                               "submit", "submit"]


@pytest.mark.req("R4.3", "R14.3")
def test_a_personal_data_report_hides_a_published_file_pending_review(world):
    item = act(world.citizen, "molisa_wiki_submit", **submission())
    act(world.sysadmin, "molisa_wiki_moderate", id=item["id"], decision="publish")
    resource_id = item["files"][0]["resource_id"]
    act(None, "molisa_report_create", type="personal_data", resource_id=resource_id,
        description="Cột so_nguoi_tham_gia là số điện thoại.", email="nguoi.dan@example.vn")
    shown = act(None, "package_show", id=item["dataset"]["id"])
    assert shown["resources"] == []
    assert len(act(world.sysadmin, "package_show", id=item["dataset"]["id"])["resources"]) == 1
