"""The table generators of the demo catalogue (``catalogue.yaml``).

Each makes ``(columns, rows)`` of one synthetic but plausible table from a
``random.Random`` seeded from the catalogue's seed and the dataset's name, so
the same catalogue gives the same tables everywhere: :func:`cube` (every
combination of dimensions, with measures), :func:`rec` (synthetic records),
:func:`fixed` (a table given in full) and the named generators of
:data:`FUNCTIONS`. :func:`build` turns one dataset of the catalogue into
``package_create`` fields and tables.
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

_CODELISTS = pathlib.Path(__file__).resolve().parent.parent / "codelists"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: set by :func:`configure` from the catalogue: population (millions, of the
#: provinces before the 2025 merger) and the province factors that shape rates
_OLD_POP: dict[str, float] = {}
FACTORS: dict[str, tuple[dict[str, float], float]] = {}


def configure(population: dict[str, float], factors: dict[str, dict]) -> None:
    _OLD_POP.clear()
    _OLD_POP.update({k: float(v) for k, v in population.items()})
    FACTORS.clear()
    FACTORS.update({name: ({k: float(v) for k, v in f["provinces"].items()}, float(f["default"]))
                    for name, f in factors.items()})


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
            pairs = [tuple(v) if isinstance(v, (tuple, list)) else (v, None) for v in values]
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
        if isinstance(values[0], (tuple, list)):
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
# Named generators (``function:`` in the catalogue).
# --------------------------------------------------------------------------

def staffing(rng, env, table):
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


def gender_indicators(rng, env, table):
    """Gender-equality indicators by year, 2019-2024: ``data`` rows of
    (indicator, unit, 2019 value, change per year), with a little noise."""
    cols = [tuple(c.split(":")) for c in table["columns"].split()]
    return cols, [[c, u, y, round(v + d * (y - 2019) + rng.uniform(-0.3, 0.3), 1)]
                  for c, u, v, d in table["data"] for y in Y(2019, 2024)]


FUNCTIONS = {"staffing": staffing, "gender_indicators": gender_indicators}


def table_generator(table: dict):
    """The generator a catalogue table names."""
    if "cube" in table:
        return cube(table["cube"]["dimensions"], *table["cube"]["measures"])
    if "records" in table:
        spec = table["records"]
        return rec(spec["count"], *spec["fields"], personal=spec.get("personal", True))
    if "rows" in table:
        return fixed(table["rows"]["columns"], table["rows"]["values"])
    function = FUNCTIONS[table["function"]]
    gen = lambda rng, env: function(rng, env, table)  # noqa: E731
    return gen


# --------------------------------------------------------------------------
# One dataset of the catalogue.
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


def build(spec: dict, seed: int, themes: dict[str, dict]) -> dict:
    """One dataset of the catalogue: ``{"dataset": package_create fields,
    "resources": [{name, description, format, columns, rows}]}``."""
    rng = random.Random(f"{seed}:{spec['name']}")
    theme = themes[spec["theme"]]
    unit, sector, source, legal, office, email = (theme[k] for k in (
        "unit", "sector", "source_system", "legal_basis", "contact_name", "contact_email"))
    unit, sector = spec.get("unit", unit), spec.get("sector", sector)
    source, legal = spec.get("source", source), spec.get("legal", legal)
    office, email = spec.get("contact", (office, email))
    access = spec["access"]
    start, end = (_iso(d) for d in spec["period"])
    env = _Env(spec["prov"], end)
    personal = access != "open" and any(r["table"].get("records", {}).get("personal", False)
                                        for r in spec["resources"])
    licence = spec.get("lic") or (_OPEN_LICENCE if access == "open"
                                  else _CLOSED_LICENCE.get(access, "molisa-restricted"))
    issued, modified, version = _dates(rng, end)
    resources = []
    for resource in spec["resources"]:
        file_name, description = resource["file"], resource["description"]
        columns, rows = table_generator(resource["table"])(rng, env)
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
