from __future__ import annotations

import pytest

from fieldoffice.context import Context, load_context
from fieldoffice.locate import Locator

pytest_plugins = ["tests.databases"]


@pytest.fixture(scope="session")
def ctx() -> Context:
    return load_context()


@pytest.fixture(scope="session")
def locator(ctx: Context) -> Locator:
    return Locator(ctx)
