"""The image comparison on its own: colour threshold, anti-aliasing tolerance, masks,
sizes, the perceptual hash and the diff image; and that it counts exactly what the
``pixelmatch`` package counts, on random images and on screens."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps
from pixelmatch.contrib.PIL import pixelmatch

from pytest_orgo.snapshots import regions
from pytest_orgo.snapshots.compare import SizeMismatch, compare, unchanged
from tests.snapshots.conftest import RED


def solid(
    size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (250, 250, 250)
) -> Image.Image:
    return Image.new("RGB", size, colour)


def text(antialiased: bool, size: int = 64) -> Image.Image:
    image = Image.new("RGB", (420, 110), "white")
    draw = ImageDraw.Draw(image)
    draw.fontmode = "L" if antialiased else "1"
    draw.text((10, 10), "Hello, world", fill="black", font=ImageFont.load_default(size=size))
    return image


def edge(dx: int, dy: int) -> Image.Image:
    """A dark rectangle on white drawn at 8x and box-filtered down: its edges land on
    sub-pixel positions dx/8, dy/8, as a renderer anti-aliases a moved shape."""
    big = Image.new("L", (320, 320), 255)
    ImageDraw.Draw(big).rectangle((80 + dx, 80 + dy, 240 + dx, 200 + dy), fill=20)
    return big.resize((40, 40), Image.Resampling.BOX).convert("RGB")


def desktop(size: tuple[int, int] = (320, 200)) -> Image.Image:
    """Something screen-like: a gradient, a window, anti-aliased text."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 30, size[1] - 40), fill=(250, 250, 250), outline=(40, 40, 40))
    draw.text(
        (30, 30), "Untitled - Editor", fill=(20, 20, 20), font=ImageFont.load_default(size=14)
    )
    return image


def raw_changes(a: Image.Image, b: Image.Image) -> int:
    return int(np.count_nonzero(np.asarray(ImageChops.difference(a, b)).any(axis=2)))


# -- the basics ---------------------------------------------------------------------------


def test_identical_images_have_no_difference() -> None:
    result = compare(desktop(), desktop())
    assert (result.diff_pixels, result.ratio, result.bbox, result.raw_bbox) == (0, 0.0, None, None)
    assert result.hash_distance == 0


def test_one_visibly_changed_pixel_counts_once() -> None:
    changed = desktop()
    changed.putpixel((200, 150), (255, 0, 255))
    result = compare(desktop(), changed)
    assert result.diff_pixels == 1
    assert result.bbox == (200, 150, 1, 1)
    assert result.ratio == 1 / (320 * 200)


def test_the_colour_threshold_drops_changes_nobody_sees() -> None:
    faint = solid(colour=(250, 250, 242))
    assert raw_changes(solid(), faint) == 40 * 30
    assert compare(solid(), faint).diff_pixels == 0
    assert compare(solid(), faint, threshold=0.0).diff_pixels == 40 * 30
    assert compare(solid(), solid(colour=(200, 40, 40))).diff_pixels == 40 * 30


@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_a_threshold_outside_0_to_1_is_an_error(threshold: float) -> None:
    with pytest.raises(ValueError, match=r"0\.\.1"):
        compare(solid(), solid(), threshold=threshold)


def test_a_size_mismatch_names_both_sizes() -> None:
    with pytest.raises(SizeMismatch, match="expected a 40x30 image, got 41x30") as caught:
        compare(solid(), solid((41, 30)))
    assert (caught.value.expected, caught.value.actual) == ((40, 30), (41, 30))


def test_transparency_is_blended_over_white() -> None:
    clear = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    assert compare(solid((10, 10), (255, 255, 255)), clear).diff_pixels == 0
    assert compare(solid((10, 10), (0, 0, 0)), clear).diff_pixels == 100
    assert compare(solid((10, 10), (255, 255, 255)), clear.convert("LA")).diff_pixels == 0


# -- anti-aliasing ------------------------------------------------------------------------


def test_text_with_and_without_antialiasing_passes() -> None:
    smooth, jagged = text(antialiased=True), text(antialiased=False)
    assert raw_changes(smooth, jagged) > 500
    assert pixelmatch(smooth, jagged, includeAA=True) > 500  # visible, yet only edge pixels
    assert compare(smooth, jagged).diff_pixels == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 7), st.integers(0, 7), st.integers(0, 7), st.integers(0, 7))
def test_an_edge_moved_by_less_than_a_pixel_passes(ax: int, ay: int, bx: int, by: int) -> None:
    result = compare(edge(ax, ay), edge(bx, by))
    assert result.diff_pixels == 0


