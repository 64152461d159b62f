"""The one way the quality checks read a resource: bounded and guarded.

* Only ``http`` and ``https``; every address the host name resolves to must
  be public (not private, loopback, link-local, multicast or reserved) unless
  it lies in ``ckanext.molisa.quality.allowed_networks`` (an allow-list of
  networks, empty by default; the tests allow 127.0.0.0/8). Redirects are
  followed by hand, each hop checked the same way, at most
  ``MAX_REDIRECTS``.
* The host name is resolved once per hop, by the guard, and the connection
  goes to the address the guard checked (:class:`PinnedAdapter`: the Host
  header, TLS SNI and certificate check still use the name). The HTTP library
  never resolves the name again, so a DNS answer that changes between the
  check and the connection (DNS rebinding) cannot lead it elsewhere. Proxies
  from the environment are not used: a proxy would resolve the name itself.
* Connect and read timeouts and a maximum number of bytes read
  (``ckanext.molisa.quality.connect_timeout``, ``read_timeout``,
  ``max_bytes``): a larger body is read up to the limit and marked truncated.
* A file uploaded to the portal is read from the file store, not over HTTP.

:func:`fetch` never raises for a failure of the remote side: it returns a
:class:`Fetched` whose ``error`` says what went wrong.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
import socket
from typing import Any, Optional
from urllib.parse import urljoin, urlsplit

import requests

import ckan.plugins.toolkit as tk

MAX_REDIRECTS = 5
USER_AGENT = "MOLISA-portal-quality-check/1.0"

# error codes (translated for display by quality/labels.py)
REFUSED_SCHEME = "scheme"
REFUSED_ADDRESS = "address"
UNRESOLVED = "dns"
TIMEOUT = "timeout"
CONNECTION = "connection"
TOO_MANY_REDIRECTS = "redirects"
MISSING_FILE = "missing_file"
HTTP_STATUS = "http_status"


@dataclasses.dataclass
class Fetched:
    url: str
    status: Optional[int] = None
    content_type: str = ""
    size: Optional[int] = None          # Content-Length or the file's size
    body: bytes = b""                   # at most max_bytes
    truncated: bool = False
    error: Optional[str] = None         # one of the codes above, None when it answered 2xx
    refused: bool = False               # the guard refused it: nothing was sent

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "content_type": self.content_type,
                "size": self.size, "bytes_read": len(self.body), "truncated": self.truncated,
                "error": self.error}


def connect_timeout() -> float:
    return float(tk.config.get("ckanext.molisa.quality.connect_timeout"))


def read_timeout() -> float:
    return float(tk.config.get("ckanext.molisa.quality.read_timeout"))


def max_bytes() -> int:
    return int(tk.config.get("ckanext.molisa.quality.max_bytes"))


def allowed_networks() -> list[ipaddress._BaseNetwork]:
    value = tk.config.get("ckanext.molisa.quality.allowed_networks") or ""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [ipaddress.ip_network(v, strict=False) for v in value]


def _public(address: ipaddress._BaseAddress) -> bool:
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified)


def resolve(host: str, port: int) -> tuple[Optional[str], Optional[str]]:
    """(error code, None) unless every address ``host`` resolves to may be
    fetched; then (None, the address to connect to): the first one the
    resolver gave."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return UNRESOLVED, None
    if not infos:
        return UNRESOLVED, None
    allowed = allowed_networks()
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if _public(address):
            continue
        if not any(address.version == net.version and address in net for net in allowed):
            return REFUSED_ADDRESS, None
    return None, str(ipaddress.ip_address(infos[0][4][0].split("%")[0]))


def address_allowed(host: str, port: int) -> Optional[str]:
    """None if every address ``host`` resolves to may be fetched, else the
    error code."""
    return resolve(host, port)[0]


