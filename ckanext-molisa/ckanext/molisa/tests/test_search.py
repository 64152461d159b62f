"""Search through the real Solr core: facets on the schema's own field names,
Vietnamese with and without diacritics, English titles (R11.1, R14.1)."""
import json

import pytest

import ckan.tests.helpers as helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def catalogue(dataset_dict, create_dataset):
    create_dataset(dataset_dict())  # người có công, open, ha-noi + hue
    create_dataset(dataset_dict(
        name="tro-giup-xa-hoi-2024", title="Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng",
        title_en="Social assistance beneficiaries receiving monthly allowances",
        notes="Số đối tượng bảo trợ xã hội theo nhóm.", notes_en="Beneficiaries by group.",
        sector="bao-tro-xa-hoi", update_frequency="quarterly", province=["ha-giang", "ha-noi"],
        temporal_start="2023-01-01", temporal_end="2024-06-30"))
    create_dataset(dataset_dict(
        name="tre-em-hoan-canh-dac-biet", title="Trẻ em có hoàn cảnh đặc biệt",
        title_en="Children in special circumstances", notes="Danh sách chi tiết.", notes_en=None,
        sector="tre-em", access_level="special_request", personal_data="true",
        license_id="molisa-restricted", province=["ho-chi-minh"], tags=[]))
    create_dataset(dataset_dict(
        name="lao-dong-viec-lam-noi-bo", title="Báo cáo nội bộ về thị trường lao động",
        title_en=None, notes_en=None, sector="lao-dong-viec-lam", access_level="internal",
        license_id="molisa-internal", province=[], tags=[]))


def search(**params):
    return helpers.call_action("package_search", context={"ignore_auth": True},
                               include_private=True, **params)


@pytest.mark.req("R11.1")
def test_filter_by_access_level_under_its_own_name(catalogue):
    result = search(fq="access_level:open")
    assert result["count"] == 2
    assert {d["access_level"] for d in result["results"]} == {"open"}


@pytest.mark.req("R11.1")
def test_facets_on_the_schema_fields(catalogue):
    result = search(**{"facet.field": json.dumps(["sector", "access_level", "province",
                                                  "update_frequency", "license_id"])})
    facets = result["facets"]
    assert facets["sector"] == {"nguoi-co-cong": 1, "bao-tro-xa-hoi": 1, "tre-em": 1,
                                "lao-dong-viec-lam": 1}
    assert facets["access_level"] == {"open": 2, "special_request": 1, "internal": 1}
    assert facets["province"] == {"ha-noi": 2, "hue": 1, "ha-giang": 1, "ho-chi-minh": 1}
    assert facets["update_frequency"] == {"annual": 3, "quarterly": 1}
    assert facets["license_id"]["cc-by-4.0"] == 2


@pytest.mark.req("R11.1")
def test_former_provinces_facet_under_the_province_they_merged_into(catalogue):
    result = search(**{"facet.field": json.dumps(["province_current"])})
    # Hà Giang merged into Tuyên Quang on 1 July 2025.
    assert result["facets"]["province_current"]["tuyen-quang"] == 1
    assert "ha-giang" not in result["facets"]["province_current"]


def test_filter_by_a_province_among_several(catalogue):
    names = {d["name"] for d in search(fq="province:ha-noi")["results"]}
    assert names == {"nguoi-co-cong-theo-tinh-2024", "tro-giup-xa-hoi-2024"}


def test_coded_facets_are_shown_with_their_labels(catalogue):
    result = search(**{"facet.field": json.dumps(["sector", "access_level"])})
    items = {i["name"]: i["display_name"] for i in result["search_facets"]["sector"]["items"]}
    assert items["nguoi-co-cong"] == "Người có công"
    levels = {i["name"]: i["display_name"] for i in result["search_facets"]["access_level"]["items"]}
    assert levels["open"] == "Dữ liệu mở"


@pytest.mark.parametrize("query", ["người có công", "nguoi co cong", "NGUOI CO CONG"])
def test_vietnamese_search_with_and_without_diacritics(catalogue, query):
    names = [d["name"] for d in search(q=query)["results"]]
    assert names[0] == "nguoi-co-cong-theo-tinh-2024"


@pytest.mark.parametrize("query", ["bao tro xa hoi", "bảo trợ xã hội", "tre em"])
def test_unaccented_queries_find_accented_titles(catalogue, query):
    assert search(q=query)["count"] >= 1


@pytest.mark.parametrize("query,name", [("meritorious", "nguoi-co-cong-theo-tinh-2024"),
                                        ("beneficiaries", "tro-giup-xa-hoi-2024"),
                                        ("children circumstances", "tre-em-hoan-canh-dac-biet")])
def test_english_keywords_find_datasets_with_english_titles(catalogue, query, name):
    assert name in [d["name"] for d in search(q=query)["results"]]


def test_search_over_http_with_fq_and_facet_field(catalogue, app):
    response = app.get("/api/3/action/package_search",
                       query_string={"fq": "access_level:open", "facet.field": '["sector"]'})
    result = response.json["result"]
    assert result["count"] == 2
    assert result["facets"]["sector"] == {"nguoi-co-cong": 1, "bao-tro-xa-hoi": 1}
