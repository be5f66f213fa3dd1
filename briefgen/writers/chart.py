"""A chart, the same in every format: its caption, its numbers as a table, its alternative text,
and its geometry (bars, labels, legend) as plain data each writer draws natively.

The layout is decided here once, from the chart and the theme, with the bundled fonts'
own metrics (`measure`): the PDF draws it with reportlab graphics, the HTML page as SVG,
the DOCX as a picture drawn with Pillow, so the three look alike to the point.
Coordinates are points from the top left corner, y downwards (SVG's and Pillow's way).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..contrast import contrast_ratio
from ..design import (
    BAND_TEXT_COLOUR,
    CHART_BAR,
    CHART_BAR_GAP,
    CHART_COUNT_PAD,
    CHART_LABEL_LINES,
    CHART_LABEL_SHARE,
    CHART_LEGEND_GAP,
    CHART_SEPARATOR,
    CHART_SWATCH,
    TextRole,
    Theme,
)
from ..model import Chart, Paragraph, Strong, Table, Text, plain_text
from .measure import text_width

CAP_HEIGHT = 0.36  # of the size: a label's baseline is this far below the middle of what it labels


def caption(chart: Chart) -> Paragraph | None:
    """The caption over the chart, bold: what the bars count."""
    return Paragraph((Strong(chart.caption),)) if chart.caption else None


def numbers_table(chart: Chart) -> Table:
    """The chart's counts as a table: what a screen reader reads, and a reader checks a bar against."""
    header = (chart.heading, *chart.series)
    rows = tuple(
        ((Text(category),) if category else (), *((Text(str(n)),) for n in row))
        for category, row in zip(chart.categories, chart.values, strict=True)
    )
    return Table(tuple((Text(h),) if h else () for h in header), rows, ("", *["right"] * len(chart.series)))


def alt_text(chart: Chart) -> str:
    """The chart in words, the same in every format: its caption, then each bar's counts.

    "Status by group. Central Asia: Fully 1, Partially 2; Afghanistan: none."
    """
    bars = []
    for category, row in zip(chart.categories, chart.values, strict=True):
        counts = ", ".join(f"{name} {n}" for name, n in zip(chart.series, row, strict=True) if n)
        bars.append(f"{category}: {counts or '0'}")
    title = plain_text(chart.caption).strip()
    return (f"{title.rstrip('.')}. " if title else "") + "; ".join(bars) + "."


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str  # "#RRGGBB"
    what: str = ""  # "segment" | "swatch" | "axis", for tests and for writers that mark them


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the baseline
    text: str
    role: TextRole
    anchor: str = "start"  # "start" | "middle" | "end": where x is on the text, SVG's text-anchor


@dataclass(frozen=True)
class Geometry:
    width: float
    height: float
    rects: tuple[Rect, ...]
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class _Frame:
    """What every bar of a chart shares, measured once: the legend, the label column, the scale."""

    legend: tuple[list[Rect], list[Label]]
    size: float  # the labels' size, which the lengths are multiples of
    top: float  # where the first bar's row begins
    wrapped: list[list[str]]  # each category's label in lines
    label_width: float
    scale: float  # points a count
    rows: list[float]  # each bar's row height

    def height(self, rows: range) -> float:
        """How tall the picture of the bars in `rows` (under the legend) is."""
        gaps = max(len(rows) - 1, 0) * self.size * CHART_BAR_GAP
        return self.top + sum(self.rows[i] for i in rows) + gaps + self.size * 0.2


def _frame(chart: Chart, theme: Theme, width: float, slack: float) -> _Frame:
    plain, bold = theme.chart_text(), theme.chart_text(bold=True)
    rects: list[Rect] = []
    labels: list[Label] = []
    top = _legend(chart, plain, width, rects, labels, slack)
    wrapped = [_wrapped(c, plain, width * CHART_LABEL_SHARE / slack) for c in chart.categories]
    label_width = max((text_width(line, plain) * slack for lines in wrapped for line in lines), default=0.0)
    most = max((sum(row) for row in chart.values), default=0)
    room = max(width - label_width - plain.size * 1.1 - text_width(str(most), bold) * slack, plain.size)
    heights = [max(plain.size * CHART_BAR, len(lines) * plain.leading) for lines in wrapped]
    return _Frame((rects, labels), plain.size, top, wrapped, label_width, room / most if most else 0.0, heights)


