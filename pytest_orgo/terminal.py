"""The terminal helper's public path: everything is defined in :mod:`pytest_orgo.helpers.terminal`
(see its docstring), and re-exported here unchanged."""

from pytest_orgo.helpers.terminal import *  # noqa: F403
from pytest_orgo.helpers.terminal import __all__ as __all__
