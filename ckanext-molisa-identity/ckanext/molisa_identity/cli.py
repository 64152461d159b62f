"""``ckan molisa-identity``: the IT Centre's commands."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import site_context


@click.group(name="molisa-identity", short_help="Identity: second factors, invitations")
def molisa_identity():
    pass


@molisa_identity.command("reset-second-factor")
@click.argument("user")
def reset_second_factor(user):
    """Remove USER's authenticator and recovery codes (a lost phone); they
    set up a new one at their next log-in."""
    try:
        result = tk.get_action("molisa_identity_totp_reset")(
            site_context(ignore_auth=True), {"user": user})
    except tk.ValidationError as e:
        raise click.ClickException(str(e.error_dict))
    click.echo(f"{result['user']}: " + ("authenticator and recovery codes removed"
                                         if result["reset"] else "had no authenticator"))


__all__ = ["molisa_identity"]
