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


def _lines(directory) -> int:
    return sum(sum(1 for _ in open(os.path.join(directory, name), "rb"))
               for name in os.listdir(directory) if name.endswith((".jsonl", ".closed")))


@pytest.mark.req("R15.2")
def test_a_public_read_is_appended_at_once_and_on_disk_with_the_next_fsync(tmp_path):
    writer = spool.SpoolWriter(str(tmp_path), flush_interval=3600)
    for i in range(3):
        writer.write_line(json.dumps({"id": i}), durable=False)
    assert _lines(tmp_path) == 3          # in the file (the page cache) at once
    assert writer.fsyncs == 0             # not waited for
    writer.write_line(json.dumps({"id": "logged-in"}))     # an event that waits
    assert writer.fsyncs == 1 and writer._synced == writer._appended == 4
    writer.write_line(json.dumps({"id": "last"}), durable=False)
    writer.close()                        # closing syncs what is left
    assert writer.fsyncs == 2 and _lines(tmp_path) == 5


@pytest.mark.req("R15.2")
def test_the_flusher_puts_public_reads_on_disk_without_another_event(tmp_path):
    import time
    writer = spool.SpoolWriter(str(tmp_path), flush_interval=0.05)
    writer.write_line(json.dumps({"id": 1}), durable=False)
    deadline = time.monotonic() + 30
    while writer.fsyncs == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writer.fsyncs >= 1 and writer._synced == writer._appended == 1
    writer.close()
