"""Faults caused for real: a broker on a closed port, another session's lock, a
PostgreSQL trigger that fails a write, a process killed with SIGKILL."""

import socket

import psycopg
import pytest
from django.db import connection
from saleor.celeryconf import app


def closed_port() -> int:
    """A loopback port nothing listens on (connecting is refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reset_producer_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


# Saleor configures Celery from Django settings (namespace ``CELERY``): those keys win.
_EAGER, _BROKER = "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL"


@pytest.fixture
def broker_unreachable():
    """Celery sends for real (not eagerly) to a Redis broker on a closed port."""
    previous = {key: app.conf.get(key) for key in (_EAGER, _BROKER)}
    app.conf.update({_EAGER: False, _BROKER: f"redis://127.0.0.1:{closed_port()}/0"})
    _reset_producer_pools()
    assert not app.conf.task_always_eager
    yield app.conf.broker_url
    app.conf.update(previous)
    _reset_producer_pools()


def other_session(**options) -> psycopg.Connection:
    """A second PostgreSQL session on the test database (autocommit)."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
        **options,
    )


@pytest.fixture
def second_session():
    session = other_session()
    yield session
    session.close()
