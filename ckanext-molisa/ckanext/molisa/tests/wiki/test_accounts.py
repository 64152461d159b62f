"""New accounts and WikiMolisa (R14.3): a self-registered account confirms
its address through a signed, expiring link sent by the real SMTP server
before it may submit; submissions per account per day are limited in Redis."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
from ckan import model

from ckanext.molisa.testing.factories import act

from .conftest import submission

pytestmark = pytest.mark.usefixtures("with_request_context")

LINK = re.compile(r"https?://\S+/wikimolisa/verify/(\S+)")


def _register(name: str, email: str) -> dict:
    """user_create as the registration form calls it: by a visitor."""
    return helpers.call_action("user_create", context={"user": "", "ignore_auth": False},
                               name=name, email=email, password="Mat-khau-dai-2026!")


@pytest.mark.req("R14.3")
def test_a_self_registered_account_confirms_its_address_before_submitting(world, mailbox):
    user = _register("nguoi-moi", "nguoi.moi@example.vn")
    with pytest.raises(tk.NotAuthorized) as err:
        act(user, "molisa_wiki_submit", **submission())
    assert "xác nhận" in str(err.value).lower() or "confirm" in str(err.value).lower()
    mailbox.wait_for(1)
    (message,) = mailbox.to("nguoi.moi@example.vn")
    token = LINK.search(message.get_content()).group(1)
    # a token altered, or for another account, is refused per field
    with pytest.raises(tk.ValidationError) as err:
        act(None, "molisa_wiki_verify", token=token[:-2] + "xx")
    assert list(err.value.error_dict) == ["token"]
    assert act(None, "molisa_wiki_verify", token=token) == {
        "name": "nguoi-moi", "verified": True, "already": False}
    assert act(user, "molisa_wiki_submit", **submission())["state"] == "submitted"
    # accounts an administrator creates are not asked
    assert act(world.citizen, "molisa_wiki_submit", **submission())["state"] == "submitted"


@pytest.mark.req("R14.3")
@pytest.mark.ckan_config("ckanext.molisa.wiki.verify_hours", "1")
def test_an_expired_link_is_refused(world, mailbox, monkeypatch):
    import time

    from itsdangerous.timed import TimestampSigner

    from ckanext.molisa.wiki import verification
    _register("nguoi-cham", "nguoi.cham@example.vn")
    user = model.User.get("nguoi-cham")
    # a link signed two hours ago (the signer's clock set back while signing)
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 7200)
        token = verification.token_for(user)
    with pytest.raises(tk.ValidationError) as err:
        act(None, "molisa_wiki_verify", token=token)
    assert list(err.value.error_dict) == ["token"]
    assert model.User.get("nguoi-cham").plugin_extras["molisa_wiki"]["unverified"]
    # the same link signed now is good
    assert act(None, "molisa_wiki_verify", token=verification.token_for(user))["verified"]


@pytest.mark.req("R14.3")
@pytest.mark.ckan_config("ckanext.molisa.wiki.submissions_per_day", "2")
def test_submissions_per_account_per_day_are_limited(world):
    act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng một"))
    act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng hai"))
    with pytest.raises(tk.ValidationError) as err:
        act(world.citizen, "molisa_wiki_submit", **submission(title="Bảng ba"))
    assert list(err.value.error_dict) == ["account"]
    act(world.neighbour, "molisa_wiki_submit", **submission(title="Bảng ba"))


@pytest.mark.req("R14.3")
def test_a_changed_address_is_verified_again_before_the_account_submits(world, mailbox):
    from ckanext.molisa.wiki import verification
    act(world.citizen, "user_patch", id=world.citizen["id"], email="dia.chi.moi@example.vn")
    with pytest.raises(tk.NotAuthorized) as err:
        act(world.citizen, "molisa_wiki_submit", **submission())
    assert "xác nhận địa chỉ thư điện tử" in str(err.value).lower()
    mailbox.wait_for(1)
    (message,) = mailbox.to("dia.chi.moi@example.vn")
    assert "đã được đổi" in message.get_content() and not mailbox.to("cong.dan@example.vn")
    token = LINK.search(message.get_content()).group(1)
    # a link for the address before is no longer good: the token names it
    user = model.User.get(world.citizen["id"])
    stale = verification._serializer().dumps({"u": user.id, "e": "cong.dan@example.vn"})
    with pytest.raises(tk.ValidationError):
        act(None, "molisa_wiki_verify", token=stale)
    assert act(None, "molisa_wiki_verify", token=token)["verified"]
    assert act(world.citizen, "molisa_wiki_submit", **submission())["state"] == "submitted"
    # the same address again, or another field, asks nothing; an address a
    # sysadmin sets for someone else is trusted
    act(world.citizen, "user_patch", id=world.citizen["id"], fullname="Công Dân")
    act(world.sysadmin, "user_patch", id=world.neighbour["id"], email="hang.xom.2@example.vn")
    assert not verification.is_unverified(model.User.get(world.citizen["id"]))
    assert not verification.is_unverified(model.User.get(world.neighbour["id"]))
    assert len(mailbox) == 1
