"""``ckan molisa-sharing``: periodic duties."""
from __future__ import annotations

import logging
import time

import click

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import site_context

log = logging.getLogger(__name__)


@click.group(name="molisa-sharing", short_help="Data sharing: expiry and deadlines")
def molisa_sharing():
    pass


@molisa_sharing.command()
@click.option("--every", type=int, default=0,
              help="Repeat every N seconds (0: run once). make run starts it with 600.")
@click.pass_context
def sweep(ctx, every: int):
    """Expire grants past their period, flag overdue requests and usage
    reports (mail to the people concerned)."""
    while True:
        try:
            # a request context, as CKAN's own commands use: the mail is
            # written in the portal's language and its links are absolute
            with ctx.meta["flask_app"].test_request_context():
                counts = tk.get_action("molisa_sharing_sweep")(
                    site_context(ignore_auth=True), {})
            click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
        except Exception:  # keep the loop alive; the next round retries
            if not every:
                raise
            log.exception("sharing sweep failed")
        if not every:
            return
        time.sleep(every)


@molisa_sharing.command("load-demo")
@click.pass_context
def load_demo(ctx):
    """Demo requests, grants, a connection account and an inbound request
    (after `ckan molisa load-demo`). Idempotent."""
    with ctx.meta["flask_app"].test_request_context():
        result = tk.get_action("molisa_sharing_demo_load")(site_context(), {})
    click.echo(f"demo sharing requests made: {result['requests']}")


__all__ = ["molisa_sharing"]
