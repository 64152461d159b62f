"""Queries behind the audit reports (R15.1, R20.5)."""
from __future__ import annotations

import datetime
import logging
from typing import Any

import sqlalchemy as sa

from ckan import model

from .model import event, rollup

log = logging.getLogger(__name__)

READ_URL = "ckanext.molisa_audit.reports_read_url"
_engines: dict[str, sa.engine.Engine] = {}


class _Reader:
    """Where the reports read: the read-only database of
    ``ckanext.molisa_audit.reports_read_url`` (the streaming replica, with
    the primary as its second host) when it is set, else CKAN's own session.
    One connection per report, closed when the report is done."""

    def __init__(self):
        self.conn = None

    def __enter__(self):
        from ckan.plugins import toolkit as tk
        url = tk.config.get(READ_URL)
        if not url:
            return model.Session
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = sa.create_engine(url, pool_pre_ping=True, pool_size=2,
                                                      max_overflow=4)
        self.conn = engine.connect()
        return self.conn

    def __exit__(self, *exc):
        if self.conn is not None:
            self.conn.close()


def _execute(query) -> list:
    """The rows of one report query, read where the reports read. A read
    whose connection the replica dropped (it was stopped or restarted) is
    tried once more: libpq then lands on the primary, or the replica back."""
    try:
        with _Reader() as session:
            return list(session.execute(query))
    except sa.exc.OperationalError:
        from ckan.plugins import toolkit as tk
        if not tk.config.get(READ_URL):
            raise
        log.warning("the audit reports' read-only database dropped the connection; reading again")
        with _Reader() as session:
            return list(session.execute(query))
from .model import DURATION_BINS, HIST_COLUMNS

def _zone() -> str:
    """Days and months are counted in the portal's display time zone
    (Asia/Ho_Chi_Minh: whole hours from UTC, so the hourly rollups add up)."""
    from ckan.plugins import toolkit as tk
    zone = tk.config.get("ckan.display_timezone") or "UTC"
    return "UTC" if zone == "server" else zone


ERROR = sa.or_(event.c.status >= 400, event.c.error_class.isnot(None))


def _filters(data: dict[str, Any], scope_orgs: list[str] | None) -> list:
    clauses = []
    if data.get("since"):
        clauses.append(event.c.ts >= data["since"])
    if data.get("until"):
        clauses.append(event.c.ts < data["until"])
    if data.get("actor"):
        clauses.append(event.c.actor == data["actor"])
    if data.get("organization"):
        clauses.append(event.c.organizations.contains([data["organization"]]))
    if data.get("dataset"):
        clauses.append(event.c.datasets.contains([data["dataset"]]))
    if data.get("channel"):
        clauses.append(event.c.channel == data["channel"])
    if data.get("action"):
        clauses.append(event.c.action == data["action"])
    outcome = data.get("outcome")
    if outcome == "success":
        clauses.append(sa.not_(ERROR))
    elif outcome == "error":
        clauses.append(ERROR)
    elif outcome:
        clauses.append(event.c.status == int(outcome))
    if scope_orgs is not None:
        clauses.append(event.c.organizations.overlap(sa.cast(scope_orgs, event.c.organizations.type)))
    return clauses


def _row(row) -> dict[str, Any]:
    d = dict(row._mapping)
    d["ts"] = d["ts"].astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    d.pop("hash", None)
    return d


def event_list(data: dict[str, Any], scope_orgs: list[str] | None,
               extra_clauses: list | None = None) -> dict[str, Any]:
    clauses = _filters(data, scope_orgs) + (extra_clauses or [])
    where = sa.and_(sa.true(), *clauses)
    count = _execute(sa.select(sa.func.count()).select_from(event).where(where))[0][0]
    query = (sa.select(*[c for c in event.c if c.name not in ("hash",)])
             .where(where).order_by(event.c.ts, event.c.batch_id, event.c.seq)
             .limit(data.get("limit", 100)).offset(data.get("offset", 0)))
    return {"count": count, "results": [_row(r) for r in _execute(query)]}


