"""``--orgo-report DIR`` and its ini twin ``orgo_report``, resolved in one place: the
snapshot plugin asks too (failure artifacts go under the report when it is on).

Named like the plugin's other flags (``--orgo-artifacts DIR``) rather than pytest-mpl's
``--mpl-generate-summary``: one prefix for everything pytest-orgo, a directory (like
pytest-html's ``--html`` takes a file) because the page comes with its images.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FLAG = "--orgo-report"
INI = "orgo_report"
IMAGES = "images"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("orgo-snapshots", "Orgo screenshot snapshots (pytest-orgo)")
    group.addoption(
        FLAG,
        default=None,
        dest="orgo_report",
        metavar="DIR",
        help="write a visual review report of every screenshot assertion to DIR "
        "(index.html, summary.json, images/); failure artifacts go there too unless "
        "--orgo-artifacts says otherwise",
    )
    parser.addini(INI, help=f"like {FLAG} (the flag wins), relative to the ini file", default="")


def report_dir(config: pytest.Config) -> Path | None:
    """The report directory this run writes, or ``None``; a usage error if it is a file."""
    flag = config.getoption("orgo_report", None)
    ini = str(config.getini(INI) or "") if _has_ini(config) else ""
    if flag:
        directory = Path(config.invocation_params.dir, flag).resolve()
    elif ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        directory = Path(base, ini).resolve()
    else:
        return None
    if directory.exists() and not directory.is_dir():
        raise pytest.UsageError(f"{FLAG}: {directory} exists and is not a directory")
    return directory


def _has_ini(config: pytest.Config) -> bool:
    try:
        config.getini(INI)
    except ValueError:  # the report subplugin was not registered (no addoption ran)
        return False
    return True
