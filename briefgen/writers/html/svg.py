"""A chart's geometry (writers/chart.py) as inline SVG: vector, in the page's fonts, named for screen readers.

The SVG is one image to assistive technology (`role="img"`), named by its `<title>`, which
holds the chart's alternative text; its numbers follow it as the page's normal table.
Lengths are points, as the PDF draws them; the picture scales down with a narrow screen.
"""

from __future__ import annotations

from html import escape

from ..chart import Geometry, Label
from .css import colour, font_stack, number

_ANCHORS = {"start", "middle", "end"}


def svg(geometry: Geometry, alt: str, ident: str) -> str:
    """The `<svg>` element: its `<title>` (id `ident`) names it, then the rectangles, then the labels."""
    w, h = number(geometry.width), number(geometry.height)
    family = escape(font_stack(geometry.labels[0].role), quote=True) if geometry.labels else "sans-serif"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" viewBox="0 0 {w} {h}"'
        f' width="100%" style="max-width:{w}pt;height:auto;display:block;overflow:visible" font-family="{family}">',
        f'<title id="{ident}">{escape(alt)}</title>',
    ]
    for r in geometry.rects:
        parts.append(
            f'<rect x="{number(r.x)}" y="{number(r.y)}" width="{number(r.width)}" height="{number(r.height)}"'
            f' fill="{colour(r.fill)}"{_class(r.what)}/>'
        )
    parts.extend(_text(label) for label in geometry.labels)
    parts.append("</svg>")
    return "\n".join(parts)


def _class(what: str) -> str:
    return f' class="{what}"' if what else ""


def _text(label: Label) -> str:
    role = label.role
    anchor = label.anchor if label.anchor in _ANCHORS else "start"
    weight = ' font-weight="700"' if role.bold else ""
    return (
        f'<text x="{number(label.x)}" y="{number(label.y)}" font-size="{number(role.size)}"{weight}'
        f' fill="{colour(role.colour)}" text-anchor="{anchor}">{escape(label.text)}</text>'
    )
