"""Where in a difference image the changes are, as a few small regions, found with
Pillow's C ``getbbox`` rather than by reading every pixel into numpy.

A clock in one corner and a cursor in another make the box of all changes the whole
screen, so a big box is cut into tiles, each re-boxed, recursively, until each piece is
small or dense: numpy then reads a few small regions, never a screenful of unchanged
pixels. (Peeling the box instead, from the changes on its edges, measured no faster:
each round costs a full ``getbbox`` scan, as one tiling level costs a copy.)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

Box = tuple[int, int, int, int]  # left, top, right, bottom (exclusive): how Pillow crops
IntArray = NDArray[np.int64]

LEAF_AREA = 1 << 16  # a box this small is one region, scanned whole
GRID = 4  # a box is tiled in up to GRID x GRID tiles...
MIN_TILE = 64  # ...of at least this many pixels a side
DENSE = 0.75  # tiles whose boxes keep this share of their parent's area: cutting buys nothing
MARGIN = 2  # the anti-aliasing test reads neighbours and their neighbours


@dataclass(frozen=True, eq=False)
class Region:
    """The changed pixels of one region, and both images' pixels around them."""

    left: int  # where the pixel arrays start, in the image
    top: int
    a: NDArray[np.uint8]  # (height, width, 3), MARGIN pixels past the changes where possible
    b: NDArray[np.uint8]
    rows: IntArray  # the changed pixels, in the arrays
    cols: IntArray

    @classmethod
    def of(cls, a: Image.Image, b: Image.Image, difference: Image.Image, box: Box) -> Region:
        left, top, right, bottom = box
        rows, cols = np.nonzero(np.asarray(difference.crop(box)).any(axis=2))
        width, height = a.size
        crop = (
            max(left - MARGIN, 0),
            max(top - MARGIN, 0),
            min(right + MARGIN, width),
            min(bottom + MARGIN, height),
        )
        return cls(
            crop[0],
            crop[1],
            np.asarray(a.crop(crop)),
            np.asarray(b.crop(crop)),
            (rows + (top - crop[1])).astype(np.int64),
            (cols + (left - crop[0])).astype(np.int64),
        )


def find_regions(
    a: Image.Image, b: Image.Image, difference: Image.Image, bbox: Box
) -> list[Region]:
    """Regions that together hold every change in ``difference`` (tight box ``bbox``),
    each change in exactly one."""
    return [Region.of(a, b, difference, box) for box in tiled(difference, bbox)]


def _tight(difference: Image.Image, box: Box) -> Box | None:
    inner = difference.crop(box).getbbox()
    if inner is None:
        return None
    x, y = box[0], box[1]
    return x + inner[0], y + inner[1], x + inner[2], y + inner[3]


def _area(box: Box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def tiled(difference: Image.Image, bbox: Box) -> list[Box]:
    """Tight boxes that together hold every change: each small, or dense enough that
    cutting it up would not spare numpy any unchanged pixels. A box is cut into up to
    4x4 tiles, each re-boxed: one copy of the box's pixels per level."""
    regions: list[Box] = []
    pending = [bbox]
    while pending:
        box = pending.pop()
        if _area(box) <= LEAF_AREA:
            regions.append(box)
            continue
        tight = [t for t in (_tight(difference, tile) for tile in _tiles(box)) if t is not None]
        if sum(_area(t) for t in tight) >= DENSE * _area(box):
            regions.append(box)
        else:
            pending.extend(tight)
    return regions


def _tiles(box: Box) -> list[Box]:
    left, top, right, bottom = box
    return [(x0, y0, x1, y1) for x0, x1 in _cuts(left, right) for y0, y1 in _cuts(top, bottom)]


def _cuts(start: int, end: int) -> list[tuple[int, int]]:
    """``start..end`` in up to GRID parts of at least MIN_TILE pixels."""
    parts = max(1, min(GRID, (end - start) // MIN_TILE))
    edges = [start + (end - start) * k // parts for k in range(parts + 1)]
    return list(itertools.pairwise(edges))
