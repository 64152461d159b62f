"""Demo catalogue of the MOLISA data portal.

Forty-five datasets with synthetic but plausible CSV resources, generated
deterministically (``random.Random`` instances seeded from 2327) from a table
of theme specifications and a few generator functions.  Standard library only.

Public API: :func:`demo_datasets` and :func:`csv_bytes`.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import json
import pathlib
import random
import re

SEED = 2327
_CODELISTS = pathlib.Path(__file__).resolve().parent.parent / "codelists"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Population (millions, about 2024) of the 63 provinces before the 2025 merger.
_OLD_POP = {k: float(v) for k, v in (p.split(":") for p in """
ha-noi:8.6 ha-giang:.9 cao-bang:.55 bac-kan:.33 tuyen-quang:.81 lao-cai:.77 dien-bien:.64
lai-chau:.48 son-la:1.3 yen-bai:.85 hoa-binh:.88 thai-nguyen:1.33 lang-son:.8 quang-ninh:1.38
bac-giang:1.9 phu-tho:1.5 vinh-phuc:1.2 bac-ninh:1.5 hai-duong:1.95 hai-phong:2.1 hung-yen:1.3
thai-binh:1.88 ha-nam:.88 nam-dinh:1.88 ninh-binh:1.0 thanh-hoa:3.7 nghe-an:3.4 ha-tinh:1.3
quang-binh:.92 quang-tri:.65 thua-thien-hue:1.16 da-nang:1.25 quang-nam:1.52 quang-ngai:1.25
binh-dinh:1.5 phu-yen:.88 khanh-hoa:1.26 ninh-thuan:.6 binh-thuan:1.26 kon-tum:.58 gia-lai:1.6
dak-lak:1.93 dak-nong:.67 lam-dong:1.33 binh-phuoc:1.03 tay-ninh:1.2 binh-duong:2.8 dong-nai:3.3
ba-ria-vung-tau:1.2 ho-chi-minh:9.5 long-an:1.73 tien-giang:1.8 ben-tre:1.3 tra-vinh:1.0
vinh-long:1.03 dong-thap:1.6 an-giang:1.9 kien-giang:1.75 can-tho:1.25 hau-giang:.73
soc-trang:1.2 bac-lieu:.92 ca-mau:1.2""".split())}


def _factors(text: str, default: float) -> tuple[dict, float]:
    return {k: float(v) for k, v in (p.split(":") for p in text.split())}, default


#: Province factors (pre-merger provinces) that shape rates: poverty, industry.
FACTORS = {
    "poor": _factors("""ha-giang:6 cao-bang:6 bac-kan:4 lai-chau:7 dien-bien:7 son-la:5 lao-cai:4
        yen-bai:3 tuyen-quang:3 hoa-binh:3 lang-son:3 kon-tum:4 gia-lai:2.5 dak-nong:2.5 dak-lak:2
        quang-tri:2 nghe-an:2 thanh-hoa:1.8 quang-ngai:1.8 tra-vinh:1.8 soc-trang:1.8 ninh-thuan:2
        ha-noi:.15 ho-chi-minh:.05 binh-duong:.05 da-nang:.1 dong-nai:.2 ba-ria-vung-tau:.2
        bac-ninh:.3 hai-phong:.3 quang-ninh:.2 vinh-phuc:.4""", 1.0),
    "ind": _factors("""binh-duong:2.2 ho-chi-minh:1.8 bac-ninh:2 dong-nai:1.8 ha-noi:1.5
        hai-phong:1.5 da-nang:1.4 vinh-phuc:1.4 bac-giang:1.4 hai-duong:1.3 hung-yen:1.2 long-an:1.3
        quang-ninh:1.2 thai-nguyen:1.3 ba-ria-vung-tau:1.2 tay-ninh:1.1 ha-giang:.35 cao-bang:.4
        lai-chau:.3 dien-bien:.35 son-la:.35 bac-kan:.4 kon-tum:.45 gia-lai:.5 dak-nong:.5""", .75),
}


@functools.lru_cache(maxsize=None)
def _codelist(name: str, key: str = "items") -> tuple:
    with open(_CODELISTS / f"{name}.json", encoding="utf-8") as fh:
        return tuple(json.load(fh)[key])


@functools.lru_cache(maxsize=None)
def _provinces() -> dict:
    return {item["value"]: item for item in _codelist("provinces")}


def _parts(value: str, old: bool) -> list[str]:
    """The pre-merger provinces a province value stands for."""
    if old:
        return [value]
    return _provinces()[value].get("merged_from") or [value]


def _pop(value: str, old: bool) -> float:
    return sum(_OLD_POP[p] for p in _parts(value, old))


def _factor(name: str, value: str, old: bool) -> float:
    table, default = FACTORS[name]
    parts = _parts(value, old)
    return sum(table.get(p, default) * _OLD_POP[p] for p in parts) / _pop(value, old)


def scope_values(scope) -> list[str]:
    """Province values of a scope: "all" (34 current), "old" (63 pre-merger) or a list."""
    items = _codelist("provinces")
    if scope == "all":
        return [i["value"] for i in items if i["status"] == "current"]
    if scope == "old":
        return [i["value"] for i in items if i["value"] in _OLD_POP]
    return list(scope)


class _Env:
    """What a table generator knows about its dataset."""

    def __init__(self, scope, end: dt.date):
        # pre-merger geography: scope "old" or a list naming a former province
        self.old = scope == "old" or (scope != "all" and any(
            _provinces()[v]["status"] == "former" for v in scope))
        self.values = scope_values(scope)
        self.year = end.year

    def label(self, value: str) -> str:
        return _provinces()[value]["label"]["vi"]

    def weighted(self) -> list[tuple[str, float, str]]:
        pops = [_pop(v, self.old) for v in self.values]
        total = sum(pops)
        return [(self.label(v), p / total, v) for v, p in zip(self.values, pops)]

    def factor(self, name: str, value: str | None) -> float:
        return _factor(name, value, self.old) if value else 1.0


def Y(first: int, last: int) -> list[int]:
    """Years ``first`` to ``last``."""
    return list(range(first, last + 1))


def M(first: int, last: int) -> list[str]:
    """First days of the months of years ``first`` to ``last`` (ISO dates)."""
    return [f"{y}-{m:02d}-01" for y in Y(first, last) for m in range(1, 13)]


Q = [1, 2, 3, 4]
P = "@tinh"  # a dimension over the dataset's provinces, weighted by population


# --------------------------------------------------------------------------
# Table generators.  Each returns ``gen(rng, env) -> (columns, rows)`` where
# columns is a list of (name, type) pairs.
# --------------------------------------------------------------------------

def _type_of(value) -> str:
    if isinstance(value, bool) or value is None:
        return "text"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "date" if _DATE.match(str(value)) else "text"


def _round(value: float, dec: int):
    return int(round(value, dec)) if dec <= 0 else round(value, dec)


def _trend(growth, year: int) -> float:
    """Growth per year relative to 2024, or a {year: factor} table."""
    if isinstance(growth, dict):
        return growth.get(year, 1.0)
    return (1 + growth) ** (year - 2024)


def _year(ctx: dict, env: _Env) -> int:
    if "nam" in ctx:
        return int(ctx["nam"])
    for key in ("thang", "ngay", "ngay_hieu_luc"):
        if key in ctx:
            return int(str(ctx[key])[:4])
    return env.year


def _measure(rng, spec, ctx, weight, prov, year, env):
    """One measure of a cube row.  Kinds:
    ("col", "n", total, growth=0, dec=0)   count: national total x weights x trend
    ("col", "r", base, growth=0, dec=2, factor=None)  rate / level (province factor);
                                           base may be {category label: base}
    ("col", "p", src, lo, hi)              part of another column
    ("col", "x", count_col, rate_col)      count x rate / 100
    ("col", "pct", num_col, den_col)       percentage of two columns
    ("col", "c", choices)                  a choice"""
    col, kind, *a = spec
    noise = rng.uniform(0.88, 1.12)
    if kind == "n":
        total, growth, dec = (list(a) + [0, 0])[:3]
        return _round(total * weight * _trend(growth, year) * noise, dec)
    if kind == "r":
        base, growth, dec, fac = (list(a) + [0, 2, None][len(a) - 1:])[:4]
        if isinstance(base, dict):  # a base per category: {label: base}
            base = next(base[v] for v in ctx.values() if isinstance(v, str) and v in base)
        value = base * _trend(growth, year) * noise * (env.factor(fac, prov) if fac else 1.0)
        return _round(min(value, 99.0) if fac else value, dec)
    if kind == "p":
        src, lo, hi = a
        return _round(ctx[src] * rng.uniform(lo, hi), 0 if isinstance(ctx[src], int) else 1)
    if kind == "x":
        value = ctx[a[0]] * ctx[a[1]] / 100
        return round(value, 1) if isinstance(ctx[a[0]], float) else int(round(value))
    if kind == "pct":
        return round(100 * ctx[a[0]] / ctx[a[1]], 2) if ctx[a[1]] else 0.0
    if kind == "c":
        return rng.choice(a[0])
    raise ValueError(f"unknown measure kind {kind!r}")


def cube(dims, *measures):
    """Aggregate table: every combination of ``dims`` with ``measures``.

    A dimension is ``(column, values)``; values are plain (year, quarter, month:
    not weighted), ``(label, weight)`` pairs (shares of the national total) or
    :data:`P` (the dataset's provinces, weighted by population)."""

    def gen(rng, env):
        axes = []
        for col, values in dims:
            if values == P:
                axes.append([(col, lab, w, v) for lab, w, v in env.weighted()])
                continue
            pairs = [v if isinstance(v, tuple) else (v, None) for v in values]
            total = sum(w for _, w in pairs if w) or 1.0
            axes.append([(col, lab, (w / total if w else 1.0), None) for lab, w in pairs])
        rows = []
        for combo in itertools.product(*axes):
            ctx = {col: lab for col, lab, _, _ in combo}
            weight = 1.0
            for _, _, w, _ in combo:
                weight *= w
            prov = next((v for _, _, _, v in combo if v), None)
            year = _year(ctx, env)
            row = [lab for _, lab, _, _ in combo]
            for spec in measures:
                ctx[spec[0]] = value = _measure(rng, spec, ctx, weight, prov, year, env)
                row.append(value)
            rows.append(row)
        names = [d[0] for d in dims] + [m[0] for m in measures]
        columns = [(name, _type_of(v)) for name, v in zip(names, rows[0])]
        return columns, rows

    return gen


_FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
_MIDDLE = {"Nam": ["Văn", "Hữu", "Đức", "Minh", "Quang"], "Nữ": ["Thị", "Ngọc", "Thu", "Thanh", "Mai"]}


def _iso(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _field(rng, spec, i, ctx, env, start):
    """One field of a synthetic record.  Kinds: id (prefix), name, pick (values or
    (value, weight) pairs), int (lo, hi), money (lo, hi, step), num (lo, hi, dec),
    date (first, last), fmt (text with {n}), tinh (a province of the dataset, by population)."""
    col, kind, *a = spec
    if kind == "id":
        return f"{a[0]}-{start + i:06d}"
    if kind == "name":  # obviously synthetic: "Nguyễn Văn A001"
        sex = ctx.get("gioi_tinh", rng.choice(["Nam", "Nữ"]))
        return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE.get(sex, _MIDDLE['Nam']))} A{i + 1:03d}"
    if kind == "pick":
        values = a[0]
        if isinstance(values[0], tuple):
            return rng.choices([v for v, _ in values], [w for _, w in values])[0]
        return rng.choice(values)
    if kind == "int":
        return rng.randint(a[0], a[1])
    if kind == "fmt":
        return a[0].format(n=i + 1)
    if kind == "money":
        lo, hi, step = a
        return rng.randrange(lo, hi + 1, step)
    if kind == "num":
        return round(rng.uniform(a[0], a[1]), a[2])
    if kind == "date":
        first, last = _iso(a[0]), _iso(a[1])
        return (first + dt.timedelta(days=rng.randint(0, (last - first).days))).isoformat()
    if kind == "tinh":
        weighted = env.weighted()
        return rng.choices([lab for lab, _, _ in weighted], [w for _, w, _ in weighted])[0]
    raise ValueError(f"unknown field kind {kind!r}")


