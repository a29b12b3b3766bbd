"""Identifiers the fake hands out: UUIDs, 8-hex-digit instance ids, VNC passwords.

Seedable, so that a run with the same seed produces the same ids and passwords
(which keeps recorded cassettes and screenshots stable).
"""

from __future__ import annotations

import random
import string
import uuid

_PASSWORD_ALPHABET = string.ascii_letters + string.digits


class IdFactory:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._rng: random.Random = (
            random.Random(seed) if seed is not None else random.SystemRandom()
        )

    def reseed(self) -> None:
        if self.seed is not None:
            self._rng = random.Random(self.seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def instance_id(self) -> str:
        return f"{self._rng.getrandbits(32):08x}"

    def password(self, length: int = 16) -> str:
        return "".join(self._rng.choice(_PASSWORD_ALPHABET) for _ in range(length))

    def window_id(self) -> str:
        return f"0x{self._rng.randrange(0x1000000, 0x7FFFFFF):07x}"
