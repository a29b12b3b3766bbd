"""pixelmatch's tests of a changed pixel, vectorised: its YIQ colour distance and its
anti-aliasing test, computed for every candidate pixel at once with numpy.

Ported from the ``pixelmatch`` package (itself a port of mapbox/pixelmatch) step for
step, including its order of floating-point operations and its tie-breaks, so that the
counts agree with it exactly (the tests check this on random images); only the loop
over pixels became array arithmetic.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MAX_YIQ_DELTA = 35215.0  # the largest squared YIQ distance (black vs white), as pixelmatch
CHUNK = 1 << 18  # candidate pixels per vectorised step, to bound memory on a full-screen change
# pixelmatch visits neighbours x-major; the first of equally dark (or bright) ones wins there
NEIGHBOURS = tuple((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy)
DX = np.array([dx for dx, _ in NEIGHBOURS], dtype=np.int64)
DY = np.array([dy for _, dy in NEIGHBOURS], dtype=np.int64)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def antialiased(
    blocks_a: list[NDArray[np.uint8]],
    blocks_b: list[NDArray[np.uint8]],
    block: IntArray,
    rows: IntArray,
    cols: IntArray,
) -> BoolArray:
    """For each pixel (``rows[k], cols[k]`` of ``blocks_*[block[k]]``, two images' pixels
    of the same regions): is it anti-aliasing in either image? pixelmatch's
    ``antialiased(img1, ...) or antialiased(img2, ...)``, every region in one pass.

    A block must reach two pixels past each of its pixels unless the image ends there:
    the test reads neighbours and their neighbours."""
    pool_a = _Pool(blocks_a)
    pool_b = _Pool(blocks_b)
    strides = np.array([b.shape[1] + 2 for b in blocks_a], dtype=np.int64)
    sizes = np.array([(b.shape[0] + 2) * (b.shape[1] + 2) for b in blocks_a], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    stride = strides[block]
    flat = starts[block] + (rows + 1) * stride + cols + 1
    aliased = np.empty(len(flat), dtype=np.bool_)
    for first in range(0, len(flat), CHUNK):
        part = slice(first, first + CHUNK)
        in_a = pool_a.antialiased(flat[part], stride[part], pool_b)
        rest = np.flatnonzero(~in_a)  # pixelmatch's "or": the second test only if needed
        in_a[rest] = pool_b.antialiased(flat[part][rest], stride[part][rest], pool_a)
        aliased[part] = in_a
    return aliased


def channels(pixels: NDArray[np.uint8]) -> FloatArray:
    """(n, 3) bytes as (3, n) floats: each channel contiguous, for fast arithmetic."""
    return np.asarray(pixels.T, dtype=np.float64, order="C")


def yiq_delta(p: FloatArray, q: FloatArray) -> FloatArray:
    """pixelmatch's squared YIQ distance (Kotsarenko & Ramos 2010) of colours given as
    (3, n) channel rows, in pixelmatch's order of operations so that the threshold cuts
    at exactly the same pixels."""
    y = _y(p) - _y(q)
    i = _i(p) - _i(q)
    iq = _q(p) - _q(q)
    result: FloatArray = 0.5053 * y * y + 0.299 * i * i + 0.1957 * iq * iq
    return result


def _y(rgb: FloatArray) -> FloatArray:
    r, g, b = rgb[0], rgb[1], rgb[2]
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223  # type: ignore[no-any-return]


def _i(rgb: FloatArray) -> FloatArray:
    r, g, b = rgb[0], rgb[1], rgb[2]
    return r * 0.59597799 - g * 0.27417610 - b * 0.32180189  # type: ignore[no-any-return]


def _q(rgb: FloatArray) -> FloatArray:
    r, g, b = rgb[0], rgb[1], rgb[2]
    return r * 0.21147017 - g * 0.52261711 + b * 0.31114694  # type: ignore[no-any-return]


class _Pool:
    """One image's pixels of every region in one flat array, each region framed by a
    pixel of sentinel, so that "this neighbour is off the image" is a value (NaN
    brightness, colour 0: real pixels carry alpha 255) rather than a branch.

    A region reaches two pixels past its candidates unless the image ends first, so a
    sentinel is only ever read where pixelmatch would have stepped off the image."""

    def __init__(self, pixels: list[NDArray[np.uint8]]) -> None:
        framed = []
        for block in pixels:
            height, width = block.shape[:2]
            rgba = np.zeros((height + 2, width + 2, 4), dtype=np.uint8)
            rgba[1:-1, 1:-1, :3] = block
            rgba[1:-1, 1:-1, 3] = 255
            framed.append(rgba.reshape(-1, 4))
        pool = np.concatenate(framed)
        self.colour: NDArray[np.uint32] = pool.view(np.uint32).ravel()
        brightness = _y(channels(pool[:, :3]))
        self.brightness: FloatArray = np.where(pool[:, 3] == 255, brightness, np.nan)

    def antialiased(self, flat: IntArray, stride: IntArray, other: _Pool) -> BoolArray:
        """pixelmatch's ``antialiased(img, x, y, w, h, img2)`` for many pixels at once
        (``stride``: the row length of each pixel's region), the eight neighbours as the
        rows of (8, n) arrays. A neighbour off the image has NaN brightness: neither
        equal, nor darker, nor brighter."""
        neighbours = flat + (DY[:, None] * stride + DX[:, None])
        deltas = self.brightness[flat] - self.brightness[neighbours]
        off_image = np.isnan(deltas)
        equal = off_image.any(axis=0) + (deltas == 0).sum(axis=0)
        lowest = np.where(off_image, np.inf, deltas)
        highest = np.where(off_image, -np.inf, deltas)
        darkest_delta, brightest_delta = lowest.min(axis=0), highest.max(axis=0)
        aliased: BoolArray = (equal <= 2) & (darkest_delta < 0) & (brightest_delta > 0)
        which = np.flatnonzero(aliased)  # the sibling test only where it can still matter
        darkest = _first(lowest[:, which], darkest_delta[which])
        brightest = _first(highest[:, which], brightest_delta[which])
        both = np.concatenate([neighbours[darkest, which], neighbours[brightest, which]])
        strides = np.concatenate([stride[which], stride[which]])
        siblings = self.many_siblings(both, strides) & other.many_siblings(both, strides)
        aliased[which] = siblings[: len(which)] | siblings[len(which) :]
        return aliased

    def many_siblings(self, flat: IntArray, stride: IntArray) -> BoolArray:
        """pixelmatch's ``has_many_siblings``: 3+ neighbours of exactly the same colour
        (a pixel on the image's edge counts one for free, as there)."""
        neighbours = self.colour[flat + (DY[:, None] * stride + DX[:, None])]
        edge = (neighbours == 0).any(axis=0)
        many: BoolArray = edge + (neighbours == self.colour[flat]).sum(axis=0) > 2
        return many


def _first(values: FloatArray, extreme: FloatArray) -> IntArray:
    """Per column, the first row holding ``extreme``: pixelmatch keeps the first of equally
    dark (or bright) neighbours (strict < and >). Faster than ``argmin(axis=0)``."""
    index = np.zeros(values.shape[1], dtype=np.int64)
    for row in range(values.shape[0] - 1, -1, -1):
        index = np.where(values[row] == extreme, row, index)
    return index
