from __future__ import annotations

import pytest

from fieldoffice.directory.context import Context, load_context
from fieldoffice.lookup.locate import Locator

pytest_plugins = ["tests.databases"]


@pytest.fixture(scope="session", autouse=True)
def _own_user_data(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`fieldoffice serve` with no store option keeps its store in the user data folder: the
    suite's servers and commands get a fresh one, never the person's own."""
    import os

    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))


@pytest.fixture(scope="session")
def ctx() -> Context:
    return load_context()


@pytest.fixture(scope="session")
def locator(ctx: Context) -> Locator:
    return Locator(ctx)
