"""A fake of the Orgo cloud-desktop API, faithful enough for the official SDK.

>>> fake = FakeOrgo()
>>> with fake.serve() as server:  # doctest: +SKIP
...     orgo.Computer(base_api_url=server.base_url)

See :class:`FakeOrgo` for the control surface (keys, plan limits, lifecycle, faults).
"""

from fake_server.backend import Backend, Checkpoint
from fake_server.clock import Clock
from fake_server.direct import DirectApi
from fake_server.errors import ApiError
from fake_server.faults import Fault
from fake_server.request_log import LoggedRequest
from fake_server.server import FakeOrgo
from fake_server.serving import LoopbackServer
from fake_server.transport import InMemoryTransport

__all__ = [
    "ApiError",
    "Backend",
    "Checkpoint",
    "Clock",
    "DirectApi",
    "FakeOrgo",
    "Fault",
    "InMemoryTransport",
    "LoggedRequest",
    "LoopbackServer",
]
