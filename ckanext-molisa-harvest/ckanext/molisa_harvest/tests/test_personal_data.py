"""The personal data guard (R4.3): column classification and value scanning."""
from __future__ import annotations

import pytest

from ckanext.molisa import personal_data

pytestmark = pytest.mark.req("R4.3")


@pytest.mark.parametrize("name,category", [
    ("ho_ten", "name"), ("HoTen", "name"), ("full_name", "name"), ("name", "name"),
    ("so_cccd", "citizen_id"), ("cmnd", "citizen_id"), ("citizen_id", "citizen_id"),
    ("so_dien_thoai", "phone"), ("phone_number", "phone"), ("sdt", "phone"),
    ("dia_chi", "address"), ("dia_chi_thuong_tru", "address"), ("home_address", "address"),
    ("ngay_sinh", "birth_date"), ("dateOfBirth", "birth_date"), ("dob", "birth_date"),
    ("email", "email"), ("thu_dien_tu", "email"),
])
def test_personal_columns_are_classified(name, category):
    assert personal_data.classify_column(name) == category


@pytest.mark.parametrize("name", [
    "ma_tinh", "ten_tinh", "province_name", "so_nguoi", "nam", "loai_doi_tuong",
    "hotel_count", "updated_at", "nganh_nghe", "tong_tien_vnd",
])
def test_aggregate_columns_are_not_personal(name):
    assert personal_data.classify_column(name) is None


@pytest.mark.parametrize("value,category", [
    ("001203004567", "citizen_id"),
    ("CCCD 079190001234 cấp 2021", "citizen_id"),
    ("0912345678", "phone"), ("0912 345 678", "phone"), ("+84 912 345 678", "phone"),
    ("+84387654321", "phone"), ("liên hệ 0387.654.321", "phone"), ("0567654321", "phone"),
    ("nguyen.van.an@gmail.com", "email"), ("Gửi tới an@molisa.gov.vn nhé", "email"),
])
def test_values_with_personal_data_are_found(value, category):
    assert personal_data.scan_value(value) == category


@pytest.mark.parametrize("value", [
    None, 120, 2025, "ha-noi", "Đã đối soát quý II", "2025-06-01 10:00:00",
    "0212345678",              # a landline prefix (02), not a mobile number
    "1234567890123",           # 13 digits: neither a CCCD nor a phone number
    "12345678901",             # 11 digits
    3500000000, "tong 2055000",
    123456789012,              # a 12-digit sum of money, as a number
    912345678,                 # numbers are not scanned: a phone as a number lost its 0
])
def test_ordinary_values_pass(value):
    assert personal_data.scan_value(value) is None


def test_scanner_names_the_column_and_row():
    scanner = personal_data.ValueScanner(["ma_tinh", "so_ho_so", "ghi_chu"])
    scanner.check(("ha-noi", 120, "Đã đối soát"))
    with pytest.raises(personal_data.PersonalDataFound) as e:
        scanner.check(("can-tho", 27, "Cán bộ phụ trách: 0912 345 678"))
    assert e.value.column == "ghi_chu"
    assert e.value.category == "phone"
    assert e.value.row_number == 2
    assert "ghi_chu" in str(e.value)
