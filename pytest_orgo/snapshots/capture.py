"""Getting the screenshot to compare: from a PIL image, PNG bytes or a computer, and,
with ``stable=N``, only once the screen has stopped repainting."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Protocol, runtime_checkable

from PIL import Image

from pytest_orgo.errors import OrgoError
from pytest_orgo.snapshots import messages
from pytest_orgo.snapshots.compare import compare, unchanged
from pytest_orgo.snapshots.messages import ScreenshotMismatch

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@runtime_checkable
class ScreenshotSource(Protocol):
    """A computer, or anything else that can take a screenshot."""

    def screenshot_png(self) -> bytes: ...


ImageLike = Image.Image | bytes | bytearray | memoryview | ScreenshotSource
Mask = Sequence[Sequence[int]]


class Shot:
    """One screenshot, as PNG bytes and as an image, each made from the other only if
    needed: a byte-identical PNG passes without decoding, an image is encoded only when
    it becomes a baseline or an artifact."""

    def __init__(self, *, png: bytes | None = None, image: Image.Image | None = None) -> None:
        if png is None and image is None:
            raise ValueError("a Shot needs PNG bytes or an image")
        self._png, self._image = png, image

    @property
    def has_png(self) -> bool:
        return self._png is not None

    @cached_property
    def png(self) -> bytes:
        if self._png is not None:
            return self._png
        assert self._image is not None
        buffer = io.BytesIO()
        self._image.save(buffer, format="PNG")
        return buffer.getvalue()

    @property
    def image(self) -> Image.Image:
        if self._image is None:
            self._image = decode(self.png)
        return self._image

    def decode_beside(self, baseline: bytes) -> Image.Image:
        """The baseline, decoded while this screenshot decodes in a second thread: Pillow
        lets go of the GIL while it inflates, and two 1080p PNGs are most of an
        assertion's time. An unreadable baseline raises :class:`UnreadableBaseline`."""
        if self._image is not None:
            return _decode_baseline(baseline)
        outcome: list[Image.Image | BaseException] = []

        def work() -> None:
            try:
                outcome.append(decode(self.png))
            except BaseException as exc:  # re-raised in the caller's thread below
                outcome.append(exc)

        worker = threading.Thread(target=work, name="orgo-snapshot-decode", daemon=True)
        worker.start()
        try:
            expected = _decode_baseline(baseline)
        finally:
            worker.join()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        self._image = outcome[0]
        return expected


class UnreadableBaseline(OrgoError):
    """The baseline file is not an image Pillow can read (the cause says why)."""


def _decode_baseline(data: bytes) -> Image.Image:
    try:
        return decode(data)
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableBaseline(str(exc)) from exc


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def shot_of(source: ImageLike) -> Shot:
    """A PIL image, PNG bytes (other formats are re-encoded to PNG) or a computer."""
    if isinstance(source, Image.Image):
        return Shot(image=source)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return Shot(png=data) if data.startswith(PNG_SIGNATURE) else Shot(image=decode(data))
    if isinstance(source, ScreenshotSource):
        return Shot(png=source.screenshot_png())
    raise TypeError(
        "assert_screenshot takes a PIL image, PNG bytes or a computer "
        f"(anything with .screenshot_png()), got {type(source).__name__}"
    )


def settle(
    take: Callable[[], bytes], *, stable: int, timeout: float, interval: float, mask: Mask
) -> Shot:
    """Screenshots until ``stable`` in a row are identical outside the masks (a repaint,
    an animation or a toast has finished); the last of them."""
    __tracebackhide__ = True
    deadline = time.monotonic() + timeout
    previous, run, taken = Shot(png=take()), 1, 1
    longest, last_change = 1, None
    while run < stable:
        if time.monotonic() >= deadline:
            raise ScreenshotMismatch(
                messages.unsettled(stable, timeout, longest, taken, last_change)
            )
        time.sleep(interval)
        shot = Shot(png=take())
        taken += 1
        if shot.png == previous.png or unchanged(previous.image, shot.image, mask):
            run += 1
        else:
            run = 1
            last_change = _change_box(previous.image, shot.image)
        longest = max(longest, run)
        previous = shot
    return previous


def _change_box(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int] | None:
    if a.size != b.size:
        return None
    return compare(a, b, threshold=0.0).bbox
