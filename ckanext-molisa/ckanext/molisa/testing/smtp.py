"""A real SMTP server for the tests (a pytest plugin: the root conftest.py
names it in ``pytest_plugins``).

``mail_server`` (session; also named ``molisa_mail_server``) runs aiosmtpd on
the host and port of the test configuration's ``smtp.server`` (.local/test.ini:
127.0.0.1:10026), in a thread of the test process; CKAN's mailer, in the test
process or in the ``web_server``'s gunicorn, talks SMTP to it over TCP as to
any mail server. It replaces CKAN's own ``mail_server`` fixture, which swaps
``smtplib.SMTP`` for a fake (and keeps that fake's ``get_smtp_messages()``).
``mailbox`` (function) empties it and gives the test what arrives::

    def test_it(mailbox):
        ...                                     # something that sends mail
        [msg] = mailbox.wait_for(1)
        assert msg["Subject"] == "..." and "..." in msg.get_content()
        assert mailbox.to("user@example.vn") == [msg]

Messages are ``email.message.EmailMessage`` parsed with ``email.policy.default``:
headers come decoded (``msg["Subject"]``), ``msg.get_content()`` is the text
of a single-part message, ``msg.get_body(("plain",)).get_content()`` that of a
multipart one.
"""
from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

import pytest

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 10026


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the SMTP envelope and the message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes


class _Handler:
    """aiosmtpd handler that keeps every message, in arrival order."""

    def __init__(self):
        self._cond = threading.Condition()
        self._received: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        try:
            message = email.message_from_bytes(raw, policy=email.policy.default)
        except Exception as e:  # a test's problem to see, not the server's to hide
            return f"554 Transaction failed: unparsable message ({e!r})"
        received = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=message,
            raw=raw,
        )
        with self._cond:
            self._received.append(received)
            self._cond.notify_all()
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[Received]:
        with self._cond:
            return list(self._received)

    def clear(self) -> None:
        with self._cond:
            self._received.clear()

    def wait_for(self, count: int, timeout: float) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self._received)


class MailServer:
    """The running server (``mail_server``)."""

    def __init__(self, host: str, port: int):
        from aiosmtpd.controller import Controller

        self.host, self.port = host, port
        self._handler = _Handler()
        self._controller = Controller(
            self._handler, hostname=host, port=port, enable_SMTPUTF8=True,
            ready_timeout=10)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def received(self) -> list[Received]:
        """Everything received since the last ``clear()``, envelopes included."""
        return self._handler.snapshot()

    def clear(self) -> None:
        self._handler.clear()

    # The interface of CKAN's FakeSMTP (ckan.tests.helpers), for tests written
    # against CKAN's own mail_server fixture.
    def get_smtp_messages(self) -> list[tuple[None, str, list[str], str]]:
        return [(None, r.mail_from, list(r.rcpt_tos), r.raw.decode("utf-8", "replace"))
                for r in self.received]

    def clear_smtp_messages(self) -> None:
        self.clear()


class Mailbox:
    """What a test reads (``mailbox``)."""

    def __init__(self, server: MailServer):
        self._server = server
        self._handler = server._handler

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages received since the test began, in arrival order."""
        return [r.message for r in self._handler.snapshot()]

    @property
    def received(self) -> list[Received]:
        """The same, with their SMTP envelopes."""
        return self._handler.snapshot()

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """Waits until at least ``count`` messages have arrived and returns them
        all; fails the test if they have not after ``timeout`` seconds."""
        received = self._handler.wait_for(count, timeout)
        if len(received) < count:
            pytest.fail(
                f"expected {count} mail message(s) within {timeout}s, got {len(received)}:"
                + "".join(f"\n  to {list(r.rcpt_tos)}: {r.message['Subject']!r}"
                          for r in received),
                pytrace=False)
        return [r.message for r in received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope (RCPT TO) names ``address``, in arrival
        order (addresses compared without regard to case)."""
        wanted = address.strip().casefold()
        return [r.message for r in self._handler.snapshot()
                if any(rcpt.casefold() == wanted for rcpt in r.rcpt_tos)]

    def clear(self) -> None:
        self._handler.clear()

    def __len__(self) -> int:
        return len(self._handler.snapshot())


def _configured_address() -> tuple[str, int]:
    """host and port of ``smtp.server`` in the CKAN configuration the tests
    run with (CKAN's pytest plugin has loaded it by now)."""
    try:
        from ckan.common import config
        value = (config.get("smtp.server") or "").strip()
    except Exception:
        value = ""
    if not value:
        return DEFAULT_HOST, DEFAULT_PORT
    host, _, port = value.rpartition(":")
    if not host:  # "host" alone: SMTP's port
        return value, 25
    return host, int(port)


@pytest.fixture(scope="session")
def molisa_mail_server():
    """A real SMTP server on the configured ``smtp.server`` for the whole session."""
    host, port = _configured_address()
    busy = f"; is another test session running, or something else on {host}:{port}?"
    with socket.socket() as probe:
        probe.settimeout(2)
        if probe.connect_ex((host, port)) == 0:
            pytest.fail("cannot start the test SMTP server: the port is taken" + busy,
                        pytrace=False)
    server = MailServer(host, port)
    try:
        server.start()
    except Exception as e:
        pytest.fail(f"cannot start the test SMTP server ({e!r})" + busy, pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_server(molisa_mail_server):
    """The same server under the name of CKAN's fixture, which it overrides
    when this plugin is registered after CKAN's (``pytest_plugins`` of the
    root conftest.py is); ``mailbox`` does not depend on that order."""
    return molisa_mail_server


@pytest.fixture
def mailbox(molisa_mail_server):
    """The test server's mailbox, emptied for this test."""
    molisa_mail_server.clear()
    yield Mailbox(molisa_mail_server)
    molisa_mail_server.clear()
