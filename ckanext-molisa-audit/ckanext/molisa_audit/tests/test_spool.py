"""Group commit: the concurrent requests of one process share fsyncs, and
each one returns only once an fsync that covers its event has finished
(R15.2: a sent response always has its durable event)."""
import json
import os
import threading

import pytest

from ckanext.molisa_audit import spool


@pytest.mark.req("R15.2")
def test_concurrent_writers_share_fsyncs_and_each_waits_for_its_own(tmp_path, monkeypatch):
    writer = spool.SpoolWriter(str(tmp_path))
    durable = [0]          # bytes of the file known to be on disk
    lock = threading.Lock()
    real = os.fdatasync

    def fdatasync(fd):
        size = os.fstat(fd).st_size      # what this fsync will cover, at least
        real(fd)
        with lock:
            durable[0] = max(durable[0], size)

    monkeypatch.setattr(spool.os, "fdatasync", fdatasync)
    seen: dict[str, int] = {}           # event id -> bytes durable when write() returned
    threads, per_thread = 32, 40

    def work(t):
        for i in range(per_thread):
            event_id = f"{t}-{i}"
            writer.write({"id": event_id, "padding": "x" * (t % 7) * 10})
            with lock:
                seen[event_id] = durable[0]

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    writer.close()
    [closed] = [p for p in os.listdir(tmp_path) if p.endswith(".closed")]
    ends, offset = {}, 0
    with open(tmp_path / closed, "rb") as f:
        for line in f:
            offset += len(line)
            ends[json.loads(line)["id"]] = offset
    assert len(ends) == threads * per_thread == writer.events
    # every write returned after an fsync had made its own line durable
    late = [i for i, end in ends.items() if seen[i] < end]
    assert late == []
    # and the fsyncs were shared: far fewer than the events
    assert writer.fsyncs < writer.events
    print(f"{writer.events} events, {writer.fsyncs} fsyncs")


def test_one_writer_alone_still_fsyncs_every_event(tmp_path, monkeypatch):
    writer = spool.SpoolWriter(str(tmp_path))
    for i in range(5):
        writer.write({"id": i})
    assert writer.fsyncs == 5
    writer.close()