def percentile_from_hist(hist: list[int], pct: float) -> float | None:
    total = sum(hist)
    if not total:
        return None
    target = total * pct / 100
    cumulative = 0
    for i, n in enumerate(hist):
        if cumulative + n >= target and n:
            low = DURATION_BINS[i - 1] if i else 0
            high = DURATION_BINS[i] if DURATION_BINS[i] != float("inf") else low * 2
            return round(low + (high - low) * (target - cumulative) / n, 1)
        cumulative += n
    return None


_GROUP_DIMS = {"channel": "channel", "organization": "organization", "dataset": "dataset",
               "actor": "actor"}


def _full_hours(since: datetime.datetime, until: datetime.datetime):
    start = since.replace(minute=0, second=0, microsecond=0)
    if start < since:
        start += datetime.timedelta(hours=1)
    end = until.replace(minute=0, second=0, microsecond=0)
    return start, max(start, end)


def stats(data: dict[str, Any], scope_orgs: list[str] | None) -> dict[str, Any]:
    """Counts, errors, bytes and duration percentiles, grouped.

    Whole hours come from the hourly rollups the shipper keeps; the partial
    hours at either end, and any filter the rollups cannot answer, from the
    events themselves. Percentiles are read from a histogram of durations
    (bins of 1 ms to 60 s), to the bin's resolution.
    """
    group_by = data.get("group_by", "day")
    since, until = data["since"], data["until"]
    filters = {k: data.get(k) for k in ("actor", "dataset", "channel", "action", "outcome")}
    # One unit's statistics by day, month or unit also come from the rollups
    # (a unit admin's usual question); any other filter reads the events.
    one_org = None
    if data.get("organization") and (scope_orgs is None or data["organization"] in scope_orgs):
        one_org = data["organization"]
    elif not data.get("organization") and scope_orgs is not None and len(scope_orgs) == 1:
        one_org = scope_orgs[0]
    if any(filters.values()):
        use_rollup = False
    elif scope_orgs is None and not data.get("organization"):
        use_rollup = True
    else:
        use_rollup = one_org is not None and group_by in ("day", "month")
    groups: dict[str, list] = {}

    def add(key, events, errors, nbytes, hist):
        g = groups.setdefault(key, [0, 0, 0, [0] * len(DURATION_BINS)])
        g[0] += events
        g[1] += errors
        g[2] += nbytes
        g[3] = [a + b for a, b in zip(g[3], hist)]

    raw_ranges = [(since, until)]
    if use_rollup:
        start, end = _full_hours(since, until)
        if start < end:
            dim = "organization" if one_org else _GROUP_DIMS.get(group_by, "all")
            if group_by in ("day", "month"):
                key = sa.func.to_char(sa.func.date_trunc(group_by, sa.func.timezone(_zone(), rollup.c.hour)),
                                      "YYYY-MM-DD" if group_by == "day" else "YYYY-MM")
            else:
                key = rollup.c.key
            q = (sa.select(key.label("k"), sa.func.sum(rollup.c.events), sa.func.sum(rollup.c.errors),
                           sa.func.sum(rollup.c.bytes),
                           *[sa.func.sum(rollup.c[c]) for c in HIST_COLUMNS])
                 .where(rollup.c.dim == dim, rollup.c.hour >= start, rollup.c.hour < end,
                        *([rollup.c.key == one_org] if one_org else []))
                 .group_by(key))
            for k, n, e, b, *h in _execute(q):
                add(k, int(n), int(e), int(b or 0), [int(x) for x in h])
            raw_ranges = [(since, start), (end, until)]
    for lo, hi in raw_ranges:
        if lo >= hi:
            continue
        _raw_stats(dict(data, since=lo, until=hi), scope_orgs, group_by, add)
    results = []
    for key in sorted(groups, key=lambda k: (k is None, str(k))):
        n, e, b, h = groups[key]
        results.append({"key": key, "events": n, "errors": e, "bytes": b,
                        "duration_p50": percentile_from_hist(h, 50),
                        "duration_p95": percentile_from_hist(h, 95),
                        "duration_p99": percentile_from_hist(h, 99)})
    totals = [sum(r[i] for r in groups.values()) for i in range(3)]
    if group_by in ("organization", "dataset"):
        totals = None  # an event touching two units counts in both groups
    return {"group_by": group_by, "since": since.isoformat(), "until": until.isoformat(),
            "results": results,
            "total": None if totals is None else {"events": totals[0], "errors": totals[1],
                                                  "bytes": totals[2]}}


