"""A status chart (`::: chart`) drawn natively in every format, its numbers the counts the template gave.

The template of a test audience (extending practitioner) writes one chart; every writer's
output is read back and its numbers compared with the counts written: the PDF's Figure and
its /Alt, its drawn segments and labels; the SVG's rectangles and labels; the DOCX picture's
description and size; the tables; the Markdown round trip; the plain text and mail body.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest
from PIL import Image

from briefgen.design import CHART_PIXELS_PER_POINT, CHART_SEPARATOR
from briefgen.errors import TemplateError
from briefgen.markdown import ChartError, parse_markdown
from briefgen.model import Chart, Paragraph, Table, Text, plain_text
from briefgen.writers.chart import alt_text, layout, numbers_table

from conftest import ROOT, SAMPLE

COLOURS = ("#1B7837", "#7FBC41", "#E08214", "#B2182B", "#878787")
SERIES = ("Fully", "Mostly", "Partially", "Not implemented", "No longer relevant")
COUNTS = {  # category -> counts by series: a long label that wraps, and a bar of nothing
    "Central Asia": (1, 0, 2, 0, 0),
    "Afghanistan": (0, 1, 0, 1, 0),
    "Law enforcement and the courts of the regions": (4, 7, 3, 2, 1),
    "Kazakhstan": (0, 0, 0, 0, 0),
}
CAPTION = "Status of the 2010 recommendations, by group"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def chart_markdown(counts: dict[str, tuple[int, ...]] = COUNTS, colours: tuple[str, ...] = COLOURS) -> str:
    rows = "\n".join(f"| {name} | {' | '.join(map(str, row))} |" for name, row in counts.items())
    return (
        f"::: chart {' '.join(colours)}\n{CAPTION}\n\n"
        f"| Group | {' | '.join(SERIES)} |\n|---|{'--:|' * len(SERIES)}\n{rows}\n:::\n"
    )


EXPECTED = Chart((Text(CAPTION),), "Group", tuple(COUNTS), SERIES, COLOURS, tuple(COUNTS.values()))
SEGMENTS = [n for row in COUNTS.values() for n in row if n]  # the counts drawn, bar by bar, in legend order
SEGMENT_FILLS = [c for row in COUNTS.values() for c, n in zip(COLOURS, row, strict=True) if n]


def audience_with_chart(folder: Path, body: str) -> tuple[Path, ...]:
    """A `chartdemo` audience in `folder`: the practitioner's style, a template writing `body`; the search path."""
    from briefgen.audience import search_path

    audience = folder / "chartdemo"
    audience.mkdir(parents=True, exist_ok=True)
    (audience / "style.yaml").write_text('extends: practitioner\ndescription: "a status chart"\n', encoding="utf-8")
    (audience / "brief.md.j2").write_text(f"# Where things stand\n\n{body}\nAfter the chart.\n", encoding="utf-8")
    return search_path(folder)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The chart audience's outputs of the sample brief, by format, and its mail body (`mail`)."""
    from briefgen.audience import load_audience
    from briefgen.bibliography import load_bibliography
    from briefgen.build import build, to_document
    from briefgen.loader import load_brief
    from briefgen.writers.html.email import email_html

    roots = audience_with_chart(tmp_path_factory.mktemp("templates"), chart_markdown())
    audience = load_audience("chartdemo", roots)
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(SAMPLE, keys=refs)
    made = {o.format: o.data for o in build(brief, [audience], ["pdf", "docx", "html", "md", "txt"], roots, refs)}
    document = to_document(brief, audience, roots, refs)[0]
    made["mail"] = email_html(document, audience.theme_in(document.meta.language)).encode()
    return made


# ---------------------------------------------------------------- reading


def test_a_chart_div_reads_as_a_chart_with_the_counts_written():
    (chart,) = parse_markdown(chart_markdown())

    assert chart == EXPECTED


