"""The tests' real browser (ckanext.molisa.testing.browser): Debian's chromium through
Playwright, in Vietnamese.

No database and no web server: the pages are a data: URL and local files."""
import os
import re
import subprocess
import sys
import textwrap
from urllib.parse import quote

from playwright.sync_api import expect

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng dữ liệu Bộ LĐTBXH</title></head>
<body>
  <h1>Bộ dữ liệu</h1>
  <form onsubmit="document.getElementById('out').textContent =
                    'Đã gửi: ' + this.q.value; return false;">
    <label for="q">Tìm kiếm</label> <input id="q" name="q">
    <button type="submit">Gửi yêu cầu</button>
  </form>
  <p id="out"></p>
  <p id="lang"></p>
  <script>
    document.getElementById("lang").textContent = navigator.language + " | " +
      new Intl.DateTimeFormat(undefined, {dateStyle: "full", timeStyle: "short"})
        .format(new Date(Date.UTC(2025, 6, 1, 1, 30)));
  </script>
</body></html>
"""


def test_chromium_shows_and_submits_a_vietnamese_page(page):
    page.goto("data:text/html;charset=utf-8," + quote(PAGE))
    assert page.title() == "Cổng dữ liệu Bộ LĐTBXH"
    expect(page.get_by_role("heading", level=1)).to_have_text("Bộ dữ liệu")
    page.get_by_label("Tìm kiếm").fill("lao động Hà Nội")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.locator("#out")).to_have_text("Đã gửi: lao động Hà Nội")
    # the context's locale and time zone (Asia/Ho_Chi_Minh, UTC+7): 01:30 UTC is
    # "08:30 Thứ Ba, 1 tháng 7, 2025" (the exact wording is ICU's, per version)
    expect(page.locator("#lang")).to_have_text(
        re.compile(r"^vi-VN \| .*08:30.*Thứ Ba, 1 tháng 7, 2025"))


def test_each_page_has_its_own_context(page, browser, tmp_path):
    html = tmp_path / "trang.html"
    html.write_text(PAGE, encoding="utf-8")
    page.goto(html.as_uri())
    page.evaluate("localStorage.setItem('k', 'giá trị')")
    assert page.evaluate("localStorage.getItem('k')") == "giá trị"
    other = browser.new_context().new_page()
    try:
        other.goto(html.as_uri())
        assert other.evaluate("localStorage.getItem('k')") is None
    finally:
        other.context.close()


def test_a_failing_browser_test_leaves_a_screenshot_and_the_html(tmp_path):
    """Runs a failing test in a pytest of its own (CKAN's plugin off, rooted in
    tmp_path) and looks for what the page fixture saves."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_fails.py").write_text(textwrap.dedent("""
        def test_sees_the_wrong_heading(page):
            page.set_content("<h1>Trang chủ</h1>")
            assert page.inner_text("h1") == "Bộ dữ liệu"
        """), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:ckan", "-p", "no:ckan_fixtures",
         "-p", "no:cacheprovider", "-p", "ckanext.molisa.testing.browser",
         "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini"), "test_fails.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed" in result.stdout, result.stdout
    saved = tmp_path / ".local" / "test-artifacts" / "test_fails.py_test_sees_the_wrong_heading"
    png = saved.with_name(saved.name + ".png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1000
    html = saved.with_name(saved.name + ".html").read_text(encoding="utf-8")
    assert "<h1>Trang chủ</h1>" in html
