"""The gradebook's database: SQLite (a file in the course, the default) or PostgreSQL.

nbgrader keeps its gradebook in any database SQLAlchemy reaches through a URL
(``c.CourseDirectory.db_url``). ``bdhvs`` supports the two it is tested on, checks a URL before
anything uses it, and never shows the password a URL may hold.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy
from nbgrader.api import Base
from sqlalchemy.engine import URL, make_url

from graders.common.errors import BdhvsError

SUPPORTED = ("sqlite", "postgresql")
# The PostgreSQL driver this project installs. SQLAlchemy 2.1 reads a bare postgresql:// as
# psycopg 3, so URLs given to bdhvs name this one.
POSTGRESQL_DRIVER = "postgresql+psycopg2"
EXAMPLES = "sqlite:////path/to/gradebook.db or postgresql://ROLE@HOST:5432/DATABASE"
CONNECT_TIMEOUT = 10  # seconds: a firewall that drops packets must not hang a command
# Where libpq looks for the server's socket when a URL names no host: Debian's folder (upstream's
# /tmp is private to each submission anyway).
DEFAULT_SOCKET_DIRS = (Path("/var/run/postgresql"), Path("/run/postgresql"))
_CREDENTIALS = re.compile(r"(://[^/:@\s]*:)\S*@")  # up to the last @: passwords may hold one


def masked(url: str) -> str:
    """``url`` fit to print: any password replaced by ``***``, even in a malformed URL."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sqlalchemy.exc.ArgumentError, ValueError):
        if "://" in url or "@" not in url:
            return _CREDENTIALS.sub(r"\1***@", url)
        return "***@" + url.rsplit("@", 1)[1]  # no scheme: all before the host may be secret


