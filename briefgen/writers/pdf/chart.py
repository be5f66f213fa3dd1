"""A chart's geometry (writers/chart.py) drawn in vector with reportlab graphics, tagged as a Figure.

The Drawing is drawn inside its Figure element's marked content, so the structure tree
holds the chart where the model has it, with its alternative text as `/Alt`; the text on
it is in the fonts the rest of the PDF embeds.
"""

from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.platypus import Flowable

from ...design import Theme
from ...model import Chart
from ..chart import Geometry, fitting, layout
from .styles import colour, role_font
from .tags import Node, TaggingCanvas


def drawing(geometry: Geometry) -> Drawing:
    """The geometry as reportlab shapes: its y turned upwards, as PDF measures."""
    top = geometry.height
    shapes = Drawing(geometry.width, geometry.height)
    for r in geometry.rects:
        shapes.add(Rect(r.x, top - r.y - r.height, r.width, r.height, fillColor=colour(r.fill), strokeColor=None))
    for label in geometry.labels:
        role = label.role
        shapes.add(
            String(
                label.x,
                top - label.y,
                label.text,
                fontName=role_font(role),
                fontSize=role.size,
                fillColor=colour(role.colour),
                textAnchor=label.anchor,
            )
        )
    return shapes


class ChartFigure(Flowable):
    """The chart as a flowable, its drawing the content of its Figure element.

    A chart taller than what is left of the page splits between bars: each part is drawn
    under the legend on the same scale, and all are the content of the one Figure.
    """

    def __init__(self, chart: Chart, theme: Theme, width: float, node: Node, rows: range | None = None) -> None:
        super().__init__()
        self.chart, self.theme, self.node = chart, theme, node
        self.rows = rows if rows is not None else range(len(chart.categories))
        geometry = layout(chart, theme, width, rows=self.rows)
        self.drawing = drawing(geometry)
        self.width, self.height = geometry.width, geometry.height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        k = fitting(self.chart, self.theme, self.width, self.rows, avail_height)
        if k == 0 or k == len(self.rows):
            return []  # not one bar fits: the whole goes to the next page
        head, tail = (
            ChartFigure(self.chart, self.theme, self.width, self.node, r) for r in (self.rows[:k], self.rows[k:])
        )
        tail.spaceAfter = self.getSpaceAfter()
        return [head, tail]

    def draw(self) -> None:
        if isinstance(self.canv, TaggingCanvas):
            with self.canv.tagged(self.node):
                renderPDF.draw(self.drawing, self.canv, 0, 0)
        else:
            renderPDF.draw(self.drawing, self.canv, 0, 0)
