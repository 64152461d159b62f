"""Loads N synthetic datasets into one benchmark site, in-process through
CKAN's actions (package_create), with Solr commits deferred to the end.

    .venv/bin/python bench/load.py INI FLAVOUR N [UNIT]   (FLAVOUR: molisa | stock)

N datasets in the unit (organization) UNIT, default ``bench-unit``; datasets
already there count, so a second run adds only what is missing.
"""
from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import rng  # noqa: E402

WORDS_VI = ("người có công", "trợ cấp", "bảo trợ xã hội", "trẻ em", "việc làm", "thất nghiệp",
            "lao động", "tiền lương", "giáo dục nghề nghiệp", "tuyển sinh", "an toàn lao động",
            "tai nạn lao động", "hộ nghèo", "cận nghèo", "bình đẳng giới", "người cao tuổi",
            "người khuyết tật", "cai nghiện", "lao động ngoài nước", "bảo hiểm xã hội")
WORDS_EN = ("meritorious people", "allowances", "social protection", "children", "employment",
            "unemployment", "labour", "wages", "vocational training", "enrolment",
            "occupational safety", "accidents", "poor households", "near-poor", "gender equality",
            "older people", "disability", "rehabilitation", "overseas workers", "social insurance")
SECTORS = ("nguoi-co-cong", "bao-tro-xa-hoi", "tre-em", "lao-dong-viec-lam", "giao-duc-nghe-nghiep",
           "an-toan-lao-dong", "giam-ngheo", "binh-dang-gioi", "lao-dong-ngoai-nuoc",
           "tien-luong-quan-he-lao-dong")
PROVINCES = ("ha-noi", "hue", "ho-chi-minh", "da-nang", "can-tho", "hai-phong", "nghe-an",
             "thanh-hoa", "quang-ninh", "lam-dong")
FREQUENCIES = ("monthly", "quarterly", "annual", "irregular")
FORMATS = ("CSV", "XLSX", "JSON", "PDF")


def synthetic(i: int, r, flavour: str, org_id: str, prefix: str = "bench") -> dict:
    k = r.randrange(len(WORDS_VI))
    year = r.randrange(2015, 2026)
    province = r.sample(PROVINCES, r.randrange(1, 4))
    fields = {
        "title_en": f"{WORDS_EN[k].capitalize()} by province, {year} ({i})",
        "sector": r.choice(SECTORS),
        "access_level": r.choice(("open", "open", "open", "default_shared", "special_request")),
        "update_frequency": r.choice(FREQUENCIES),
        "contact_name": "Phòng Thống kê",
        "contact_email": "thongke@molisa.gov.vn",
        "temporal_start": f"{year}-01-01",
        "temporal_end": f"{year}-12-31",
    }
    data = {
        "name": f"{prefix}-{i:06d}",
        "title": f"{WORDS_VI[k].capitalize()} theo tỉnh, năm {year} ({i})",
        "notes": f"Số liệu {WORDS_VI[k]} và {WORDS_VI[r.randrange(len(WORDS_VI))]} năm {year}.",
        "owner_org": org_id,
        "tags": [{"name": WORDS_VI[k]}, {"name": str(year)}],
        "resources": [{"url": f"https://data.molisa.gov.vn/files/{i}.csv",
                       "name": f"{i}.csv", "format": r.choice(FORMATS)}],
    }
    open_data = fields["access_level"] == "open"
    if flavour == "molisa":
        data.update(fields, type="dataset", province=province, personal_data="false",
                    license_id="cc-by-4.0" if open_data else "molisa-restricted")
    else:
        data["license_id"] = "cc-by" if open_data else "other-closed"
        data["extras"] = [{"key": k, "value": v} for k, v in fields.items()] + [
            {"key": "province", "value": " ".join(province)}]
    return data


def main(ini: str, flavour: str, n: int, unit: str = "bench-unit") -> None:
    from ckan.cli import load_config
    from ckan.common import config
    from ckan.config.middleware import make_app
    import ckan.plugins.toolkit as tk
    from ckan.lib.search.common import make_connection

    app = make_app(load_config(ini))
    flask_app = app._wsgi_app
    with flask_app.test_request_context():
        config["ckan.search.solr_commit"] = False
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        ctx = lambda: {"user": site_user["name"], "ignore_auth": True}  # noqa: E731
        prefix = "bench" if unit == "bench-unit" else unit
        existing = tk.get_action("package_search")(
            ctx(), {"q": f"name:{prefix}-*", "fq": f"organization:{unit}", "rows": 0})["count"]
        if existing >= n:
            print(f"{flavour}: {existing} datasets already there")
            return
        try:
            org = tk.get_action("organization_show")(ctx(), {"id": unit})
        except tk.ObjectNotFound:
            org_data = {"name": unit, "title": f"Đơn vị thử tải ({unit})"}
            if flavour == "molisa":
                org_data["unit_type"] = "department"
            org = tk.get_action("organization_create")(ctx(), org_data)
        r = rng()
        started = time.monotonic()
        for i in range(n):
            data = synthetic(i, r, flavour, org["id"], prefix)
            if i < existing:
                continue
            tk.get_action("package_create")(ctx(), data)
            if (i + 1) % 1000 == 0:
                rate = (i + 1 - existing) / (time.monotonic() - started)
                print(f"{flavour}: {i + 1}/{n} datasets ({rate:.0f}/s)", flush=True)
        make_connection().commit()
        print(f"{flavour}: {n} datasets in {time.monotonic() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
