"""The fetch every check reads through: only http(s), no private or loopback
address unless allowed, redirects checked hop by hop, bytes bounded."""
from __future__ import annotations

import http.server
import socket
import sys
import threading
from types import SimpleNamespace

import pytest
import requests

from ckanext.molisa.quality import fetch

from .conftest import CSV, Site, _handler

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


# --- DNS rebinding: the name is resolved once per hop, by the guard, and the
# connection goes to the address it checked ------------------------------------

class _NetworkLog:
    """Every name resolution and connection this process makes while
    ``recording`` (Python's audit events ``socket.getaddrinfo`` and
    ``socket.connect``, raised by the socket module itself)."""

    def __init__(self):
        self.recording = False
        self.events: list[tuple[str, tuple]] = []
        self.lock = threading.Lock()

    def __call__(self, event, args):
        if self.recording and event in ("socket.getaddrinfo", "socket.connect"):
            with self.lock:
                self.events.append((event, args))

    def lookups(self, name: str) -> int:
        return sum(1 for e, a in self.events if e == "socket.getaddrinfo" and a[0] == name)

    def connections(self, port: int) -> list[str]:
        return [a[1][0] for e, a in self.events
                if e == "socket.connect" and isinstance(a[1], tuple) and len(a[1]) >= 2
                and a[1][1] == port]


_NETWORK_LOG = _NetworkLog()
sys.addaudithook(_NETWORK_LOG)   # audit hooks cannot be removed: one for the session


@pytest.fixture
def network_log():
    _NETWORK_LOG.events.clear()
    _NETWORK_LOG.recording = True
    yield _NETWORK_LOG
    _NETWORK_LOG.recording = False


@pytest.fixture
def named_server():
    """The loopback file server on the address ``localhost`` resolves to
    first (127.0.0.1, or ::1 where /etc/hosts says so), reached by name."""
    site = Site()
    site.routes.update({"/data.csv": (200, "text/csv", CSV),
                        "/moved": ("redirect", "/data.csv")})
    family, _, _, _, sockaddr = socket.getaddrinfo("localhost", 0, proto=socket.IPPROTO_TCP)[0]
    server_class = type("Server", (http.server.ThreadingHTTPServer,),
                        {"address_family": family})
    server = server_class((sockaddr[0], 0), _handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    yield SimpleNamespace(site=site, port=port, address=sockaddr[0],
                          url=lambda path: f"http://localhost:{port}{path}")
    server.shutdown()
    server.server_close()


@pytest.mark.req("R6.2")
def test_a_name_that_resolves_to_a_forbidden_address_is_refused(named_server, network_log):
    got = fetch.fetch_url(named_server.url("/data.csv"))
    assert got.refused and got.error == fetch.REFUSED_ADDRESS
    assert named_server.site.hits == {}
    assert network_log.connections(named_server.port) == []


@pytest.mark.req("R6.2")
@pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8 ::1/128")
def test_an_allowed_name_is_fetched_from_the_address_the_guard_checked(named_server,
                                                                       network_log):
    """Through a redirect: each hop's name is resolved once (the guard's
    look-up), the HTTP library resolves nothing, and every connection goes
    to the checked address, so a DNS answer that changes after the check
    (rebinding) is never used."""
    got = fetch.fetch_url(named_server.url("/moved"))
    assert got.ok and got.status == 200 and got.body == CSV
    assert got.url == named_server.url("/data.csv")
    assert named_server.site.hits == {"/moved": 1, "/data.csv": 1}
    assert network_log.lookups("localhost") == 2                 # one per hop
    connected = network_log.connections(named_server.port)
    assert connected and set(connected) == {named_server.address}
    # the server saw the name, not the address, in the Host header
    assert named_server.site.hosts == {f"localhost:{named_server.port}"}


@pytest.mark.req("R6.2")
@pytest.mark.ckan_config("ckanext.molisa.quality.allowed_networks", "127.0.0.0/8 ::1/128")
def test_a_request_without_a_checked_address_is_not_sent(named_server, network_log):
    session = fetch.new_session()
    with pytest.raises(requests.RequestException):
        session.get(named_server.url("/data.csv"), timeout=5)
    assert named_server.site.hits == {}
    assert network_log.connections(named_server.port) == []