def test_a_shape_moved_by_whole_pixels_fails() -> None:
    result = compare(edge(0, 0), edge(16, 0))
    assert result.diff_pixels > 0
    assert result.bbox is not None and result.bbox[2] == 22  # both vertical edges, 2 px each


def test_small_changed_text_still_counts() -> None:
    before, after = desktop(), desktop()
    ImageDraw.Draw(after).text(
        (30, 60), "x", fill=(20, 20, 20), font=ImageFont.load_default(size=14)
    )
    result = compare(before, after)
    assert 0 < result.diff_pixels <= raw_changes(before, after)


# -- masks --------------------------------------------------------------------------------


def test_a_mask_over_the_change_passes_and_a_change_beside_it_does_not() -> None:
    after = desktop()
    ImageDraw.Draw(after).rectangle((250, 170, 260, 180), fill=(255, 0, 0))
    assert compare(desktop(), after, mask=[(250, 170, 11, 11)]).diff_pixels == 0
    assert compare(desktop(), after, mask=[(250, 170, 10, 11)]).diff_pixels == 11
    assert compare(desktop(), after, mask=[(240, 160, 500, 500)]).diff_pixels == 0  # clipped


@pytest.mark.parametrize(
    "mask", [(1, 2, 3), (0, 0, -1, 5), (0.5, 0, 1, 1), ("0", 0, 1, 1), (True, 0, 1, 1)]
)
def test_a_malformed_mask_is_an_error(mask: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match="mask"):
        compare(solid(), solid(), mask=[mask])  # type: ignore[list-item]


def test_unchanged_ignores_masked_regions_and_rejects_other_sizes() -> None:
    after = desktop()
    after.putpixel((5, 5), (255, 0, 0))
    assert unchanged(desktop(), desktop())
    assert not unchanged(desktop(), after)
    assert unchanged(desktop(), after, mask=[(5, 5, 1, 1)])
    assert not unchanged(solid(), solid((41, 30)))


# -- hash and diff image ------------------------------------------------------------------


def test_the_hash_distance_sees_big_changes_and_not_masked_ones() -> None:
    after = ImageOps.invert(desktop())
    assert compare(desktop(), after).hash_distance > 10
    assert compare(desktop(), after, mask=[(0, 0, 320, 200)]).hash_distance == 0
    big, big_after = desktop((1920, 1080)), desktop((1920, 1080))
    big_after.putpixel((960, 540), (255, 0, 0))
    assert compare(big, big_after).hash_distance == 0  # one pixel is not a perceptual change


def test_the_diff_image_is_red_exactly_where_pixels_counted_over_faded_grey() -> None:
    after = desktop()
    ImageDraw.Draw(after).rectangle((100, 100, 119, 109), fill=(255, 0, 255))
    result = compare(desktop(), after)
    diff = np.asarray(result.diff_image())
    red = (diff == RED).all(axis=2)
    assert red.sum() == result.diff_pixels == 200
    assert set(zip(*np.nonzero(red), strict=True)) == set(zip(result.ys, result.xs, strict=True))
    grey = diff[~red]
    assert (grey[:, 0] == grey[:, 1]).all() and (grey[:, 1] == grey[:, 2]).all()
    assert grey.min() >= 255 - 0.2 * 255 - 1


# -- scale: sparse and dense changes ------------------------------------------------------


def test_changes_far_apart_are_found_in_small_regions() -> None:
    before = desktop((1920, 1080))
    after = before.copy()
    spots = [(3, 4), (1915, 2), (960, 540), (7, 1075), (1900, 1070)]
    for x, y in spots:
        after.putpixel((x, y), (255, 0, 255))
    difference = ImageChops.difference(before, after)
    boxes = regions.tiled(difference, difference.getbbox() or (0, 0, 0, 0))
    assert sum((r - left) * (b - top) for left, top, r, b in boxes) < 100
    result = compare(before, after)
    assert result.diff_pixels == len(spots)
    assert set(zip(result.xs.tolist(), result.ys.tolist(), strict=True)) == set(spots)


def test_a_screen_full_of_changes_counts_as_pixelmatch_does() -> None:
    before = desktop((160, 100))
    after = ImageOps.invert(before)
    after.paste(before.crop((0, 0, 80, 50)), (0, 0))  # a quarter unchanged
    assert compare(before, after).diff_pixels == pixelmatch(before, after) > 10_000


def test_a_scattered_change_on_a_screen_counts_as_pixelmatch_does() -> None:
    before = desktop((300, 200))
    after = before.copy()
    draw = ImageDraw.Draw(after)
    draw.text((40, 60), "Saved.", fill=(20, 20, 20), font=ImageFont.load_default(size=14))
    draw.line((0, 199, 299, 150), fill=(200, 30, 30))
    after.putpixel((299, 0), (0, 0, 0))
    for threshold in (0.0, 0.1, 0.3):
        assert compare(before, after, threshold=threshold).diff_pixels == pixelmatch(
            before, after, threshold=threshold
        )


