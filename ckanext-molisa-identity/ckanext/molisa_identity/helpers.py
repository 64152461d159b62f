"""Template helpers of ckanext-molisa-identity."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from . import accounts, guard, oidc


def molisa_identity_oidc_enabled() -> bool:
    return oidc.enabled()


def molisa_identity_label() -> str:
    return tk.config.get("ckanext.molisa_identity.oidc.label") or "VNeID"


def molisa_identity_read_only() -> bool:
    """True for a session that must step up before changing anything."""
    user = tk.current_user
    return bool(guard.second_factor_required() and user and user.is_authenticated
                and not tk.g.get("login_via_auth_header") and not guard.has_second_factor()
                and accounts.can_edit(user))


__all__ = ["molisa_identity_oidc_enabled", "molisa_identity_label", "molisa_identity_read_only"]