def rec(n: int, *fields, personal: bool = True):
    """Record-level table of ``n`` synthetic people or cases (``personal``: the
    records describe people) or of synthetic enterprises, schools, projects."""

    def gen(rng, env):
        start = rng.randrange(100, 9000)
        rows = []
        for i in range(n):
            ctx = {}
            for spec in fields:
                ctx[spec[0]] = _field(rng, spec, i, ctx, env, start)
            rows.append([ctx[spec[0]] for spec in fields])
        return [(spec[0], _type_of(rows[0][k])) for k, spec in enumerate(fields)], rows

    gen.personal = personal
    return gen


def fixed(columns: str, rows):
    """A table given in full: ``columns`` as "name:type name:type ..."."""
    cols = [tuple(c.split(":")) for c in columns.split()]

    def gen(rng, env):
        return cols, [list(r) for r in (rows(rng) if callable(rows) else rows)]

    return gen


def csv_bytes(resource: dict) -> bytes:
    """The resource as UTF-8 CSV: a header row of column names, then the rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c["name"] for c in resource["columns"]])
    writer.writerows(resource["rows"])
    return buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------
# Themes: unit, sector, source system, legal basis, contact office and e-mail.
# --------------------------------------------------------------------------

THEMES = {
    "ncc": ("cuc-nguoi-co-cong", "nguoi-co-cong", "csdl-nguoi-co-cong",
            "Pháp lệnh Ưu đãi người có công với cách mạng 2020",
            "Phòng Thống kê - Cục Người có công", "thongke.ncc@molisa.gov.vn"),
    "btxh": ("cuc-bao-tro-xa-hoi", "bao-tro-xa-hoi", "csdl-bao-tro-xa-hoi", "Nghị định 20/2021/NĐ-CP",
             "Phòng Chính sách trợ giúp xã hội - Cục Bảo trợ xã hội", "trogiup.btxh@molisa.gov.vn"),
    "te": ("cuc-tre-em", "tre-em", "csdl-tre-em", "Luật Trẻ em 2016",
           "Phòng Bảo vệ trẻ em - Cục Trẻ em", "baove.treem@molisa.gov.vn"),
    "vl": ("cuc-viec-lam", "lao-dong-viec-lam", "csdl-thi-truong-lao-dong", "Luật Việc làm 2013",
           "Phòng Thông tin thị trường lao động - Cục Việc làm", "thitruong.vieclam@molisa.gov.vn"),
    "gdnn": ("tong-cuc-giao-duc-nghe-nghiep", "giao-duc-nghe-nghiep", "csdl-giao-duc-nghe-nghiep",
             "Luật Giáo dục nghề nghiệp 2014", "Phòng Kế hoạch - Thống kê - Tổng cục Giáo dục nghề nghiệp",
             "thongke.gdnn@molisa.gov.vn"),
    "atld": ("cuc-an-toan-lao-dong", "an-toan-lao-dong", "csdl-an-toan-lao-dong",
             "Luật An toàn, vệ sinh lao động 2015",
             "Phòng Chính sách an toàn lao động - Cục An toàn lao động",
             "chinhsach.atld@molisa.gov.vn"),
    "gn": ("van-phong-quoc-gia-ve-giam-ngheo", "giam-ngheo", "csdl-giam-ngheo", "Nghị định 07/2021/NĐ-CP",
           "Phòng Tổng hợp - Văn phòng Quốc gia về giảm nghèo", "tonghop.giamngheo@molisa.gov.vn"),
    "ldnn": ("cuc-quan-ly-lao-dong-ngoai-nuoc", "lao-dong-ngoai-nuoc", "csdl-lao-dong-ngoai-nuoc",
             "Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng 2020",
             "Phòng Thống kê - Cục Quản lý lao động ngoài nước", "thongke.ldnn@molisa.gov.vn"),
    "cn": ("cuc-phong-chong-te-nan-xa-hoi", "phong-chong-te-nan-xa-hoi", "csdl-cai-nghien",
           "Luật Phòng, chống ma túy 2021", "Phòng Cai nghiện ma túy - Cục Phòng, chống tệ nạn xã hội",
           "cainghien.tnxh@molisa.gov.vn"),
    "bdg": ("vu-binh-dang-gioi", "binh-dang-gioi", "he-thong-bao-cao-thong-ke", "Luật Bình đẳng giới 2006",
            "Phòng Thống kê giới - Vụ Bình đẳng giới", "thongke.bdg@molisa.gov.vn"),
    "bhxh": ("vu-bao-hiem-xa-hoi", "bao-hiem-xa-hoi", "he-thong-bao-cao-thong-ke",
             "Luật Bảo hiểm xã hội 2024",
             "Phòng Chính sách bảo hiểm xã hội - Vụ Bảo hiểm xã hội", "chinhsach.bhxh@molisa.gov.vn"),
    "tl": ("cuc-quan-he-lao-dong-va-tien-luong", "tien-luong-quan-he-lao-dong", "he-thong-bao-cao-thong-ke",
           "Bộ luật Lao động 2019", "Phòng Tiền lương - Cục Quan hệ lao động và Tiền lương",
           "tienluong.qhldtl@molisa.gov.vn"),
    "ql": ("van-phong-bo", "quan-ly-nha-nuoc", "he-thong-bao-cao-thong-ke",
           "Quyết định 2327/QĐ-BLĐTBXH ngày 30/12/2024", "Phòng Tổng hợp - Văn phòng Bộ",
           "tonghop.vpb@molisa.gov.vn"),
}

#: Shared category lists: (label, share of the national total).
NCC_GROUPS = [("Thương binh, người hưởng chính sách như thương binh", 30), ("Bệnh binh", 8),
              ("Thân nhân liệt sĩ", 25), ("Người hoạt động kháng chiến bị nhiễm chất độc hóa học", 17),
              ("Người hoạt động cách mạng, kháng chiến bị địch bắt tù, đày", 9),
              ("Người có công giúp đỡ cách mạng", 3), ("Người hoạt động cách mạng trước năm 1945", 0.3)]
DESTINATIONS = [("Nhật Bản", 46), ("Đài Loan (Trung Quốc)", 38), ("Hàn Quốc", 9), ("Trung Quốc", 1.5),
                ("Đức", 1.2), ("Rumani", 1), ("Hungary", 0.8), ("Ả Rập Xê Út", 0.8), ("Singapore", 0.5),
                ("Ba Lan", 0.5), ("Úc", 0.4), ("Các thị trường khác", 1.3)]
INDUSTRIES = [("Xây dựng", 22), ("Khai khoáng", 9), ("Cơ khí, luyện kim", 12), ("Điện", 5),
              ("Dệt may, da giày", 8), ("Chế biến gỗ", 6), ("Hóa chất", 4), ("Nông, lâm nghiệp, thủy sản", 7),
              ("Giao thông vận tải, kho bãi", 9), ("Dịch vụ và ngành khác", 18)]
OCCUPATIONS = [("Công nghệ kỹ thuật cơ khí", 14), ("Điện, điện tử", 13), ("Công nghệ thông tin", 10),
               ("Kinh doanh và quản lý", 9), ("Du lịch, khách sạn, nhà hàng", 9), ("May, thời trang", 8),
               ("Nông, lâm nghiệp và thủy sản", 12), ("Vận tải, lái xe", 16), ("Sức khỏe, dịch vụ xã hội", 9)]
TVET_LEVELS = [("Cao đẳng", 10), ("Trung cấp", 9), ("Sơ cấp và đào tạo dưới 3 tháng", 81)]
SEX = [("Nam", 52), ("Nữ", 48)]
ABROAD_YEARS = {2019: .96, 2020: .49, 2021: .28, 2022: .9, 2023: .97, 2024: 1.0, 2025: 1.02}

_WAGES = [("2016-01-01", "Nghị định 122/2015/NĐ-CP", 3500, 3100, 2700, 2400),
          ("2017-01-01", "Nghị định 153/2016/NĐ-CP", 3750, 3320, 2900, 2580),
          ("2018-01-01", "Nghị định 141/2017/NĐ-CP", 3980, 3530, 3090, 2760),
          ("2019-01-01", "Nghị định 157/2018/NĐ-CP", 4180, 3710, 3250, 2920),
          ("2020-01-01", "Nghị định 90/2019/NĐ-CP", 4420, 3920, 3430, 3070),
          ("2022-07-01", "Nghị định 38/2022/NĐ-CP", 4680, 4160, 3640, 3250),
          ("2024-07-01", "Nghị định 74/2024/NĐ-CP", 4960, 4410, 3860, 3450),
          ("2026-01-01", "Nghị định 293/2025/NĐ-CP", 5310, 4730, 4140, 3700)]
_HOURLY = {"2022-07-01": (22500, 20000, 17500, 15600), "2024-07-01": (23800, 21200, 18600, 16600),
           "2026-01-01": (25500, 22700, 20000, 17800)}
_REGIONS = ["Vùng I", "Vùng II", "Vùng III", "Vùng IV"]
MIN_WAGE = fixed("ngay_hieu_luc:date van_ban:text vung:text muc_luong_thang:integer",
                 [(d, doc, r, v * 1000) for d, doc, *vals in _WAGES for r, v in zip(_REGIONS, vals)])
MIN_WAGE_HOURLY = fixed("ngay_hieu_luc:date vung:text muc_luong_gio:integer",
                        [(d, r, v) for d, vals in _HOURLY.items() for r, v in zip(_REGIONS, vals)])

_ALLOWANCE_BASE = [("2021-12-15", "Nghị định 75/2021/NĐ-CP", 1624000),
                   ("2023-07-01", "Nghị định 55/2023/NĐ-CP", 2055000),
                   ("2024-07-01", "Nghị định 77/2024/NĐ-CP", 2789000)]
_ALLOWANCE_RATES = [("Thương binh suy giảm 61% khả năng lao động", 1.27),
                    ("Thương binh suy giảm 81% khả năng lao động", 1.69),
                    ("Bệnh binh suy giảm 81% khả năng lao động", 1.55),
                    ("Thân nhân của 01 liệt sĩ", 1.0), ("Thân nhân của 02 liệt sĩ", 2.0),
                    ("Người hoạt động kháng chiến bị nhiễm chất độc hóa học, suy giảm 61-80%", 1.25),
                    ("Người có công giúp đỡ cách mạng", 0.91), ("Bà mẹ Việt Nam anh hùng", 3.0)]
NCC_ALLOWANCE = fixed("ngay_ap_dung:date van_ban:text doi_tuong:text muc_chuan:integer he_so:number "
                      "muc_tro_cap_thang:integer",
                      [(d, doc, g, base, k, int(round(base * k, -3)))
                       for d, doc, base in _ALLOWANCE_BASE for g, k in _ALLOWANCE_RATES])

_GENDER = [("Tỷ lệ nữ tham gia lực lượng lao động", "%", 62.0, -0.2),
           ("Tỷ lệ nữ đại biểu Quốc hội", "%", 26.7, 0.6),
           ("Chênh lệch thu nhập bình quân giữa lao động nam và nữ", "%", 13.5, -0.5),
           ("Tỷ lệ doanh nghiệp do nữ làm chủ", "%", 26.5, 0.3),
           ("Tỷ số giới tính khi sinh", "bé trai/100 bé gái", 111.5, -0.1),
           ("Tỷ lệ lao động nữ có việc làm phi chính thức", "%", 58.0, -0.7),
           ("Tỷ lệ nữ lãnh đạo chủ chốt cấp bộ, ngành", "%", 21.0, 0.4),
           ("Tỷ lệ lao động nữ có bằng cấp, chứng chỉ", "%", 22.8, 0.6),
           ("Số giờ làm việc nhà không được trả công của nữ", "giờ/tuần", 20.2, -0.2),
           ("Tỷ lệ nữ tham gia cấp ủy cấp tỉnh", "%", 15.3, 0.3)]
GENDER = fixed("chi_tieu:text don_vi:text nam:integer gia_tri:number",
               lambda rng: [(c, u, y, round(v + d * (y - 2019) + rng.uniform(-0.3, 0.3), 1))
                            for c, u, v, d in _GENDER for y in Y(2019, 2024)])


# --------------------------------------------------------------------------
# The catalogue: one D(...) call per dataset.
# --------------------------------------------------------------------------

SPECS: list[dict] = []


def D(theme, name, access, titles, notes, tags, period, freq, prov, *resources, **over):
    """Declare a dataset: ``titles`` and ``notes`` are (vi, en) pairs, ``tags`` a
    comma-separated string, ``period`` (start, end), ``prov`` a province scope and
    ``resources`` (file name, Vietnamese description, table generator) triples.
    ``over`` may set unit, sector, source, legal, lic, contact, quality."""
    SPECS.append(dict(theme=theme, name=name, access=access, titles=titles, notes=notes,
                      tags=[t.strip() for t in tags.split(",")], period=period, freq=freq,
                      prov=prov, resources=resources, **over))


NORTH = ["ha-noi", "hai-phong", "quang-ninh", "bac-ninh", "hung-yen", "ninh-binh", "phu-tho", "thai-nguyen"]
CENTRE = ["da-nang", "hue", "quang-tri", "quang-ngai", "gia-lai", "khanh-hoa", "dak-lak"]
SOUTH = ["ho-chi-minh", "dong-nai", "tay-ninh", "can-tho", "an-giang", "vinh-long", "dong-thap", "ca-mau"]
Y25 = ("2025-01-01", "2025-12-31")
Y24 = ("2024-01-01", "2024-12-31")

D("ncc", "nguoi-co-cong-huong-tro-cap-theo-tinh-2025", "open",
  ("Số người có công đang hưởng trợ cấp hằng tháng theo tỉnh và loại đối tượng, năm 2025",
   "People with meritorious service receiving monthly allowances by province and category, 2025"),
  ("Số người có công với cách mạng và thân nhân đang hưởng trợ cấp ưu đãi hằng tháng, chia theo tỉnh, "
   "thành phố và loại đối tượng.",
   "People with meritorious service and their relatives receiving monthly preferential allowances, "
   "by province and category."),
  "người có công, trợ cấp ưu đãi, thương binh", Y25, "annual", "all",
  ("nguoi_co_cong_theo_tinh_2025.csv", "Số người hưởng trợ cấp theo tỉnh và loại đối tượng.",
   cube([("tinh", P), ("doi_tuong", NCC_GROUPS)], ("so_nguoi", "n", 1_150_000),
        ("so_nu", "p", "so_nguoi", .3, .55))))

D("ncc", "muc-tro-cap-uu-dai-nguoi-co-cong", "open",
  ("Mức trợ cấp, phụ cấp ưu đãi hằng tháng đối với người có công", "Monthly preferential allowance rates "
   "for people with meritorious service"),
  ("Mức chuẩn và mức trợ cấp hằng tháng theo từng loại đối tượng qua các lần điều chỉnh; kèm kinh phí "
   "chi trả theo tỉnh và quý năm 2025.",
   "Standard level and monthly allowance by category across adjustments, with 2025 payments by province "
   "and quarter."),
  "người có công, mức chuẩn, trợ cấp ưu đãi", ("2021-12-15", "2025-12-31"), "irregular", "all",
  ("muc_tro_cap_uu_dai.csv", "Mức trợ cấp hằng tháng (đồng) theo văn bản quy định.", NCC_ALLOWANCE),
  ("chi_tra_tro_cap_theo_quy_2025.csv", "Số người hưởng và kinh phí chi trả (triệu đồng) theo quý.",
   cube([("tinh", P), ("nam", [2025]), ("quy", Q)], ("so_nguoi_huong", "n", 1_150_000),
        ("kinh_phi_trieu_dong", "p", "so_nguoi_huong", 7.5, 11.5))),
  legal="Nghị định 77/2024/NĐ-CP", lic="cc-by-sa-4.0")

D("ncc", "nghia-trang-mo-liet-si-theo-tinh-2024", "open",
  ("Nghĩa trang và mộ liệt sĩ theo tỉnh, năm 2024", "Martyrs' cemeteries and graves by province, 2024"),
  ("Số nghĩa trang liệt sĩ, số mộ liệt sĩ và số mộ chưa xác định được danh tính theo 63 tỉnh, thành phố "
   "trước sắp xếp đơn vị hành chính.",
   "Martyrs' cemeteries, graves and graves of unidentified martyrs in the 63 provinces before the 2025 "
   "merger."),
  "liệt sĩ, nghĩa trang, mộ liệt sĩ", Y24, "annual", "old",
  ("nghia_trang_liet_si_2024.csv", "Số nghĩa trang và mộ liệt sĩ theo tỉnh (địa giới cũ).",
   cube([("tinh", P)], ("so_nghia_trang", "n", 3300), ("so_mo_liet_si", "n", 960_000),
        ("so_mo_chua_xac_dinh_danh_tinh", "p", "so_mo_liet_si", .18, .32))))

D("btxh", "doi-tuong-tro-cap-xa-hoi-hang-thang-2025", "open",
  ("Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng theo nhóm, năm 2025",
   "Social assistance beneficiaries receiving monthly allowances by group, 2025"),
  ("Số đối tượng bảo trợ xã hội hưởng trợ cấp xã hội hằng tháng tại cộng đồng theo tỉnh và nhóm đối "
   "tượng, kèm kinh phí chi trả hằng tháng.",
   "Community-based social assistance beneficiaries by province and group, with monthly payments."),
  "bảo trợ xã hội, trợ cấp xã hội, trợ giúp xã hội", Y25, "annual", "all",
  ("tro_cap_xa_hoi_theo_nhom_2025.csv", "Số đối tượng và kinh phí (triệu đồng/tháng) theo nhóm.",
   cube([("tinh", P), ("nhom_doi_tuong", [("Người cao tuổi", 55), ("Người khuyết tật", 33),
                                           ("Trẻ em mồ côi, không nơi nương tựa", 3),
                                           ("Người đơn thân nghèo nuôi con", 2),
                                           ("Người nhiễm HIV/AIDS thuộc hộ nghèo", 0.5),
                                           ("Hộ gia đình, cá nhân nhận chăm sóc, nuôi dưỡng", 6.5)])],
        ("so_doi_tuong", "n", 3_300_000), ("kinh_phi_thang_trieu_dong", "p", "so_doi_tuong", .6, .95))),
  legal="Nghị định 76/2024/NĐ-CP")

D("btxh", "co-so-tro-giup-xa-hoi-theo-tinh", "open",
  ("Cơ sở trợ giúp xã hội theo tỉnh và loại hình, năm 2025", "Social assistance facilities by province "
   "and type, 2025"),
  ("Số cơ sở trợ giúp xã hội công lập, ngoài công lập và số đối tượng đang được chăm sóc, nuôi dưỡng "
   "tập trung.",
   "Public and non-public social assistance facilities and the number of residents in care."),
  "cơ sở trợ giúp xã hội, nuôi dưỡng tập trung", Y25, "annual", "all",
  ("co_so_tro_giup_xa_hoi_2025.csv", "Số cơ sở và đối tượng nuôi dưỡng theo tỉnh, loại hình.",
   cube([("tinh", P), ("loai_hinh", [("Công lập", 43), ("Ngoài công lập", 57)])],
        ("so_co_so", "n", 425), ("so_doi_tuong_nuoi_duong", "n", 44_000))),
  lic="odc-by")


D("te", "tre-em-co-hoan-canh-dac-biet-theo-tinh-2024", "open",
  ("Trẻ em có hoàn cảnh đặc biệt theo tỉnh và nhóm, năm 2024", "Children in special circumstances by "
   "province and group, 2024"),
  ("Số trẻ em có hoàn cảnh đặc biệt và số trẻ được trợ giúp, chia theo 63 tỉnh, thành phố trước sắp xếp "
   "và nhóm hoàn cảnh.",
   "Children in special circumstances and children supported, by the 63 pre-merger provinces and group."),
  "trẻ em, hoàn cảnh đặc biệt, bảo vệ trẻ em", Y24, "annual", "old",
  ("tre_em_hoan_canh_dac_biet_2024.csv", "Số trẻ em có hoàn cảnh đặc biệt theo tỉnh (địa giới cũ).",
   cube([("tinh", P), ("nhom_hoan_canh", [("Trẻ em mồ côi cả cha và mẹ, bị bỏ rơi", 6),
                                           ("Trẻ em khuyết tật", 48),
                                           ("Trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại", 4),
                                           ("Trẻ em có hoàn cảnh đặc biệt khác", 42)])],
        ("so_tre_em", "n", 1_480_000, -.02), ("so_duoc_tro_giup", "p", "so_tre_em", .7, .95))))

D("te", "tong-dai-111-cuoc-goi-theo-thang", "open",
  ("Cuộc gọi đến Tổng đài quốc gia bảo vệ trẻ em 111 theo tháng", "Calls to the 111 national child "
   "protection hotline by month"),
  ("Số cuộc gọi đến Tổng đài 111 theo tháng và loại nội dung, kèm số ca được chuyển tuyến can thiệp, "
   "hỗ trợ.",
   "Calls to the 111 hotline by month and type, with cases referred for intervention and support."),
  "tổng đài 111, bảo vệ trẻ em, cuộc gọi", ("2023-01-01", "2025-12-31"), "monthly", "all",
  ("tong_dai_111_theo_thang.csv", "Số cuộc gọi và số ca chuyển can thiệp theo tháng, loại cuộc gọi.",
   cube([("thang", M(2023, 2025)), ("loai_cuoc_goi", [("Tư vấn tâm lý, xã hội", 9), ("Tư vấn pháp lý", 4),
                                                      ("Cung cấp thông tin về chính sách", 17),
                                                      ("Thông báo, tố giác xâm hại trẻ em", 1.5),
                                                      ("Cuộc gọi nhầm số hoặc không có nội dung", 68.5)])],
        ("so_cuoc_goi", "n", 25_000, .05), ("so_ca_chuyen_can_thiep", "p", "so_cuoc_goi", .0, .02))),
  lic="cc-zero")

D("vl", "luc-luong-lao-dong-that-nghiep-theo-tinh-quy-2025", "open",
  ("Lực lượng lao động và tỷ lệ thất nghiệp theo tỉnh, quý năm 2025", "Labour force and unemployment "
   "rate by province and quarter, 2025"),
  ("Lực lượng lao động từ 15 tuổi trở lên, số người thất nghiệp và tỷ lệ thất nghiệp theo 34 tỉnh, thành "
   "phố và quý.",
   "Labour force aged 15 and over, unemployed persons and unemployment rate by province and quarter."),
  "lực lượng lao động, thất nghiệp, thị trường lao động", Y25, "quarterly", "all",
  ("luc_luong_lao_dong_quy_2025.csv", "Lực lượng lao động (nghìn người) và tỷ lệ thất nghiệp (%).",
   cube([("tinh", P), ("nam", [2025]), ("quy", Q)], ("luc_luong_lao_dong_nghin_nguoi", "n", 53_200, 0, 1),
        ("ty_le_that_nghiep", "r", 2.2), ("so_that_nghiep_nghin_nguoi", "x",
                                          "luc_luong_lao_dong_nghin_nguoi", "ty_le_that_nghiep"))))

D("vl", "ty-le-that-nghiep-theo-nhom-tuoi-gioi-tinh", "open",
  ("Tỷ lệ thất nghiệp theo nhóm tuổi và giới tính, theo quý 2021-2025", "Unemployment rate by age group "
   "and sex, quarterly 2021-2025"),
  ("Tỷ lệ thất nghiệp của lực lượng lao động cả nước theo nhóm tuổi, giới tính và quý.",
   "National unemployment rate by age group, sex and quarter."),
  "thất nghiệp, thanh niên, giới tính", ("2021-01-01", "2025-12-31"), "quarterly", "all",
  ("that_nghiep_nhom_tuoi_gioi_tinh.csv", "Tỷ lệ thất nghiệp (%) theo quý, nhóm tuổi và giới tính.",
   cube([("nam", Y(2021, 2025)), ("quy", Q), ("nhom_tuoi", ["15-24", "25-34", "35-44", "45-54", "55+"]),
         ("gioi_tinh", ["Nam", "Nữ"])],
        ("ty_le_that_nghiep", "r", {"15-24": 7.8, "25-34": 2.4, "35-44": 1.3, "45-54": 1.1, "55+": .9},
         {2021: 1.25, 2022: 1.02, 2023: 1.0, 2024: .98, 2025: .97}))),
  source="he-thong-bao-cao-thong-ke")

D("gdnn", "tuyen-sinh-giao-duc-nghe-nghiep-theo-trinh-do", "open",
  ("Tuyển sinh giáo dục nghề nghiệp theo trình độ và nhóm nghề, 2021-2025", "Vocational enrolment by "
   "level and occupation group, 2021-2025"),
  ("Số người tuyển sinh, số nữ và số tốt nghiệp giáo dục nghề nghiệp theo trình độ sơ cấp, trung cấp, "
   "cao đẳng và nhóm nghề.",
   "Vocational enrolment, female enrolment and graduates by level (elementary, intermediate, college) "
   "and occupation group."),
  "giáo dục nghề nghiệp, tuyển sinh, đào tạo nghề", ("2021-01-01", "2025-12-31"), "annual", "all",
  ("tuyen_sinh_gdnn_2021_2025.csv", "Tuyển sinh và tốt nghiệp theo năm, trình độ và nhóm nghề.",
   cube([("nam", Y(2021, 2025)), ("trinh_do", TVET_LEVELS), ("nhom_nghe", OCCUPATIONS)],
        ("so_tuyen_sinh", "n", 2_400_000, .03), ("so_nu", "p", "so_tuyen_sinh", .3, .5),
        ("so_tot_nghiep", "p", "so_tuyen_sinh", .75, .92))))

D("gdnn", "co-so-giao-duc-nghe-nghiep-theo-tinh", "open",
  ("Cơ sở giáo dục nghề nghiệp theo tỉnh và loại hình, năm 2025", "Vocational education institutions by "
   "province and type, 2025"),
  ("Số trường cao đẳng, trường trung cấp và trung tâm giáo dục nghề nghiệp theo tỉnh, trong đó số cơ sở "
   "công lập.",
   "Colleges, intermediate schools and vocational centres by province, including public ones."),
  "cơ sở giáo dục nghề nghiệp, trường cao đẳng, trường trung cấp", Y25, "annual", "all",
  ("co_so_gdnn_2025.csv", "Số cơ sở giáo dục nghề nghiệp theo tỉnh và loại hình.",
   cube([("tinh", P), ("loai_co_so", [("Trường cao đẳng", 380), ("Trường trung cấp", 420),
                                       ("Trung tâm giáo dục nghề nghiệp", 1000)])],
        ("so_co_so", "n", 1800), ("so_cong_lap", "p", "so_co_so", .5, .8))),
  lic="cc-by-sa-4.0")


D("atld", "tai-nan-lao-dong-theo-nganh-2019-2024", "open",
  ("Tai nạn lao động theo ngành kinh tế, 2019-2024", "Occupational accidents by industry, 2019-2024"),
  ("Số vụ tai nạn lao động, số người bị nạn và số người chết trong khu vực có quan hệ lao động, theo "
   "ngành kinh tế và năm.",
   "Occupational accidents, victims and fatalities among employees, by industry and year."),
  "tai nạn lao động, an toàn lao động, ngành kinh tế", ("2019-01-01", "2024-12-31"), "annual", "all",
  ("tai_nan_lao_dong_theo_nganh.csv", "Số vụ, số người bị nạn, số người chết theo ngành và năm.",
   cube([("nam", Y(2019, 2024)), ("nganh_kinh_te", INDUSTRIES)], ("so_vu", "n", 7400, .03),
        ("so_nguoi_bi_nan", "p", "so_vu", 1.02, 1.1), ("so_nguoi_chet", "p", "so_vu", .08, .11))))

D("atld", "kiem-dinh-thiet-bi-nghiem-ngat-khu-vuc-i", "open",
  ("Kiểm định thiết bị có yêu cầu nghiêm ngặt về an toàn lao động - Khu vực I", "Inspections of "
   "equipment with strict safety requirements - Region I"),
  ("Số thiết bị được kiểm định và số thiết bị không đạt theo loại thiết bị và quý tại các tỉnh phía Bắc.",
   "Equipment inspected and equipment failing inspection by type and quarter in northern provinces."),
  "kiểm định, thiết bị nâng, nồi hơi", ("2023-01-01", "2025-12-31"), "quarterly", NORTH,
  ("kiem_dinh_thiet_bi_theo_quy.csv", "Số thiết bị kiểm định, không đạt theo năm, quý và loại.",
   cube([("nam", Y(2023, 2025)), ("quy", Q),
         ("loai_thiet_bi", [("Nồi hơi", 8), ("Bình chịu áp lực", 30), ("Thiết bị nâng", 28),
                            ("Thang máy", 18), ("Hệ thống lạnh", 6), ("Đường ống dẫn hơi nước, nước nóng", 5),
                            ("Xe nâng hàng", 5)])],
        ("so_thiet_bi_kiem_dinh", "n", 9000, .05), ("so_khong_dat", "p", "so_thiet_bi_kiem_dinh", .01, .04))),
  unit="trung-tam-kiem-dinh-ky-thuat-an-toan-khu-vuc-i",
  contact=("Phòng Kỹ thuật - Trung tâm Kiểm định Kỹ thuật an toàn Khu vực I", "kythuat.kd1@molisa.gov.vn"))

D("gn", "ho-ngheo-can-ngheo-theo-tinh-2022-2024", "open",
  ("Tỷ lệ hộ nghèo, hộ cận nghèo đa chiều theo tỉnh, 2022-2024", "Multidimensional poor and near-poor "
   "household rates by province, 2022-2024"),
  ("Kết quả rà soát hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều giai đoạn 2022-2025, theo 63 tỉnh, "
   "thành phố trước sắp xếp.",
   "Results of the poor and near-poor household review (multidimensional poverty line 2022-2025) by the "
   "63 pre-merger provinces."),
  "hộ nghèo, hộ cận nghèo, giảm nghèo", ("2022-01-01", "2024-12-31"), "annual", "old",
  ("ho_ngheo_can_ngheo_2022_2024.csv", "Số hộ dân, tỷ lệ (%) và số hộ nghèo, cận nghèo theo tỉnh và năm.",
   cube([("tinh", P), ("nam", Y(2022, 2024))], ("so_ho_dan", "n", 27_500_000, .015),
        ("ty_le_ho_ngheo", "r", 1.6, -.3, 2, "poor"), ("ty_le_ho_can_ngheo", "r", 2.6, -.1, 2, "poor"),
        ("so_ho_ngheo", "x", "so_ho_dan", "ty_le_ho_ngheo"),
        ("so_ho_can_ngheo", "x", "so_ho_dan", "ty_le_ho_can_ngheo"))),
  legal="Quyết định 2327/QĐ-BLĐTBXH ngày 30/12/2024")

D("ldnn", "lao-dong-di-lam-viec-nuoc-ngoai-theo-thi-truong", "open",
  ("Người lao động đi làm việc ở nước ngoài theo hợp đồng, theo thị trường, 2019-2025", "Workers sent "
   "abroad under contract by destination, 2019-2025"),
  ("Số người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng, chia theo thị trường tiếp nhận, "
   "giới tính và năm.",
   "Vietnamese workers sent abroad under contract, by destination, sex and year."),
  "lao động ngoài nước, xuất khẩu lao động, thị trường", ("2019-01-01", "2025-12-31"), "annual", "all",
  ("lao_dong_ngoai_nuoc_theo_thi_truong.csv", "Số lao động xuất cảnh theo năm, thị trường, giới tính.",
   cube([("nam", Y(2019, 2025)), ("thi_truong", DESTINATIONS), ("gioi_tinh", [("Nam", 65), ("Nữ", 35)])],
        ("so_lao_dong", "n", 159_000, ABROAD_YEARS))))

D("cn", "cai-nghien-ma-tuy-theo-tinh-2022-2024", "open",
  ("Người nghiện ma túy và kết quả cai nghiện theo tỉnh, 2022-2024", "Drug users and rehabilitation "
   "by province, 2022-2024"),
  ("Số người nghiện ma túy có hồ sơ quản lý và số người cai nghiện tự nguyện, bắt buộc, tại gia đình và "
   "cộng đồng theo tỉnh (địa giới cũ).",
   "Registered drug users and people in voluntary, compulsory and community-based rehabilitation by "
   "pre-merger province."),
  "cai nghiện ma túy, phòng chống ma túy", ("2022-01-01", "2024-12-31"), "annual", "old",
  ("cai_nghien_theo_tinh_2022_2024.csv", "Số người nghiện và số người cai nghiện theo hình thức.",
   cube([("tinh", P), ("nam", Y(2022, 2024))], ("so_nguoi_nghien", "n", 220_000, -.02),
        ("cai_nghien_bat_buoc", "p", "so_nguoi_nghien", .15, .25),
        ("cai_nghien_tu_nguyen", "p", "so_nguoi_nghien", .04, .1),
        ("cai_nghien_tai_cong_dong", "p", "so_nguoi_nghien", .15, .3))))

D("bdg", "chi-tieu-thong-ke-binh-dang-gioi", "open",
  ("Một số chỉ tiêu thống kê về bình đẳng giới, 2019-2024", "Selected gender equality indicators, "
   "2019-2024"),
  ("Các chỉ tiêu thống kê phát triển giới quốc gia về lao động, lãnh đạo, quản lý và gia đình theo năm.",
   "National gender development indicators on labour, leadership and family, by year."),
  "bình đẳng giới, thống kê giới, phụ nữ", ("2019-01-01", "2024-12-31"), "annual", "all",
  ("chi_tieu_binh_dang_gioi.csv", "Giá trị các chỉ tiêu theo năm.", GENDER), lic="cc-zero")

D("bhxh", "tham-gia-bao-hiem-xa-hoi-theo-tinh", "open",
  ("Người tham gia bảo hiểm xã hội, bảo hiểm thất nghiệp theo tỉnh, 2023-2025", "Social and unemployment "
   "insurance participants by province, 2023-2025"),
  ("Số người tham gia bảo hiểm xã hội bắt buộc, tự nguyện, bảo hiểm thất nghiệp và tỷ lệ bao phủ so với "
   "lực lượng lao động theo tỉnh.",
   "Compulsory and voluntary social insurance and unemployment insurance participants, and coverage of "
   "the labour force, by province."),
  "bảo hiểm xã hội, bảo hiểm thất nghiệp, bao phủ", ("2023-01-01", "2025-12-31"), "annual", "all",
  ("tham_gia_bhxh_theo_tinh.csv", "Số người tham gia (người) và tỷ lệ bao phủ (%) theo tỉnh và năm.",
   cube([("tinh", P), ("nam", Y(2023, 2025))], ("bhxh_bat_buoc", "n", 18_300_000, .04),
        ("bhxh_tu_nguyen", "n", 2_000_000, .08), ("bao_hiem_that_nghiep", "p", "bhxh_bat_buoc", .8, .88),
        ("ty_le_bao_phu", "r", 40, .03, 1, "ind"))))

D("tl", "luong-toi-thieu-vung", "open",
  ("Mức lương tối thiểu vùng qua các thời kỳ", "Regional minimum wages over time"),
  ("Mức lương tối thiểu tháng (đồng) theo vùng I-IV và văn bản quy định từ năm 2016; mức lương tối thiểu "
   "giờ từ năm 2022.",
   "Monthly regional minimum wages (VND) for regions I-IV and the decrees setting them since 2016; hourly "
   "minimum wages since 2022."),
  "lương tối thiểu, tiền lương, vùng", ("2016-01-01", "2026-12-31"), "irregular", "all",
  ("luong_toi_thieu_thang.csv", "Mức lương tối thiểu tháng theo vùng.", MIN_WAGE),
  ("luong_toi_thieu_gio.csv", "Mức lương tối thiểu giờ theo vùng.", MIN_WAGE_HOURLY),
  legal="Nghị định 293/2025/NĐ-CP", lic="odc-by")


D("btxh", "nguoi-cao-tuoi-theo-tinh-nhom-tuoi-2025", "open",
  ("Người cao tuổi theo tỉnh và nhóm tuổi, năm 2025", "Older people by province and age group, 2025"),
  ("Số người cao tuổi, tỷ lệ và số người hưởng trợ cấp xã hội hằng tháng theo tỉnh và nhóm tuổi.",
   "Older people and those receiving monthly social allowances, by province and age group."),
  "người cao tuổi, trợ cấp xã hội, già hóa dân số", Y25, "annual", "all",
  ("nguoi_cao_tuoi_2025.csv", "Số người cao tuổi và người hưởng trợ cấp xã hội theo nhóm tuổi.",
   cube([("tinh", P), ("nhom_tuoi", [("60-69 tuổi", 60), ("70-79 tuổi", 27), ("80 tuổi trở lên", 13)])],
        ("so_nguoi_cao_tuoi", "n", 16_500_000),
        ("ty_le_huong_tro_cap", "r", {"60-69 tuổi": 1.5, "70-79 tuổi": 4.5, "80 tuổi trở lên": 70}, 0, 1),
        ("so_huong_tro_cap", "x", "so_nguoi_cao_tuoi", "ty_le_huong_tro_cap"))),
  sector="nguoi-cao-tuoi", legal="Luật Người cao tuổi 2009")

D("btxh", "nguoi-khuyet-tat-theo-muc-do-2025", "open",
  ("Người khuyết tật được xác định mức độ khuyết tật theo tỉnh, năm 2025", "People with disabilities by "
   "severity and province, 2025"),
  ("Số người khuyết tật đã được xác định mức độ khuyết tật và tỷ lệ hưởng trợ cấp xã hội hằng tháng theo "
   "tỉnh và mức độ.",
   "People with a certified disability severity and the share receiving monthly allowances, by province "
   "and severity."),
  "người khuyết tật, mức độ khuyết tật, trợ cấp", Y25, "annual", "all",
  ("nguoi_khuyet_tat_2025.csv", "Số người khuyết tật theo mức độ và số hưởng trợ cấp.",
   cube([("tinh", P), ("muc_do", [("Khuyết tật đặc biệt nặng", 22), ("Khuyết tật nặng", 48),
                                   ("Khuyết tật nhẹ", 30)])],
        ("so_nguoi_khuyet_tat", "n", 1_600_000),
        ("ty_le_huong_tro_cap", "r", {"Khuyết tật đặc biệt nặng": 86, "Khuyết tật nặng": 78,
                                      "Khuyết tật nhẹ": 2}, 0, 1),
        ("so_huong_tro_cap", "x", "so_nguoi_khuyet_tat", "ty_le_huong_tro_cap"))),
  sector="nguoi-khuyet-tat", legal="Luật Người khuyết tật 2010")

D("btxh", "phuc-hoi-chuc-nang-luot-dich-vu-da-nang", "open",
  ("Lượt khám, điều trị và phục hồi chức năng theo tháng - Bệnh viện Chỉnh hình và PHCN Đà Nẵng",
   "Monthly consultations, treatment and rehabilitation - Da Nang Orthopaedic and Rehabilitation Hospital"),
  ("Số lượt khám bệnh, điều trị nội trú, phục hồi chức năng ngoại trú và cấp dụng cụ chỉnh hình theo "
   "tháng, trong đó số lượt có bảo hiểm y tế.",
   "Consultations, inpatient treatment, outpatient rehabilitation and orthopaedic devices by month, "
   "including those covered by health insurance."),
  "phục hồi chức năng, chỉnh hình, người khuyết tật", ("2023-01-01", "2025-12-31"), "monthly",
  ["da-nang", "quang-ngai", "hue", "quang-tri"],
  ("luot_dich_vu_theo_thang.csv", "Số lượt dịch vụ theo tháng và loại dịch vụ.",
   cube([("thang", M(2023, 2025)), ("dich_vu", [("Khám bệnh", 45), ("Điều trị nội trú", 8),
                                                ("Phục hồi chức năng ngoại trú", 35),
                                                ("Cấp dụng cụ chỉnh hình", 12)])],
        ("so_luot", "n", 4200, .04), ("so_luot_bhyt", "p", "so_luot", .6, .85))),
  unit="benh-vien-chinh-hinh-va-phuc-hoi-chuc-nang-da-nang", sector="nguoi-khuyet-tat", source="khac",
  legal="Luật Khám bệnh, chữa bệnh 2023",
  contact=("Phòng Kế hoạch tổng hợp - Bệnh viện Chỉnh hình và Phục hồi chức năng Đà Nẵng",
           "khth.bvchdn@molisa.gov.vn"))

D("vl", "phien-giao-dich-viec-lam-theo-tinh-2025", "open",
  ("Phiên giao dịch việc làm, người tìm việc và vị trí tuyển dụng theo tỉnh, 2025", "Job fairs, job "
   "seekers and vacancies by province, 2025"),
  ("Số phiên giao dịch việc làm do trung tâm dịch vụ việc làm tổ chức, số người tìm việc, số vị trí cần "
   "tuyển và số người được tuyển theo quý.",
   "Job fairs organised by employment service centres, job seekers, vacancies and hires by quarter."),
  "sàn giao dịch việc làm, tìm việc, tuyển dụng", Y25, "quarterly", "all",
  ("giao_dich_viec_lam_quy_2025.csv", "Kết quả phiên giao dịch việc làm theo tỉnh và quý.",
   cube([("tinh", P), ("nam", [2025]), ("quy", Q)], ("so_phien", "n", 420),
        ("so_nguoi_tim_viec", "n", 210_000), ("so_vi_tri_tuyen_dung", "n", 260_000),
        ("so_nguoi_duoc_tuyen", "p", "so_nguoi_tim_viec", .35, .55))))

D("tl", "ngung-viec-tap-the-dinh-cong-2016-2024", "open",
  ("Các cuộc ngừng việc tập thể, đình công theo loại hình doanh nghiệp, 2016-2024", "Collective work "
   "stoppages and strikes by type of enterprise, 2016-2024"),
  ("Số cuộc ngừng việc tập thể, đình công và số người lao động tham gia theo loại hình doanh nghiệp và "
   "năm.",
   "Collective work stoppages and strikes and the workers involved, by type of enterprise and year."),
  "đình công, tranh chấp lao động, quan hệ lao động", ("2016-01-01", "2024-12-31"), "annual", "all",
  ("ngung_viec_tap_the_2016_2024.csv", "Số cuộc và số người tham gia theo năm và loại hình doanh nghiệp.",
   cube([("nam", Y(2016, 2024)),
         ("loai_hinh_doanh_nghiep", [("Doanh nghiệp vốn Hàn Quốc", 28), ("Doanh nghiệp vốn Đài Loan", 24),
                                     ("Doanh nghiệp vốn Trung Quốc", 12), ("Doanh nghiệp vốn Nhật Bản", 8),
                                     ("Doanh nghiệp FDI khác", 10), ("Doanh nghiệp trong nước", 18)])],
        ("so_cuoc", "n", 110, {2016: 2.2, 2017: 2.9, 2018: 1.9, 2019: 1.2, 2020: 1.1, 2021: .9,
                                2022: 1.1, 2023: .8}),
        ("so_nguoi_tham_gia", "p", "so_cuoc", 250, 700))),
  contact=("Phòng Quan hệ lao động - Cục Quan hệ lao động và Tiền lương", "qhld.qhldtl@molisa.gov.vn"))

D("vl", "tro-cap-that-nghiep-theo-thang", "open",
  ("Hồ sơ và quyết định hưởng trợ cấp thất nghiệp theo tháng, 2023-2025", "Unemployment benefit claims "
   "and decisions by month, 2023-2025"),
  ("Số người nộp hồ sơ đề nghị hưởng trợ cấp thất nghiệp, số người có quyết định hưởng và số người được "
   "hỗ trợ học nghề theo tháng.",
   "Unemployment benefit applications, approved claims and vocational training support by month."),
  "trợ cấp thất nghiệp, bảo hiểm thất nghiệp", ("2023-01-01", "2025-12-31"), "monthly", "all",
  ("tro_cap_that_nghiep_theo_thang.csv", "Số hồ sơ, quyết định hưởng và hỗ trợ học nghề theo tháng.",
   cube([("thang", M(2023, 2025))], ("so_nop_ho_so", "n", 85_000, .02),
        ("so_co_quyet_dinh_huong", "p", "so_nop_ho_so", .9, .97),
        ("so_duoc_ho_tro_hoc_nghe", "p", "so_nop_ho_so", .01, .03))),
  sector="bao-hiem-xa-hoi")


D("ql", "thu-tuc-hanh-chinh-theo-linh-vuc-quy", "open",
  ("Hồ sơ thủ tục hành chính tiếp nhận và giải quyết theo lĩnh vực, 2024-2025", "Administrative "
   "procedure files received and settled by field, 2024-2025"),
  ("Số hồ sơ thủ tục hành chính thuộc thẩm quyền của Bộ được tiếp nhận, nộp trực tuyến và giải quyết đúng "
   "hạn theo lĩnh vực và quý.",
   "Administrative procedure files handled by the Ministry: received, submitted online and settled on "
   "time, by field and quarter."),
  "thủ tục hành chính, dịch vụ công trực tuyến", ("2024-01-01", "2025-12-31"), "quarterly", "all",
  ("thu_tuc_hanh_chinh_theo_quy.csv", "Số hồ sơ và tỷ lệ giải quyết đúng hạn (%) theo lĩnh vực, quý.",
   cube([("nam", Y(2024, 2025)), ("quy", Q),
         ("linh_vuc", [("Người có công", 14), ("Việc làm", 18), ("Giáo dục nghề nghiệp", 9),
                       ("Lao động ngoài nước", 22), ("An toàn, vệ sinh lao động", 11), ("Bảo trợ xã hội", 8),
                       ("Tiền lương", 4), ("Trẻ em", 3), ("Phòng, chống tệ nạn xã hội", 2)])],
        ("so_ho_so_tiep_nhan", "n", 5200, .1), ("so_ho_so_truc_tuyen", "p", "so_ho_so_tiep_nhan", .55, .9),
        ("so_giai_quyet_dung_han", "p", "so_ho_so_tiep_nhan", .93, .995),
        ("ty_le_dung_han", "pct", "so_giai_quyet_dung_han", "so_ho_so_tiep_nhan"))),
  legal="Nghị định 61/2018/NĐ-CP")

D("ql", "thanh-tra-lao-dong-theo-tinh-2024-2025", "open",
  ("Kết quả thanh tra, kiểm tra việc chấp hành pháp luật lao động theo tỉnh, 2024-2025", "Labour "
   "inspection results by province, 2024-2025"),
  ("Số cuộc thanh tra, kiểm tra, số doanh nghiệp được thanh tra, số vi phạm phát hiện và số tiền xử phạt "
   "vi phạm hành chính theo tỉnh.",
   "Labour inspections, enterprises inspected, violations found and administrative fines by province."),
  "thanh tra lao động, xử phạt vi phạm, pháp luật lao động", ("2024-01-01", "2025-12-31"), "annual", "all",
  ("thanh_tra_lao_dong_theo_tinh.csv", "Kết quả thanh tra, kiểm tra; tiền phạt tính bằng triệu đồng.",
   cube([("tinh", P), ("nam", Y(2024, 2025))], ("so_cuoc_thanh_tra", "n", 900),
        ("so_doanh_nghiep", "p", "so_cuoc_thanh_tra", 3, 6), ("so_vi_pham", "p", "so_doanh_nghiep", 1.5, 3),
        ("tien_phat_trieu_dong", "p", "so_doanh_nghiep", 20, 60))),
  unit="thanh-tra-bo", legal="Luật Thanh tra 2022",
  contact=("Phòng Thanh tra lao động - Thanh tra Bộ", "thanhtra.ld@molisa.gov.vn"))

D("tl", "tien-luong-binh-quan-theo-nganh-khu-vuc", "open",
  ("Tiền lương bình quân tháng của người lao động theo ngành và khu vực, 2022-2024", "Average monthly "
   "wages by industry and ownership sector, 2022-2024"),
  ("Kết quả khảo sát tiền lương, thu nhập trong doanh nghiệp: tiền lương bình quân tháng (đồng) theo "
   "ngành kinh tế và khu vực sở hữu.",
   "Enterprise wage survey: average monthly wage (VND) by industry and ownership sector."),
  "tiền lương, thu nhập, khảo sát doanh nghiệp", ("2022-01-01", "2024-12-31"), "annual", "all",
  ("tien_luong_binh_quan_2022_2024.csv", "Tiền lương bình quân tháng và số lao động được khảo sát.",
   cube([("nam", Y(2022, 2024)), ("nganh_kinh_te", [n for n, _ in INDUSTRIES]),
         ("khu_vuc", ["Nhà nước", "Ngoài nhà nước", "Có vốn đầu tư nước ngoài"])],
        ("so_lao_dong_khao_sat", "n", 1500),
        ("tien_luong_binh_quan_thang", "r", {"Nhà nước": 9_800_000, "Ngoài nhà nước": 8_200_000,
                                             "Có vốn đầu tư nước ngoài": 9_600_000}, .06, -3))),
  unit="vien-khoa-hoc-lao-dong-va-xa-hoi", source="khac",
  contact=("Trung tâm Thông tin và Thống kê - Viện Khoa học Lao động và Xã hội",
           "thongtin.vkhldxh@molisa.gov.vn"))

D("gdnn", "viec-lam-sau-tot-nghiep-cao-dang-ky-nghe-ii", "open",
  ("Tỷ lệ có việc làm sau tốt nghiệp - Trường Cao đẳng Kỹ nghệ II", "Graduate employment - College of "
   "Technology II"),
  ("Số người tốt nghiệp và số người có việc làm trong vòng 6 tháng sau tốt nghiệp theo ngành đào tạo và "
   "năm.",
   "Graduates and graduates employed within six months, by programme and year."),
  "việc làm sau tốt nghiệp, cao đẳng, khảo sát", ("2021-01-01", "2025-12-31"), "annual", ["ho-chi-minh"],
  ("viec_lam_sau_tot_nghiep.csv", "Số tốt nghiệp, số có việc làm và tỷ lệ (%) theo ngành.",
   cube([("nam", Y(2021, 2025)),
         ("nganh_dao_tao", ["Công nghệ ô tô", "Điện công nghiệp", "Điện tử công nghiệp", "Cắt gọt kim loại",
                            "Hàn", "Cơ điện tử", "Kỹ thuật máy lạnh và điều hòa không khí",
                            "Công nghệ thông tin", "Quản trị mạng máy tính", "Kế toán doanh nghiệp",
                            "Tự động hóa công nghiệp", "Bảo trì thiết bị cơ điện"])],
        ("so_tot_nghiep", "n", 120, .03), ("so_co_viec_lam", "p", "so_tot_nghiep", .82, .97),
        ("ty_le_co_viec_lam", "pct", "so_co_viec_lam", "so_tot_nghiep"))),
  unit="truong-cao-dang-ky-nghe-ii", source="khac",
  contact=("Phòng Đào tạo - Trường Cao đẳng Kỹ nghệ II", "daotao.cdkn2@molisa.gov.vn"))

D("te", "ho-tro-tre-em-quy-bao-tro-tre-em-mien-trung", "open",
  ("Trẻ em được Quỹ Bảo trợ trẻ em Việt Nam hỗ trợ tại miền Trung, 2024-2025", "Children supported by "
   "the Vietnam Fund for Children in central provinces, 2024-2025"),
  ("Số trẻ em được hỗ trợ và kinh phí hỗ trợ (triệu đồng) theo chương trình, tỉnh và năm.",
   "Children supported and funds spent (million VND) by programme, province and year."),
  "quỹ bảo trợ trẻ em, học bổng, hỗ trợ trẻ em", ("2024-01-01", "2025-12-31"), "annual", CENTRE,
  ("ho_tro_tre_em_mien_trung.csv", "Số trẻ em được hỗ trợ và kinh phí theo chương trình.",
   cube([("nam", Y(2024, 2025)), ("tinh", P),
         ("chuong_trinh", [("Hỗ trợ phẫu thuật tim bẩm sinh", 4), ("Học bổng cho trẻ em nghèo vượt khó", 35),
                           ("Quà Tết, Trung thu cho trẻ em", 36),
                           ("Hỗ trợ trẻ em bị ảnh hưởng thiên tai", 15),
                           ("Hỗ trợ trẻ em mồ côi", 10)])],
        ("so_tre_em_duoc_ho_tro", "n", 60_000, .05),
        ("kinh_phi_trieu_dong", "p", "so_tre_em_duoc_ho_tro", .5, 3))),
  unit="quy-bao-tro-tre-em-viet-nam", source="khac",
  contact=("Ban Truyền thông - Quỹ Bảo trợ trẻ em Việt Nam", "truyenthong.qbtte@molisa.gov.vn"))


# --- Shared within the sector (default_shared) ------------------------------

D("ncc", "ngan-sach-chi-tra-uu-dai-nguoi-co-cong-2025", "default_shared",
  ("Dự toán và giải ngân kinh phí ưu đãi người có công theo tỉnh, quý năm 2025", "Budget and "
   "disbursement of preferential allowances by province and quarter, 2025"),
  ("Dự toán, kinh phí đã chi và tỷ lệ giải ngân kinh phí thực hiện chính sách ưu đãi người có công theo "
   "tỉnh và quý.",
   "Budget, spending and disbursement rate of preferential allowances by province and quarter."),
  "ngân sách, người có công, giải ngân", Y25, "quarterly", "all",
  ("giai_ngan_uu_dai_ncc_2025.csv", "Dự toán, đã chi (triệu đồng) và tỷ lệ giải ngân (%).",
   cube([("tinh", P), ("nam", [2025]), ("quy", Q)], ("du_toan_trieu_dong", "n", 11_000_000),
        ("da_chi_trieu_dong", "p", "du_toan_trieu_dong", .85, .99),
        ("ty_le_giai_ngan", "pct", "da_chi_trieu_dong", "du_toan_trieu_dong"))),
  unit="vu-ke-hoach-tai-chinh", contact=("Phòng Ngân sách - Vụ Kế hoạch - Tài chính",
                                         "ngansach.khtc@molisa.gov.vn"))

D("gdnn", "chi-tieu-tuyen-sinh-theo-co-so-gdnn-2025", "default_shared",
  ("Chỉ tiêu và kết quả tuyển sinh theo cơ sở giáo dục nghề nghiệp, năm 2025", "Enrolment targets and "
   "results by vocational institution, 2025"),
  ("Chỉ tiêu tuyển sinh được giao và tỷ lệ hoàn thành của từng cơ sở giáo dục nghề nghiệp (danh sách cơ "
   "sở mẫu).",
   "Enrolment targets and completion rate of each vocational institution (sample list of institutions)."),
  "tuyển sinh, chỉ tiêu, cơ sở giáo dục nghề nghiệp", Y25, "annual", "all",
  ("chi_tieu_tuyen_sinh_theo_co_so.csv", "Chỉ tiêu và tỷ lệ hoàn thành (%) theo cơ sở.",
   rec(240, ("ma_co_so", "id", "GDNN"), ("ten_co_so", "fmt", "Cơ sở giáo dục nghề nghiệp mẫu {n:03d}"),
       ("loai_co_so", "pick", [("Trường cao đẳng", 21), ("Trường trung cấp", 23),
                               ("Trung tâm giáo dục nghề nghiệp", 56)]),
       ("tinh", "tinh"), ("chi_tieu_tuyen_sinh", "int", 200, 3000), ("ty_le_hoan_thanh", "num", 70, 110, 1),
       personal=False)))

D("vl", "nhu-cau-tuyen-dung-doanh-nghiep-2025", "default_shared",
  ("Nhu cầu tuyển dụng lao động của doanh nghiệp đăng ký tại trung tâm dịch vụ việc làm, 2025",
   "Vacancies registered by enterprises at employment service centres, 2025"),
  ("Danh sách nhu cầu tuyển dụng do doanh nghiệp đăng ký: vị trí, số lượng, mức lương khởi điểm (doanh "
   "nghiệp mẫu).",
   "Vacancies registered by enterprises: position, number and starting wage (sample enterprises)."),
  "tuyển dụng, doanh nghiệp, việc làm trống", Y25, "weekly", "all",
  ("nhu_cau_tuyen_dung_2025.csv", "Nhu cầu tuyển dụng theo doanh nghiệp và vị trí.",
   rec(300, ("ma_doanh_nghiep", "id", "DN"), ("ten_doanh_nghiep", "fmt", "Công ty TNHH Mẫu {n:03d}"),
       ("tinh", "tinh"), ("nganh_kinh_te", "pick", INDUSTRIES),
       ("vi_tri", "pick", ["Công nhân may", "Công nhân lắp ráp điện tử", "Thợ hàn", "Kỹ thuật viên điện",
                           "Nhân viên kinh doanh", "Kế toán", "Lái xe nâng", "Nhân viên kho",
                           "Lập trình viên", "Phục vụ nhà hàng"]),
       ("so_luong_can_tuyen", "int", 1, 120),
       ("muc_luong_khoi_diem", "money", 5_000_000, 15_000_000, 500_000),
       ("ngay_dang_ky", "date", "2025-01-01", "2025-12-31"), personal=False)))

D("ldnn", "doanh-nghiep-dich-vu-dua-lao-dong-di-nuoc-ngoai", "default_shared",
  ("Kết quả đưa lao động đi làm việc ở nước ngoài của doanh nghiệp dịch vụ, năm 2025", "Workers sent "
   "abroad by licensed service enterprises, 2025"),
  ("Số hợp đồng cung ứng đã đăng ký và số lao động xuất cảnh theo doanh nghiệp dịch vụ và thị trường "
   "chính (doanh nghiệp mẫu).",
   "Supply contracts registered and workers departed by service enterprise and main destination (sample "
   "enterprises)."),
  "doanh nghiệp dịch vụ, hợp đồng cung ứng, lao động ngoài nước", Y25, "semiannual", "all",
  ("doanh_nghiep_dich_vu_2025.csv", "Số hợp đồng và số lao động xuất cảnh theo doanh nghiệp.",
   rec(150, ("ma_doanh_nghiep", "id", "DVLD"),
       ("ten_doanh_nghiep", "fmt", "Công ty cổ phần cung ứng nhân lực mẫu {n:03d}"), ("tinh", "tinh"),
       ("thi_truong_chinh", "pick", DESTINATIONS), ("so_hop_dong_dang_ky", "int", 1, 40),
       ("so_lao_dong_xuat_canh", "int", 20, 2500), personal=False)),
  unit="trung-tam-lao-dong-ngoai-nuoc",
  contact=("Phòng Thị trường - Trung tâm Lao động ngoài nước", "thitruong.ttldnn@molisa.gov.vn"))

D("atld", "vu-tai-nan-lao-dong-nghiem-trong-2024-2025", "default_shared",
  ("Danh sách vụ tai nạn lao động chết người và bị thương nặng, 2024-2025", "Fatal and serious "
   "occupational accidents, 2024-2025"),
  ("Thông tin từng vụ tai nạn lao động chết người, bị thương nặng do địa phương báo cáo (dữ liệu giả lập "
   "phục vụ trình diễn).",
   "Case records of fatal and serious occupational accidents reported by provinces (synthetic demo data)."),
  "tai nạn lao động, điều tra tai nạn, an toàn lao động", ("2024-01-01", "2025-12-31"), "continuous", "all",
  ("vu_tai_nan_lao_dong.csv", "Từng vụ tai nạn: ngày, tỉnh, ngành, người bị nạn (giả lập), nguyên nhân.",
   rec(180, ("ma_vu", "id", "TNLD"), ("ngay_xay_ra", "date", "2024-01-01", "2025-12-31"), ("tinh", "tinh"),
       ("nganh_kinh_te", "pick", INDUSTRIES), ("gioi_tinh", "pick", [("Nam", 85), ("Nữ", 15)]),
       ("ho_ten_nguoi_bi_nan", "name"), ("nam_sinh", "int", 1965, 2006),
       ("yeu_to_gay_chan_thuong", "pick", ["Ngã từ trên cao", "Vật văng bắn, đè, đổ, sập", "Điện giật",
                                           "Máy, thiết bị cán, cuốn, kẹp", "Bỏng", "Ngạt khí, ngộ độc"]),
       ("muc_do", "pick", [("Chết", 12), ("Bị thương nặng", 88)]))),
  legal="Nghị định 39/2016/NĐ-CP")

D("btxh", "nguoi-cao-tuoi-huong-tro-cap-danh-sach-mau", "default_shared",
  ("Danh sách người cao tuổi hưởng trợ cấp xã hội hằng tháng (mẫu) - các tỉnh phía Nam", "Older people "
   "receiving monthly social allowances (sample) - southern provinces"),
  ("Danh sách đối tượng người cao tuổi đang hưởng trợ cấp xã hội hằng tháng do Sở tổng hợp (dữ liệu giả "
   "lập phục vụ trình diễn).",
   "Older people receiving monthly social allowances, compiled by provincial departments (synthetic "
   "demo data)."),
  "người cao tuổi, trợ cấp xã hội, danh sách chi trả", Y25, "monthly", SOUTH,
  ("nguoi_cao_tuoi_huong_tro_cap.csv", "Danh sách đối tượng (giả lập) với mức trợ cấp hằng tháng (đồng).",
   rec(250, ("ma_doi_tuong", "id", "BTXH"), ("gioi_tinh", "pick", [("Nam", 40), ("Nữ", 60)]),
       ("ho_ten", "name"), ("nam_sinh", "int", 1925, 1945), ("tinh", "tinh"),
       ("dien_huong", "pick", ["Từ đủ 80 tuổi, không có lương hưu, trợ cấp bảo hiểm xã hội",
                               "Thuộc hộ nghèo, không có người phụng dưỡng",
                               "Từ đủ 75 tuổi, thuộc hộ nghèo, cận nghèo"]),
       ("muc_tro_cap_thang", "money", 500_000, 1_000_000, 250_000),
       ("ngay_bat_dau_huong", "date", "2010-01-01", "2025-06-30"))),
  unit="so-lao-dong-thuong-binh-va-xa-hoi-cac-tinh-thanh-pho-truc-thuoc-trung-uong", sector="nguoi-cao-tuoi",
  contact=("Phòng Bảo trợ xã hội - Sở Lao động - Thương binh và Xã hội", "baotro.so@molisa.gov.vn"))


# --- On request (special_request): record-level, synthetic people ----------

_PERSONAL_LAW = "Nghị định 13/2023/NĐ-CP"

D("ncc", "ho-so-nguoi-co-cong-danh-sach-mau", "special_request",
  ("Hồ sơ người có công đang quản lý (mẫu giả lập)", "Records of people with meritorious service "
   "(synthetic sample)"),
  ("Thông tin từng hồ sơ người có công: loại đối tượng, mức trợ cấp, ngày hưởng và trạng thái chi trả "
   "(dữ liệu giả lập phục vụ trình diễn).",
   "Case records of people with meritorious service: category, allowance, start date and payment status "
   "(synthetic demo data)."),
  "hồ sơ người có công, trợ cấp, chi trả", ("1995-01-01", "2025-12-31"), "continuous", "all",
  ("ho_so_nguoi_co_cong.csv", "Hồ sơ người có công (giả lập); mức trợ cấp tính bằng đồng/tháng.",
   rec(300, ("ma_ho_so", "id", "HS"), ("gioi_tinh", "pick", [("Nam", 70), ("Nữ", 30)]), ("ho_ten", "name"),
       ("nam_sinh", "int", 1925, 1975), ("tinh", "tinh"), ("doi_tuong", "pick", NCC_GROUPS),
       ("muc_tro_cap_thang", "money", 2_000_000, 8_400_000, 1000),
       ("ngay_bat_dau_huong", "date", "1995-01-01", "2025-06-30"),
       ("trang_thai", "pick", [("Đang hưởng", 92), ("Tạm dừng", 3), ("Dừng hưởng do từ trần", 5)]))),
  legal=_PERSONAL_LAW)

D("te", "ca-tre-em-can-bao-ve-khan-cap", "special_request",
  ("Ca trẻ em cần bảo vệ khẩn cấp được tiếp nhận, 2024-2025 (mẫu giả lập)", "Child protection emergency "
   "cases received, 2024-2025 (synthetic sample)"),
  ("Thông tin từng ca trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại được tiếp nhận và can thiệp (dữ liệu "
   "giả lập phục vụ trình diễn).",
   "Cases of children abused or at risk who were received and supported (synthetic demo data)."),
  "bảo vệ trẻ em, xâm hại trẻ em, quản lý ca", ("2024-01-01", "2025-12-31"), "daily", "all",
  ("ca_bao_ve_tre_em.csv", "Từng ca (giả lập): hình thức xâm hại, nguồn tin, biện pháp và trạng thái.",
   rec(160, ("ma_ca", "id", "BVTE"), ("gioi_tinh", "pick", ["Nam", "Nữ"]), ("ho_ten", "name"),
       ("nam_sinh", "int", 2008, 2023), ("tinh", "tinh"),
       ("hinh_thuc", "pick", ["Bạo lực thể chất", "Xâm hại tình dục", "Bỏ rơi, bỏ mặc",
                              "Bóc lột sức lao động", "Bạo lực tinh thần"]),
       ("ngay_tiep_nhan", "date", "2024-01-01", "2025-12-31"),
       ("nguon_thong_tin", "pick", ["Tổng đài 111", "Nhà trường", "Cộng đồng", "Cơ quan công an"]),
       ("bien_phap_ho_tro", "pick", ["Chăm sóc thay thế tạm thời", "Hỗ trợ tâm lý", "Trợ giúp pháp lý",
                                     "Kết nối dịch vụ y tế"]),
       ("trang_thai", "pick", ["Đang can thiệp", "Đã đóng ca"]))),
  legal=_PERSONAL_LAW)

D("cn", "hoc-vien-cai-nghien-ma-tuy-danh-sach-mau", "special_request",
  ("Học viên tại cơ sở cai nghiện ma túy, 2024-2025 (mẫu giả lập)", "Residents of drug rehabilitation "
   "facilities, 2024-2025 (synthetic sample)"),
  ("Thông tin từng học viên cai nghiện: hình thức, loại ma túy sử dụng, ngày vào và thời hạn cai nghiện "
   "(dữ liệu giả lập phục vụ trình diễn).",
   "Rehabilitation residents: form of treatment, substance, admission date and duration (synthetic "
   "demo data)."),
  "cai nghiện ma túy, học viên, cơ sở cai nghiện", ("2024-01-01", "2025-12-31"), "weekly", "all",
  ("hoc_vien_cai_nghien.csv", "Danh sách học viên (giả lập) theo hình thức cai nghiện.",
   rec(220, ("ma_hoc_vien", "id", "HV"), ("gioi_tinh", "pick", [("Nam", 94), ("Nữ", 6)]), ("ho_ten", "name"),
       ("nam_sinh", "int", 1970, 2007), ("tinh", "tinh"),
       ("loai_ma_tuy", "pick", ["Heroin", "Ma túy tổng hợp", "Cần sa", "Sử dụng nhiều loại"]),
       ("hinh_thuc", "pick", [("Cai nghiện bắt buộc", 60), ("Cai nghiện tự nguyện tại cơ sở", 25),
                              ("Cai nghiện tự nguyện tại gia đình, cộng đồng", 15)]),
       ("ngay_vao", "date", "2024-01-01", "2025-12-31"), ("thoi_han_thang", "pick", [6, 12, 18, 24]))),
  legal="Nghị định 116/2021/NĐ-CP")

D("gn", "ho-ngheo-can-ngheo-danh-sach-ra-soat-2024", "special_request",
  ("Danh sách hộ nghèo, hộ cận nghèo qua rà soát năm 2024 - các tỉnh miền núi phía Bắc (mẫu giả lập)",
   "Poor and near-poor households from the 2024 review - northern mountain provinces (synthetic sample)"),
  ("Thông tin từng hộ qua rà soát: số nhân khẩu, thu nhập bình quân và số chỉ số thiếu hụt dịch vụ xã hội "
   "cơ bản (dữ liệu giả lập phục vụ trình diễn).",
   "Household records from the review: size, income per person and basic social service deprivations "
   "(synthetic demo data)."),
  "hộ nghèo, rà soát, chuẩn nghèo đa chiều", Y24, "annual",
  ["ha-giang", "cao-bang", "bac-kan", "lai-chau", "dien-bien", "son-la", "yen-bai", "lao-cai"],
  ("ho_ngheo_ra_soat_2024.csv", "Danh sách hộ (giả lập) theo tỉnh (địa giới trước sắp xếp).",
   rec(300, ("ma_ho", "id", "HN"), ("gioi_tinh", "pick", [("Nam", 72), ("Nữ", 28)]),
       ("ho_ten_chu_ho", "name"), ("tinh", "tinh"), ("so_nhan_khau", "int", 1, 8),
       ("phan_loai", "pick", [("Hộ nghèo", 45), ("Hộ cận nghèo", 55)]),
       ("thu_nhap_binh_quan_thang", "money", 700_000, 2_000_000, 50_000),
       ("so_chi_so_thieu_hut", "int", 0, 6))),
  legal="Nghị định 07/2021/NĐ-CP")

D("ldnn", "lao-dong-ve-nuoc-truoc-han-danh-sach-mau", "special_request",
  ("Người lao động về nước trước thời hạn, 2024-2025 (mẫu giả lập)", "Workers returning before the end "
   "of their contract, 2024-2025 (synthetic sample)"),
  ("Thông tin từng người lao động về nước trước hạn: thị trường, ngày xuất cảnh, ngày về và lý do (dữ "
   "liệu giả lập phục vụ trình diễn).",
   "Workers who returned early: destination, departure and return dates and reason (synthetic demo data)."),
  "lao động ngoài nước, về nước trước hạn, hợp đồng", ("2024-01-01", "2025-12-31"), "monthly", "all",
  ("lao_dong_ve_nuoc_truoc_han.csv", "Danh sách người lao động (giả lập) về nước trước hạn.",
   rec(200, ("ma_ho_so", "id", "LDNN"), ("gioi_tinh", "pick", [("Nam", 65), ("Nữ", 35)]), ("ho_ten", "name"),
       ("nam_sinh", "int", 1975, 2005), ("tinh", "tinh"), ("thi_truong", "pick", DESTINATIONS),
       ("ngay_xuat_canh", "date", "2021-01-01", "2023-12-31"),
       ("ngay_ve_nuoc", "date", "2024-01-01", "2025-12-31"),
       ("ly_do", "pick", ["Doanh nghiệp tiếp nhận ngừng hoạt động", "Vi phạm hợp đồng",
                          "Sức khỏe không bảo đảm", "Hoàn cảnh gia đình", "Chấm dứt hợp đồng trước hạn"]))),
  legal=_PERSONAL_LAW)


# --- Internal use only (internal) -------------------------------------------

def _staffing(rng, env):
    """Staff of each unit of the Ministry (units code list), 2024-2025."""
    civil = {"department", "general_department", "inspectorate"}
    types = {t["value"]: t["label"]["vi"] for t in _codelist("units", "unit_types")}
    rows = []
    for unit in _codelist("units"):
        if unit["unit_type"] in ("external_agency", "provincial_department"):
            continue
        for year in (2024, 2025):
            servants = rng.randint(25, 140) if unit["unit_type"] in civil else 0
            employees = 0 if servants else rng.randint(40, 600)
            rows.append([unit["title_vi"], types[unit["unit_type"]], year, servants, employees,
                         rng.randint(2, 40)])
    return [("don_vi", "text"), ("loai_don_vi", "text"), ("nam", "integer"), ("so_cong_chuc", "integer"),
            ("so_vien_chuc", "integer"), ("so_hop_dong_lao_dong", "integer")], rows


D("ql", "bien-che-cong-chuc-vien-chuc-theo-don-vi", "internal",
  ("Số lượng công chức, viên chức và hợp đồng lao động theo đơn vị thuộc Bộ, 2024-2025", "Civil servants, "
   "public employees and contract staff by unit of the Ministry, 2024-2025"),
  ("Số công chức, viên chức và người làm việc theo hợp đồng lao động có mặt tại thời điểm 31/12 theo đơn "
   "vị thuộc Bộ.",
   "Civil servants, public employees and contract staff on 31 December, by unit of the Ministry."),
  "biên chế, công chức, viên chức", ("2024-01-01", "2025-12-31"), "annual", ["ha-noi"],
  ("bien_che_theo_don_vi.csv", "Số người làm việc theo đơn vị và năm.", _staffing),
  unit="vu-to-chuc-can-bo", legal="Nghị định 62/2020/NĐ-CP",
  contact=("Phòng Tổ chức - Biên chế - Vụ Tổ chức cán bộ", "bienche.tccb@molisa.gov.vn"))

D("ql", "du-toan-chi-ngan-sach-cua-bo-2023-2026", "internal",
  ("Dự toán và thực hiện chi ngân sách nhà nước của Bộ theo nội dung chi, 2023-2026", "State budget "
   "estimates and spending of the Ministry by item, 2023-2026"),
  ("Dự toán được giao và số thực hiện chi ngân sách (tỷ đồng) theo nội dung chi và năm; năm 2026 là số "
   "ước thực hiện.",
   "Budget estimates and spending (billion VND) by item and year; 2026 figures are estimates."),
  "ngân sách, dự toán, tài chính", ("2023-01-01", "2026-12-31"), "annual", "all",
  ("du_toan_chi_ngan_sach.csv", "Dự toán và thực hiện (tỷ đồng) theo năm và nội dung chi.",
   cube([("nam", Y(2023, 2026)),
         ("noi_dung_chi", [("Chi ưu đãi người có công", 60), ("Chi đầu tư phát triển", 12),
                           ("Chi sự nghiệp giáo dục nghề nghiệp", 8), ("Chi sự nghiệp bảo đảm xã hội", 9),
                           ("Chi chương trình mục tiêu quốc gia giảm nghèo bền vững", 7),
                           ("Chi quản lý hành chính", 2), ("Chi sự nghiệp y tế", 1.5), ("Chi khác", 0.5)])],
        ("du_toan_ty_dong", "n", 75_000, .05), ("thuc_hien_ty_dong", "p", "du_toan_ty_dong", .82, .99))),
  unit="vu-ke-hoach-tai-chinh", legal="Luật Ngân sách nhà nước 2015",
  contact=("Phòng Ngân sách - Vụ Kế hoạch - Tài chính", "ngansach.khtc@molisa.gov.vn"))

D("ql", "van-ban-quy-pham-phap-luat-dang-xay-dung", "internal",
  ("Tiến độ xây dựng văn bản quy phạm pháp luật của Bộ, 2025-2026", "Progress of draft legal documents "
   "of the Ministry, 2025-2026"),
  ("Danh mục dự thảo văn bản quy phạm pháp luật đang xây dựng: loại văn bản, lĩnh vực, đơn vị chủ trì, "
   "giai đoạn và thời hạn trình.",
   "Draft legal documents in preparation: type, field, lead unit, stage and submission deadline."),
  "văn bản quy phạm pháp luật, pháp chế, kế hoạch", ("2025-01-01", "2026-12-31"), "weekly", "all",
  ("van_ban_dang_xay_dung.csv", "Danh mục dự thảo (mã và tên mẫu) với giai đoạn và thời hạn.",
   rec(48, ("ma_du_thao", "id", "DT"), ("ten_du_thao", "fmt", "Dự thảo văn bản số {n:02d}"),
       ("loai_van_ban", "pick", [("Luật", 8), ("Nghị định", 35), ("Thông tư", 45),
                                 ("Quyết định của Thủ tướng Chính phủ", 12)]),
       ("linh_vuc", "pick", ["Người có công", "Việc làm", "Tiền lương", "Bảo hiểm xã hội",
                             "Giáo dục nghề nghiệp", "Trẻ em", "Bảo trợ xã hội",
                             "An toàn, vệ sinh lao động"]),
       ("don_vi_chu_tri", "pick", [u["title_vi"] for u in _codelist("units")[:17]]),
       ("giai_doan", "pick", ["Xây dựng đề cương", "Lấy ý kiến", "Thẩm định", "Trình ký", "Đã ban hành"]),
       ("ngay_bat_dau", "date", "2025-01-01", "2025-06-30"),
       ("han_trinh", "date", "2025-09-01", "2026-12-31"), personal=False)),
  unit="vu-phap-che", legal="Luật Ban hành văn bản quy phạm pháp luật 2025",
  contact=("Phòng Xây dựng pháp luật - Vụ Pháp chế", "xaydungpl.vpc@molisa.gov.vn"))

D("btxh", "nguoi-benh-dieu-tri-phuc-hoi-chuc-nang-tphcm-2025", "internal",
  ("Người bệnh điều trị phục hồi chức năng - Bệnh viện Chỉnh hình và PHCN TP. Hồ Chí Minh, 2025 (mẫu "
   "giả lập)", "Rehabilitation inpatients - Ho Chi Minh City Orthopaedic and Rehabilitation Hospital, 2025 "
   "(synthetic sample)"),
  ("Thông tin từng lượt điều trị nội trú: nhóm chẩn đoán, ngày vào viện, số ngày điều trị và đối tượng "
   "thanh toán (dữ liệu giả lập phục vụ trình diễn).",
   "Inpatient stays: diagnosis group, admission date, length of stay and payer (synthetic demo data)."),
  "phục hồi chức năng, người bệnh, điều trị nội trú", Y25, "daily", ["ho-chi-minh", "dong-nai", "tay-ninh"],
  ("nguoi_benh_phcn_2025.csv", "Danh sách lượt điều trị (giả lập).",
   rec(250, ("ma_benh_an", "id", "BA"), ("gioi_tinh", "pick", ["Nam", "Nữ"]), ("ho_ten", "name"),
       ("nam_sinh", "int", 1940, 2022), ("tinh", "tinh"),
       ("nhom_chan_doan", "pick", ["Di chứng tai biến mạch máu não", "Chấn thương tủy sống", "Bại não",
                                   "Thoái hóa khớp", "Cụt chi", "Chấn thương sọ não"]),
       ("ngay_vao_vien", "date", "2025-01-01", "2025-12-31"), ("so_ngay_dieu_tri", "int", 3, 60),
       ("doi_tuong_thanh_toan", "pick", [("Bảo hiểm y tế", 70), ("Người có công", 10), ("Tự chi trả", 20)]))),
  unit="benh-vien-chinh-hinh-va-phuc-hoi-chuc-nang-thanh-pho-ho-chi-minh", sector="nguoi-khuyet-tat",
  source="khac", legal=_PERSONAL_LAW,
  contact=("Phòng Kế hoạch tổng hợp - Bệnh viện Chỉnh hình và Phục hồi chức năng TP. Hồ Chí Minh",
           "khth.bvchhcm@molisa.gov.vn"))


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

_OPEN_LICENCE = "cc-by-4.0"
_CLOSED_LICENCE = {"internal": "molisa-internal"}
_LAST_DATE = dt.date(2026, 10, 31)


def _dates(rng: random.Random, end: dt.date) -> tuple[str, str, str]:
    """issued, modified and version: published a few weeks after the period."""
    issued = end + dt.timedelta(days=rng.randint(20, 75))
    issued = min(issued, dt.date(2026, 9, 30))
    issued = max(issued, dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(10, 60)))
    modified = min(issued + dt.timedelta(days=rng.randint(0, 240)), _LAST_DATE)
    version = rng.choice(["1.0", "1.1", "2.0", f"{issued.year}.1", f"{issued.year}.2"])
    return issued.isoformat(), modified.isoformat(), version


def _quality(spec: dict, personal: bool, source: str) -> str:
    if spec.get("quality"):
        return spec["quality"]
    if personal:
        return ("Dữ liệu giả lập phục vụ trình diễn: họ tên, mã hồ sơ là giả định, không tương ứng "
                "với người thật; đã rà soát trùng lặp và tính đầy đủ của các trường bắt buộc.")
    label = next(i["label"]["vi"] for i in _codelist("source_systems") if i["value"] == source)
    return (f"Số liệu minh họa, tổng hợp theo cấu trúc của {label}; đã kiểm tra tính đầy đủ và "
            "sự nhất quán giữa các kỳ báo cáo.")


def _build(spec: dict) -> dict:
    rng = random.Random(f"{SEED}:{spec['name']}")
    unit, sector, source, legal, office, email = THEMES[spec["theme"]]
    unit, sector = spec.get("unit", unit), spec.get("sector", sector)
    source, legal = spec.get("source", source), spec.get("legal", legal)
    office, email = spec.get("contact", (office, email))
    access = spec["access"]
    start, end = (_iso(d) for d in spec["period"])
    env = _Env(spec["prov"], end)
    personal = access != "open" and any(getattr(g, "personal", False) for *_, g in spec["resources"])
    licence = spec.get("lic") or (_OPEN_LICENCE if access == "open"
                                  else _CLOSED_LICENCE.get(access, "molisa-restricted"))
    issued, modified, version = _dates(rng, end)
    resources = []
    for file_name, description, gen in spec["resources"]:
        columns, rows = gen(rng, env)
        resources.append({"name": file_name, "description": description, "format": "CSV",
                          "columns": [{"name": n, "type": t} for n, t in columns], "rows": rows})
    dataset = {
        "name": spec["name"], "title": spec["titles"][0], "title_en": spec["titles"][1],
        "notes": spec["notes"][0], "notes_en": spec["notes"][1], "owner_org": unit,
        "sector": sector, "tags": [{"name": t} for t in spec["tags"]], "access_level": access,
        "personal_data": "true" if personal else "false", "license_id": licence,
        "legal_basis": legal, "source_system": source, "update_frequency": spec["freq"],
        "temporal_start": start.isoformat(), "temporal_end": end.isoformat(),
        "province": list(env.values), "contact_name": office, "contact_email": email,
        "quality_note": _quality(spec, personal, source), "version": version,
        "issued": issued, "modified": modified,
    }
    return {"dataset": dataset, "resources": resources}


def demo_datasets() -> list[dict]:
    """The demo catalogue: ``{"dataset": package_create fields, "resources": [...]}``
    items; each resource has name, description, format, columns and rows."""
    return [_build(spec) for spec in SPECS]
