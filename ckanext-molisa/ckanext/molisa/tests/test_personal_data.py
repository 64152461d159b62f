"""The kernel's personal-data scanner (R4.3): the value patterns, social
insurance numbers in a column named like one, and a whole table's findings
with names beside dates of birth."""
from __future__ import annotations

import pytest

from ckanext.molisa import personal_data


@pytest.mark.req("R4.3")
def test_social_insurance_numbers_in_a_column_named_like_one():
    assert personal_data.classify_column("so_bhxh") == "social_insurance"
    assert personal_data.classify_column("Ma so BHXH") == "social_insurance"
    assert personal_data.classify_column("BHXH") == "social_insurance"
    # a count of insured people is not personal by its name, nor by its values
    assert personal_data.classify_column("bhxh_bat_buoc") is None
    assert personal_data.scan_cell("bhxh_bat_buoc", "18300000") is None
    assert personal_data.scan_cell("so_bhxh", "0123456789") == "social_insurance"
    assert personal_data.scan_cell("so_bhxh", 7912345678) == "social_insurance"
    # ten digits elsewhere are not a social insurance number
    assert personal_data.scan_cell("ma_xa", "0123456789") is None
    assert personal_data.scan_cell("so_bhxh", "012345678") is None       # nine
    assert personal_data.scan_cell("so_bhxh", True) is None


@pytest.mark.req("R4.3")
def test_a_table_is_scanned_column_by_column():
    findings = personal_data.scan_table(
        ["stt", "ho_va_ten", "so_dinh_danh", "lien_he", "ghi_chu"],
        [["1", "Nguyen Van A", "001203004567", "0912345678", ""],
         ["2", "Tran Thi B", "079188001234", "a.b@example.vn", "1 234 567 890 123"]])
    assert findings == [
        {"column": "so_dinh_danh", "category": "citizen_id", "row": 1},
        {"column": "lien_he", "category": "phone", "row": 1},
        {"column": "lien_he", "category": "email", "row": 2},
    ]
    assert personal_data.scan_table(["tinh", "nam", "so_nguoi"],
                                     [["hue", "2024", "800"]]) == []


@pytest.mark.req("R4.3")
def test_names_beside_dates_of_birth_are_personal_data():
    findings = personal_data.scan_table(["stt", "ho_ten", "ngay_sinh"],
                                        [["1", "Nguyen Van A", "1990-01-02"]])
    assert findings == [{"column": "ho_ten + ngay_sinh", "category": "name_with_birth_date",
                         "row": None}]
    # names alone, or dates alone, are not that finding
    assert personal_data.scan_table(["ho_ten", "xa"], [["Nguyen Van A", "Phu Thuong"]]) == []
    assert personal_data.scan_table(["ngay_sinh"], [["1990-01-02"]]) == []


@pytest.mark.req("R4.3")
def test_the_scan_reads_at_most_max_rows():
    rows = [["hue"]] * 5 + [["0912345678"]]
    assert personal_data.scan_table(["x"], rows, max_rows=5) == []
    assert personal_data.scan_table(["x"], rows)[0]["row"] == 6
