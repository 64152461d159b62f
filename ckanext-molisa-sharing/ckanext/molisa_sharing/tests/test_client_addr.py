"""The client address a grant's allowed addresses are checked against
(R12.5): behind a trusted reverse proxy, the forwarded one; never one that a
client forged."""
import pytest

from ckanext.molisa_sharing import access

XFF = "X-Forwarded-For"


def _addr(app, remote, forwarded=None):
    headers = {XFF: forwarded} if forwarded else {}
    with app.flask_app.test_request_context("/", environ_base={"REMOTE_ADDR": remote},
                                            headers=headers):
        return access.client_addr()


@pytest.mark.req("R12.5")
def test_without_trusted_proxies_the_peer_is_the_client(app):
    assert _addr(app, "10.0.0.2", "203.0.113.7") == "10.0.0.2"


@pytest.mark.req("R12.5")
@pytest.mark.ckan_config("ckanext.molisa_sharing.trusted_proxies", "10.0.0.0/24")
def test_behind_a_trusted_proxy_the_forwarded_client_counts(app):
    assert _addr(app, "10.0.0.2", "203.0.113.7") == "203.0.113.7"
    # a forged header arrives first in the list; the proxy appends the real peer
    assert _addr(app, "10.0.0.2", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    # a client outside the proxies cannot claim another address
    assert _addr(app, "192.0.2.9", "10.0.0.5") == "192.0.2.9"
    # nothing forwarded: the proxy itself
    assert _addr(app, "10.0.0.2") == "10.0.0.2"
