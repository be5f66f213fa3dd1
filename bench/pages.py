"""Figures for the design targets of a brief's PDF pages (issue 26), read back from the PDF itself.

    python bench/pages.py out/kazakhstan-osce-2010/*.pdf [--first "Convene a standing"]

For each PDF: pages; the page (and how far down it, in %) where the first recommendation's
title is (`--first`, default: the sample's CA-1); the median length in characters of a full
body line (lines of the body size, at least 90% of the widest such line: last lines of
paragraphs and table cells left out); and each page's blank foot, the share of the text
area below its last line of text (the running footer left out).
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from pathlib import Path

import pypdf

FIRST = "Convene a standing"
FOOTER_ZONE = 0.09  # the lowest 9% of the page holds the running footer, not text


def _lines(page) -> list[tuple[float, float, float, str]]:
    """(y from the top, x, font size, text) of each run of text the page draws."""
    runs: list[tuple[float, float, float, str]] = []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            y = tm[5] * cm[3] + cm[5]
            runs.append((height - y, tm[4] * cm[0] + cm[4], round(size * abs(tm[3] or 1) * abs(cm[3] or 1), 1), text))

    page.extract_text(visitor_text=visit)
    merged: dict[tuple[int, float], list] = {}
    for y, x, size, text in runs:  # a line may be drawn in several runs (bold, links): one per baseline
        merged.setdefault((round(y), size), []).append((x, text))
    return [
        (y, min(p[0] for p in parts), size, "".join(t for _, t in sorted(parts)).replace("\n", ""))
        for (y, size), parts in merged.items()
    ]


def figures(path: Path, first: str) -> dict:
    reader = pypdf.PdfReader(path)
    pages = [_lines(p) for p in reader.pages]
    height = float(reader.pages[0].mediabox.height)
    sizes = Counter(size for lines in pages for _, _, size, text in lines for _ in text)
    body = sizes.most_common(1)[0][0]
    body_lines = [text.strip() for lines in pages for _, _, size, text in lines if size == body]
    widest = max(map(len, body_lines))
    full = [len(t) for t in body_lines if len(t) >= 0.9 * widest]
    found = (
        (n, round(100 * y / height)) for n, lines in enumerate(pages, 1) for y, _, _, t in sorted(lines) if first in t
    )
    where = next(found, None)
    top = min(y for lines in pages for y, *_ in lines)
    bottom = height * (1 - FOOTER_ZONE)
    blank = []
    for lines in pages:
        last = max((y for y, *_ in lines if y < bottom), default=top)
        blank.append(round(100 * (bottom - last) / (bottom - top)))
    return {
        "pages": len(pages),
        "first recommendation (page, % down)": where,
        "median full line (characters)": statistics.median(full) if full else None,
        "blank foot per page (%)": blank,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--first", default=FIRST, help="text of the first recommendation's title")
    args = parser.parse_args()
    for path in args.pdfs:
        print(path.name)
        for name, value in figures(path, args.first).items():
            print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
