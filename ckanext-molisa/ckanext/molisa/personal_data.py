"""The personal-data scanner (R4.3): the guard that keeps personal data out of
open data, for harvested data today and for any plugin that checks data
before it is published.

Two checks, both needed before anything becomes open data:

* columns are classified by name (``classify_column``): names, citizen ID
  numbers, phone numbers, addresses, dates of birth and e-mail addresses are
  personal, in Vietnamese (``ho_ten``, ``so_cccd``, ``dia_chi``, ...) and in
  English (``full_name``, ``phone``, ...);
* text values are scanned (``ValueScanner``): a 12-digit citizen ID (CCCD), a
  Vietnamese mobile number (``0`` or ``+84`` and nine digits starting with
  3, 5, 7, 8 or 9) or an e-mail address anywhere in a value is a finding;
  so is a 10-digit social insurance number (BHXH) in a column named like one
  (``so_bhxh``, ``ma_bhxh``, ``social_insurance``): ten digits alone are
  too common elsewhere to be read as one.

:func:`scan_table` reads a whole table (a file submitted to WikiMolisa) and
returns every finding by column, and adds one more: a column of names beside
a column of dates of birth identifies people even when no value is a number.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

#: Personal data categories, with the column-name tokens that mark them. A
#: column name is split into lower-case tokens on ``_``, ``-``, spaces and
#: camelCase; a category matches when all tokens of one of its patterns appear
#: consecutively in the name.
CATEGORIES: dict[str, list[str]] = {
    "name": [
        "ho_ten", "hoten", "ho_va_ten", "full_name", "fullname", "first_name",
        "last_name", "given_name", "family_name", "ten_nguoi", "person_name",
        "ten_doi_tuong", "ten_nguoi_co_cong", "ten_nguoi_huong",
    ],
    "citizen_id": [
        "cccd", "so_cccd", "cmnd", "so_cmnd", "can_cuoc", "citizen_id",
        "national_id", "id_number", "id_card", "personal_id", "dinh_danh",
        "ma_dinh_danh", "passport", "ho_chieu",
    ],
    "phone": [
        "phone", "so_dien_thoai", "dien_thoai", "sdt", "mobile", "telephone",
        "tel", "di_dong",
    ],
    "address": [
        "dia_chi", "diachi", "address", "noi_o", "noi_cu_tru", "thuong_tru",
        "tam_tru", "cho_o", "que_quan", "street",
    ],
    "birth_date": [
        "ngay_sinh", "ngaysinh", "date_of_birth", "dob", "birth_date",
        "birthdate", "birthday", "sinh_ngay",
    ],
    "email": ["email", "e_mail", "thu_dien_tu", "mail"],
    "social_insurance": [
        "so_bhxh", "ma_bhxh", "ma_so_bhxh", "social_insurance_number",
        "social_insurance_no", "social_security_number",
    ],
}

#: Column names that are personal on their own (exact match).
EXACT = {"name": "name", "ten": "name", "ho_ten": "name", "bhxh": "social_insurance"}

_SPLIT = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _tokens(name: str) -> list[str]:
    return [t for t in _SPLIT.split(_CAMEL.sub("_", name).lower()) if t]


def classify_column(name: str) -> str | None:
    """The personal data category of a column by its name, or None."""
    tokens = _tokens(name)
    joined = "_".join(tokens)
    if joined in EXACT:
        return EXACT[joined]
    for category, patterns in CATEGORIES.items():
        for pattern in patterns:
            want = pattern.split("_")
            n = len(want)
            if any(tokens[i:i + n] == want for i in range(len(tokens) - n + 1)):
                return category
    return None


#: What the value scan looks for. Digits must not touch other digits, so a
#: 13-digit number is not a CCCD and a 12-digit CCCD is not a phone number.
PATTERNS: dict[str, re.Pattern[str]] = {
    "citizen_id": re.compile(r"(?<!\d)\d{12}(?!\d)"),
    "phone": re.compile(r"(?<![\d+])(?:\+84|84|0)[\s.-]?[35789](?:[\s.-]?\d){8}(?!\d)"),
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
}


#: a social insurance number: ten digits (the whole value), in a column whose
#: name holds ``bhxh`` or ``social insurance`` (``bhxh_bat_buoc``, a count
#: of insured people, is not personal by its name, but ten digits there are)
SOCIAL_INSURANCE = re.compile(r"\d{10}")


def _insurance_column(name: str) -> bool:
    tokens = _tokens(name)
    joined = "_".join(tokens)
    return "bhxh" in tokens or "social_insurance" in joined or "social_security" in joined


def scan_value(value: Any) -> str | None:
    """The category of personal data found in one text value, or None.

    Only text is scanned: numbers, dates and booleans cannot hold a CCCD or a
    phone number as written (their leading 0 is lost), and sums of money of 12
    digits are common in aggregates."""
    if not isinstance(value, str) or len(value) < 6:
        return None
    text = value
    for category, pattern in PATTERNS.items():
        if pattern.search(text):
            return category
    return None


class PersonalDataFound(Exception):
    """Personal data in what would become open data."""

    def __init__(self, column: str, category: str, row_number: int):
        self.column = column
        self.category = category
        self.row_number = row_number
        super().__init__(
            f"personal data ({category}) in column '{column}' (row {row_number}):"
            " refused for an open dataset (R4.3)")


class ValueScanner:
    """Scans rows column by column; ``check`` raises on the first finding."""

    def __init__(self, columns: Iterable[str]):
        self.columns = list(columns)
        self.rows = 0

    def check(self, row: Iterable[Any]) -> None:
        self.rows += 1
        for column, value in zip(self.columns, row):
            category = scan_value(value)
            if category:
                raise PersonalDataFound(column, category, self.rows)


#: The category of a finding that is about two columns together.
NAME_WITH_BIRTH_DATE = "name_with_birth_date"


def scan_cell(column: str, value: Any) -> str | None:
    """:func:`scan_value`, and a social insurance number (ten digits, as text
    or as a number) in a column named like one."""
    found = scan_value(value)
    if found:
        return found
    if isinstance(value, (str, int)) and not isinstance(value, bool) \
            and SOCIAL_INSURANCE.fullmatch(str(value).strip()) and _insurance_column(column):
        return "social_insurance"
    return None


def scan_table(columns: Iterable[Any], rows: Iterable[Iterable[Any]],
               max_rows: int | None = None) -> list[dict[str, Any]]:
    """Every finding of a table, one per column and category, in column
    order: ``{"column", "category", "row"}`` with the first data row (from 1)
    where it was seen, and ``{"column": "<name column> + <birth column>",
    "category": "name_with_birth_date", "row": None}`` when a column of names
    and a column of dates of birth are both there. ``max_rows`` bounds the
    rows read."""
    names = ["" if c is None else str(c) for c in columns]
    categories = [classify_column(n) for n in names]
    findings: dict[tuple[str, str], dict[str, Any]] = {}
    for number, row in enumerate(rows, start=1):
        if max_rows is not None and number > max_rows:
            break
        for column, value in zip(names, row):
            found = scan_cell(column, value)
            if found and (column, found) not in findings:
                findings[(column, found)] = {"column": column, "category": found,
                                             "row": number}
    result = sorted(findings.values(), key=lambda f: names.index(f["column"]))
    name_columns = [n for n, c in zip(names, categories) if c == "name"]
    birth_columns = [n for n, c in zip(names, categories) if c == "birth_date"]
    if name_columns and birth_columns:
        result.append({"column": f"{name_columns[0]} + {birth_columns[0]}",
                       "category": NAME_WITH_BIRTH_DATE, "row": None})
    return result
