"""The report page: plain HTML with its CSS and a little vanilla JS inlined, images by
relative path, so it opens from an unpacked CI artifact with no network and no server.

Failures come first, each with everything needed to judge and accept it; new, updated
and passed screenshots follow as one line each.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from urllib.parse import quote

from pytest_orgo.report.model import HelperFailure, Snapshot, Summary

TITLE = "pytest-orgo visual review"


@cache
def _asset(name: str) -> str:
    return resources.files("pytest_orgo.report").joinpath(name).read_text(encoding="utf-8")


def render(summary: Summary) -> str:
    t = summary.totals
    failed = [s for s in summary.snapshots if s.status == "failed"]
    written = [s for s in summary.snapshots if s.status in ("new", "updated")]
    passed = [s for s in summary.snapshots if s.status == "passed"]
    runs = "; ".join(
        f"{escape(r.name) + ': ' if r.name else ''}rootdir <code>{escape(r.rootdir)}</code>, "
        f"commands run from <code>{escape(r.invocation_dir)}</code>"
        for r in summary.runs
    )
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}</title><style>{_asset('page.css')}</style></head><body>",
        f'<header><h1>{TITLE}</h1><p class="totals">'
        f'<span class="failed">{t.failed} failed</span><span>{t.new} new</span>'
        f"<span>{t.updated} updated</span><span>{t.passed} passed</span>"
        f'<span class="failed">{t.helper_failures} helper failures</span></p>'
        f'<p class="runs">{runs}</p></header><main>',
        f'<section id="failed"><h2>Failed screenshots ({len(failed)})</h2>',
        *(_failure(index, s) for index, s in enumerate(failed)),
        "" if failed else '<p class="empty">None.</p>',
        "</section>",
        f'<section id="helpers"><h2>Events, terminal and audio failures '
        f"({len(summary.helper_failures)})</h2>",
        *(_helper(h) for h in summary.helper_failures),
        "" if summary.helper_failures else '<p class="empty">None.</p>',
        "</section>",
        f'<section id="written"><h2>New and updated baselines ({len(written)})</h2>',
        _brief(written, thumbnails=True),
        "</section>",
        f'<section id="passed"><h2>Passed ({len(passed)})</h2>',
        _brief(passed, thumbnails=False),
        "</section>",
    ]
    if summary.unused:
        parts += [
            f'<section id="unused"><h2>Unused baselines ({len(summary.unused)})</h2>',
            "<p>No test asserted these in this run; delete them if their tests are gone.</p>",
            '<ul class="brief">',
            *(f"<li><code>{escape(path)}</code></li>" for path in summary.unused),
            "</ul></section>",
        ]
    parts.append(f"</main><script>{_asset('page.js')}</script></body></html>\n")
    return "\n".join(parts)


def _src(path: str) -> str:
    return escape(quote(path), quote=True)


def _size(size: tuple[int, int] | None) -> str:
    return f"{size[0]}x{size[1]}" if size else "?"


def _frame(path: str, kind: str, shot: Snapshot, extra: str = "") -> str:
    """An image in a box the size it is drawn, the masks drawn over it in percent."""
    masks = ""
    size = shot.size if kind == "actual" else shot.expected_size or shot.size
    if size and shot.masks:
        w, h = size
        masks = "".join(
            f'<span class="mask" title="mask {box}" style="left:{100 * x / w:.4f}%;'
            f'top:{100 * y / h:.4f}%;width:{100 * bw / w:.4f}%;height:{100 * bh / h:.4f}%">'
            "</span>"
            for box in shot.masks
            for x, y, bw, bh in [box]
        )
    return (
        f'<div class="frame"><img class="{kind}" data-kind="{kind}" src="{_src(path)}" '
        f'alt="{kind} image of {escape(shot.label, quote=True)}"{extra}>{masks}</div>'
    )


def _failure(index: int, shot: Snapshot) -> str:
    images = shot.images
    metrics = [("Test", f"<code>{escape(shot.nodeid)}</code>")]
    metrics.append(("Baseline", f"<code>{escape(shot.baseline)}</code>"))
    if shot.diff_pixels is not None and shot.size:
        ratio = f"{(shot.diff_ratio or 0):.4%}"
        metrics.append(("Differing pixels", f"{shot.diff_pixels} ({ratio} of {_size(shot.size)})"))
    if shot.hash_distance is not None:
        metrics.append(("Perceptual hash distance", str(shot.hash_distance)))
    if shot.bbox is not None:
        metrics.append(("Changed region (x, y, w, h)", str(shot.bbox)))
    if shot.reason == "size":
        metrics.append(("Size", f"expected {_size(shot.expected_size)}, got {_size(shot.size)}"))
    if shot.masks:
        metrics.append(("Masks (drawn in blue)", ", ".join(str(m) for m in shot.masks)))
    rows = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in metrics)
    accept = (
        '<p class="accept">Accept this change (run from the directory pytest ran in): '
        f'<code class="command">{escape(shot.command)}</code> <button class="copy" '
        'type="button">Copy</button></p>'
        if shot.command
        else ""
    )
    side = [
        f"<figure>{_frame(path, kind, shot)}<figcaption>{kind}</figcaption></figure>"
        for kind, path in (
            ("expected", images.expected),
            ("actual", images.actual),
            ("diff", images.diff),
        )
        if path
    ]
    comparable = images.expected and images.actual and shot.reason == "differs"
    views = ""
    if comparable:
        assert images.expected and images.actual
        views = (
            '<nav class="views"><button type="button" data-view="side" class="active">'
            'Side by side</button><button type="button" data-view="slider">Slider</button>'
            '<button type="button" data-view="blink">Blink</button></nav>'
        )
        slider = (
            '<div class="view slider">'
            f'<div class="frame">{_img(images.expected, "under")}'
            f"{_img(images.actual, 'over')}</div>"
            '<input type="range" min="0" max="100" value="50" '
            f'aria-label="share of the actual image shown, {escape(shot.label, quote=True)}">'
            '<p class="legend">left of the cut: actual; right: expected</p></div>'
        )
        blink = (
            '<div class="view blink">'
            f'<div class="frame">{_img(images.expected, "", "expected")}'
            f"{_img(images.actual, '', 'actual', hidden=True)}</div>"
            '<p><button type="button" class="toggle">Toggle</button> showing '
            '<strong class="showing">expected</strong> '
            '<label><input type="checkbox" class="auto"> blink</label></p></div>'
        )
    else:
        slider = blink = ""
    message = (
        f"<details><summary>Failure message</summary><pre>{escape(shot.message)}</pre></details>"
        if shot.message
        else ""
    )
    return (
        f'<article class="entry failed" id="failed-{index}" data-view="side">'
        f'<h3>{escape(shot.label)} <span class="reason">{escape(shot.reason or "")}</span></h3>'
        f'<dl class="metrics">{rows}</dl>{accept}{views}'
        f'<div class="view side">{"".join(side)}</div>{slider}{blink}{message}</article>'
    )


def _img(path: str, cls: str, kind: str = "", *, hidden: bool = False) -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' data-kind="{kind}"' if kind else ""
    attrs += " hidden" if hidden else ""
    return f'<img{attrs} src="{_src(path)}" alt="{kind or cls}">'


def _helper(failure: HelperFailure) -> str:
    return (
        '<article class="entry helper">'
        f"<h3><code>{escape(failure.nodeid)}</code></h3>"
        f'<p class="status">{failure.helper} helper: {escape(failure.error)}</p>'
        f"<pre>{escape(failure.message)}</pre></article>"
    )


def _brief(shots: list[Snapshot], *, thumbnails: bool) -> str:
    if not shots:
        return '<p class="empty">None.</p>'
    items = []
    for shot in shots:
        thumb = ""
        if thumbnails and shot.images.actual:
            thumb = f'<img src="{_src(shot.images.actual)}" alt="" loading="lazy">'
        status = f' <span class="status">({shot.status})</span>' if thumbnails else ""
        items.append(
            f"<li>{thumb}<strong>{escape(shot.label)}</strong>{status} "
            f"<code>{escape(shot.nodeid)}</code></li>"
        )
    return '<ul class="brief">' + "".join(items) + "</ul>"
