"""A test database for Saleor's suites, so that they run beside ours.

``python -m tests_saleor.database`` migrates our suite's test database as pytest-django
does with ``--reuse-db`` (created on the first run, brought up to date after), copies it
to ``test_<name>_saleor`` with ``CREATE DATABASE … TEMPLATE`` (seconds, where migrating
a database of its own would take minutes) and prints the ``DATABASE_URL`` whose test
database that copy is. ``scripts/test`` runs Saleor's suites on it while our suite runs
on the original: two processes, one per core, no row either can wait for in the other.
"""

import os
import sys
import urllib.parse

SUFFIX = "_saleor"


def saleor_suites_url(database_url: str) -> str:
    """``database_url`` with ``SUFFIX`` added to the database's name."""
    parts = urllib.parse.urlsplit(database_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + SUFFIX))


def copy_test_database() -> str:
    """Migrate our test database, copy it for Saleor's suites; the copy's name."""
    import django
    from django.db import connections
    from django.test.utils import setup_databases

    django.setup()
    from saleor.tests.utils import prepare_test_db_connections

    # As in our conftest.py: the replica alias reads through the default connection
    # (Saleor's site migration reads through it, and the replica database need not exist).
    prepare_test_db_connections()
    setup_databases(verbosity=0, interactive=False, keepdb=True, serialized_aliases=set())
    connection = connections["default"]
    source = connection.settings_dict["NAME"]
    copy = source + SUFFIX
    connections.close_all()
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(copy)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quote(copy)} TEMPLATE {quote(source)}")
    return copy


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    copy = copy_test_database()
    print(f"Saleor's suites run on {copy}, a copy of our test database.", file=sys.stderr)
    print(saleor_suites_url(os.environ["DATABASE_URL"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
