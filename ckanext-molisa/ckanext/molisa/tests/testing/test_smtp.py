"""The tests' SMTP server (ckanext.molisa.testing.smtp): CKAN's own mailer sends to it over
TCP, and the test reads the message back decoded.

No database: these tests use neither clean_db nor the web server."""
import smtplib

import pytest
from ckan.lib import mailer


def test_ckan_mailer_delivers_a_vietnamese_message(mailbox):
    assert mailbox.messages == []
    mailer.mail_recipient(
        "Nguyễn Văn An", "an.nguyen@example.vn",
        "Yêu cầu chia sẻ dữ liệu đã được phê duyệt",
        "Kính gửi ông Nguyễn Văn An,\n\nYêu cầu khai thác bộ dữ liệu "
        "«Lao động có việc làm» của đơn vị Cục Việc làm đã được phê duyệt.\n",
    )
    [msg] = mailbox.wait_for(1)
    assert msg["Subject"] == "Yêu cầu chia sẻ dữ liệu đã được phê duyệt"
    assert msg["To"].addresses[0].display_name == "Nguyễn Văn An"
    assert msg["To"].addresses[0].addr_spec == "an.nguyen@example.vn"
    assert msg["From"].addresses[0].addr_spec == "congdulieu@molisa.gov.vn"   # smtp.mail_from
    body = msg.get_content()
    assert "Kính gửi ông Nguyễn Văn An," in body
    assert "«Lao động có việc làm» của đơn vị Cục Việc làm đã được phê duyệt." in body
    assert mailbox.to("an.nguyen@example.vn") == [msg]
    assert mailbox.to("AN.NGUYEN@example.vn") == [msg]
    assert mailbox.to("someone.else@example.vn") == []


def test_each_test_starts_with_an_empty_mailbox_and_recipients_come_from_the_envelope(
        mailbox, mail_server):
    assert mailbox.messages == []
    # the envelope, not the To header, says who receives a message (Bcc)
    raw = ("From: congdulieu@molisa.gov.vn\r\nTo: a@example.vn\r\n"
           "Subject: =?utf-8?b?VGjhu60=?=\r\n\r\n1\r\n").encode()
    with smtplib.SMTP(mail_server.host, mail_server.port, timeout=10) as smtp:
        smtp.sendmail("congdulieu@molisa.gov.vn", ["a@example.vn", "b@example.vn"], raw)
        smtp.sendmail("congdulieu@molisa.gov.vn", ["b@example.vn"],
                      raw.replace(b"VGjhu60=", b"SGFp"))
    first, second = mailbox.wait_for(2)
    assert (first["Subject"], second["Subject"]) == ("Thử", "Hai")
    assert mailbox.to("a@example.vn") == [first]
    assert mailbox.to("b@example.vn") == [first, second]
    assert [r.rcpt_tos for r in mailbox.received] == [("a@example.vn", "b@example.vn"),
                                                      ("b@example.vn",)]
    # the interface of CKAN's FakeSMTP, kept for tests written against it
    assert [m[1:3] for m in mail_server.get_smtp_messages()] == [
        ("congdulieu@molisa.gov.vn", ["a@example.vn", "b@example.vn"]),
        ("congdulieu@molisa.gov.vn", ["b@example.vn"])]
    with pytest.raises(pytest.fail.Exception, match="expected 3 mail message"):
        mailbox.wait_for(3, timeout=0.2)
