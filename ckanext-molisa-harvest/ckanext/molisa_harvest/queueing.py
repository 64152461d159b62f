"""ckanext-harvest's queue consumers, kept alive and safe to run side by side.

``ckan molisa-harvest consumer gather|fetch`` runs ckanext-harvest's own
callbacks, with two differences.

**They wait on an idle queue.** redis-py 8 gives every connection a read
timeout, and ckanext-harvest waits on the queue without one of its own, so
``ckan harvester gather-consumer`` exits after a few idle seconds. Here a
timeout means "wait again".

**Each harvest object is imported once.** ``harvest_jobs_run``, which the
scheduler (``ckan molisa-harvest scheduler``) runs every minute, calls ckanext-harvest's
``resubmit_objects()``. It puts back on the fetch queue every object in state
WAITING that is not in the queue's list at that moment. Two kinds of object
match and are not lost at all:

- one that a fetch consumer has just taken off the queue and not yet started;
- one that the gather stage has saved but not yet published.

Either way the object is queued twice. With one fetch consumer, it is imported
twice in a row. With several, two consumers import it at once, and one of them
fails with "Dataset id already exists" or "That URL is already in use".

So :func:`fetch_callback` holds a PostgreSQL advisory lock on the object while
ckanext-harvest's ``fetch_callback`` works on it:

- A copy that arrives while another consumer holds the lock is dropped and
  not acknowledged. The holder acknowledges the message when it is done.
- A copy that arrives after the object is COMPLETE or in ERROR is acknowledged
  and dropped. Nothing in ckanext-harvest queues a finished object on purpose.
- An object in FETCH or IMPORT whose lock is free was left by a consumer that
  died (its connection, and so its lock, went with it). It is processed again,
  as ckanext-harvest's ``resubmit_jobs()`` intends.
"""
from __future__ import annotations

import contextlib
import json
import logging
from typing import Iterator

import sqlalchemy as sa

from ckan import model

log = logging.getLogger(__name__)

#: The advisory lock of a harvest object: a 64-bit hash of this and its id.
LOCK_NAMESPACE = "molisa_harvest:harvest_object:"
FINISHED_STATES = ("COMPLETE", "ERROR")

#: What :func:`_claim` found.
CLAIMED, BUSY, FINISHED = "claimed", "busy", "finished"


def consume(stage: str) -> None:
    """Run the ``gather`` or ``fetch`` consumer until the process is stopped."""
    import redis
    from ckanext.harvest import utils

    if stage == "fetch":
        from . import indexing
        indexing.defer_commits()
    run = utils.gather_consumer if stage == "gather" else _fetch_consumer
    while True:
        try:
            run()
        except (redis.exceptions.TimeoutError, redis.exceptions.ConnectionError) as exc:
            log.debug("%s consumer: %s; waiting on the queue again", stage, exc)


def _fetch_consumer() -> None:
    """ckanext-harvest's ``utils.fetch_consumer``, with :func:`fetch_callback`."""
    from ckanext.harvest import queue

    consumer = queue.get_fetch_consumer()
    for method, header, body in consumer.consume(queue=queue.get_fetch_queue_name()):
        fetch_callback(consumer, method, header, body)


def fetch_callback(channel, method, header, body) -> None:
    """ckanext-harvest's ``fetch_callback``, once per harvest object at a time."""
    from ckanext.harvest import queue

    try:
        object_id = json.loads(body)["harvest_object_id"]
    except (ValueError, KeyError, TypeError):
        # ckanext-harvest logs and acknowledges a message it cannot read
        queue.fetch_callback(channel, method, header, body)
        return
    with _claim(str(object_id)) as outcome:
        if outcome == BUSY:
            log.info("Harvest object %s is being imported by another consumer; "
                     "this copy of its message is dropped", object_id)
            return
        if outcome == FINISHED:
            log.info("Harvest object %s was already imported; "
                     "this copy of its message is dropped", object_id)
            channel.basic_ack(method.delivery_tag)
            return
        queue.fetch_callback(channel, method, header, body)


@contextlib.contextmanager
def _claim(object_id: str) -> Iterator[str]:
    """Hold the object's advisory lock, on a connection of its own, for the
    duration of the ``with`` block; say whether it is ours to import."""
    key = {"key": LOCK_NAMESPACE + object_id}
    with model.meta.engine.connect() as conn:
        locked = conn.execute(sa.text(
            "SELECT pg_try_advisory_lock(hashtextextended(:key, 0))"), key).scalar()
        conn.commit()
        if not locked:
            yield BUSY
            return
        try:
            state = conn.execute(sa.text("SELECT state FROM harvest_object WHERE id = :id"),
                                 {"id": object_id}).scalar()
            conn.commit()
            yield FINISHED if state in FINISHED_STATES else CLAIMED
        finally:
            try:
                conn.execute(sa.text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))"),
                             key)
                conn.commit()
            except sa.exc.DBAPIError:
                # closing the connection releases the lock; it must not go
                # back to the pool still holding it
                log.warning("Could not release the lock of harvest object %s", object_id,
                            exc_info=True)
                conn.invalidate()
