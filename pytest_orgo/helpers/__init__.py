"""The desktop-socket helpers: ``events``, ``audio`` and ``terminal``, one subpackage each.

Each is written once, in async form (``<helper>/_async.py``), against the paired
primitives of :mod:`._synchronization` (socket, condition, worker, close guard);
``scripts/unasync.py`` generates the sync form (``<helper>/_sync.py``) from it, and CI
checks the generated files are current (``scripts/unasync.py --check``). What both forms
share and what is not I/O (event matching, the audio capture and analysis, the terminal's
screen) lives beside them in plain modules. :mod:`._ws` holds the URL, back-off and
close-code handling all three use.

Public imports stay at :mod:`pytest_orgo.events`, :mod:`pytest_orgo.audio` and
:mod:`pytest_orgo.terminal`.
"""
