"""The audio helper's public path: everything is defined in :mod:`pytest_orgo.helpers.audio`
(see its docstring), and re-exported here unchanged."""

from pytest_orgo.helpers.audio import *  # noqa: F403
from pytest_orgo.helpers.audio import __all__ as __all__