def test_the_alternative_text_says_every_bar_in_words():
    assert alt_text(EXPECTED) == (
        f"{CAPTION}. Central Asia: Fully 1, Partially 2; Afghanistan: Mostly 1, Not implemented 1; "
        "Law enforcement and the courts of the regions: Fully 4, Mostly 7, Partially 3, Not implemented 2, "
        "No longer relevant 1; Kazakhstan: 0."
    )


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        (chart_markdown(colours=COLOURS[:4]), "4 colours for 5 series"),
        (chart_markdown(colours=("green", *COLOURS[1:])), "'green' is not a colour"),
        (chart_markdown({"Central Asia": (1, 0, 2, 0, 0)}).replace("| 2 |", "| two |"), "'two' is not a count"),
        (chart_markdown({"Central Asia": (1, 0, 2, 0, 0)}).replace("| 2 |", "| -2 |"), "'-2' is not a count"),
        (chart_markdown({"Central Asia": (1, 0, 2, 0, 0)}).replace("| 2 |", "| 2.5 |"), "'2.5' is not a count"),
        (chart_markdown({"Central Asia": (1, 0, 2, 0, 0)}).replace("| 2 |", "| |"), "'' is not a count"),
        (f"::: chart {' '.join(COLOURS)}\n{CAPTION}\n:::\n", "one table"),
        (chart_markdown().replace(f"{CAPTION}\n", f"{CAPTION}\n\nA second paragraph.\n"), "one table"),
        (chart_markdown().replace(":::\n", "\nAfter.\n:::\n"), "one table"),
        (chart_markdown({"Central Asia": (10_000_001, 0, 0, 0, 0)}), "a count over 1,000,000"),
    ],
)
def test_a_malformed_chart_is_an_error_naming_what_is_wrong(markdown: str, message: str):
    with pytest.raises(ChartError, match=re.escape(message)) as error:
        parse_markdown("Intro.\n\n" + markdown)

    assert error.value.line == 3  # the div's opening fence, in the Markdown the template wrote


def test_a_template_that_writes_a_malformed_chart_is_a_template_error_at_the_output_line(tmp_path: Path):
    from briefgen.audience import load_audience
    from briefgen.build import to_document
    from briefgen.loader import load_brief

    roots = audience_with_chart(tmp_path, chart_markdown(colours=COLOURS[:2]))
    audience = load_audience("chartdemo", roots)

    with pytest.raises(TemplateError) as error:
        to_document(load_brief(SAMPLE, keys=None), audience, roots, {})

    assert str(error.value).endswith(
        "brief.md.j2: its output's line 3: ::: chart: 2 colours for 5 series "
        "(Fully, Mostly, Partially, Not implemented, No longer relevant): give one #RRGGBB a series"
    )


# ---------------------------------------------------------------- layout


def test_the_layout_draws_each_count_as_a_segment_as_long_as_its_share():
    geometry = layout(EXPECTED, _theme(), 400.0)
    segments = [r for r in geometry.rects if r.what == "segment"]

    assert [r.fill for r in segments] == SEGMENT_FILLS
    per_count = [(r.width + CHART_SEPARATOR) / n for r, n in zip(segments, SEGMENTS, strict=True)]
    assert max(per_count) - min(per_count) < 1e-6


def test_the_layout_labels_every_bar_and_keeps_every_label_inside_the_chart():
    from briefgen.writers.measure import text_width

    theme = _theme()
    geometry = layout(EXPECTED, theme, 400.0)
    texts = [label.text for label in geometry.labels]

    assert texts[: len(SERIES)] == list(SERIES)  # the legend first, in the segments' order
    for name in ("Central Asia", "Afghanistan", "Kazakhstan"):  # a bar of nothing keeps its label
        assert name in texts
    assert "Law enforcement and the" in texts and "courts of the regions" in texts  # wrapped, not cut
    for label in geometry.labels:
        width = text_width(label.text, label.role)
        left = {"start": label.x, "middle": label.x - width / 2, "end": label.x - width}[label.anchor]
        assert left >= 0 and left + width <= geometry.width, label
        assert 0 < label.y <= geometry.height, label


