"""The fake's WebSockets: the desktop sockets (:mod:`.events`, :mod:`.terminal`,
:mod:`.audio`) with what they share (:mod:`.common`, :mod:`.hub`, :mod:`.sockets`,
:mod:`.coalesce`, :mod:`.protocol`), and their routes (:mod:`.routes`).

Nothing is imported here, so the backend can use the hub and registries without
loading the endpoints, which depend on the backend.
"""
