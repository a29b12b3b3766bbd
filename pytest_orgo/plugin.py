"""The pytest entry point (``pytest11: orgo``): options, markers and fixtures."""
