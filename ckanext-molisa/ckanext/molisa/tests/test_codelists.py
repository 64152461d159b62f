"""The reference code lists shipped with the portal (R11.1)."""
import pytest

from ckanext.molisa import codelists


@pytest.mark.req("R11.1")
def test_34_provinces_in_force_and_63_before_1_july_2025():
    provinces = codelists.items("provinces")
    current = [p for p in provinces if p["status"] == "current"]
    former = [p for p in provinces if p["status"] == "former"]
    assert len(current) == 34
    # The 63 earlier provinces: those that existed before and still do, plus
    # those merged away (Huế became a centrally-run city in January 2025 from
    # Thừa Thiên Huế, which is among the former ones).
    existed_before = [p for p in current if p["value"] != "hue"]
    assert len(existed_before) + len(former) == 63


@pytest.mark.req("R11.1")
def test_every_former_province_maps_to_a_current_one():
    current = {p["value"] for p in codelists.items("provinces") if p["status"] == "current"}
    for p in codelists.items("provinces"):
        if p["status"] == "former":
            assert p["merged_into"] in current, p
    assert codelists.current_province("ha-giang") == "tuyen-quang"
    assert codelists.current_province("binh-duong") == "ho-chi-minh"
    assert codelists.current_province("ha-noi") == "ha-noi"


@pytest.mark.req("R11.1")
@pytest.mark.parametrize("name", codelists.NAMES)
def test_every_list_has_unique_values_and_both_labels(name):
    items = codelists.items(name)
    assert items
    values = [i["value"] for i in items]
    assert len(values) == len(set(values))
    for item in items:
        assert item["label"]["vi"] and item["label"]["en"], item


def test_the_sectors_of_the_ministry_are_there():
    assert {"lao-dong-viec-lam", "tien-luong-quan-he-lao-dong", "nguoi-co-cong",
            "bao-tro-xa-hoi", "tre-em", "binh-dang-gioi", "giao-duc-nghe-nghiep",
            "an-toan-lao-dong", "giam-ngheo", "phong-chong-te-nan-xa-hoi",
            "lao-dong-ngoai-nuoc"} <= codelists.values("sectors")


def test_access_levels_are_the_four_of_the_regulation():
    assert [i["value"] for i in codelists.items("access_levels")] == [
        "open", "default_shared", "special_request", "internal"]


def test_labels_in_each_language():
    assert codelists.label("sectors", "tre-em", "vi") == "Trẻ em"
    assert codelists.label("sectors", "tre-em", "en") == "Children"
    assert codelists.label("sectors", "unknown") == "unknown"


def test_the_45_units_of_the_annex():
    units = codelists.items("units")
    assert [u["number"] for u in units] == list(range(1, 46))
    types = codelists.values("unit_types")
    assert {u["unit_type"] for u in units} <= types
    names = [u["name"] for u in units]
    assert len(set(names)) == 45
    assert all(len(n) <= 100 and n == n.lower() for n in names)