def layout(chart: Chart, theme: Theme, width: float, slack: float = 1.0, rows: range | None = None) -> Geometry:
    """The chart drawn `width` points wide: the legend over the bars, the labels at their left.

    `slack` widens every measured text, for a writer whose reader may set the labels in a
    wider font than the bundled one (a browser without Noto): nothing then overlaps.
    `rows`: only these bars, under the legend, on the whole chart's scale and label column,
    for a chart too tall for one page (`parts`).
    """
    plain, bold = theme.chart_text(), theme.chart_text(bold=True)
    frame = _frame(chart, theme, width, slack)
    rects, labels = list(frame.legend[0]), list(frame.legend[1])
    size, y = plain.size, frame.top
    bar_x = frame.label_width + size * 0.6
    rows = rows if rows is not None else range(len(chart.categories))
    for i in rows:
        lines, row, height = frame.wrapped[i], chart.values[i], frame.rows[i]
        middle = y + height / 2
        first = middle - (len(lines) - 1) * plain.leading / 2 + CAP_HEIGHT * size
        labels.extend(Label(frame.label_width, first + k * plain.leading, t, plain, "end") for k, t in enumerate(lines))
        bar_top, x = middle - size * CHART_BAR / 2, bar_x
        for n, fill in zip(row, chart.colours, strict=True):
            if n:
                segment = Rect(x, bar_top, n * frame.scale, size * CHART_BAR, fill, "segment")
                _segment(segment, n, bold, slack, rects, labels)
                x += n * frame.scale
        labels.append(Label(x + size * 0.3, middle + CAP_HEIGHT * size, str(sum(row)), bold))
        y += height + size * CHART_BAR_GAP
    bottom = frame.height(rows)
    rects.append(Rect(bar_x - 0.5, frame.top - size * 0.2, 0.75, bottom - frame.top, theme.colours.rule, "axis"))
    return Geometry(width, bottom, tuple(rects), tuple(labels))


def bars(chart: Chart, rows: range, caption: bool = True) -> Chart:
    """The chart's bars in `rows` only (with its caption, or without): what one part of it says in words."""
    return replace(
        chart,
        caption=chart.caption if caption else (),
        categories=chart.categories[rows.start : rows.stop],
        values=chart.values[rows.start : rows.stop],
    )


def fitting(chart: Chart, theme: Theme, width: float, rows: range, height: float) -> int:
    """How many of `rows`' bars, from the first, fit under the legend in `height` points (0: not one)."""
    frame = _frame(chart, theme, width, 1.0)
    return _fitting(frame, rows, height)


def _fitting(frame: _Frame, rows: range, height: float) -> int:
    k, used = 0, frame.height(range(0))
    while k < len(rows) and used + frame.rows[rows[k]] + (frame.size * CHART_BAR_GAP if k else 0.0) <= height:
        used += frame.rows[rows[k]] + (frame.size * CHART_BAR_GAP if k else 0.0)
        k += 1
    return k


def parts(chart: Chart, theme: Theme, width: float, height: float) -> list[range]:
    """The bars cut into runs whose pictures (each under the legend, all on one scale) are no taller
    than `height`, at least one bar each: sixty actors' bars do not fit one page."""
    frame = _frame(chart, theme, width, 1.0)
    out, rows = [], range(len(chart.categories))
    while rows:
        k = max(1, _fitting(frame, rows, height))
        out.append(rows[:k])
        rows = rows[k:]
    return out


def _segment(rect: Rect, count: int, role: TextRole, slack: float, rects: list[Rect], labels: list[Label]) -> None:
    """One segment, parted from the next by a hair of paper, its count inside if it fits."""
    drawn = rect.width - CHART_SEPARATOR if rect.width > 2 * CHART_SEPARATOR else rect.width
    rects.append(Rect(rect.x, rect.y, drawn, rect.height, rect.fill, rect.what))
    text = str(count)
    if text_width(text, role) * slack + 2 * CHART_COUNT_PAD * role.size <= drawn:
        ink = _ink_on(rect.fill, role.colour)
        labels.append(
            Label(
                rect.x + drawn / 2,
                rect.y + rect.height / 2 + CAP_HEIGHT * role.size,
                text,
                TextRole(role.family, role.size, role.leading, ink, bold=True),
                "middle",
            )
        )


def _ink_on(fill: str, text: str) -> str:
    """White or the text colour, whichever reads better on the fill."""
    return BAND_TEXT_COLOUR if contrast_ratio(fill, BAND_TEXT_COLOUR) >= contrast_ratio(fill, text) else text


def _legend(chart: Chart, role: TextRole, width: float, rects: list[Rect], labels: list[Label], slack: float) -> float:
    """The legend in the series' order (the segments'), in as many rows as the width asks; where the bars begin."""
    size = role.size
    swatch, gap = size * CHART_SWATCH, size * CHART_LEGEND_GAP
    x, row_top = 0.0, 0.0
    for name, fill in zip(chart.series, chart.colours, strict=True):
        entry = swatch + size * 0.4 + text_width(name, role) * slack
        if x and x + entry > width:
            x, row_top = 0.0, row_top + role.leading
        middle = row_top + role.leading / 2
        rects.append(Rect(x, middle - swatch / 2, swatch, swatch, fill, "swatch"))
        labels.append(Label(x + swatch + size * 0.4, middle + CAP_HEIGHT * size, name, role))
        x += entry + gap
    return row_top + role.leading + size * CHART_LEGEND_GAP * 0.6


def _wrapped(text: str, role: TextRole, width: float) -> list[str]:
    """A category's label in lines no wider than `width` (a longer word stays whole), at most CHART_LABEL_LINES."""
    lines: list[str] = []
    for word in text.split() or [""]:
        if lines and text_width(f"{lines[-1]} {word}", role) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > CHART_LABEL_LINES:
        lines = [*lines[: CHART_LABEL_LINES - 1], " ".join(lines[CHART_LABEL_LINES - 1 :])]
        last = lines[-1]
        while len(last) > 1 and text_width(last + "…", role) > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return lines