def test_a_count_too_wide_for_its_segment_is_left_to_the_table():
    tiny = Chart((), "Group", ("A",), ("one", "many"), COLOURS[:2], ((1, 999),))

    geometry = layout(tiny, _theme(), 300.0)

    assert "999" in [label.text for label in geometry.labels]
    assert "1" not in [label.text for label in geometry.labels]  # its segment is a sliver; the total says 1000
    assert "1000" in [label.text for label in geometry.labels]


def _theme():
    from briefgen.audience import load_audience, search_path

    return load_audience("practitioner", search_path(None)).theme_in("en")


# ---------------------------------------------------------------- every format


def test_pdf_tags_the_chart_as_a_figure_whose_alt_holds_the_counts(outputs: dict[str, bytes]):
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        figures = [e for e in _elements(pdf.Root.StructTreeRoot.K) if e.S == "/Figure"]
        roles = [str(e.S) for e in _elements(pdf.Root.StructTreeRoot.K)]

    assert [str(f.Alt) for f in figures] == [alt_text(EXPECTED)]
    after = roles[roles.index("/Figure") :]
    assert after[1] == "/Table"  # the numbers follow the picture, as a table a screen reader walks


def test_pdf_draws_segments_as_long_as_their_counts_and_prints_the_counts(outputs: dict[str, bytes]):
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        rects = _filled_rects(pdf.pages[0])
    segments = [(x, y, w) for x, y, w, h, fill in rects if fill in COLOURS and h > 10]
    segments.sort(key=lambda s: (-s[1], s[0]))  # bar by bar from the top, left to right

    assert len(segments) == len(SEGMENTS)
    per_count = [(w + CHART_SEPARATOR) / n for (_, _, w), n in zip(segments, SEGMENTS, strict=True)]
    assert max(per_count) - min(per_count) < 0.01
    text = _pdf_text(outputs["pdf"])
    assert "Law enforcement and the" in text and "courts of the regions" in text
    assert re.search(r"4\s*7\s*3\s*2\s*1\s*17", text)  # the big bar's counts, then its total


def test_html_draws_the_chart_as_svg_named_by_its_alt_text_and_follows_it_with_the_numbers(outputs: dict[str, bytes]):
    page = outputs["html"].decode()
    svg_markup = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg_markup is not None
    svg = ElementTree.fromstring(svg_markup.group(0))
    ns = {"s": "http://www.w3.org/2000/svg"}
    title = svg.find("s:title", ns)

    assert svg.get("role") == "img" and svg.get("aria-labelledby") == title.get("id")
    assert title.text == alt_text(EXPECTED)
    segments = svg.findall("s:rect[@class='segment']", ns)
    widths = [float(r.get("width")) for r in segments]
    assert [r.get("fill") for r in segments] == SEGMENT_FILLS
    per_count = [(w + CHART_SEPARATOR) / n for w, n in zip(widths, SEGMENTS, strict=True)]
    assert max(per_count) - min(per_count) < 0.01
    texts = [t.text for t in svg.findall("s:text", ns)]
    assert texts[: len(SERIES)] == list(SERIES) and "Kazakhstan" in texts and "17" in texts
    after = page[svg_markup.end() :]
    assert _html_rows(after)[: len(COUNTS) + 1] == _expected_rows()


def test_the_mail_body_has_the_caption_and_the_numbers_but_no_svg(outputs: dict[str, bytes]):
    mail = outputs["mail"].decode()

    assert "<svg" not in mail
    assert CAPTION in mail
    assert _html_rows(mail[mail.index(CAPTION) :])[: len(COUNTS) + 1] == _expected_rows()


