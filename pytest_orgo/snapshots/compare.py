"""Which pixels of two screenshots differ in a way a person would notice.

The common case is "nothing changed" or "a few pixels changed", so the work is staged to
cost little more than Pillow's own ``ImageChops.difference(...).getbbox()`` then:

1. Pillow (C) finds the box around every raw change, masked rectangles blanked first.
   No box: the images are equal outside the masks and nothing else runs.
2. A clock in one corner and a cursor in another would make that box the whole screen,
   so a big box is cut into tiles, each re-boxed, until the pieces are small or dense:
   numpy then reads a few small regions, never a screenful of unchanged pixels.
3. In each region numpy takes every changed pixel at once: the YIQ colour distance
   pixelmatch uses (``threshold`` 0..1 of the largest possible distance) drops changes a
   person would not see, and pixelmatch's anti-aliasing test (Vysniauskas 2009: a pixel
   between a darker and a brighter neighbour that both sit in flat areas) drops edge
   pixels that only moved in the rasteriser. The result counts the same pixels as the
   ``pixelmatch`` package, exactly, about a thousand times faster at 1920x1080.

The perceptual hash (imagehash's phash) is not needed to count pixels, so it is computed
only when asked for (:attr:`Comparison.hash_distance`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import imagehash
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageChops

from pytest_orgo.errors import OrgoError
from pytest_orgo.snapshots.antialias import MAX_YIQ_DELTA, antialiased, channels, yiq_delta
from pytest_orgo.snapshots.regions import Box, find_regions

Rect = tuple[int, int, int, int]  # x, y, width, height: how a test writes a mask

FADE = 0.2  # how much of the expected image shows, greyed, under the red of a diff image
HIGHLIGHT = (255, 0, 0)

IntArray = NDArray[np.int64]


class SizeMismatch(ValueError, OrgoError):
    """The two images cannot be compared pixel by pixel."""

    def __init__(self, expected: tuple[int, int], actual: tuple[int, int]) -> None:
        self.expected, self.actual = expected, actual
        super().__init__(f"expected a {_size(expected)} image, got {_size(actual)}")


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB, any transparency blended over white (pixelmatch blends alpha with white too)."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return image.convert("RGB")


def mask_boxes(mask: Iterable[Sequence[int]], size: tuple[int, int]) -> tuple[Box, ...]:
    """``(x, y, w, h)`` rectangles as Pillow boxes clipped to the image; a typo is an error,
    not a silently ignored mask (which would fail later, far from the mistake)."""
    boxes: list[Box] = []
    width, height = size
    for rect in mask:
        values = tuple(rect)
        if len(values) != 4 or not all(
            isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values
        ):
            raise ValueError(f"a mask is (x, y, width, height) in whole pixels, got {rect!r}")
        x, y, w, h = (int(v) for v in values)
        if w < 0 or h < 0:
            raise ValueError(f"a mask's width and height cannot be negative, got {rect!r}")
        box = (max(x, 0), max(y, 0), min(x + w, width), min(y + h, height))
        if box[0] < box[2] and box[1] < box[3]:
            boxes.append(box)
    return tuple(boxes)


@dataclass(frozen=True, eq=False)
class Comparison:
    """The outcome of :func:`compare`: the pixels counted as different, and the means to
    explain them (a diff image, the perceptual-hash distance) when a test fails."""

    expected: Image.Image  # RGB
    actual: Image.Image  # RGB
    masks: tuple[Box, ...]
    xs: IntArray  # columns of the pixels counted as different
    ys: IntArray  # their rows
    raw_bbox: Box | None  # the box of every raw change outside the masks; None: equal there

    @property
    def size(self) -> tuple[int, int]:
        return self.expected.size

    @property
    def total_pixels(self) -> int:
        return self.size[0] * self.size[1]

    @property
    def diff_pixels(self) -> int:
        return len(self.xs)

    @property
    def ratio(self) -> float:
        return self.diff_pixels / self.total_pixels if self.total_pixels else 0.0

    @property
    def bbox(self) -> Rect | None:
        """``(x, y, w, h)`` around the counted pixels: ready to paste into ``mask=[...]``."""
        if not self.diff_pixels:
            return None
        left, top = int(self.xs.min()), int(self.ys.min())
        return left, top, int(self.xs.max()) - left + 1, int(self.ys.max()) - top + 1

    @cached_property
    def hash_distance(self) -> int:
        """Hamming distance of the two perceptual hashes, masked regions taken from the
        expected image in both (so a masked clock cannot move the hash)."""
        if self.raw_bbox is None:
            return 0
        actual = self.actual
        if self.masks:
            actual = actual.copy()
            for box in self.masks:
                actual.paste(self.expected.crop(box), box)
        return int(phash(self.expected) - phash(actual))

    def diff_image(self) -> Image.Image:
        """The expected image faded to light grey, the counted pixels in red on top."""
        faded = self.expected.convert("L").point(lambda v: round(255 - (255 - v) * FADE))
        pixels = np.array(faded.convert("RGB"))
        pixels[self.ys, self.xs] = HIGHLIGHT
        return Image.fromarray(pixels, "RGB")


@dataclass(frozen=True)
class Tolerance:
    """How much change one assertion accepts, and its verdict on a :class:`Comparison`.
    Nonsense is rejected up front: a typo'd tolerance must not quietly pass everything."""

    threshold: float = 0.1
    max_diff_pixels: int | None = None
    max_diff_ratio: float | None = None
    hash_distance: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int | float) or not 0.0 <= self.threshold <= 1.0:
            raise ValueError(
                f"threshold is 0..1 (of the largest colour distance), got {self.threshold!r}"
            )
        if self.max_diff_pixels is not None and not _whole(self.max_diff_pixels):
            raise ValueError(f"max_diff_pixels is a pixel count >= 0, got {self.max_diff_pixels!r}")
        ratio = self.max_diff_ratio
        if ratio is not None and (not isinstance(ratio, int | float) or not 0.0 <= ratio <= 1.0):
            raise ValueError(f"max_diff_ratio is a share of all pixels, 0..1, got {ratio!r}")
        if self.hash_distance is not None and not _whole(self.hash_distance):
            raise ValueError(
                f"hash_distance is a Hamming distance, 0..64, got {self.hash_distance!r}"
            )

    def allowed_pixels(self, total: int) -> float:
        """Playwright's rule: either limit alone, or the stricter of both; neither: zero."""
        limits: list[float] = []
        if self.max_diff_pixels is not None:
            limits.append(self.max_diff_pixels)
        if self.max_diff_ratio is not None:
            limits.append(self.max_diff_ratio * total)
        return min(limits) if limits else 0

    def passes(self, comparison: Comparison) -> bool:
        if comparison.diff_pixels > self.allowed_pixels(comparison.total_pixels):
            return False
        return self.hash_distance is None or comparison.hash_distance <= self.hash_distance

    def describe(self, total: int) -> str:
        allowed = int(self.allowed_pixels(total))
        text = f"at most {allowed} differing pixel{'' if allowed == 1 else 's'}"
        text += f" (threshold={self.threshold:g})"
        if self.hash_distance is not None:
            text += f", perceptual hash distance at most {self.hash_distance}"
        return text


