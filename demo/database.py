"""Create the demo's PostgreSQL database when it does not exist yet.

Runs before Django is set up (``python -m demo.database``), with the psycopg that
Saleor's environment already has. The database is named by ``DATABASE_URL``; the
server's ``postgres`` maintenance database is used to create it.
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def database_url_parts(url: str) -> tuple[str, str]:
    """Return (database name, URL of the maintenance database on the same server)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"error: DATABASE_URL names no database: {url}")
    return name, urlunsplit(parts._replace(path="/postgres"))


def ensure_database(url: str) -> bool:
    """Create the database named by ``url`` if missing; return whether it did."""
    name, maintenance_url = database_url_parts(url)
    try:
        connection = psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"error: cannot reach PostgreSQL at {maintenance_url}: {error}".strip()
        ) from None
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


if __name__ == "__main__":
    database_url = os.environ["DATABASE_URL"]
    created = ensure_database(database_url)
    name, _ = database_url_parts(database_url)
    print(f"Database {name}: {'created' if created else 'exists'}", file=sys.stderr)
