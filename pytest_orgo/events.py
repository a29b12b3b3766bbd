"""The events helper's public path: everything is defined in :mod:`pytest_orgo.helpers.events`
(see its docstring), and re-exported here unchanged."""

from pytest_orgo.helpers.events import *  # noqa: F403
from pytest_orgo.helpers.events import __all__ as __all__
