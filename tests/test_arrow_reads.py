"""Query results come back as columns from the ADBC drivers, on the URLs bdhvs accepts."""

import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from graders.common.errors import BdhvsError
from graders.gradebook import arrow_reads, database
from graders.gradebook.database import CONNECT_TIMEOUT


def test_an_sqlite_gradebook_is_read_as_typed_columns(tmp_path):
    path = tmp_path / "gradebook.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE grade (cell_id TEXT, auto_score FLOAT)")
        connection.executemany("INSERT INTO grade VALUES (?, ?)", [("a", 1.5), ("b", None)])
    table = arrow_reads.read_table(
        f"sqlite:///{path}", "SELECT cell_id, COALESCE(auto_score, -1.0) FROM grade"
    )
    assert table.column(0).to_pylist() == ["a", "b"]
    assert table.column(1).to_pylist() == [1.5, -1.0]


def test_a_postgresql_url_becomes_a_libpq_url_with_a_timeout_and_its_password():
    _, target = arrow_reads._driver("postgresql+psycopg2://role:s3cr%40t@127.0.0.1:5433/course")
    assert target.startswith("postgresql://role:s3cr%40t@127.0.0.1:5433/course?")
    assert f"connect_timeout={CONNECT_TIMEOUT}" in target


def test_a_postgresql_url_without_host_connects_through_the_first_socket_folder_present(
    tmp_path, monkeypatch
):
    present = tmp_path / "run" / "postgresql"
    present.mkdir(parents=True)
    monkeypatch.setattr(database, "DEFAULT_SOCKET_DIRS", (tmp_path / "absent", present))
    _, target = arrow_reads._driver("postgresql+psycopg2://role@/course?connect_timeout=3")
    query = parse_qs(urlsplit(target).query)
    assert query["host"] == [str(present)]
    assert query["connect_timeout"] == ["3"]


def test_a_postgresql_url_naming_its_socket_folder_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "DEFAULT_SOCKET_DIRS", (tmp_path,))
    _, target = arrow_reads._driver("postgresql+psycopg2://role@/course?host=/srv/pg")
    assert parse_qs(urlsplit(target).query)["host"] == ["/srv/pg"]


def test_other_databases_are_refused_clearly():
    with pytest.raises(BdhvsError, match="SQLite or PostgreSQL"):
        arrow_reads._driver("mysql://role@localhost/course")
