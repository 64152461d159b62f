"""``ckan molisa ...``: thin callers of ckanext-molisa's actions."""
from __future__ import annotations

import os
import secrets

import click

import ckan.plugins.toolkit as tk

from .contexts import site_context


@click.group(short_help="MOLISA portal: units, code lists, demo data.")
def molisa():
    """MOLISA portal commands."""


@molisa.command("seed-units")
def seed_units():
    """Create the 45 units of the annex of Decision 2327 (idempotent)."""
    result = tk.get_action("molisa_units_seed")(site_context(), {})
    click.secho(
        f"units: {len(result['created'])} created, {len(result['updated'])} updated, "
        f"{len(result['unchanged'])} unchanged", fg="green")


@molisa.command("load-demo")
@click.option("--limit", type=int, default=None, help="Load only the first N datasets.")
@click.option("--no-datastore", is_flag=True, help="Do not load rows into the DataStore.")
def load_demo(limit, no_datastore):
    """Load the demo catalogue (datasets that exist are skipped)."""
    data = {"with_datastore": not no_datastore}
    if limit is not None:
        data["limit"] = limit
    result = tk.get_action("molisa_demo_load")(site_context(), data)
    click.secho(
        f"demo datasets: {len(result['created'])} created, {len(result['skipped'])} already there",
        fg="green")


@molisa.command("ensure-sysadmin")
@click.argument("name")
@click.option("--email", default=None, help="E-mail address (default NAME@localhost).")
@click.option("--password-file", type=click.Path(dir_okay=False), required=True,
              help="Read the password from this file; if the file does not exist, "
                   "generate a password, write it there (mode 600) and print it once.")
def ensure_sysadmin(name, email, password_file):
    """Create sysadmin NAME unless it exists. The password never goes on the
    command line (it would show in the process list)."""
    context = site_context()
    try:
        user = tk.get_action("user_show")(context, {"id": name})
    except tk.ObjectNotFound:
        user = None
    if user is None:
        generated = not os.path.exists(password_file)
        if generated:
            password = secrets.token_urlsafe(18)
            fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(password + "\n")
        else:
            with open(password_file) as f:
                password = f.read().strip()
        user = tk.get_action("user_create")(
            dict(context), {"name": name, "email": email or f"{name}@localhost",
                            "password": password})
        click.secho(f"sysadmin {name} created", fg="green")
        if generated:
            click.secho(f"  password (shown once, kept in {password_file}): {password}",
                        fg="yellow")
    if not user.get("sysadmin"):
        from ckan import model
        obj = model.User.get(name)
        obj.sysadmin = True
        model.Session.commit()
        click.secho(f"{name} is a sysadmin", fg="green")
    else:
        click.echo(f"sysadmin {name} exists")


def _sweep(ctx, action, data: dict, every: int, what: str) -> None:
    """Call the sweep ``action`` (or each of a tuple of them) as the site
    user once, or every ``every``
    seconds (a failed round is logged and the next one retries), printing
    its counts."""
    import logging
    import time
    log = logging.getLogger(__name__)
    while True:
        try:
            # a request context: mail in the portal's language, absolute links
            with ctx.meta["flask_app"].test_request_context():
                counts = {}
                for name in (action if isinstance(action, tuple) else (action,)):
                    counts.update(tk.get_action(name)(site_context(ignore_auth=True),
                                                      dict(data)))
            click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
        except tk.ValidationError as exc:
            raise click.BadParameter(str(exc.error_dict))
        except Exception:  # keep the loop alive; the next round retries
            if not every:
                raise
            log.exception("%s failed", what)
        if not every:
            return
        time.sleep(every)


_EVERY = click.option("--every", type=int, default=0,
                      help="Repeat every N seconds (0: run once). make run starts it with 3600.")
_TODAY = click.option("--today", default=None, help="Sweep as on this day (YYYY-MM-DD).")


@molisa.command("odl-sweep")
@_EVERY
@_TODAY
@click.pass_context
def odl_sweep(ctx, every: int, today):
    """Open Data List: mail the units whose entries fall due soon, escalate
    overdue entries to the IT Centre (each once per due date)."""
    _sweep(ctx, "molisa_odl_sweep", {"today": today} if today else {}, every,
           "open data list sweep")


@molisa.command("report-sweep")
@_EVERY
@_TODAY
@click.pass_context
def report_sweep(ctx, every: int, today):
    """Reports of problems: remind the units of acknowledgements and
    resolutions falling due, escalate overdue reports to the IT Centre (each
    once per report, step and due date); WikiMolisa: purge the rejected
    submissions kept longer than ckanext.molisa.wiki.rejected_keep_days."""
    _sweep(ctx, ("molisa_report_sweep", "molisa_wiki_sweep"), {"today": today} if today else {}, every,
           "report sweep")


@molisa.command("quality-sweep")
@click.option("--every", type=int, default=0,
              help="Repeat every N seconds (0: run once). make run starts it with 86400.")
@click.option("--sync", is_flag=True,
              help="Run the checks in this process instead of enqueuing background jobs.")
@click.pass_context
def quality_sweep(ctx, every: int, sync: bool):
    """Quality checks of every active dataset and its resources: enqueued as
    background jobs, or here with --sync (at the niceness
    ckanext.molisa.quality.niceness, as the background jobs)."""
    if sync:
        from .quality import priority
        niceness = priority.lower()
        click.echo(f"niceness={niceness['thread']} niceness_session={niceness['autogroup']}")
    _sweep(ctx, "molisa_quality_sweep", {"sync": sync}, every, "quality sweep")


@molisa.command("load-demo-odl")
def load_demo_odl():
    """The demo Open Data List (after load-demo): two approved versions with
    entries on time, late, overdue and planned. Does nothing if a list exists."""
    from .demo import odl
    counts = odl.load(site_context())
    if counts["skipped"]:
        click.echo("demo Open Data List already there")
    else:
        click.secho(f"demo Open Data List: {counts['versions']} versions, "
                    f"{counts['entries']} entries, {counts['linked']} linked", fg="green")


__all__ = ["molisa"]
