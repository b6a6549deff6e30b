"""The audit trail of grades changed by hand, kept in the gradebook itself.

Two layers, so that the trail works on SQLite and PostgreSQL alike and survives the usual
shortcuts:

- a database trigger on nbgrader's ``grade`` table writes one row into ``bdhvs_grade_audit``
  whenever ``manual_score`` or ``extra_credit`` changes, whoever changes it and however
  (formgrader, nbgrader's API in a script, ``sqlite3`` or ``psql`` by hand). The row names the
  learner, assignment, notebook and grade cell, the time, the old and new values, and on
  PostgreSQL the database role;
- a SQLAlchemy hook, installed by the course's ``nbgrader_config.py`` (which nbgrader's
  commands, formgrader and ``bdhvs`` all execute), creates the table and trigger on the first
  write and signs the rows its own process caused with the person (``JUPYTERHUB_USER``, else
  the operating-system account) and the program.

A row whose ``actor`` is empty was written by a route that did not load the course's
configuration: the change is still recorded, only its author is unknown.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    inspect,
    make_url,
    select,
    update,
)
from sqlalchemy.orm import Session

TABLE = "bdhvs_grade_audit"
TRIGGER = "bdhvs_grade_audit_trigger"
WATCHED = ("manual_score", "extra_credit")

metadata = MetaData()
audit_table = Table(
    TABLE,
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("grade_id", String(32), nullable=False, index=True),
    Column("student", String(128)),
    Column("assignment", String(128)),
    Column("notebook", String(128)),
    Column("cell", String(128)),
    Column("changed_at", String(40), nullable=False),
    Column("old_manual_score", Float),
    Column("new_manual_score", Float),
    Column("old_extra_credit", Float),
    Column("new_extra_credit", Float),
    Column("db_user", String(128)),
    Column("actor", String(128)),
    Column("program", String(128)),
)

# The learner, assignment, notebook and cell of the changed grade, looked up when it changes,
# so the row still says what changed if the submission is deleted later.
_CONTEXT = """
    (SELECT sa.student_id FROM submitted_notebook sn
       JOIN submitted_assignment sa ON sa.id = sn.assignment_id WHERE sn.id = NEW.notebook_id),
    (SELECT a.name FROM submitted_notebook sn JOIN submitted_assignment sa
       ON sa.id = sn.assignment_id JOIN assignment a ON a.id = sa.assignment_id
       WHERE sn.id = NEW.notebook_id),
    (SELECT n.name FROM submitted_notebook sn JOIN notebook n ON n.id = sn.notebook_id
       WHERE sn.id = NEW.notebook_id),
    (SELECT c.name FROM base_cell c WHERE c.id = NEW.cell_id)"""
_COLUMNS = (
    "grade_id, student, assignment, notebook, cell, changed_at, old_manual_score, "
    "new_manual_score, old_extra_credit, new_extra_credit, db_user"
)

_SQLITE_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER UPDATE OF manual_score, extra_credit ON grade
FOR EACH ROW WHEN OLD.manual_score IS NOT NEW.manual_score
               OR OLD.extra_credit IS NOT NEW.extra_credit
BEGIN
  INSERT INTO {TABLE} ({_COLUMNS}) VALUES (NEW.id, {_CONTEXT},
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), OLD.manual_score, NEW.manual_score,
    OLD.extra_credit, NEW.extra_credit, NULL);
END
"""

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {TABLE} ({_COLUMNS}) VALUES (NEW.id, {_CONTEXT},
    to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    OLD.manual_score, NEW.manual_score, OLD.extra_credit, NEW.extra_credit, current_user);
  RETURN NEW;
END $$
"""
_POSTGRES_TRIGGER = f"""
CREATE OR REPLACE TRIGGER {TRIGGER} AFTER UPDATE OF manual_score, extra_credit ON grade
FOR EACH ROW WHEN (OLD.manual_score IS DISTINCT FROM NEW.manual_score
                   OR OLD.extra_credit IS DISTINCT FROM NEW.extra_credit)
