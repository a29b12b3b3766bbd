"""Draws a desktop with Pillow: wallpaper, cascaded windows with their titles and text,
the focused window's title bar highlighted, a taskbar.

Deterministic by construction (no clock, no pointer, no randomness; Pillow's bundled
font), so the same desktop state always encodes to the same PNG bytes, and a change
shows only where it happened: a typed character repaints inside its window only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from PIL import Image, ImageDraw, ImageFont


class Window(Protocol):
    """What is drawn of a window (:class:`fake_server.desktop.desktop.Window` is one)."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def selected(self) -> bool: ...


class Desktop(Protocol):
    """What is drawn of a desktop (:class:`fake_server.desktop.desktop.Desktop` is one):
    the renderer reads only this, so it never imports the desktop that calls it."""

    @property
    def powered(self) -> bool: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def windows(self) -> Sequence[Window]: ...
    @property
    def focused(self) -> Window | None: ...


TASKBAR_HEIGHT = 32
TITLE_HEIGHT = 28
FOCUSED_TITLE = (53, 132, 228)
UNFOCUSED_TITLE = (96, 96, 96)
WINDOW_BODY = (250, 250, 250)
TEXT = (20, 20, 20)
SELECTION = (173, 214, 255)
TASKBAR = (24, 24, 28)
FONT_SIZE = 14


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=FONT_SIZE)


@lru_cache(maxsize=8)
def _wallpaper(width: int, height: int) -> Image.Image:
    """A vertical blue gradient, built once per resolution."""
    ramp = Image.linear_gradient("L").resize((width, height))
    top, bottom = (46, 84, 140), (12, 22, 44)
    channels = [
        ramp.point(lambda v, a=a, b=b: a + (b - a) * v // 255)
        for a, b in zip(top, bottom, strict=True)
    ]
    return Image.merge("RGB", channels)


def window_box(index: int, width: int, height: int) -> tuple[int, int, int, int]:
    """Where the index-th window (in z-order) sits: cascaded from the top left."""
    w = max(200, int(width * 0.6))
    h = max(150, int((height - TASKBAR_HEIGHT) * 0.6))
    step = (index % 8) * 36
    left = min(40 + step, max(0, width - w))
    top = min(30 + step, max(0, height - TASKBAR_HEIGHT - h))
    return left, top, left + w, top + h


def _wrap(text: str, columns: int) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\t", "    ").split("\n"):
        while len(raw) > columns:
            lines.append(raw[:columns])
            raw = raw[columns:]
        lines.append(raw)
    return lines


def _window_image(
    window: Window,
    width: int,
    height: int,
    title_colour: tuple[int, int, int],
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> Image.Image:
    """A window drawn on its own canvas, so its text can never paint outside it."""
    canvas = Image.new("RGB", (width, height), WINDOW_BODY)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(40, 40, 40))
    draw.rectangle((0, 0, width - 1, TITLE_HEIGHT - 1), fill=title_colour)
    draw.text((10, 6), window.title, fill=(255, 255, 255), font=font)
    columns = max(1, (width - 20) // 8)
    line_height = FONT_SIZE + 4
    y = TITLE_HEIGHT + 8
    for line in _wrap(window.text, columns):
        if y + line_height > height - 4:
            break
        if window.selected and line:
            draw.rectangle(
                (10, y, 10 + int(draw.textlength(line, font=font)), y + line_height - 1),
                fill=SELECTION,
            )
        draw.text((10, y), line, fill=TEXT, font=font)
        y += line_height
    return canvas


def render(desktop: Desktop) -> Image.Image:
    if not desktop.powered:
        return Image.new("RGB", (desktop.width, desktop.height), (0, 0, 0))
    image = _wallpaper(desktop.width, desktop.height).copy()
    font = _font()
    focused = desktop.focused
    for index, window in enumerate(desktop.windows):
        left, top, right, bottom = window_box(index, desktop.width, desktop.height)
        title_colour = FOCUSED_TITLE if window is focused else UNFOCUSED_TITLE
        image.paste(
            _window_image(window, right - left, bottom - top, title_colour, font), (left, top)
        )
    draw = ImageDraw.Draw(image)
    bar_top = desktop.height - TASKBAR_HEIGHT
    draw.rectangle((0, bar_top, desktop.width - 1, desktop.height - 1), fill=TASKBAR)
    x = 8
    for window in desktop.windows:
        label = window.title[:24]
        fill = (70, 70, 80) if window is focused else (45, 45, 52)
        draw.rectangle((x, bar_top + 4, x + 180, desktop.height - 5), fill=fill)
        draw.text((x + 6, bar_top + 8), label, fill=(230, 230, 230), font=font)
        x += 188
        if x + 180 > desktop.width:
            break
    return image


def render_png(desktop: Desktop) -> bytes:
    buffer = io.BytesIO()
    render(desktop).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
