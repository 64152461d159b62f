"""A submission returned for changes is edited and sent again as the same
submission (its history kept, its new files scanned again, no new dataset),
by its submitter or a moderator only and in that state only; and a
submission that fails halfway leaves nothing behind. Real actions,
PostgreSQL, Solr, the file store and the Flask test client."""
from __future__ import annotations

import os

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa.model.wiki import Submission
from ckanext.molisa.testing.audit import Audit
from ckanext.molisa.testing.factories import act

from .conftest import submission, upload

pytestmark = pytest.mark.ckan_config("ckanext.molisa.wiki.moderator_units",
                                     "trung-tam-cong-nghe-thong-tin")

REASON = "Ghi rõ năm của số liệu và bỏ cột số định danh."


def _returned(world, **overrides) -> dict:
    item = act(world.citizen, "molisa_wiki_submit", **submission(**overrides))
    return act(world.moderator, "molisa_wiki_moderate", id=item["id"],
               decision="request_changes", reason=REASON)


def _community_datasets() -> int:
    return model.Session.query(model.Package).filter(model.Package.type == "community").count()


def _stored_files() -> list[str]:
    root = os.path.join(tk.config.get("ckan.storage_path"), "resources")
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


@pytest.mark.req("R14.3", "R14.4", "R15.1")
@pytest.mark.usefixtures("with_request_context")
def test_the_submitter_edits_the_returned_submission_and_it_goes_back_to_the_queue(world):
    audit = Audit()
    item = _returned(world)
    old_file = item["files"][0]["resource_id"]
    # nobody else edits it: a neighbour is told it does not exist, a unit's
    # admin may not, and neither may a visitor
    for who in (world.neighbour, world.unit_admin, None):
        with pytest.raises(tk.NotAuthorized):
            act(who, "molisa_wiki_submission_update", id=item["id"], title="Của người khác")
    # bad input is refused per field, in Vietnamese, and nothing changes
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submission_update", id=item["id"], title="",
            license_id="other-closed", files=[upload("bang.exe", b"MZ")])
    assert set(err.value.error_dict) == {"title", "license_id", "files"}
    assert act(world.citizen, "molisa_wiki_show", id=item["id"])["state"] == \
        "changes_requested"

    updated = act(world.citizen, "molisa_wiki_submission_update", id=item["id"],
                  title="Số người tham gia câu lạc bộ dưỡng sinh theo tỉnh, năm 2024",
                  source="Hội Người cao tuổi các tỉnh",           # unchanged
                  files=[upload("ho_gia_dinh.csv"), upload("tham_gia_clb.csv")])
    # the same submission and dataset, back in the queue with a new due date
    assert updated["id"] == item["id"] and updated["package_id"] == item["package_id"]
    assert updated["state"] == "submitted" and updated["reason"] is None
    assert updated["dataset"]["title"].endswith("năm 2024") and _community_datasets() == 1
    assert [i["id"] for i in act(world.moderator, "molisa_wiki_list", queue=True)] == \
        [item["id"]]
    # the new files were scanned again: the one with ID numbers is quarantined
    scanned = {f["name"]: f for f in updated["scan"]["files"]}
    assert scanned["ho_gia_dinh.csv"]["quarantined"]
    assert not scanned["tham_gia_clb.csv"]["quarantined"]
    assert updated["quarantined"] == [scanned["ho_gia_dinh.csv"]["resource_id"]]
    # the old file is gone from the dataset
    resources = act(world.sysadmin, "package_show", id=item["package_id"])["resources"]
    assert old_file not in [r["id"] for r in resources] and len(resources) == 2
    # the history keeps the request and the change; the submitter does not
    # see who the moderator was, the moderators do
    steps = updated["history"]
    assert [s["action"] for s in steps] == ["submit", "request_changes", "update"]
    assert steps[1]["reason"] == REASON and steps[2]["changed"] == ["title"]
    assert steps[2]["files"] == ["ho_gia_dinh.csv", "tham_gia_clb.csv"]
    assert all("by" not in s for s in steps)
    seen = act(world.moderator, "molisa_wiki_show", id=item["id"])["history"]
    assert seen[1]["by"] == world.moderator["id"] and seen[2]["by"] == world.citizen["id"]
    # only in the state "changes requested": not again while it waits
    with pytest.raises(tk.NotAuthorized):
        act(world.citizen, "molisa_wiki_submission_update", id=item["id"], title="Lần nữa")
    with pytest.raises(tk.ValidationError):            # sysadmins skip auth, not the state
        act(world.sysadmin, "molisa_wiki_submission_update", id=item["id"], title="Lần nữa")
    published = act(world.moderator, "molisa_wiki_moderate", id=item["id"],
                    decision="publish")
    assert [s["action"] for s in published["history"]][-1] == "publish"
    assert "history" not in act(None, "molisa_wiki_show", id=item["id"])
    actions = [e["action"] for e in audit.events(channel="wiki")]
    assert actions == ["submit", "request_changes", "update", "publish"]


