"""A chart's geometry (writers/chart.py) as a picture for Word: a PNG drawn with Pillow, with alternative text.

Word has no vector chart a library can write without a chart engine; a picture drawn from
the same geometry as the PDF's and the HTML's looks the same, in the same bundled fonts,
at CHART_PIXELS_PER_POINT times its size so it prints sharp. Its alternative text is the
drawing's `descr` and `title` (`wp:docPr`), which Word reads out and its checker asks for.
"""

from __future__ import annotations

import io
from functools import cache

from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image, ImageDraw, ImageFont

from ... import fonts
from ...design import CHART_PIXELS_PER_POINT, PAPER_COLOUR
from ..chart import Geometry

_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}  # Pillow's: left, middle, right of the baseline


@cache
def _font(family: str, face: str, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts.font_file(family, face)), pixels)


def png(geometry: Geometry, scale: int = CHART_PIXELS_PER_POINT) -> bytes:
    """The chart drawn `scale` pixels a point on paper white, as PNG bytes (the same geometry, the same bytes)."""
    size = (max(1, round(geometry.width * scale)), max(1, round(geometry.height * scale)))
    image = Image.new("RGB", size, PAPER_COLOUR)
    draw = ImageDraw.Draw(image)
    for r in geometry.rects:
        box = [
            round(r.x * scale),
            round(r.y * scale),
            round((r.x + r.width) * scale) - 1,
            round((r.y + r.height) * scale) - 1,
        ]
        draw.rectangle(box, fill=r.fill)
    for label in geometry.labels:
        role = label.role
        font = _font(role.family, role.face, round(role.size * scale))
        draw.text(
            (label.x * scale, label.y * scale),
            label.text,
            fill=role.colour,
            font=font,
            anchor=_ANCHORS.get(label.anchor, "ls"),
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(72 * scale, 72 * scale))
    return out.getvalue()


def add_picture(paragraph: DocxParagraph, geometry: Geometry, alt: str, title: str) -> None:
    """The chart inline in `paragraph`, as wide as it was laid out, described by `alt`."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png(geometry)), width=Pt(geometry.width), height=Pt(geometry.height))
    for inline in run._r.iter(qn("wp:inline")):  # no spacing around it: LibreOffice's default is 9 points a side
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")
    for doc_pr in run._r.iter(qn("wp:docPr")):
        doc_pr.set("descr", alt)
        doc_pr.set("title", title or alt[:80])
