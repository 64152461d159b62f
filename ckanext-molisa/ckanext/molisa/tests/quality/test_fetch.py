"""The fetch every check reads through: only http(s), no private or loopback
address unless allowed, redirects checked hop by hop, bytes bounded."""
from __future__ import annotations

import pytest

from ckanext.molisa.quality import fetch

LOOPBACK = pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8")


@pytest.mark.req("R6.2")
def test_loopback_is_refused_by_default_and_nothing_is_sent(files):
    got = fetch.fetch_url(files.url("/data.csv"))
    assert got.error == fetch.REFUSED_ADDRESS and got.refused
    assert files.site.hits == {}


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://a/",
                                 "http:///nohost", "http://[::1", "javascript:alert(1)"])
def test_other_schemes_and_bad_addresses_are_refused(url):
    got = fetch.fetch_url(url)
    assert got.refused and got.error == fetch.REFUSED_SCHEME


@pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "10.0.0.0/8")
def test_private_addresses_outside_the_allow_list_stay_refused(files):
    assert fetch.check_url("http://169.254.169.254/latest/meta-data/") == fetch.REFUSED_ADDRESS
    assert fetch.check_url("http://192.168.1.1/") == fetch.REFUSED_ADDRESS
    assert fetch.check_url(files.url("/data.csv")) == fetch.REFUSED_ADDRESS
    assert fetch.check_url("http://10.1.2.3/") is None


@LOOPBACK
def test_an_allowed_loopback_server_is_fetched_with_status_type_and_size(files):
    got = fetch.fetch_url(files.url("/data.csv"))
    assert got.ok and got.status == 200 and got.content_type == "text/csv"
    assert got.size == len(got.body) > 0 and not got.truncated


@LOOPBACK
def test_a_redirect_is_followed_and_checked(files):
    got = fetch.fetch_url(files.url("/moved"))
    assert got.ok and got.url.endswith("/data.csv")
    # a redirect to a refused address is refused at that hop
    files.site.routes["/to-metadata"] = ("redirect", "http://169.254.169.254/latest/")
    got = fetch.fetch_url(files.url("/to-metadata"))
    assert got.refused and got.error == fetch.REFUSED_ADDRESS


@LOOPBACK
def test_redirect_loops_end(files):
    files.site.routes["/loop"] = ("redirect", "/loop")
    got = fetch.fetch_url(files.url("/loop"))
    assert got.error == fetch.TOO_MANY_REDIRECTS
    assert files.site.hits["/loop"] == fetch.MAX_REDIRECTS + 1


@LOOPBACK
@pytest.mark.ckan_config("ckanext.molisa.quality.max_bytes", "100")
def test_no_more_than_max_bytes_are_kept(files):
    files.site.routes["/big.csv"] = (200, "text/csv", b"a,b\n" + b"1,2\n" * 10000)
    got = fetch.fetch_url(files.url("/big.csv"))
    assert got.ok and got.truncated and len(got.body) == 100 and got.size == 40004


@LOOPBACK
def test_http_errors_and_closed_ports_are_failures(files):
    got = fetch.fetch_url(files.url("/error"))
    assert got.error == fetch.HTTP_STATUS and got.status == 500
    got = fetch.fetch_url(files.url("/nowhere"))
    assert got.error == fetch.HTTP_STATUS and got.status == 404
    got = fetch.fetch_url("http://127.0.0.1:9/closed")
    assert got.error == fetch.CONNECTION and not got.refused


@LOOPBACK
@pytest.mark.ckan_config("ckanext.molisa.quality.read_timeout", "0.3")
def test_a_server_that_does_not_answer_times_out(files):
    import socket
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)          # accepts the connection, never answers
    try:
        got = fetch.fetch_url(f"http://127.0.0.1:{listener.getsockname()[1]}/slow")
    finally:
        listener.close()
    assert got.error == fetch.TIMEOUT
