"""E-mail verification of self-registered accounts (R14.3), and the daily
limit on submissions.

An account created through the portal's registration form (``user_create``
by a visitor, not by an administrator or the e-ID login) is marked
unverified in its ``plugin_extras`` and sent a link through the real SMTP
server: a token signed with the site's secret (``itsdangerous``), naming the
account and the address, that expires after
``ckanext.molisa.wiki.verify_hours``. Following it (``molisa_wiki_verify``)
clears the mark; an unverified account cannot submit to WikiMolisa. An
address changed by the account itself (the chained ``user_update``) is
marked and sent a link the same way; a link for the old address no longer
verifies, since the token names the address.

Submissions per account per day are counted in Redis through the reports'
throttle (``ckanext.molisa.wiki.submissions_per_day``).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import mail
from ckanext.molisa.reports import throttle

KEY = "molisa_wiki"
SALT = "molisa-wiki-verify-email"
DAILY = "molisa_wiki:daily:"


def _serializer() -> URLSafeTimedSerializer:
    secret = tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret")
    return URLSafeTimedSerializer(secret, salt=SALT)


def is_unverified(user: Optional[model.User]) -> bool:
    extras = (getattr(user, "plugin_extras", None) or {}).get(KEY) or {}
    return bool(extras.get("unverified"))


def mark_unverified(user: model.User) -> None:
    extras = dict(user.plugin_extras or {})
    extras[KEY] = dict(extras.get(KEY) or {}, unverified=True)
    user.plugin_extras = extras


def mark_verified(user: model.User) -> None:
    extras = dict(user.plugin_extras or {})
    mine = dict(extras.get(KEY) or {})
    mine.pop("unverified", None)
    mine["verified_email"] = user.email
    mine["verified_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    extras[KEY] = mine
    user.plugin_extras = extras


def token_for(user: model.User) -> str:
    return _serializer().dumps({"u": user.id, "e": user.email})


def read_token(token: str) -> tuple[Optional[model.User], Optional[str]]:
    """(the account, None) for a good token; (None, an error message) else."""
    max_age = int(tk.config.get("ckanext.molisa.wiki.verify_hours")) * 3600
    try:
        data: Any = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return None, tk._("This verification link has expired: ask for a new one.")
    except BadSignature:
        return None, tk._("This verification link is not valid.")
    user = model.User.get(data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e"):
        return None, tk._("This verification link is not valid.")
    return user, None


@mail.in_portal_locale
def send_link(user: model.User, changed: bool = False) -> int:
    """The signed link, to the account's (new) address."""
    url = tk.url_for("molisa_wiki.verify", token=token_for(user), _external=True)
    hours = int(tk.config.get("ckanext.molisa.wiki.verify_hours"))
    if changed:
        lines = [tk._("The e-mail address of your account on the portal has been changed to "
                      "this one. Confirm it by opening this link within {hours} hours; until "
                      "then you cannot publish data in WikiMolisa:").format(hours=hours),
                 "", url, "",
                 tk._("If you did not change it, tell the portal's administrators.")]
    else:
        lines = [tk._("Welcome to the portal. Confirm your e-mail address to publish data in "
                      "WikiMolisa by opening this link within {hours} hours:").format(
                          hours=hours),
                 "", url, "",
                 tk._("If you did not create this account, ignore this message.")]
    body = "\n".join(lines)
    return mail.send([(user.display_name, user.email)],
                     "[WikiMolisa] " + tk._("Confirm your e-mail address"), body,
                     what="WikiMolisa verification mail")


def take_daily(user_id: str) -> bool:
    """Count one submission of the account today; False when the day's
    limit is reached."""
    limit = max(1, int(tk.config.get("ckanext.molisa.wiki.submissions_per_day")))
    site = tk.config.get("ckan.site_id") or "ckan"
    key = f"{DAILY}{site}:{user_id}:{datetime.date.today().isoformat()}"
    return throttle.take_keys([key], limit, 86400)


def forget() -> None:
    throttle.forget(DAILY)
