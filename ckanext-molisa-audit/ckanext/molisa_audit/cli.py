"""``ckan molisa-audit ...``: the shipper, verification, partitions, archive."""
from __future__ import annotations

import json

import click

import ckan.plugins.toolkit as tk

from ckanext.molisa.contexts import site_context

from . import anchors, db, partitions, recorder, shipper, spool


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
    """As the shipper's role, through the owner's one-month partition function."""
    conn = db.shipper_connection()
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
@click.option("--full", is_flag=True,
              help="Recompute every event's hash, not only those after the last signed "
                   "checkpoint.")
@click.option("--jobs", type=int, default=None,
              help="Database connections hashing in parallel "
                   "(default ckanext.molisa_audit.verify_jobs).")
def verify(full, jobs):
    """Check the hash chain, the signed checkpoints and the anchors outside
    the database; exit 1 and list the problems if any."""
    data = {"full": full}
    if jobs:
        data["jobs"] = jobs
    result = tk.get_action("molisa_audit_verify")(site_context(), data)
    for problem in result["problems"]:
        click.echo(json.dumps(problem, ensure_ascii=False))
    if result.get("first_rewritten_batch"):
        click.secho(f"the log was rewritten from batch {result['first_rewritten_batch']} on "
                    f"(it differs from the checkpoints anchored outside the database)", fg="red")
    scope = "every batch" if result["full"] else f"batches from {result['from_batch']}"
    click.echo(f"{result['batches']} batches, {result['checkpoints']} signed checkpoints, "
               f"{result['anchors']['confirmed']} of {result['anchors']['checkpoints']} anchored "
               f"checkpoints confirmed; {result['events']} events hashed ({scope}) in "
               f"{result['seconds']}s; chain head {result['head']}")
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
            site_context(), {"partition": partition, "dry_run": dry_run})
    except tk.ValidationError as e:
        raise click.ClickException("; ".join(sum(e.error_dict.values(), [])))
    for item in result["archived"]:
        click.echo(json.dumps(item, ensure_ascii=False))
    click.echo(f"{len(result['archived'])} archived, {len(result['kept'])} kept")
    for name, count in sorted((result.get("others") or {}).items()):
        click.echo(f"{name}: {count}")


@molisa_audit.command()
@click.option("--if-missing", is_flag=True, help="Do nothing if the key file exists.")
def keygen(if_missing):
    """Create the shipper's Ed25519 signing key (ckanext.molisa_audit.signing_key_file,
    mode 600) and its public key beside it (.pub)."""
    import os
    path = anchors.private_key_path()
    if not path:
        raise click.ClickException("set ckanext.molisa_audit.signing_key_file first")
    if os.path.exists(path):
        if if_missing:
            return
        raise click.ClickException(f"{path} exists; a key is never overwritten")
    private, public = anchors.generate(path)
    click.echo(f"private key: {private} (mode 600: the shipper's only)")
    click.echo(f"public key:  {public}")


@molisa_audit.command("public-key")
def public_key():
    """Print the public key that verifies the signed checkpoints, and its id."""
    key = anchors.public_key()
    if key is None:
        raise click.ClickException(f"no public key at {anchors.public_key_path() or '(unset)'}")
    click.echo(anchors.public_pem(key), nl=False)
    click.echo(f"key id: {anchors.key_id(key)}")


__all__ = ["molisa_audit"]
