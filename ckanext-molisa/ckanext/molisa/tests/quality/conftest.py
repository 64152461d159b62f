"""Fixtures of the quality checks' tests: a tiny HTTP server on loopback
serving good and bad files (its paths can be changed while a test runs), a
unit with an admin who has an e-mail address, and its datasets."""
from __future__ import annotations

import http.server
import io
import json
import threading
from types import SimpleNamespace

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.molisa.testing.factories import meritorious_dataset

UNIT_ADMIN = "quality.admin@molisa.example.vn"

CSV = "tinh,nam,so_nguoi\nha-noi,2024,120\nhue,2024,80\nda-nang,2024,65\n".encode()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
JSONLD = json.dumps({"@context": {"name": "http://schema.org/name"},
                     "@id": "http://127.0.0.1/data/1", "name": "x"}).encode()
JSONLD_LINKED = json.dumps({"@context": {"sameAs": "http://www.w3.org/2002/07/owl#sameAs"},
                            "@id": "http://127.0.0.1/data/1",
                            "sameAs": {"@id": "https://www.wikidata.org/wiki/Q881"}}).encode()
JSON = json.dumps([{"tinh": "ha-noi", "so_nguoi": 120}]).encode()


def xlsx(rows=(("ha-noi", 2024, 120),)) -> bytes:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["tinh", "nam", "so_nguoi"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Site:
    """What the server answers: path -> (status, content type, body) or
    ("redirect", location); ``hits`` counts the requests per path, ``hosts``
    the Host headers it was sent."""

    def __init__(self):
        self.routes: dict[str, tuple] = {}
        self.hits: dict[str, int] = {}
        self.hosts: set[str] = set()
        self.lock = threading.Lock()


def _handler(site: Site):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            with site.lock:
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                site.hosts.add(self.headers.get("Host") or "")
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route[0] == "redirect":
                self.send_response(302)
                self.send_header("Location", route[1])
                self.end_headers()
                return
            status, content_type, body = route
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def files():
    """The loopback server: ``files.url(path)``, ``files.site.routes``."""
    site = Site()
    site.routes.update({
        "/data.csv": (200, "text/csv", CSV),
        "/report.pdf": (200, "application/pdf", PDF),
        "/table.xlsx": (200, "application/octet-stream", xlsx()),
        "/data.jsonld": (200, "application/ld+json", JSONLD),
        "/linked.jsonld": (200, "application/json", JSONLD_LINKED),
        "/data.json": (200, "application/json", JSON),
        "/csv-said-pdf": (200, "application/pdf", CSV),
        "/error": (500, "text/plain", b"oops"),
        "/moved": ("redirect", "/data.csv"),
    })
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield SimpleNamespace(site=site, base=base, url=lambda path: base + path)
    server.shutdown()
    server.server_close()


@pytest.fixture
def quality_unit(clean_db, clean_index):
    """A unit whose admin has an e-mail address, a member, a sysadmin and an
    outsider."""
    sysadmin = factories.SysadminWithToken(email="admin@molisa.example.vn")
    admin = factories.UserWithToken(name="quality-admin", email=UNIT_ADMIN)
    member = factories.UserWithToken(name="quality-member")
    outsider = factories.UserWithToken(name="quality-outsider", email="x@example.vn")
    unit = factories.Organization(name="cuc-viec-lam", title="Cục Việc làm",
                                  title_en="Department of Employment", unit_type="department",
                                  users=[{"name": admin["name"], "capacity": "admin"},
                                         {"name": member["name"], "capacity": "member"}])
    return SimpleNamespace(sysadmin=sysadmin, admin=admin, member=member, outsider=outsider,
                           unit=unit)


@pytest.fixture
def make_dataset(quality_unit):
    """A dataset of the unit with resources at the given URLs (or resource
    dicts)."""
    counter = iter(range(1000))

    def make(*urls, **overrides):
        n = next(counter)
        data = meritorious_dataset(quality_unit.unit["id"], name=f"chat-luong-{n}",
                                   **overrides)
        data["resources"] = [dict({"name": f"Tệp {i}", "format": "CSV"},
                                  **(url if isinstance(url, dict) else {"url": url}))
                             for i, url in enumerate(urls)]
        return helpers.call_action("package_create",
                                   context={"user": quality_unit.sysadmin["name"]}, **data)

    return make