@st.composite
def scattered_changes(draw: st.DrawFn) -> Image.Image:
    """The 640x400 desktop with a few spots, lines and blocks repainted anywhere."""
    image = desktop((640, 400))
    paint = ImageDraw.Draw(image)
    for _ in range(draw(st.integers(1, 6))):
        x, y = draw(st.integers(0, 639)), draw(st.integers(0, 399))
        w, h = draw(st.integers(1, 120)), draw(st.integers(1, 40))
        colour = draw(st.tuples(*[st.integers(0, 255)] * 3))
        shape = draw(st.sampled_from(["point", "line", "block", "text"]))
        if shape == "point":
            paint.point((x, y), fill=colour)
        elif shape == "line":
            paint.line((x, y, x + w, y + h), fill=colour)
        elif shape == "block":
            paint.rectangle((x, y, x + w, y + h), fill=colour)
        else:
            paint.text((x, y), "Saved", fill=colour, font=ImageFont.load_default(size=14))
    return image


@settings(max_examples=40, deadline=None)
@given(scattered_changes())
def test_cutting_into_regions_changes_no_count(after: Image.Image) -> None:
    """Tiles and regions only decide where numpy looks: the count is the same as when
    the whole box of changes is scanned at once (itself checked against pixelmatch)."""
    before = desktop((640, 400))
    tiled = compare(before, after)
    whole_area = regions.LEAF_AREA
    regions.LEAF_AREA = 640 * 400
    try:
        whole = compare(before, after)
    finally:
        regions.LEAF_AREA = whole_area
    assert tiled.diff_pixels == whole.diff_pixels
    assert sorted(zip(tiled.xs.tolist(), tiled.ys.tolist(), strict=True)) == sorted(
        zip(whole.xs.tolist(), whole.ys.tolist(), strict=True)
    )


# -- properties ---------------------------------------------------------------------------

colours = arrays(np.uint8, st.tuples(st.integers(1, 4), st.just(3)))


@st.composite
def image_pairs(draw: st.DrawFn) -> tuple[Image.Image, Image.Image]:
    """Small images from a few colours (so flat areas and edges, hence anti-aliasing
    candidates, are common) and a copy with some pixels repainted."""
    width, height = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    palette = draw(colours)
    index = draw(arrays(np.intp, (height, width), elements=st.integers(0, len(palette) - 1)))
    first = palette[index]
    second = first.copy()
    repaint = draw(arrays(np.bool_, (height, width)))
    count = int(repaint.sum())
    if draw(st.booleans()):  # any colour
        second[repaint] = draw(arrays(np.uint8, (count, 3)))
    else:  # another colour of the palette
        second[repaint] = palette[
            draw(arrays(np.intp, count, elements=st.integers(0, len(palette) - 1)))
        ]
    return Image.fromarray(first, "RGB"), Image.fromarray(second, "RGB")


@settings(max_examples=300, deadline=None)
@given(image_pairs(), st.sampled_from([0.0, 0.05, 0.1, 0.5]))
def test_counts_agree_with_the_pixelmatch_package(
    pair: tuple[Image.Image, Image.Image], threshold: float
) -> None:
    first, second = pair
    assert compare(first, second, threshold=threshold).diff_pixels == pixelmatch(
        first, second, threshold=threshold
    )


@settings(max_examples=100, deadline=None)
@given(image_pairs())
def test_an_image_compared_with_itself_has_no_difference(
    pair: tuple[Image.Image, Image.Image],
) -> None:
    image = pair[0]
    result = compare(image, image.copy(), threshold=0.0)
    assert (result.diff_pixels, result.raw_bbox, result.hash_distance) == (0, None, 0)


@settings(max_examples=100, deadline=None)
@given(image_pairs())
def test_a_mask_covering_every_difference_always_passes(
    pair: tuple[Image.Image, Image.Image],
) -> None:
    first, second = pair
    box = ImageChops.difference(first, second).getbbox()
    mask = [] if box is None else [(box[0], box[1], box[2] - box[0], box[3] - box[1])]
    result = compare(first, second, threshold=0.0, mask=mask)
    assert (result.diff_pixels, result.raw_bbox, result.hash_distance) == (0, None, 0)


@settings(max_examples=100, deadline=None)
@given(image_pairs())
def test_the_count_is_symmetric(pair: tuple[Image.Image, Image.Image]) -> None:
    first, second = pair
    assert compare(first, second).diff_pixels == compare(second, first).diff_pixels
