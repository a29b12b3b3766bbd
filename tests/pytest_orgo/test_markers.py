"""``orgo_marker``: the one merge of a test's ``@pytest.mark.orgo`` values that the
collection check, the fixtures, the pool warm-up and the scope planner all read."""

from __future__ import annotations

import pytest

from pytest_orgo.markers import OrgoMarker, orgo_marker


def items_of(pytester: pytest.Pytester, source: str) -> dict[str, pytest.Item]:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(source)
    return {item.name: item for item in pytester.getitems(pytester.path)}


def test_a_test_without_the_marker_has_no_values(pytester: pytest.Pytester) -> None:
    items = items_of(pytester, "def test_plain(): pass\n")
    assert orgo_marker(items["test_plain"]) == OrgoMarker()


def test_closest_mark_wins_key_by_key_and_run_settings_are_split_off(
    pytester: pytest.Pytester,
) -> None:
    items = items_of(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.orgo(ram=4, cpu=2, scope="module")

        @pytest.mark.orgo(cpu=4, keep_on_failure=True)
        class TestGroup:
            @pytest.mark.orgo(ram=8, scope="function")
            def test_own(self): pass

            def test_inherited(self): pass
        """,
    )
    own = orgo_marker(items["test_own"])
    assert own.spec == {"ram": 8, "cpu": 4}
    assert own.per_test == {"scope": "function", "keep_on_failure": True}
    assert own.present and own.positional == ()
    inherited = orgo_marker(items["test_inherited"])
    assert inherited.spec == {"ram": 4, "cpu": 4}
    assert inherited.per_test == {"scope": "module", "keep_on_failure": True}


def test_positional_arguments_are_kept_for_the_collection_check(
    pytester: pytest.Pytester,
) -> None:
    items = items_of(
        pytester,
        """
        import pytest

        @pytest.mark.orgo(4, ram=4)
        def test_positional(): pass
        """,
    )
    marker = orgo_marker(items["test_positional"])
    assert marker.positional == (4,)
    assert marker.spec == {"ram": 4}