EXECUTE FUNCTION {TRIGGER}()
"""

_ready: set[str] = set()  # databases whose table and trigger this process has checked
_installed = False


def actor() -> str:
    """Who is acting: the JupyterHub user serving formgrader, else the operating-system user."""
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return hub_user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def program() -> str:
    return Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"


def ensure_audit(connection: Connection) -> bool:
    """Create the audit table and trigger in the gradebook behind ``connection`` if missing.

    Returns False when the database holds no nbgrader gradebook (no ``grade`` table) yet.
    """
    if not inspect(connection).has_table("grade"):
        return False
    metadata.create_all(connection, checkfirst=True)
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(_SQLITE_TRIGGER)
    elif dialect == "postgresql":
        present = f"SELECT 1 FROM pg_trigger WHERE tgname = '{TRIGGER}'"
        if connection.exec_driver_sql(present).first() is None:
            connection.exec_driver_sql(_POSTGRES_FUNCTION)
            connection.exec_driver_sql(_POSTGRES_TRIGGER)
    return True


def _grade_class() -> type:
    from nbgrader.api import Grade

    return Grade


def _changed_grades(session: Session) -> list[str]:
    grade = _grade_class()
    changed = []
    for instance in session.dirty:
        if not isinstance(instance, grade):
            continue
        state = inspect(instance)
        if any(state.attrs[name].history.has_changes() for name in WATCHED):
            changed.append(instance.id)
    return changed


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Make sure the trigger exists before the UPDATE, and remember where the trail ends."""
    changed = _changed_grades(session)
    connection = session.connection()
    key = str(connection.engine.url)
    if key not in _ready:
        if not ensure_audit(connection):
            return
        _ready.add(key)
    if changed:
        last = connection.execute(select(func.max(audit_table.c.id))).scalar()
        session.info["bdhvs_audit"] = (changed, last or 0)


def _after_flush(session: Session, _context: Any) -> None:
    """Sign the rows the trigger just wrote for this flush's changes."""
    pending = session.info.pop("bdhvs_audit", None)
    if not pending:
        return
    changed, last = pending
    session.connection().execute(
        update(audit_table)
        .where(audit_table.c.id > last)
        .where(audit_table.c.grade_id.in_(changed))
        .where(audit_table.c.actor.is_(None))
        .values(actor=actor(), program=program())
    )


def install_audit() -> None:
    """Install the hooks for every SQLAlchemy session of this process (once)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    _installed = True


@dataclass(frozen=True)
class ManualChange:
    """One recorded change of a grade's manual score or extra credit."""

    changed_at: str
    learner: str | None
    assignment: str | None
    notebook: str | None
    cell: str | None
    old_manual_score: float | None
    new_manual_score: float | None
    old_extra_credit: float | None
    new_extra_credit: float | None
    actor: str | None
    program: str | None
    db_user: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def describe(self) -> str:
        """One line for people: who changed what, from what to what."""
        parts = []
        if self.old_manual_score != self.new_manual_score:
            parts.append(
                f"manual score {_shown(self.old_manual_score)} -> {_shown(self.new_manual_score)}"
            )
        if self.old_extra_credit != self.new_extra_credit:
            parts.append(
                f"extra credit {_shown(self.old_extra_credit)} -> {_shown(self.new_extra_credit)}"
            )
        who = self.actor or "unknown (changed outside nbgrader and bdhvs)"
        if self.db_user:
            who += f", database role {self.db_user}"
        where = f"{self.learner}/{self.assignment}/{self.notebook}/{self.cell}"
        return f"{self.changed_at} {where}: {'; '.join(parts)} by {who}"


def _shown(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def manual_changes(db_url: str, assignments: list[str] | None = None) -> list[ManualChange]:
    """Every recorded change, oldest first (only of ``assignments`` if given).

    Reading also creates the table and trigger in a gradebook that lacks them, so changes made
    from then on are recorded even if nothing else touched the course.
    """
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return []  # no gradebook yet; do not create an empty one
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if not ensure_audit(connection):
                return []
            query = select(audit_table).order_by(audit_table.c.changed_at, audit_table.c.id)
            if assignments:
                query = query.where(audit_table.c.assignment.in_(assignments))
            rows = connection.execute(query).mappings().all()
    finally:
        engine.dispose()
    same_name = [f.name for f in fields(ManualChange) if f.name != "learner"]
    return [
        ManualChange(learner=row["student"], **{name: row[name] for name in same_name})
        for row in rows
    ]


def forget_changes(db_url: str, learner: str) -> int:
    """Delete the recorded changes of ``learner``'s grades (erasure); returns how many."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return 0
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table(TABLE):
                return 0
            done = connection.execute(audit_table.delete().where(audit_table.c.student == learner))
            return done.rowcount
    finally:
        engine.dispose()
