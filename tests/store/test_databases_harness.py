"""The test databases themselves (tests/databases.py): each database_url is a working, empty
database of the kind its id says, PostgreSQL is the real thing, and no two tests share one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    text,
)
from sqlalchemy.engine import make_url

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String(200), nullable=False),
)


def engine_for(url: str) -> Iterator[Engine]:
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    yield from engine_for(database_url)


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    yield from engine_for(postgres_url)


def test_create_insert_read_back(engine: Engine, request: pytest.FixtureRequest) -> None:
    kind = request.node.callspec.params["database_url"]
    assert engine.dialect.name == kind
    assert inspect(engine).get_table_names() == []  # starts empty
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(notes.insert(), [{"body": "Ñandú — 日本"}, {"body": "second"}])
    with engine.connect() as conn:
        rows = conn.execute(notes.select().order_by(notes.c.id)).all()
    assert [(r.id, r.body) for r in rows] == [(1, "Ñandú — 日本"), (2, "second")]
    assert inspect(engine).get_table_names() == ["notes"]


def test_sqlite_url_is_a_file_in_tmp_path(database_url: str, tmp_path) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    assert database_url == f"sqlite:///{tmp_path / 'store.db'}"


def test_postgresql_is_postgresql(pg_engine: Engine, postgres_server) -> None:
    with pg_engine.connect() as conn:
        version = conn.execute(text("select version()")).scalar_one()
        user = conn.execute(text("select current_user")).scalar_one()
        encoding = conn.execute(text("show server_encoding")).scalar_one()
        socket_dir = conn.execute(text("show unix_socket_directories")).scalar_one()
        listen = conn.execute(text("show listen_addresses")).scalar_one()
    assert version.startswith("PostgreSQL "), version
    assert version.split()[1].split(".")[0] == postgres_server.version
    assert user == postgres_server.user == "postgres"
    assert encoding == "UTF8"
    assert socket_dir == str(postgres_server.socket_dir)
    assert listen == ""  # Unix socket only, no TCP


def test_url_form(postgres_url: str, postgres_server) -> None:
    name = make_url(postgres_url).database
    assert (
        postgres_url == f"postgresql+psycopg://postgres@/{name}?host={postgres_server.socket_dir}"
    )
    assert postgres_server.url(name) == postgres_url


# Two tests in turn: the first leaves a table behind in its database, the second (same kind of
# database) must not see it. They share a module-level record of what the first one saw.
_seen: dict[str, str] = {}


def _current_database(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return str(engine.url.database)
    with engine.connect() as conn:
        return conn.execute(text("select current_database()")).scalar_one()


def test_isolation_first_leaves_a_table(engine: Engine) -> None:
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(notes.insert(), {"body": "left behind"})
    _seen[engine.dialect.name] = _current_database(engine)


def test_isolation_second_does_not_see_it(engine: Engine) -> None:
    assert "notes" not in inspect(engine).get_table_names()
    if engine.dialect.name in _seen:  # the first test ran (it does, in file order)
        assert _current_database(engine) != _seen[engine.dialect.name]


def test_databases_dropped_after_use(postgres_server, postgres_url: str) -> None:
    """Only this test's database is left on the server (the earlier ones were dropped)."""
    name = make_url(postgres_url).database
    with postgres_server.connect() as conn:
        names = [
            row[0]
            for row in conn.execute(
                "select datname from pg_database where not datistemplate and datname <> 'postgres'"
            )
        ]
    assert names == [name]


def test_open_connection_does_not_block_drop(postgres_server) -> None:
    """A test that leaves a connection open still gets its database dropped (WITH (FORCE))."""
    name = postgres_server.create_database("left_open")
    conn = postgres_server.connect(name)
    try:
        postgres_server.drop_database(name)
        with postgres_server.connect() as admin:
            row = admin.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        assert row is None
    finally:
        conn.close()
