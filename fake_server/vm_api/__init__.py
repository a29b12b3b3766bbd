"""The direct VM API (reference section 20): each computer's own HTTP and WebSocket API.

Real Orgo computers answer ``GET /screenshot``, the action endpoints and ``WS /terminal``
at ``http://{instance_details.publicHost}:{instance_details.apiPort}``, authenticated by
``Authorization: Bearer <desktop_api_token>``. The fake serves them by translating each
call into the platform route of the same name (:mod:`fake_server.routes.actions`), so the
two surfaces cannot disagree about what an action does.
"""

from fake_server.vm_api.address import VM_HOST_SUFFIX, is_vm_host, vm_address
from fake_server.vm_api.dispatch import VmDispatcher

__all__ = ["VM_HOST_SUFFIX", "VmDispatcher", "is_vm_host", "vm_address"]