def _whole(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and bool(value >= 0)


def phash(image: Image.Image) -> imagehash.ImageHash:
    """imagehash's phash, of a box-filtered thumbnail when the image is big: phash shrinks
    to 32x32 through a Lanczos filter anyway, and box-reducing first (a low-pass of its
    own) costs 1.5 ms at 1920x1080 where the Lanczos pass over the full image costs 7."""
    factor = max(1, min(image.size) // 128)
    return imagehash.phash(image.reduce(factor) if factor > 1 else image)


def compare(
    expected: Image.Image,
    actual: Image.Image,
    *,
    threshold: float = 0.1,
    mask: Iterable[Sequence[int]] = (),
) -> Comparison:
    """Count the pixels of ``actual`` that differ visibly from ``expected``.

    ``threshold`` (0..1) is pixelmatch's: the largest YIQ colour distance, as a share of
    the largest possible one, still counted as equal. ``mask`` rectangles are ignored.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(
            f"threshold is a share of the largest colour distance, 0..1; got {threshold!r}"
        )
    a, b = to_rgb(expected), to_rgb(actual)
    if a.size != b.size:
        raise SizeMismatch(a.size, b.size)
    boxes = mask_boxes(mask, a.size)
    difference = _difference(a, b, boxes)
    raw_bbox = difference.getbbox()
    if raw_bbox is None:
        empty = np.zeros(0, dtype=np.int64)
        return Comparison(a, b, boxes, empty, empty, None)
    regions = find_regions(a, b, difference, raw_bbox)
    colours_a = channels(np.concatenate([r.a[r.rows, r.cols] for r in regions]))
    colours_b = channels(np.concatenate([r.b[r.rows, r.cols] for r in regions]))
    counted = yiq_delta(colours_a, colours_b) > MAX_YIQ_DELTA * threshold * threshold
    rows = np.concatenate([r.rows for r in regions]).astype(np.int64)
    cols = np.concatenate([r.cols for r in regions]).astype(np.int64)
    block = np.repeat(np.arange(len(regions), dtype=np.int64), [len(r.rows) for r in regions])
    which = np.flatnonzero(counted)
    if len(which):
        blocks_a, blocks_b = [r.a for r in regions], [r.b for r in regions]
        aliased = antialiased(blocks_a, blocks_b, block[which], rows[which], cols[which])
        counted[which] = ~aliased
    lefts = np.array([r.left for r in regions], dtype=np.int64)
    tops = np.array([r.top for r in regions], dtype=np.int64)
    xs, ys = (cols + lefts[block])[counted], (rows + tops[block])[counted]
    return Comparison(a, b, boxes, xs, ys, raw_bbox)


def unchanged(
    expected: Image.Image, actual: Image.Image, mask: Iterable[Sequence[int]] = ()
) -> bool:
    """Pixel-identical outside the masks: how a stability wait tells a settled screen."""
    a, b = to_rgb(expected), to_rgb(actual)
    return a.size == b.size and _difference(a, b, mask_boxes(mask, a.size)).getbbox() is None


def _difference(a: Image.Image, b: Image.Image, masks: tuple[Box, ...]) -> Image.Image:
    difference = ImageChops.difference(a, b)
    for box in masks:
        difference.paste((0, 0, 0), box)
    return difference
