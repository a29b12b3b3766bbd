"""Kept for imports of the old private path (``pytest_orgo.strategies``): the events model
now lives in :mod:`pytest_orgo.helpers.events._model`."""

from pytest_orgo.helpers.events._model import EVENT_TYPES as EVENT_TYPES
