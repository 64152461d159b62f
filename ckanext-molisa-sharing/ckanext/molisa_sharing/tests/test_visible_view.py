"""What a person without access sees of a restricted resource: an allow-list
(R4.3, R17.1, R18.4). Every link field, named or not, is withheld on every
path; the resource's identity and description stay, marked restricted; the
links are not searchable; the DCAT distribution points to the request page.
"""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT


from ckanext.molisa_sharing import access
from ckanext.molisa.testing.factories import act

LINKS = {"url": "https://data.example.vn/ho-so/bi-mat.csv",
         "download_url": "https://data.example.vn/tai-ve/bi-mat.csv",
         "access_url": "https://api.example.vn/truy-cap/bi-mat",
         "duong_dan_du_phong": "https://mirror.example.vn/bi-mat.csv"}
SECRET_WORDS = ("bi-mat", "mirror.example.vn", "api.example.vn")


@pytest.fixture
def linked(world):
    """A link resource with three extra link fields (one a unit made up) on
    the special-request dataset."""
    dataset = world.datasets["special_request"]
    res = act(world.sysadmin, "resource_create", package_id=dataset["id"], name="Liên kết",
              description="Bảng chi tiết", format="CSV", size=1024,
              columns="ma_tinh: text\nso_nguoi: integer", **LINKS)
    return dataset, res


def _no_secret(obj) -> None:
    text = json.dumps(obj, ensure_ascii=False)
    for word in SECRET_WORDS:
        assert word not in text, f"{word} in {text[:2000]}"


@pytest.mark.req("R4.3", "R17.1")
def test_an_outsider_sees_only_the_allowed_fields_on_every_path(world, linked, app):
    dataset, res = linked
    for who in ("anonymous", "user", "other_admin"):
        shown = act(getattr(world, who), "package_show", id=dataset["id"])
        [mine] = [r for r in shown["resources"] if r["id"] == res["id"]]
        assert set(mine) <= access.VISIBLE_RESOURCE_FIELDS
        assert mine["data_access"] == "restricted" and mine["name"] == "Liên kết"
        assert mine["format"] == "CSV" and mine["description"] == "Bảng chi tiết"
        _no_secret(shown)
        _no_secret(act(getattr(world, who), "resource_show", id=res["id"]))
        found = act(getattr(world, who), "package_search", q="name:" + dataset["name"],
                    fl=["id", "res_url", "res_extras_download_url", "urls",
                        "validated_data_dict", "data_dict"])
        assert found["count"] == 1
        _no_secret(found)
        _no_secret(act(getattr(world, who), "resource_search", query="name:Liên kết"))
        _no_secret(act(getattr(world, who), "package_activity_list", id=dataset["id"]))
    # the whole dump of the catalogue, as ckanapi makes it
    _no_secret(act(world.anonymous, "current_package_list_with_resources", limit=100))
    page = app.get(f"/dataset/{dataset['name']}/resource/{res['id']}").body
    assert "Liên kết" in page
    for word in SECRET_WORDS:
        assert word not in page


@pytest.mark.req("R18.4", "R12.5")
def test_the_unit_and_a_grantee_see_every_link(world, linked):
    dataset, res = linked
    grant = world.grant(world.grantee)
    for who in ("unit_member", "sysadmin", "grantee"):
        shown = act(getattr(world, who), "resource_show", id=res["id"])
        assert {k: shown.get(k) for k in LINKS} == LINKS, who
        assert "data_access" not in shown
    assert grant["state"] == "active"


@pytest.mark.req("R4.3")
def test_restricted_links_are_not_searchable_even_by_their_unit(world, linked):
    """Nobody finds the dataset by its hidden links: they are not indexed."""
    for query in ('res_url:"https://data.example.vn/ho-so/bi-mat.csv"',
                  "res_extras_download_url:*bi-mat*", "res_extras_duong_dan_du_phong:*",
                  "text:mirror.example.vn", "urls:mirror.example.vn"):
        for who in ("anonymous", "sysadmin"):
            assert act(getattr(world, who), "package_search", q=query)["count"] == 0, query
    # the open dataset's link stays searchable: the rule is the level's
    open_ds = world.datasets["open"]
    act(world.sysadmin, "resource_create", package_id=open_ds["id"], name="Mở",
        url="https://congkhai.example.vn/mo.csv")
    for query in ('res_url:"https://congkhai.example.vn/mo.csv"', "urls:congkhai.example.vn"):
        assert act(world.anonymous, "package_search", q=query)["count"] == 1, query


@pytest.mark.req("R9.2", "R4.3")
def test_a_restricted_distribution_points_to_the_request_page(world, linked, app):
    dataset, res = linked
    body = app.get(f"/dataset/{dataset['name']}.ttl").body
    graph = Graph().parse(data=body, format="turtle")
    access_urls = {str(o) for o in graph.objects(None, DCAT.accessURL)}
    assert access_urls, "no distribution has an access URL"
    assert all("/sharing/requests/new?dataset=" + dataset["name"] in u for u in access_urls)
    assert not list(graph.objects(None, DCAT.downloadURL))
    for word in SECRET_WORDS:
        assert word not in body
    # the unit itself gets the data links in the same document
    own = app.get(f"/dataset/{dataset['name']}.ttl",
                  headers={"Authorization": world.unit_member["token"]}).body
    assert URIRef(LINKS["download_url"]) in set(Graph().parse(data=own, format="turtle")
                                                 .objects(None, DCAT.downloadURL))