def resolve_url(url: str) -> tuple[Optional[str], Optional[str]]:
    """(error code, None) if ``url`` may not be fetched, else (None, the
    checked address to connect to)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return REFUSED_SCHEME, None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return REFUSED_SCHEME, None
    return resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))


def check_url(url: str) -> Optional[str]:
    """None if ``url`` may be fetched, else the error code."""
    return resolve_url(url)[0]


class PinnedAdapter(requests.adapters.HTTPAdapter):
    """Connects to the address the guard checked (the prepared request's
    ``molisa_address``) instead of resolving the host name again; TLS
    still sends and verifies the name (SNI, certificate). A request without
    a checked address is not sent."""

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert)
        address = getattr(request, "molisa_address", None)
        if not address:
            raise ValueError("no checked address for this request")
        name = host_params["host"]
        host_params["host"] = address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


def new_session(connections: int = 1) -> requests.Session:
    """A session whose every connection goes to a checked address."""
    session = requests.Session()
    session.trust_env = False                 # no proxy, no .netrc from the environment
    adapter = PinnedAdapter(pool_connections=connections, pool_maxsize=connections)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1]


def fetch_url(url: str, session: Optional[requests.Session] = None) -> Fetched:
    own = session is None
    session = session or new_session()
    try:
        return _fetch_url(url, session)
    finally:
        if own:
            session.close()


def _fetch_url(url: str, session: requests.Session) -> Fetched:
    limit = max_bytes()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        refused, address = resolve_url(current)
        if refused:
            return Fetched(url=current, error=refused, refused=refused != UNRESOLVED)
        try:
            prepared = session.prepare_request(requests.Request(
                "GET", current, headers={"User-Agent": USER_AGENT}))
            prepared.headers["Host"] = _host_header(prepared.url)     # the name, IDNA-encoded
            prepared.molisa_address = address
            response = session.send(prepared, stream=True, allow_redirects=False,
                                    timeout=(connect_timeout(), read_timeout()))
        except requests.Timeout:
            return Fetched(url=current, error=TIMEOUT)
        except (requests.RequestException, ValueError):
            return Fetched(url=current, error=CONNECTION)
        with response:
            if response.is_redirect and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            result = Fetched(url=current, status=response.status_code,
                             content_type=_media_type(response.headers.get("Content-Type")))
            length = response.headers.get("Content-Length")
            result.size = int(length) if length and length.isdigit() else None
            if response.status_code >= 400:
                result.error = HTTP_STATUS
                return result
            chunks, read = [], 0
            try:
                for chunk in response.iter_content(64 * 1024):
                    chunks.append(chunk)
                    read += len(chunk)
                    if read >= limit:
                        result.truncated = read > limit or _more(response)
                        break
            except requests.Timeout:
                result.error = TIMEOUT
            except requests.RequestException:
                result.error = CONNECTION
            result.body = b"".join(chunks)[:limit]
            if result.size is None and not result.truncated and result.error is None:
                result.size = len(result.body)
            return result
    return Fetched(url=current, error=TOO_MANY_REDIRECTS)


def _more(response) -> bool:
    try:
        return bool(next(response.iter_content(1), b""))
    except (requests.RequestException, StopIteration):
        return False


def _media_type(value: Optional[str]) -> str:
    return (value or "").split(";")[0].strip().lower()


def fetch_upload(resource: dict[str, Any]) -> Fetched:
    """A file uploaded to the portal, read from the file store."""
    from ckan.lib import uploader
    upload = uploader.get_resource_uploader(resource)
    path = upload.get_path(resource["id"]) if hasattr(upload, "get_path") else None
    url = resource.get("url") or ""
    if not path or not os.path.isfile(path):
        return Fetched(url=url, error=MISSING_FILE)
    size = os.path.getsize(path)
    limit = max_bytes()
    with open(path, "rb") as f:
        body = f.read(limit)
    return Fetched(url=url, status=200, content_type=(resource.get("mimetype") or "").lower(),
                   size=size, body=body, truncated=size > limit)


def fetch(resource: dict[str, Any], session: Optional[requests.Session] = None) -> Fetched:
    if resource.get("url_type") == "upload":
        return fetch_upload(resource)
    return fetch_url((resource.get("url") or "").strip(), session)
