"""The generated sync helpers and tests are current: ``scripts/unasync.py --check`` passes.

The async code is the one source (``pytest_orgo/helpers/*/_async.py`` and
``tests/pytest_orgo/helpers/test_*_async.py``); a sync file edited by hand, or an async
one changed without regenerating, fails here with the diff (CI runs the same check in
``.ci/run`` before the tests)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "unasync.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_sync_files_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"stale generated files:\n{result.stdout}\n{result.stderr}"


def test_every_generated_file_says_where_it_comes_from() -> None:
    script = load_script()
    for source, target in script.FILES:
        first = (ROOT / target).read_text().splitlines()[0]
        assert first.startswith(f"# Generated from {Path(source).name} by scripts/unasync.py")


def test_the_check_fails_on_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = load_script()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "_async.py").write_text(
        "async def f(x: AsyncThing) -> None:\n"
        "    async with x:\n"
        "        await x.aclose()\n"
        "    x.loop.stop()  # unasync: async-only\n"
    )
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "FILES", [("a/_async.py", "a/_sync.py")])
    assert script.main(["--check"]) == 1  # missing
    assert script.main([]) == 0  # written
    generated = (tmp_path / "a" / "_sync.py").read_text()
    assert generated.splitlines()[1:] == [
        "def f(x: Thing) -> None:",
        "    with x:",
        "        x.close()",
    ]
    assert script.main(["--check"]) == 0
    (tmp_path / "a" / "_sync.py").write_text(generated + "# edited by hand\n")
    assert script.main(["--check"]) == 1
