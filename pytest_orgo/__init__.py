"""pytest-orgo: test code built on Orgo cloud desktops, against a faithful fake or the live API."""

__version__ = "0.1.0"