def test_docx_holds_the_chart_as_a_described_sharp_picture_then_the_numbers(outputs: dict[str, bytes]):
    import docx

    document = docx.Document(io.BytesIO(outputs["docx"]))
    (doc_pr,) = document.element.body.iter(f"{{{WP}}}docPr")
    (extent,) = document.element.body.iter(f"{{{WP}}}extent")
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as package:
        (media,) = [n for n in package.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        picture = Image.open(io.BytesIO(package.read(media)))
        picture.load()

    assert doc_pr.get("descr") == alt_text(EXPECTED) and doc_pr.get("title") == CAPTION
    points = int(extent.get("cx")) / 12700, int(extent.get("cy")) / 12700
    assert picture.size == (round(points[0] * CHART_PIXELS_PER_POINT), round(points[1] * CHART_PIXELS_PER_POINT))
    numbers = next(t for t in document.tables if t.rows[0].cells[0].text == "Group")
    assert [[c.text for c in row.cells] for row in numbers.rows] == _expected_rows()


def test_markdown_writes_the_chart_back_as_the_div_it_was_read_from(outputs: dict[str, bytes]):
    from briefgen.writers.md import _Writer

    written = outputs["md"].decode()
    div = re.search(r"^::: chart .*?^:::$", written, re.M | re.S)

    assert div is not None
    assert parse_markdown(div.group(0)) == (EXPECTED,)
    assert parse_markdown("\n".join(_Writer().block(EXPECTED))) == (EXPECTED,)
    odd = Chart((Text("A | B *c*"),), "Who", ("a | b", "`x`", "1. y"), ("s",), ("#000000",), ((1,), (0,), (2,)))
    assert parse_markdown("\n".join(_Writer().block(odd))) == (odd,)


def test_plain_text_gives_the_caption_and_every_count(outputs: dict[str, bytes]):
    text = outputs["txt"].decode()
    part = text[text.index(CAPTION) : text.index("After the chart.")]

    for name, row in COUNTS.items():
        block = part[part.index(f"Group: {name}") :]
        assert [f"{s}: {n}" for s, n in zip(SERIES, row, strict=True)] == block.split("\n")[1 : 1 + len(SERIES)]


def test_the_numbers_table_is_the_chart_table_as_written():
    table = numbers_table(EXPECTED)

    assert isinstance(table, Table) and table.align == ("", *["right"] * len(SERIES))
    assert [[plain_text(c) for c in row] for row in (table.header, *table.rows)] == _expected_rows()
    assert isinstance(parse_markdown("x")[0], Paragraph)


# ---------------------------------------------------------------- helpers


def _expected_rows() -> list[list[str]]:
    return [["Group", *SERIES], *([name, *map(str, row)] for name, row in COUNTS.items())]


def _html_rows(markup: str) -> list[list[str]]:
    """The rows of the first table in `markup`, as cell texts."""
    table = markup[markup.index("<table") : markup.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def _elements(kids) -> list:
    """Every structure element under `kids`, depth first."""
    found = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found.extend(_elements(kid.get("/K", pikepdf.Array())))
    return found


def _filled_rects(page) -> list[tuple[float, float, float, float, str]]:
    """(x, y, width, height, fill #RRGGBB) of every filled rectangle drawn on the page (reportlab's `re f`)."""
    fill, pending, found = "#000000", [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "rg":
            fill = "#" + "".join(f"{round(float(v) * 255):02X}" for v in operands)
        elif op == "re":
            pending.append(tuple(float(v) for v in operands))
        elif op in ("f", "f*", "B", "b"):
            found.extend((*r, fill) for r in pending)
            pending = []
        elif op in ("n", "S"):
            pending = []
    return found


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


# ---------------------------------------------------------------- the checkers nobody here wrote


@pytest.mark.checkers
@pytest.mark.slow
def test_the_accessibility_checkers_find_nothing_wrong_with_a_chart(outputs: dict[str, bytes], tmp_path: Path):
    from checkers import axe_violations, outloud_findings, vnu_errors

    for name, key in (("chart.pdf", "pdf"), ("chart.html", "html"), ("chart.mail.html", "mail")):
        (tmp_path / name).write_bytes(outputs[key])
    pages = [tmp_path / "chart.html", tmp_path / "chart.mail.html"]

    assert outloud_findings(tmp_path / "chart.pdf") == ([], Counter())
    assert {name: found for name, found in vnu_errors(pages).items() if found} == {}
    assert {name: found for name, found in axe_violations(pages).items() if found} == {}


@pytest.mark.checkers
@pytest.mark.slow
def test_libreoffice_exports_the_docx_chart_as_a_figure_with_its_alt(outputs: dict[str, bytes], tmp_path: Path):
    import subprocess

    from accessibility import pdfua_findings
    from test_checkers import LIBREOFFICE_PDFUA_LEFT, PDFUA_EXPORT

    from conftest import require_program

    (tmp_path / "chart.docx").write_bytes(outputs["docx"])
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    command = [require_program("soffice"), "--headless", profile, "--convert-to", PDFUA_EXPORT, "--outdir"]
    docx = tmp_path / "chart.docx"
    subprocess.run([*command, str(tmp_path), str(docx)], check=True, capture_output=True, timeout=300)
    found = Counter(f.split(":")[0] for f in pdfua_findings((tmp_path / "chart.pdf").read_bytes()))

    assert found - LIBREOFFICE_PDFUA_LEFT == Counter()  # the title band's two, and nothing of the chart's


# ---------------------------------------------------------------- a chart taller than a page

MANY = {f"Actor {i}": (i % 3, 1, i % 2, 0, 1) for i in range(60)}


def test_a_chart_taller_than_a_page_goes_on_between_bars_on_one_scale(tmp_path: Path):
    import docx

    from briefgen.audience import load_audience
    from briefgen.bibliography import load_bibliography
    from briefgen.build import build
    from briefgen.loader import load_brief

    roots = audience_with_chart(tmp_path, chart_markdown(MANY))
    refs = load_bibliography(ROOT / "references.bib")
    made = {
        o.format: o.data
        for o in build(load_brief(SAMPLE, keys=refs), [load_audience("chartdemo", roots)], ["pdf", "docx"], roots, refs)
    }
    whole = Chart((Text(CAPTION),), "Group", tuple(MANY), SERIES, COLOURS, tuple(MANY.values()))
    drawn = [n for row in MANY.values() for n in row if n]

    with pikepdf.open(io.BytesIO(made["pdf"])) as pdf:
        (figure,) = [e for e in _elements(pdf.Root.StructTreeRoot.K) if e.S == "/Figure"]
        pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        kids = figure.K if isinstance(figure.K, pikepdf.Array) else [figure.K]
        on = sorted({pages[k.Pg.objgen] for k in kids if isinstance(k, pikepdf.Dictionary)} | {pages[figure.Pg.objgen]})
        segments = []
        for page in pdf.pages[on[0] : on[-1] + 1]:
            found = [(x, y, w) for x, y, w, h, fill in _filled_rects(page) if fill in COLOURS and h > 10]
            segments.extend(sorted(found, key=lambda s: (-s[1], s[0])))
    assert str(figure.Alt) == alt_text(whole) and len(on) >= 2  # one Figure, drawn on two pages or more
    per_count = [(w + CHART_SEPARATOR) / n for (_, _, w), n in zip(segments, drawn, strict=True)]
    assert max(per_count) - min(per_count) < 0.01

    document = docx.Document(io.BytesIO(made["docx"]))
    descriptions = [d.get("descr") for d in document.element.body.iter(f"{{{WP}}}docPr")]
    assert len(descriptions) >= 2
    assert "; ".join(d.rstrip(".") for d in descriptions) + "." == alt_text(whole)  # each part its bars, once
