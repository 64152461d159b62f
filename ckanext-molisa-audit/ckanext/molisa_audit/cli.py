"""``ckan molisa-audit ...``: the shipper, verification, partitions, archive."""
from __future__ import annotations

import json

import click

import ckan.plugins.toolkit as tk
from ckan import model

from . import partitions, recorder, shipper, spool


def _context():
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


@click.group("molisa-audit", short_help="MOLISA audit log: ship, verify, archive.")
def molisa_audit():
    """The connection and sharing log."""


@molisa_audit.command()
@click.option("--once", is_flag=True, help="Ship what is waiting, then stop.")
@click.option("--interval", default=1.0, help="Seconds between rounds.")
def ship(once, interval):
    """Move spooled events into PostgreSQL (run it as a service)."""
    directory = recorder.spool_dir()
    size = int(tk.config.get("ckanext.molisa_audit.batch_size"))
    ensure_partitions()
    if once:
        count = shipper.ship(directory, size)
        click.echo(f"shipped {count} events; {spool.pending_events(directory)} waiting")
    else:
        click.echo(f"shipping audit events from {directory}")
        shipper.run_forever(directory, interval, size)


def ensure_partitions():
    conn = model.meta.engine.raw_connection()
    try:
        names = partitions.ensure_ahead(
            conn.cursor(), int(tk.config.get("ckanext.molisa_audit.partitions_ahead")))
        conn.commit()
    finally:
        conn.close()
    return names


@molisa_audit.command("partitions")
def partitions_command():
    """Create this month's partition and the next ones."""
    for name in ensure_partitions():
        click.echo(name)


@molisa_audit.command()
def verify():
    """Check the hash chain; exit 1 and list the problems if any."""
    result = tk.get_action("molisa_audit_verify")(_context(), {})
    for problem in result["problems"]:
        click.echo(json.dumps(problem, ensure_ascii=False))
    click.echo(f"{result['batches']} batches, {result['events']} events checked; "
               f"chain head {result['head']}")
    if not result["ok"]:
        raise SystemExit(1)
    click.secho("the audit log is intact", fg="green")


@molisa_audit.command()
@click.option("--partition", default=None, help="Only this partition.")
@click.option("--dry-run", is_flag=True, help="List what would be archived.")
def archive(partition, dry_run):
    """Export partitions older than the retention period, then drop them."""
    try:
        result = tk.get_action("molisa_audit_archive")(
            _context(), {"partition": partition, "dry_run": dry_run})
    except tk.ValidationError as e:
        raise click.ClickException("; ".join(sum(e.error_dict.values(), [])))
    for item in result["archived"]:
        click.echo(json.dumps(item, ensure_ascii=False))
    click.echo(f"{len(result['archived'])} archived, {len(result['kept'])} kept")


__all__ = ["molisa_audit"]
