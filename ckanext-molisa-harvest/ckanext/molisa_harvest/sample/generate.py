"""The sample sector database: deterministic synthetic people in four sector
systems (meritorious people and their allowances, social assistance
beneficiaries, vocational training enrolments, job seekers), a few thousand
rows per table, plus the aggregate views that may go out as open data.

``build(url, schema)`` creates the schema once (a second call with the same
version and size does nothing) and grants SELECT to the read-only role.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import random
from typing import Any

import sqlalchemy as sa

VERSION = "2"   # 2: some meritorious people and learners have an e-mail address
HERE = os.path.dirname(__file__)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc",
           "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt"]
GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
           "Ngân", "Nhung", "Phương", "Thảo", "Trang", "Vân", "Yến"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Quang Trung", "Hùng Vương", "Điện Biên Phủ"]
NCC_KINDS = ["thuong-binh", "benh-binh", "than-nhan-liet-si", "nguoi-hoat-dong-khang-chien",
             "ba-me-viet-nam-anh-hung", "nguoi-co-cong-giup-do-cach-mang"]
ALLOWANCES = ["tro-cap-hang-thang", "phu-cap-hang-thang", "tro-cap-mot-lan", "dieu-duong"]
BTXH_GROUPS = ["tre-em-mo-coi", "nguoi-cao-tuoi", "nguoi-khuyet-tat", "ho-ngheo-don-than",
               "nguoi-nhiem-hiv"]
TRADES = ["han", "dien-cong-nghiep", "cong-nghe-thong-tin", "may-thoi-trang", "ke-toan",
          "cong-nghe-o-to", "du-lich-nha-hang", "dieu-duong"]
LEVELS_VET = ["so-cap", "trung-cap", "cao-dang"]
STATUS_VET = ["dang-hoc", "tot-nghiep", "thoi-hoc"]
LEVELS_JOB = ["chua-qua-dao-tao", "so-cap", "trung-cap", "cao-dang", "dai-hoc"]


def provinces() -> list[str]:
    path = os.path.join(HERE, "..", "..", "molisa", "codelists", "provinces.json")
    try:
        with open(path, encoding="utf-8") as f:
            items = json.load(f)["items"]
    except OSError:
        from ckanext.molisa import codelists
        items = codelists.items("provinces")
    return [i["value"] for i in items if i.get("status") == "current"]


class _People:
    def __init__(self, rnd: random.Random, provs: list[str]):
        self.rnd, self.provs = rnd, provs

    def person(self, born_from: int, born_to: int) -> dict[str, Any]:
        r = self.rnd
        female = r.random() < 0.5
        name = " ".join([r.choice(FAMILY), r.choice(MIDDLE_F if female else MIDDLE_M),
                         r.choice(GIVEN_F if female else GIVEN_M)])
        born = datetime.date(r.randint(born_from, born_to), r.randint(1, 12), r.randint(1, 28))
        prov_index = r.randrange(len(self.provs))
        century = (2 if born.year < 2000 else 4) + (1 if female else 0) - 2  # 0/1 before 2000
        cccd = f"{prov_index + 1:03d}{century}{born.year % 100:02d}{r.randrange(10**6):06d}"
        return {
            "ho_ten": name, "so_cccd": cccd, "ngay_sinh": born,
            "gioi_tinh": "nu" if female else "nam", "ma_tinh": self.provs[prov_index],
            "dia_chi": f"Số {r.randint(1, 300)} {r.choice(STREETS)}, {self.provs[prov_index]}",
            "so_dien_thoai": "0" + r.choice("35789") + f"{r.randrange(10**8):08d}",
        }


def _ts(rnd: random.Random) -> datetime.datetime:
    return datetime.datetime(2025, 1, 1) + datetime.timedelta(minutes=rnd.randrange(60 * 24 * 300))


def rows(table: str, n: int, seed: int = 2327) -> tuple[list[str], list[tuple]]:
    """Deterministic rows of one table: (columns, rows)."""
    rnd = random.Random(f"{seed}:{table}")
    ppl = _People(rnd, provinces())
    out: list[tuple] = []
    if table == "nguoi_co_cong":
        cols = ["id", "ho_ten", "so_cccd", "ngay_sinh", "gioi_tinh", "ma_tinh", "dia_chi",
                "so_dien_thoai", "loai_doi_tuong", "ty_le_ton_thuong", "nam_cong_nhan", "updated_at",
                "email"]
        for i in range(1, n + 1):
            p = ppl.person(1925, 1975)
            kind = rnd.choice(NCC_KINDS)
            rate = rnd.choice([21, 31, 41, 61, 81, 91]) if kind in ("thuong-binh", "benh-binh") else None
            email = f"nguoicocong{i}@example.vn" if i % 4 == 1 else None   # not from rnd
            out.append((i, p["ho_ten"], p["so_cccd"], p["ngay_sinh"], p["gioi_tinh"], p["ma_tinh"],
                        p["dia_chi"], p["so_dien_thoai"], kind, rate, rnd.randint(1975, 2024), _ts(rnd),
                        email))
    elif table == "tro_cap_uu_dai":
        cols = ["id", "nguoi_co_cong_id", "nam", "loai_tro_cap", "muc_tro_cap", "updated_at"]
        people = max(1, n * 3 // 4)
        for i in range(1, n + 1):
            out.append((i, rnd.randint(1, people), rnd.randint(2021, 2025), rnd.choice(ALLOWANCES),
                        rnd.choice([1_500_000, 2_055_000, 2_789_000, 3_500_000, 5_000_000]), _ts(rnd)))
    elif table == "doi_tuong_bao_tro":
        cols = ["id", "ho_ten", "so_cccd", "ngay_sinh", "gioi_tinh", "ma_tinh", "dia_chi",
                "nhom_doi_tuong", "muc_tro_cap", "nam_huong", "updated_at"]
        for i in range(1, n + 1):
            p = ppl.person(1930, 2020)
            out.append((i, p["ho_ten"], p["so_cccd"], p["ngay_sinh"], p["gioi_tinh"], p["ma_tinh"],
                        p["dia_chi"], rnd.choice(BTXH_GROUPS), rnd.choice([500_000, 750_000, 1_000_000]),
                        rnd.randint(2019, 2025), _ts(rnd)))
    elif table == "hoc_vien_gdnn":
        cols = ["id", "ho_ten", "so_cccd", "ngay_sinh", "gioi_tinh", "ma_tinh", "nganh_nghe",
                "trinh_do", "nam_tuyen_sinh", "trang_thai", "updated_at", "email"]
        for i in range(1, n + 1):
            p = ppl.person(1990, 2008)
            # every third learner has an address ("My data"'s one-time password);
            # not drawn from rnd, so the other values stay as they were
            email = f"hocvien{i}@example.vn" if i % 3 == 1 else None
            out.append((i, p["ho_ten"], p["so_cccd"], p["ngay_sinh"], p["gioi_tinh"], p["ma_tinh"],
                        rnd.choice(TRADES), rnd.choice(LEVELS_VET), rnd.randint(2021, 2025),
                        rnd.choice(STATUS_VET), _ts(rnd), email))
    elif table == "nguoi_tim_viec":
        cols = ["id", "ho_ten", "so_cccd", "so_dien_thoai", "email", "ngay_sinh", "gioi_tinh",
                "ma_tinh", "nganh_mong_muon", "trinh_do", "nam_dang_ky", "updated_at"]
        for i in range(1, n + 1):
            p = ppl.person(1965, 2007)
            email = f"nguoitimviec{i}@example.vn" if rnd.random() < 0.6 else None
            out.append((i, p["ho_ten"], p["so_cccd"], p["so_dien_thoai"], email, p["ngay_sinh"],
                        p["gioi_tinh"], p["ma_tinh"], rnd.choice(TRADES), rnd.choice(LEVELS_JOB),
                        rnd.randint(2022, 2025), _ts(rnd)))
    else:
        raise KeyError(table)
    return cols, out


TABLES = ["nguoi_co_cong", "tro_cap_uu_dai", "doi_tuong_bao_tro", "hoc_vien_gdnn", "nguoi_tim_viec"]


def _copy(cursor, table: str, cols: list[str], data: list[tuple]) -> None:
    buf = io.StringIO()
    for row in data:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(cols)}) FROM STDIN", buf)


def build(url: str, schema: str = "csdl", n: int = 3000, seed: int = 2327,
          ro_role: str | None = "sector_ro", force: bool = False) -> dict[str, Any]:
    """Creates (or keeps) the sample schema; returns what was done."""
    stamp = f"{VERSION}:{n}:{seed}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            if not force:
                exists = conn.execute(sa.text("SELECT to_regclass(:t)"),
                                      {"t": f"{schema}.sample_meta"}).scalar()
                if exists:
                    have = conn.execute(sa.text(
                        f"SELECT value FROM {schema}.sample_meta WHERE key = 'stamp'")).scalar()
                    if have == stamp:
                        return {"schema": schema, "created": False}
            raw = conn.connection.dbapi_connection
            cur = raw.cursor()
            cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cur.execute(f"CREATE SCHEMA {schema}")
            with open(os.path.join(HERE, "schema.sql"), encoding="utf-8") as f:
                cur.execute(f.read().replace("{schema}", schema))
            counts = {}
            for table in TABLES:
                cols, data = rows(table, n, seed)
                _copy(cur, f"{schema}.{table}", cols, data)
                counts[table] = len(data)
            cur.execute(f"INSERT INTO {schema}.sample_meta VALUES ('stamp', %s)", (stamp,))
            if ro_role:
                cur.execute(f"GRANT USAGE ON SCHEMA {schema} TO {ro_role}")
                cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {ro_role}")
            cur.close()
        return {"schema": schema, "created": True, "rows": counts}
    finally:
        engine.dispose()