def parse(url: str) -> URL:
    """The URL of a supported gradebook database, or a clear error."""
    try:
        parsed = make_url(url)
    except (sqlalchemy.exc.ArgumentError, ValueError) as exc:
        raise BdhvsError(
            f"{masked(url)!r} is not a database URL ({_scrub(str(exc), url)}); write {EXAMPLES}"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        raise BdhvsError(f"{masked(url)}: write postgresql:// instead of postgres://")
    if backend not in SUPPORTED:
        raise BdhvsError(
            f"{masked(url)}: the gradebook can be on SQLite or PostgreSQL, not {backend}; "
            f"write {EXAMPLES}"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise BdhvsError(f"{masked(url)}: an in-memory gradebook would be lost; name a file")
    return parsed


def normalise(url: str, base: Path) -> str:
    """``url`` checked, with a relative SQLite path made absolute against ``base`` and
    PostgreSQL's driver named."""
    parsed = parse(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database).is_absolute():
        parsed = parsed.set(database=str((base / parsed.database).resolve()))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername=POSTGRESQL_DRIVER)
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite gradebook; None for a server."""
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" else None


def identity(url: str) -> str:
    """What names the database, without the password: changes when the gradebook moves."""
    return parse(url).set(password=None).render_as_string()


def socket_dirs(url: str) -> list[Path]:
    """Folders holding the Unix socket a PostgreSQL URL connects through, if it uses one."""
    parsed = parse(url)
    if parsed.get_backend_name() != "postgresql":
        return []
    hosts = parsed.query.get("host") or parsed.host or ""
    named = [hosts] if isinstance(hosts, str) else list(hosts)
    if not any(named):
        return [path for path in DEFAULT_SOCKET_DIRS if path.is_dir()]
    return [Path(host) for host in named if host.startswith("/")]


def _scrub(text: str, url: str) -> str:
    password = make_url(url).password if _parses(url) else None
    text = _CREDENTIALS.sub(r"\1***@", text)
    return text.replace(password, "***") if password else text


def _parses(url: str) -> bool:
    try:
        make_url(url)
    except (sqlalchemy.exc.ArgumentError, ValueError):
        return False
    return True


def _reason(exc: BaseException, url: str) -> str:
    """The driver's own words for a failure, on one line and without the password."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return _scrub(" ".join(lines) or type(original).__name__, url)


def _engine(url: str, parsed: URL) -> sqlalchemy.Engine:
    options = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    try:
        return sqlalchemy.create_engine(url, **options)
    except (sqlalchemy.exc.NoSuchModuleError, ImportError) as exc:
        raise BdhvsError(
            f"{masked(url)}: the database driver {parsed.drivername!r} is not installed "
            f"({_reason(exc, url)}); begin the URL with {POSTGRESQL_DRIVER}://"
        ) from exc


def check_reachable(url: str) -> None:
    """Connect once and check that nbgrader can keep its gradebook there, or say why not.

    An SQLite gradebook that does not exist yet is created by nbgrader on first use, so only
    its folder must exist; opening it here would create it.
    """
    parsed = parse(url)
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.is_dir():
            raise BdhvsError(f"{masked(url)}: the folder {path.parent} does not exist")
        if not path.exists():
            return
    engine = _engine(url, parsed)
    try:
        with engine.connect() as connection:
            if path is not None:
                connection.execute(sqlalchemy.text("SELECT count(*) FROM sqlite_master"))
            else:
                _check_postgresql(connection, url)
    except sqlalchemy.exc.DBAPIError as exc:
        raise BdhvsError(
            f"cannot reach the gradebook database {masked(url)}: {_reason(exc, url)}"
        ) from exc
    finally:
        engine.dispose()


def _check_postgresql(connection: sqlalchemy.Connection, url: str) -> None:
    """A role that may neither find nor create nbgrader's tables would fail on first use."""
    row = connection.execute(
        sqlalchemy.text(
            "SELECT current_user, current_database(), current_schema(), "
            "to_regclass('submitted_assignment') IS NOT NULL"
        )
    ).one()
    role, database, schema, has_tables = row
    if has_tables:
        return
    if schema is None:
        raise BdhvsError(f"{masked(url)}: the role {role} has no schema to create tables in")
    may_create = connection.execute(
        sqlalchemy.text("SELECT has_schema_privilege(:schema, 'CREATE')"), {"schema": schema}
    ).scalar()
    if not may_create:
        raise BdhvsError(
            f"{masked(url)}: the role {role} may not create the gradebook's tables in schema "
            f"{schema} of database {database}; make it the database's owner "
            f"(ALTER DATABASE {database} OWNER TO {role}) and its schema's "
            f"(ALTER SCHEMA {schema} OWNER TO {role})"
        )


def has_gradebook(url: str) -> bool:
    """Whether nbgrader's tables exist (without creating them, as opening a Gradebook would)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return False
    engine = _engine(url, parse(url))
    try:
        return sqlalchemy.inspect(engine).has_table("student")
    finally:
        engine.dispose()


def compact(url: str) -> list[str]:
    """Rewrite the gradebook so that deleted rows no longer linger in its files.

    SQLite: ``VACUUM``. PostgreSQL keeps deleted rows in its table files until they are
    vacuumed; ``VACUUM FULL`` writes the gradebook's tables (nbgrader's and bdhvs's own) and
    their indexes anew. Only a table's owner may do that: the tables it could not rewrite are
    returned.
    """
    engine = _engine(url, parse(url)).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if sqlite_path(url) is not None:
                connection.execute(sqlalchemy.text("VACUUM"))
                return []
            nbgrader_tables = [table.name for table in Base.metadata.sorted_tables]
            rows = connection.execute(
                sqlalchemy.text(
                    "SELECT tablename, tableowner = current_user FROM pg_tables "
                    "WHERE schemaname = current_schema() "
                    "AND (tablename = ANY(:tables) OR tablename LIKE 'bdhvs\\_%')"
                ),
                {"tables": nbgrader_tables},
            ).all()
            for table, owned in rows:
                if owned:
                    connection.execute(sqlalchemy.text(f'VACUUM FULL "{table}"'))
            return sorted(table for table, owned in rows if not owned)
    finally:
        engine.dispose()