@pytest.mark.req("R14.3")
def test_a_moderator_may_edit_a_returned_submission_and_the_edit_form_works(app, world):
    item = _returned(world)
    edited = act(world.moderator, "molisa_wiki_submission_update", id=item["id"],
                 notes="Tổng hợp từ báo cáo năm 2024 của các câu lạc bộ.")
    assert edited["state"] == "submitted" and edited["history"][-1]["changed"] == ["notes"]
    # the form: the submitter's page links to it while changes are asked for
    second = _returned(world, title="Bảng thứ hai")
    headers = {"Authorization": world.citizen["token"]}
    page = app.get(f"/wikimolisa/{second['id']}", headers=headers).get_data(as_text=True)
    assert f"/wikimolisa/{second['id']}/edit" in page and REASON in page
    form = app.get(f"/wikimolisa/{second['id']}/edit", headers=headers).get_data(as_text=True)
    assert "Bảng thứ hai" in form and "tham_gia_clb.csv" in form and REASON in form
    app.get(f"/wikimolisa/{second['id']}/edit", status=404,
            headers={"Authorization": world.neighbour["token"]})
    app.get(f"/wikimolisa/{edited['id']}/edit", status=403, headers=headers)   # waiting
    bad = app.post(f"/wikimolisa/{second['id']}/edit", headers=headers,
                   data={"title": "", "notes": "x", "source": "y", "license_id": "cc-by-4.0"})
    assert bad.status_code == 200 and "Thiếu giá trị" in bad.get_data(as_text=True)
    response = app.post(f"/wikimolisa/{second['id']}/edit", headers=headers,
                        data={"title": "Bảng thứ hai, năm 2024", "notes": "Ghi rõ năm.",
                              "source": "Hội Người cao tuổi", "license_id": "cc-by-4.0"},
                        follow_redirects=False)
    assert response.status_code == 302
    shown = act(world.citizen, "molisa_wiki_show", id=second["id"])
    assert shown["state"] == "submitted" and shown["dataset"]["title"] == "Bảng thứ hai, năm 2024"
    assert sorted(shown["history"][-1]["changed"]) == ["notes", "source", "title"]
    page = app.get(f"/en/wikimolisa/{second['id']}", headers=headers).get_data(as_text=True)
    assert "A moderator asked for changes" in page and "Changed and sent again" in page


@pytest.mark.req("R14.3", "R4.3")
@pytest.mark.usefixtures("with_request_context")
@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_a_submission_that_fails_halfway_leaves_nothing_behind(world):
    before = _stored_files()
    # WikiMolisa accepts up to 10 MB, CKAN's file store 1 MB: the second
    # file is refused by the store after the dataset and the first file exist
    big = ("tinh,ghi_chu\n" + "".join(f"tinh-{i},{'x' * 500}\n" for i in range(2500))).encode()
    assert len(big) > 1024 * 1024
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit",
            **submission(files=[upload("tham_gia_clb.csv"), upload("ghi_chu.csv", big)]))
    assert list(err.value.error_dict) == ["files"]
    assert "không giữ lại phần nào" in " ".join(err.value.error_dict["files"])
    # no dataset (not even a deleted one), no submission, no file, no index entry
    assert _community_datasets() == 0
    assert model.Session.query(Submission).count() == 0
    assert _stored_files() == before
    assert act(world.sysadmin, "package_search", q="*:*", fq="dataset_type:community",
               include_private=True)["count"] == 0
    # the same submission with the small file only goes through
    item = act(world.citizen, "molisa_wiki_submit",
               **submission(files=[upload("tham_gia_clb.csv")]))
    assert item["state"] == "submitted" and _community_datasets() == 1
