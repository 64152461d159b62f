"""The quality checks' CPU priority: below the portal's.

The checks are CPU work in bulk (Frictionless on every table, the stars, the
metadata score) on the machine that answers the portal's requests. They run
at the niceness ``ckanext.molisa.quality.niceness`` (default 10: a request
of the web server gets the core first, the checks take what is left), set
where they run in a process of their own: the background job (RQ's work
horse, forked per job) and ``ckan molisa quality-sweep --sync``. Never in
the web server: the action ``molisa_quality_sweep`` with ``sync`` runs at
the caller's priority.

Two levels, because Linux shares the CPU between sessions before it looks at
a thread's niceness when ``kernel.sched_autogroup_enabled`` is 1 (Debian's
default): the niceness of a thread only counts against the other threads of
its session, not against the web server, which runs in a session of its own.

* the thread's niceness (``os.nice``): threads started afterwards (the fetch
  pool) inherit it, so this is called before they start;
* the niceness of the session's autogroup (``/proc/self/autogroup``), when
  the session belongs to the checks: its leader is this process (``ckan
  molisa quality-sweep --sync`` started in a session of its own, as
  ``scripts/run.sh`` does with ``setsid``) or its parent (the job worker,
  started with ``setsid`` by ``scripts/run.sh``; RQ forks the work horse in
  the worker's session). A session shared with anything else is left alone.

In a container the share of CPU is the container's (``cpu_shares`` of
``ckan-worker`` in ``docker/compose.yaml``).
"""
from __future__ import annotations

import logging
import os

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

AUTOGROUP = "/proc/self/autogroup"


def niceness() -> int:
    return min(19, max(0, int(tk.config.get("ckanext.molisa.quality.niceness"))))


def _autogroup_enabled() -> bool:
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            return f.read().strip() == "1"
    except OSError:
        return False


def _session_is_ours() -> bool:
    try:
        return os.getsid(0) in (os.getpid(), os.getppid())
    except OSError:
        return False


def _autogroup_niceness() -> int | None:
    try:
        with open(AUTOGROUP) as f:              # "/autogroup-123 nice 0"
            return int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def lower() -> dict[str, int | None]:
    """Raise the niceness of this thread, and of the session's autogroup when
    the session is the checks' own, to the configured one (never lower it);
    returns both as they then are (``autogroup`` None: not used)."""
    target = niceness()
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if target > current:
        try:
            current = os.nice(target - current)
        except OSError:  # not permitted: run as it is
            log.warning("could not lower the quality checks' priority to %d", target)
    group = None
    if _autogroup_enabled() and _session_is_ours():
        group = _autogroup_niceness()
        if group is not None and target > group:
            try:
                with open(AUTOGROUP, "w") as f:
                    f.write(str(target))
                group = _autogroup_niceness()
            except OSError:
                log.warning("could not lower the quality checks' session to %d", target)
    return {"thread": current, "autogroup": group}
