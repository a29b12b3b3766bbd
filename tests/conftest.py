"""Fixtures shared by the project's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from fake_server import FakeOrgo

pytest_plugins = ["pytester"]  # the plugin's own tests (tests/plugin, ...) run pytest in pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--in-process-only",
        action="store_true",
        help="deselect the tests that run pytest itself (they use pytester); CI's second "
        "Python version runs the rest: the pytest runs repeat what the first pass proved",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--in-process-only"):
        return
    nested = [item for item in items if "pytester" in getattr(item, "fixturenames", ())]
    if nested:
        config.hook.pytest_deselected(items=nested)
        items[:] = [item for item in items if "pytester" not in getattr(item, "fixturenames", ())]


API = "https://www.orgo.ai/api"
KEY = "sk_test_project"


@pytest.fixture
def fake() -> FakeOrgo:
    """A fresh, seeded fake that accepts any key."""
    return FakeOrgo(seed=7)


@pytest.fixture
def api(fake: FakeOrgo) -> Iterator[httpx.Client]:
    """An httpx client talking to ``fake`` in memory, authenticated."""
    with httpx.Client(
        transport=fake.transport(), base_url=API, headers={"Authorization": f"Bearer {KEY}"}
    ) as client:
        yield client


@pytest.fixture
def workspace(api: httpx.Client) -> dict[str, object]:
    response = api.post("/workspaces", json={"name": "tests"})
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def computer(api: httpx.Client, workspace: dict[str, object]) -> dict[str, object]:
    response = api.post("/computers", json={"workspace_id": workspace["id"], "name": "pc-1"})
    assert response.status_code == 201, response.text
    return dict(response.json())
