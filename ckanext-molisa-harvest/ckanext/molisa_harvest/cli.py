"""``ckan molisa-harvest``: the harvesting extension's commands."""
from __future__ import annotations

import click


__all__ = ["molisa_harvest"]


@click.group("molisa-harvest", short_help="MOLISA harvesting: sector databases, sources")
def molisa_harvest():
    pass


@molisa_harvest.command("sample-db")
@click.option("--url", required=True, envvar="MOLISA_SECTOR_SAMPLE_URL",
              help="SQLAlchemy URL of the sample database, as its owner")
@click.option("--schema", default="csdl", show_default=True)
@click.option("--rows", default=3000, show_default=True, help="rows per table")
@click.option("--read-only-role", default="sector_ro", show_default=True)
@click.option("--force", is_flag=True, help="rebuild even if the same sample is there")
def sample_db(url: str, schema: str, rows: int, read_only_role: str, force: bool):
    """Creates the sample sector database's tables and synthetic rows (idempotent)."""
    from .sample import generate
    result = generate.build(url, schema=schema, n=rows, ro_role=read_only_role or None, force=force)
    if result["created"]:
        click.echo(f"created schema {schema}: " + ", ".join(
            f"{t} {n} rows" for t, n in result["rows"].items()))
    else:
        click.echo(f"schema {schema} already there")


@molisa_harvest.command("sector-source")
@click.argument("name")
@click.argument("url")
@click.argument("config_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--title", default=None)
@click.option("--owner-org", default=None, help="the unit that owns the source")
@click.option("--run/--no-run", default=False, help="harvest it now, in this process")
def sector_source(name, url, config_file, title, owner_org, run):
    """Creates or updates a sector-database harvest source from a config file,
    and optionally harvests it at once (gather, fetch and import stages)."""
    from . import sector_sources
    with open(config_file, encoding="utf-8") as f:
        config = f.read()
    result = sector_sources.ensure_source(name, url, config, title=title, owner_org=owner_org)
    click.echo(f"source {result['name']}: {result['status']}")
    if run:
        report = sector_sources.run_source(result["id"])
        click.echo(" ".join(f"{k}={v}" for k, v in report.items()))


@molisa_harvest.command("scheduler")
@click.option("--every", default=60, show_default=True, type=click.IntRange(min=1),
              help="seconds between two rounds")
@click.option("--once", is_flag=True, help="run one round and exit")
@click.pass_context
def scheduler(ctx, every: int, once: bool):
    """Runs harvest sources on their frequency, stops stuck jobs, mails the
    units about failed runs and prunes old job detail (no cron needed; one
    process at a time holds the lock)."""
    import signal

    from . import scheduler as harvest_scheduler
    stop = {"now": False}

    def _stop(signum, frame):
        stop["now"] = True

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        # each round in a request context, as CKAN's own commands use: the
        # failure mail is written in the portal's language
        harvest_scheduler.loop(every=every, once=once, echo=click.echo,
                               should_stop=lambda: stop["now"],
                               round_context=ctx.meta["flask_app"].test_request_context)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@molisa_harvest.command("consumer")
@click.argument("stage", type=click.Choice(["gather", "fetch"]))
def consumer(stage: str):
    """ckanext-harvest's gather or fetch queue consumer, kept alive.

    It waits again when the queue was merely idle, imports each harvest
    object once even when ckanext-harvest queues it twice (see queueing.py),
    and the fetch consumer leaves Solr commits to Solr's automatic soft commit
    (ckanext.molisa_harvest.defer_solr_commits). Several fetch consumers may
    run side by side.
    """
    from . import queueing

    queueing.consume(stage)


@molisa_harvest.command("mydata-sweep")
@click.option("--every", type=int, default=0,
              help="Repeat every N seconds (0: run once). make run starts it with 3600.")
@click.option("--today", default=None, help="Sweep as on this day (YYYY-MM-DD).")
@click.pass_context
def mydata_sweep(ctx, every: int, today):
    """My data: cases of "I don't recognise this" past their due date without
    an answer are escalated to the IT Centre (each once)."""
    from ckanext.molisa.cli import _sweep   # the kernel's loop of every sweep command
    _sweep(ctx, "molisa_mydata_sweep", {"today": today} if today else {}, every,
           "my data sweep")
