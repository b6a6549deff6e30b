"""Query results as Arrow columns, read by the database's own ADBC driver.

A national cohort's gradebook holds millions of grades. The Python database drivers make a tuple
of Python objects of every row, which costs more than the database's own work; Apache Arrow's
ADBC drivers (SQLite, and PostgreSQL through its binary ``COPY``) hand back whole columns, which
numpy and Arrow's compute functions then map and check without a Python loop.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy.engine import make_url

from graders.common.errors import BdhvsError
from graders.gradebook.database import CONNECT_TIMEOUT, socket_dirs


def read_table(db_url: str, sql: str) -> pa.Table:
    """The rows of ``sql`` on the gradebook at ``db_url`` (SQLite or PostgreSQL), as columns."""
    driver, target = _driver(db_url)
    with driver.connect(target) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


def _driver(db_url: str) -> tuple[Any, str]:
    """The ADBC driver's module for ``db_url`` and what it connects to."""
    url = make_url(db_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite

        return sqlite, url.database
    if backend == "postgresql":
        try:
            import adbc_driver_postgresql.dbapi as postgresql
        except ImportError as exc:
            raise BdhvsError(
                "reading a PostgreSQL gradebook needs adbc-driver-postgresql: "
                "pip install 'bdhvs[cluster]'"
            ) from exc
        query = dict(url.query)
        query.setdefault("connect_timeout", str(CONNECT_TIMEOUT))
        if not url.host and "host" not in query:
            # libpq as ADBC builds it looks for the socket in /tmp; Debian's server is elsewhere
            query["host"] = str(next(iter(socket_dirs(db_url)), "/tmp"))
        libpq = url.set(drivername="postgresql", query=query)
        return postgresql, libpq.render_as_string(hide_password=False)
    raise BdhvsError(f"the gradebook can be on SQLite or PostgreSQL, not {backend}")