def _raw_stats(data, scope_orgs, group_by, add) -> None:
    where = sa.and_(sa.true(), *_filters(data, scope_orgs))
    bins = sa.func.width_bucket(sa.func.coalesce(event.c.duration_ms, 0),
                                sa.cast([float(b) for b in DURATION_BINS[:-1]],
                                        sa.ARRAY(sa.Float)))
    if group_by in ("day", "month"):
        key = sa.func.to_char(sa.func.date_trunc(group_by, sa.func.timezone(_zone(), event.c.ts)),
                              "YYYY-MM-DD" if group_by == "day" else "YYYY-MM")
        source = event
    elif group_by == "channel":
        key, source = event.c.channel, event
    elif group_by == "actor":
        key, source = sa.func.coalesce(event.c.actor, "anonymous"), event
    else:
        column = event.c.organizations if group_by == "organization" else event.c.datasets
        unnested = sa.func.unnest(column).table_valued("k").render_derived()
        key, source = unnested.c.k, event.join(unnested, sa.true())
    q = (sa.select(key.label("k"), bins.label("b"), sa.func.count(),
                   sa.func.count().filter(ERROR), sa.func.coalesce(sa.func.sum(event.c.bytes_sent), 0))
         .select_from(source).where(where).group_by(key, bins))
    for k, b, n, e, nbytes in _execute(q):
        hist = [0] * len(DURATION_BINS)
        # width_bucket: 0 below the first edge ... len(edges) above the last
        hist[min(int(b), len(DURATION_BINS) - 1)] = int(n)
        add(k, int(n), int(e), int(nbytes), hist)


def incident_list(data: dict[str, Any], scope_orgs: list[str] | None) -> dict[str, Any]:
    """Failed connections and shares: errors and refusals, newest last."""
    return event_list(dict(data, outcome=None), scope_orgs, extra_clauses=[ERROR])


def live(scope_orgs: list[str] | None, minutes: int = 60) -> dict[str, Any]:
    """For the operations centre (R10.2): events and errors per minute over the
    last ``minutes``, and the most requested datasets in that window."""
    now = datetime.datetime.now(datetime.timezone.utc)
    since = (now - datetime.timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    where = sa.and_(sa.true(), *_filters({"since": since}, scope_orgs))
    minute = sa.func.date_trunc("minute", event.c.ts)
    rows = _execute(
        sa.select(minute, sa.func.count(), sa.func.count().filter(ERROR))
        .where(where).group_by(minute).order_by(minute))
    counts = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    series = []
    for i in range(minutes + 1):
        t = since + datetime.timedelta(minutes=i)
        n, e = counts.get(t, (0, 0))
        series.append({"minute": t.isoformat().replace("+00:00", "Z"), "events": n, "errors": e})
    dataset = sa.func.unnest(event.c.datasets).table_valued("d").render_derived()
    top = _execute(
        sa.select(dataset.c.d, sa.func.count().label("n"))
        .select_from(event.join(dataset, sa.true())).where(where)
        .group_by(dataset.c.d).order_by(sa.desc("n")).limit(10))
    names = dict(model.Session.query(model.Package.id, model.Package.title)
                 .filter(model.Package.id.in_([t[0] for t in top])).all()) if top else {}
    last_minute = series[-2] if len(series) > 1 else series[-1]
    return {"generated": now.isoformat().replace("+00:00", "Z"), "per_minute": series,
            "events_last_minute": last_minute["events"], "errors_last_minute": last_minute["errors"],
            "events_window": sum(s["events"] for s in series),
            "errors_window": sum(s["errors"] for s in series),
            "top_datasets": [{"id": d, "title": names.get(d, d), "events": int(n)} for d, n in top]}
