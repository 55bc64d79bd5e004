"""Keep the Celery worker alive when Redis goes away while it holds a task (celery 5.7.0, kombu 5.7.0,
the newest versions on the package index).

On a lost connection the consumer collects the connection, which detaches its transport from it
(transport.client = None), and then closes it. Closing the channel restores the unacknowledged
messages (an acks_late task the worker holds), and the ack of a task that ends afterwards still runs on
that channel; both look up the broker address through the detached transport and raise
AttributeError ("'NoneType' object has no attribute 'hostname'", kombu.transport.redis.Channel.
_connparams). That is no connection error, so the worker logs "Unrecoverable error" and exits
(celery.worker.consumer.Consumer.on_connection_error_after_connected). Here such a channel raises the
connection error it is: the close and the ack are given up, the worker reconnects, and an
unacknowledged message that Redis kept is handed out again after the visibility timeout (a report is
swept before that: reporting.services.sweep_stuck_reports). Imported by ocmw_activation.celery, so in
every worker; tests/test_report_worker_faults.py shows whether a newer kombu or celery still needs it."""

import logging

from kombu.transport import redis as redis_transport
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)


def _connparams(self, *args, _original=redis_transport.Channel._connparams, **kwargs):
    if self.connection.client is None:
        raise RedisConnectionError("the connection to the broker was lost and closed")
    return _original(self, *args, **kwargs)


if not getattr(redis_transport.Channel._connparams, "keeps_the_worker_alive", False):
    _connparams.keeps_the_worker_alive = True
    redis_transport.Channel._connparams = _connparams
