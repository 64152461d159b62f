"""Smoke test of the real thing: the portal served by gunicorn over HTTP,
Vietnamese by default and English one click away."""
import os
import subprocess
import tempfile
import sys
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))
PORT = 5051
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def web_server():
    """gunicorn serving the test configuration, as `make run` serves the portal."""
    env = dict(os.environ, CKAN_INI=os.path.join(ROOT, "test.ini"))
    # the server's log goes to a file: a pipe nobody reads fills up and blocks it
    log = tempfile.NamedTemporaryFile("w", prefix="gunicorn-", suffix=".log", delete=False)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "wsgi:application", "--chdir", os.path.join(ROOT, "config"),
         "--bind", f"127.0.0.1:{PORT}", "--workers", "1", "--timeout", "60"],
        env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"{BASE}/api/3/action/status_show", timeout=5).ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the web server did not start: " + open(log.name).read()[-3000:])
        time.sleep(0.5)
    yield BASE
    proc.terminate()
    proc.wait(timeout=30)


pytestmark = pytest.mark.usefixtures("clean_db")


def test_status_show_over_http(web_server):
    result = requests.get(f"{web_server}/api/3/action/status_show", timeout=10).json()["result"]
    assert result["ckan_version"] == "2.12.0"
    assert result["site_title"].startswith("Cổng dữ liệu")
    for plugin in ("molisa", "molisa_sharing", "molisa_audit", "scheming_datasets",
                   "datastore", "dcat", "harvest"):
        assert plugin in result["extensions"]


def test_home_page_is_vietnamese_with_english_one_click_away(web_server):
    page = requests.get(web_server + "/", timeout=30)
    assert page.status_code == 200
    assert '<html lang="vi"' in page.text
    assert ">Bộ dữ liệu</a>" in page.text     # "Datasets", in Vietnamese
    assert ">Đơn vị</a>" in page.text         # the ministry's units
    assert 'href="/en/"' in page.text and ">English<" in page.text
    english = requests.get(web_server + "/en/", timeout=30)
    assert english.status_code == 200
    assert '<html lang="en"' in english.text
    assert ">Datasets</a>" in english.text and ">Units</a>" in english.text
    assert ">Tiếng Việt<" in english.text


def test_the_dataset_search_page_shows_the_portal_facets(web_server):
    page = requests.get(web_server + "/molisa_dataset/", timeout=30)
    assert page.status_code == 200
    for title in ("Lĩnh vực", "Đơn vị", "Tỉnh, thành phố", "Mức độ truy cập", "Định dạng",
                  "Tần suất cập nhật", "Giấy phép"):
        assert title in page.text, title
